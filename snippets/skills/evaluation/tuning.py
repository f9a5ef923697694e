# /// snippet
# timeout = 60
# ///
"""Hyperparameter tuning with cross-validation on a Pipeline: GridSearchCV and
RandomizedSearchCV over four settings, two of which barely matter, with the test set
kept out until the very end.

Run from the repo root: python snippets/skills/evaluation/tuning.py
"""

import numpy as np
import pandas as pd
from scipy.stats import loguniform
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import RobustScaler, StandardScaler
from sklearn.svm import SVC

# --8<-- [start:grid]
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=42, stratify=y
)
# The scaler sits inside the pipeline, so every CV fold refits it on that fold's
# training part only - no leakage from the validation fold.
pipeline = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
cv = StratifiedKFold(n_splits=4, shuffle=True, random_state=42)

# Four settings. Parameter names are "<step>__<param>", addressing a step inside the
# pipeline; "scale" swaps the whole step. Grid search tries every combination:
# 2 x 5 x 5 x 2 = 100 candidates, each fitted once per fold. A fifth setting with
# 3 values would triple that.
param_grid = {
    "scale": [StandardScaler(), RobustScaler()],
    "svc__C": [0.1, 1, 10, 100, 1000],
    "svc__gamma": [0.0001, 0.001, 0.01, 0.1, 1],
    "svc__class_weight": [None, "balanced"],
}
grid = GridSearchCV(pipeline, param_grid, cv=cv, scoring="accuracy")
grid.fit(X_train, y_train)

folds = cv.get_n_splits()
grid_fits = len(grid.cv_results_["params"]) * folds
grid_score = grid.best_score_
grid_spread = grid.cv_results_["std_test_score"][grid.best_index_]
print(f"candidates: {grid_fits // folds}, folds: {folds}, fits: {grid_fits} + 1 refit")
print(f"best CV accuracy: {grid_score:.3f} (fold-to-fold std {grid_spread:.3f})")
print(f"best params: {grid.best_params_}")
# The test set is used once, for the chosen model only. Using it to pick among the 100
# would make this number optimistic again (the leak of tuning on production traffic).
print(f"test accuracy:    {grid.score(X_test, y_test):.3f}")

# Which settings matter? For each value of each setting, the best CV accuracy any
# candidate with that value reached. A wide range = the setting matters.
scores = pd.Series(grid.cv_results_["mean_test_score"])
print("\nbest CV accuracy per value of each setting:")
matters = {}
for name in param_grid:
    values = [str(params[name]) for params in grid.cv_results_["params"]]
    best = scores.groupby(values).max()
    matters[name] = best.max() - best.min()
    values = ", ".join(f"{value} {score:.3f}" for value, score in best.items())
    print(f"  {name:17} range {matters[name]:.3f}   {values}")

# What the page says of this output, checked on every build:
assert grid_fits == 400  # the cost multiplies with each setting added
assert matters["svc__gamma"] > 0.25 and matters["svc__C"] > 0.02  # these two matter
assert matters["scale"] < 0.005 and matters["svc__class_weight"] < 0.005  # these don't
# --8<-- [end:grid]

# --8<-- [start:random]
# Randomized search samples a fixed number of candidates from distributions. Its cost is
# set by n_iter, not by the size of the space - a budget you choose, like a rate limit.
# loguniform: C and gamma matter by orders of magnitude, so sample exponents evenly.
distributions = {
    "scale": [StandardScaler(), RobustScaler()],
    "svc__C": loguniform(1e-1, 1e3),
    "svc__gamma": loguniform(1e-4, 1e0),
    "svc__class_weight": [None, "balanced"],
}


def random_search(seed: int) -> RandomizedSearchCV:
    search = RandomizedSearchCV(
        pipeline, distributions, n_iter=15, cv=cv, scoring="accuracy", random_state=seed
    )
    return search.fit(X_train, y_train)


search = random_search(seed=42)
random_fits = search.n_iter * folds
random_score = search.best_score_
best = search.best_params_
print(f"candidates sampled: {search.n_iter}, fits: {random_fits} + 1 refit")
print(f"best CV accuracy: {random_score:.3f}")
print(
    f"best params: C={best['svc__C']:.3g}, gamma={best['svc__gamma']:.3g}, "
    f"{best['scale']}, class_weight={best['svc__class_weight']}"
)
print(f"test accuracy:    {search.score(X_test, y_test):.3f}")

# The grid spent 100 candidates on 5 values of C and 5 of gamma (the rest repeat them
# with the settings that barely matter); 15 random candidates try 15 values of each.
tried_c = len({round(p["svc__C"], 6) for p in search.cv_results_["params"]})
print(f"\ndistinct C values tried: grid 5 in 100 candidates, random {tried_c} in 15")
gap = grid_score - random_score
print(f"grid vs random: {grid_fits} vs {random_fits} fits, best CV accuracy")
print(f"  {grid_score:.3f} vs {random_score:.3f}, gap {gap:+.3f}")
# Both searches score on the same four folds (same cv object), so the noise in the gap
# is the spread of the per-fold DIFFERENCES, not of either score across folds: a fold
# that is hard for one candidate is hard for the other too.
splits = [f"split{i}_test_score" for i in range(folds)]
grid_folds = np.array([grid.cv_results_[k][grid.best_index_] for k in splits])
random_folds = np.array([search.cv_results_[k][search.best_index_] for k in splits])
fold_gaps = grid_folds - random_folds
fold_rows = np.array([len(test) for _, test in cv.split(X_train, y_train)])
rows_gap = np.round(fold_gaps * fold_rows).astype(int)  # accuracy gap x rows = rows
gap_se = fold_gaps.std(ddof=1) / np.sqrt(folds)
print(f"  per fold, grid minus random, in rows right: {rows_gap}")
print(f"  standard error of the gap from those folds: {gap_se:.3f}")

# One seed could be lucky. Ten other seeds, same budget of 15 candidates:
gaps = [grid_score - random_search(seed).best_score_ for seed in range(10)]
print(f"gap over 10 other seeds: median {np.median(gaps):+.3f}, worst {max(gaps):+.3f}")
# CV accuracy moves in steps of about 0.002 here (one row of one fold), and the grid's
# best is the maximum of 100 noisy scores, so it is itself a little optimistic.

# What the page says of this output, checked on every build:
assert random_fits < grid_fits / 5  # "far fewer trials": under a fifth of the fits
assert tried_c == search.n_iter  # a fresh value of C in every trial
assert gap <= 0.005  # within 0.005 of the grid's best
assert np.abs(rows_gap).max() <= 1  # at most one row either way in each fold
assert rows_gap.min() < 0 < rows_gap.max()  # in both directions
assert gap < gap_se  # less than one standard error of the per-fold differences
assert max(gaps) <= 0.01  # and no seed misses the grid's best by more than 0.01
# --8<-- [end:random]
