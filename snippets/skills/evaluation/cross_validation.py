"""Cross-validation splitters: KFold, StratifiedKFold on imbalanced labels, and
TimeSeriesSplit for data where order matters.

Run from the repo root: python snippets/skills/evaluation/cross_validation.py
"""

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_val_score,
)

# --8<-- [start:kfold]
# K-fold: cut the rows into k parts; each part is the validation set once while the
# model trains on the rest. Like running the test suite on k shards: every row gets
# tested, and you see the spread, not one lucky number.
rows = np.arange(12)
kf = KFold(n_splits=4, shuffle=True, random_state=42)
for fold, (_, val_idx) in enumerate(kf.split(rows), start=1):
    print(f"fold {fold}: validate on rows {sorted(val_idx.tolist())}, train on rest")

# On real data: diabetes progression (442 patients, bundled with scikit-learn).
X, y = load_diabetes(return_X_y=True)
folds = KFold(n_splits=5, shuffle=True, random_state=42)
scores = cross_val_score(Ridge(alpha=1.0), X, y, cv=folds)
print(f"\nRidge R^2 per fold: {np.round(scores, 3).tolist()}")
print(f"mean {scores.mean():.3f} +/- {scores.std():.3f} (report both)")
# One train/test split would have reported just one of these numbers - anywhere between:
print(f"single-split lottery: {scores.min():.3f} .. {scores.max():.3f}")
assert scores.max() - scores.min() > 0.1  # one split could have said either
# --8<-- [end:kfold]

# --8<-- [start:stratified]
# 200 events, 10% positive (e.g. failed payments). Plain KFold can give folds with very
# different positive rates; StratifiedKFold keeps the rate the same in every fold.
rng = np.random.default_rng(42)
y_rare = np.zeros(200, dtype=int)
y_rare[rng.choice(200, size=20, replace=False)] = 1
X_dummy = np.zeros((200, 1))  # splitters only need the row count (and labels)

table, counts = {}, {}
for name, splitter in [
    ("KFold", KFold(5, shuffle=True, random_state=42)),
    ("StratifiedKFold", StratifiedKFold(5, shuffle=True, random_state=42)),
]:
    # Positive rate (and count) in each validation fold.
    table[name] = [
        f"{y_rare[val].mean():5.1%} ({y_rare[val].sum()})"
        for _, val in splitter.split(X_dummy, y_rare)
    ]
    counts[name] = [y_rare[val].sum() for _, val in splitter.split(X_dummy, y_rare)]
print(f"overall positive rate: {y_rare.mean():.1%} ({y_rare.sum()} of {len(y_rare)})")
print(pd.DataFrame(table, index=[f"fold {i}" for i in range(1, 6)]).to_string())
# Plain KFold lets the positive rate swing from fold to fold. With rarer positives (1% of
# these 200 rows is two) a fold can contain none at all; recall on that fold is then
# undefined - a silent hole in your test coverage.

# What the page says of this output, checked on every build:
assert set(counts["StratifiedKFold"]) == {4}  # the same rate in every fold
assert max(counts["KFold"]) - min(counts["KFold"]) >= 4  # plain folds wander
# --8<-- [end:stratified]

# --8<-- [start:time-series]
# 24 months of data in time order. Validation must always come AFTER training: no
# training on March to predict February. TimeSeriesSplit grows the training window.
months = pd.period_range("2023-01", periods=24, freq="M")
tss = TimeSeriesSplit(n_splits=4, test_size=3)
for fold, (train_idx, val_idx) in enumerate(tss.split(months), start=1):
    train_span = f"{months[train_idx[0]]}..{months[train_idx[-1]]}"
    val_span = f"{months[val_idx[0]]}..{months[val_idx[-1]]}"
    print(f"fold {fold}: train {train_span} ({len(train_idx):2d} months) -> {val_span}")
    assert train_idx.max() < val_idx.min()  # never train on the future

# gap leaves a buffer between train and validation, for labels that arrive late
# (e.g. chargebacks that only show up a month after the payment).
print("\nwith gap=1:")
for fold, (train_idx, val_idx) in enumerate(
    TimeSeriesSplit(n_splits=4, test_size=3, gap=1).split(months), start=1
):
    last, skipped = months[train_idx[-1]], months[train_idx[-1] + 1]
    val_span = f"{months[val_idx[0]]}..{months[val_idx[-1]]}"
    print(f"fold {fold}: train ..{last}, skip {skipped}, validate {val_span}")
# --8<-- [end:time-series]
