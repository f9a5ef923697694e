"""RMSE vs MAE: what each measures, how a handful of outliers moves them, and why every
regression score needs a baseline next to it.

Run from the repo root: python snippets/skills/evaluation/regression_metrics.py
"""

import numpy as np
import pandas as pd
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
from sklearn.model_selection import train_test_split

# --8<-- [start:rmse-mae]
# Delivery-time style data: minutes = 10 + 2.5 * km + 4 * items + noise.
rng = np.random.default_rng(42)
n = 500
km = rng.uniform(0.5, 12, n)
items = rng.integers(1, 8, n)
minutes = 10 + 2.5 * km + 4 * items + rng.normal(0, 4, n)
X = np.column_stack([km, items])
split = train_test_split(X, minutes, test_size=0.3, random_state=42)
X_train, X_test, y_train, y_test = split

model = LinearRegression().fit(X_train, y_train)
pred = model.predict(X_test)

# MAE: average size of the miss, in minutes. Every minute of error counts the same.
# RMSE: square the misses, average, take the root. Big misses count disproportionately,
# like judging a service by p99 rather than median latency.
errors = y_test - pred
mae_hand = np.mean(np.abs(errors))
rmse_hand = np.sqrt(np.mean(errors**2))
assert np.isclose(mae_hand, mean_absolute_error(y_test, pred))
assert np.isclose(rmse_hand, root_mean_squared_error(y_test, pred))


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    return {
        "MAE": mean_absolute_error(y_true, y_pred),
        "RMSE": root_mean_squared_error(y_true, y_pred),
        "R2": r2_score(y_true, y_pred),
    }


# Baselines: always predict the training mean (or median). A model that cannot beat
# these has learned nothing - the ML version of checking a cache hit rate against zero.
mean_model = DummyRegressor(strategy="mean").fit(X_train, y_train)
median_model = DummyRegressor(strategy="median").fit(X_train, y_train)
mean_baseline, median_baseline = (
    mean_model.predict(X_test),
    median_model.predict(X_test),
)

# Now corrupt 5 of the 150 test targets: orders that sat 2 hours in a stuck queue.
y_outliers = y_test.copy()
y_outliers[:5] += 120

rows = {
    "model, clean test set": scores(y_test, pred),
    "model, 5 outliers in test": scores(y_outliers, pred),
    "mean baseline, clean": scores(y_test, mean_baseline),
    "median baseline, clean": scores(y_test, median_baseline),
}
table = pd.DataFrame(rows).T  # R2 of the mean baseline is ~0 by definition
print(table.to_string(float_format=lambda v: f"{v:.2f}"))

clean, dirty = rows["model, clean test set"], rows["model, 5 outliers in test"]
print(f"\n5 bad rows out of {len(y_test)} ({5 / len(y_test):.1%} of the data):")
print(f"  MAE  rises x{dirty['MAE'] / clean['MAE']:.1f}")
print(f"  RMSE rises x{dirty['RMSE'] / clean['RMSE']:.1f}")
# RMSE is never below MAE; the further above, the more error comes from a few misses.
ratio_clean, ratio_dirty = clean["RMSE"] / clean["MAE"], dirty["RMSE"] / dirty["MAE"]
print(f"RMSE/MAE ratio: clean {ratio_clean:.2f}, with outliers {ratio_dirty:.2f}")

# What the page and the comments say of this output, checked on every build:
assert (
    dirty["RMSE"] / clean["RMSE"] > dirty["MAE"] / clean["MAE"]
)  # big misses weigh more
assert all(r["RMSE"] >= r["MAE"] for r in rows.values())  # RMSE never below MAE
assert abs(rows["mean baseline, clean"]["R2"]) < 0.05  # R2 of the mean is ~0
assert clean["MAE"] < rows["mean baseline, clean"]["MAE"] / 2  # far better than it
# --8<-- [end:rmse-mae]
