"""Data leakage: two common ways to get a score that is too good to be true, and fixes.

Run from the repo root: python -m snippets.skills.data.leakage_free_split
"""

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snippets.skills.evaluation.model_comparison import (
    independent_difference,
    paired_difference,
)

# --8<-- [start:leaky]
# Data shared by both sections.
rng = np.random.default_rng(42)

# 1) Pure noise: 200 rows, 2,000 random features, coin-flip labels. No model can truly
#    beat 50% accuracy here, so any higher score is leakage.
X_noise = rng.normal(size=(200, 2000))
y_noise = rng.integers(0, 2, size=200)

# 2) Two years of daily order counts: upward trend, yearly season, quieter weekends.
days = pd.date_range("2023-01-01", periods=730, freq="D")
t = np.arange(len(days))
orders = (
    100
    + 0.15 * t
    + 10 * np.sin(2 * np.pi * t / 365)
    - 15 * (days.day_of_week >= 5)
    + rng.normal(0, 4, len(days))
)
daily = pd.DataFrame(
    {"day_index": t, "day_of_week": days.day_of_week, "orders": orders}, index=days
)

# Leak 1: choose the "best" 20 features using ALL rows, then cross-validate.
# The selector already saw the labels of every validation fold, so it picked features
# that happen to correlate with those labels by chance.
X_selected = SelectKBest(f_classif, k=20).fit_transform(X_noise, y_noise)
leaky_cv = cross_val_score(LogisticRegression(), X_selected, y_noise, cv=5)


def interval(accuracy: float, rows: int) -> tuple[float, float]:
    """95% interval for an accuracy measured on `rows` rows (exact binomial)."""
    ci = binomtest(round(accuracy * rows), rows).proportion_ci(confidence_level=0.95)
    return ci.low, ci.high


leaky_low, leaky_high = interval(leaky_cv.mean(), len(y_noise))
print(
    f"Leak 1 - select features, then CV: accuracy {leaky_cv.mean():.3f} "
    f"(95% CI {leaky_low:.2f}-{leaky_high:.2f})"
)
print("         (on coin-flip labels: anything clearly above 0.5 is leakage)")
assert leaky_low > 0.5  # clearly above a coin flip: the interval excludes 0.5

# Leak 2: a random split on time-ordered data. Training rows from Tuesday and Thursday
# let the model interpolate Wednesday - it gets to peek at the future.
features = ["day_index", "day_of_week"]
X_tr, X_te, y_tr, y_te = train_test_split(
    daily[features], daily["orders"], test_size=0.2, random_state=42
)
forest = RandomForestRegressor(n_estimators=30, random_state=42).fit(X_tr, y_tr)
forest_leaky_pred = forest.predict(X_te)
leaky_mae = mean_absolute_error(y_te, forest_leaky_pred)
print(f"Leak 2 - random split on a time series: MAE {leaky_mae:.1f} orders/day")
# The same trap with preprocessing: fitting a scaler or imputer on all rows lets
# test-set statistics (means, medians) flow into training - smaller effect, same bug.
# --8<-- [end:leaky]

# --8<-- [start:correct]
# Fix 1: every step that learns from data lives inside the Pipeline, so cross-validation
# refits scaler and selector on each training fold only. Backend analogy: a test must
# never read production secrets - the validation fold is production here.
honest_pipeline = make_pipeline(
    StandardScaler(), SelectKBest(f_classif, k=20), LogisticRegression()
)
honest_cv = cross_val_score(honest_pipeline, X_noise, y_noise, cv=5)
honest_low, honest_high = interval(honest_cv.mean(), len(y_noise))
print(
    f"Fix 1 - selection inside the pipeline: CV accuracy {honest_cv.mean():.3f} "
    f"(95% CI {honest_low:.2f}-{honest_high:.2f})"
)

# And keep a final hold-out that is split off first and touched once, at the end.
Xn_tr, Xn_te, yn_tr, yn_te = train_test_split(
    X_noise, y_noise, test_size=0.25, random_state=42, stratify=y_noise
)
holdout = honest_pipeline.fit(Xn_tr, yn_tr).score(Xn_te, yn_te)
holdout_low, holdout_high = interval(holdout, len(yn_te))
print(
    f"         hold-out accuracy: {holdout:.3f} "
    f"(95% CI {holdout_low:.2f}-{holdout_high:.2f}: a coin flip, as it should be)"
)

# Fix 2: split by time. Train on the past, test on the most recent 20% - exactly the
# situation the model faces in production.
split_date = daily.index[int(len(daily) * 0.8)]
train, test = daily[daily.index < split_date], daily[daily.index >= split_date]
print(
    f"\nFix 2 - train {train.index[0]:%Y-%m-%d}..{train.index[-1]:%Y-%m-%d}, "
    f"test {test.index[0]:%Y-%m-%d}..{test.index[-1]:%Y-%m-%d}"
)
forest = RandomForestRegressor(n_estimators=30, random_state=42)
forest.fit(train[features], train["orders"])
forest_pred = forest.predict(test[features])
honest_mae = mean_absolute_error(test["orders"], forest_pred)
print(
    f"  same forest, time split:      MAE {honest_mae:.1f} orders/day "
    f"(the random split promised {leaky_mae:.1f})"
)

# The honest number exposes the real problem: trees cannot extrapolate a trend. Features
# known at prediction time (last week's value, yesterday's value) generalise forward.
lagged = daily.assign(
    lag_1=daily["orders"].shift(1),
    lag_7=daily["orders"].shift(7),
    weekend=(daily["day_of_week"] >= 5).astype(int),
).dropna()
lag_features = ["lag_1", "lag_7", "weekend"]
train, test = lagged[lagged.index < split_date], lagged[lagged.index >= split_date]
ridge = Ridge().fit(train[lag_features], train["orders"])
lag_pred = ridge.predict(test[lag_features])
lag_mae = mean_absolute_error(test["orders"], lag_pred)
print(f"  lag features, time split:     MAE {lag_mae:.1f} orders/day")

# Beyond the noise? The two time-split models score the same test days: pair them.
# The random split scored other days, so compare its errors independently.
lag_gain = paired_difference(
    mean_absolute_error,
    test["orders"],
    forest_pred,
    lag_pred,
    name="MAE",
    higher_is_better=False,
)
print(f"  lag features minus forest:     {lag_gain}")
promised = independent_difference(
    np.mean,
    np.abs(y_te - forest_leaky_pred),
    np.abs(test["orders"] - forest_pred),
    name="MAE",
    higher_is_better=False,
)
print(f"  time split minus random split: {promised}")

# What the pages say of this output, checked on every build:
assert honest_low < 0.5 < honest_high and holdout_low < 0.5 < holdout_high  # chance
assert promised.low > 0  # the time split's error is worse than the random one promised
assert lag_gain.high < 0  # lag features beat the forest on the same days
# --8<-- [end:correct]
