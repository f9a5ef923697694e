"""Gradient boosting: fit a GradientBoostingRegressor, compare with baselines, and watch
the test error tree by tree to see where adding trees stops paying off.

Run from the repo root: python -m snippets.skills.ml_concepts.gradient_boosting
"""

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor

from snippets.skills.evaluation.model_comparison import decide, paired_difference

# --8<-- [start:fit]
# Friedman #1: a non-linear target from 5 real inputs, plus 5 useless ones and noise.
X, y = make_friedman1(n_samples=400, n_features=10, noise=2.0, random_state=42)
split = train_test_split(X, y, test_size=0.33, random_state=42)
X_train, X_test, y_train, y_test = split

# Boosting builds small trees one after another; each new tree is fitted to the errors
# (residuals) the ensemble still makes. learning_rate scales each tree's contribution.
gbr = GradientBoostingRegressor(
    n_estimators=200, learning_rate=0.1, max_depth=3, random_state=42
).fit(X_train, y_train)

# Always compare with something simple: a "model" that predicts the mean, and one tree.
candidates = {
    "predict the mean (DummyRegressor)": DummyRegressor().fit(X_train, y_train),
    "single tree, max_depth=5": DecisionTreeRegressor(max_depth=5, random_state=42).fit(
        X_train, y_train
    ),
    "gradient boosting, 200 trees": gbr,
}
print(f"{'model':36} test RMSE")
for name, model in candidates.items():
    rmse = root_mean_squared_error(y_test, model.predict(X_test))
    print(f"{name:36} {rmse:9.3f}")
print("(the noise we added has sd 2.0 - no model can get far below that)")

# Better than the single tree, or noise? Both scored the same 132 test rows, so compare
# them with a paired interval (model_comparison.py, taught on the evaluation page).
tree = candidates["single tree, max_depth=5"]
gain = paired_difference(
    root_mean_squared_error,
    y_test,
    tree.predict(X_test),
    gbr.predict(X_test),
    name="RMSE",
    higher_is_better=False,
)
print(f"boosting minus single tree: {gain} -> {decide(gain).verdict}")

# What the page says of this output, checked on every build:
assert decide(gain).verdict == "promote"  # boosting beats the tree beyond the noise
# --8<-- [end:fit]


# --8<-- [start:staged]
# staged_predict yields the ensemble's prediction after 1, 2, ... n trees, so one fitted
# model gives the whole error curve - no need to retrain for each size.
def rmse(pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((y_test - pred) ** 2)))


slow_curve = [rmse(p) for p in gbr.staged_predict(X_test)]

# The same model with a big learning rate learns fast, then starts fitting noise.
fast = GradientBoostingRegressor(
    n_estimators=60, learning_rate=0.5, max_depth=3, random_state=42
).fit(X_train, y_train)
fast_curve = [rmse(p) for p in fast.staged_predict(X_test)]

print("trees  test RMSE (lr=0.1)  test RMSE (lr=0.5)")
for n_trees in [1, 5, 10, 25, 50, 60, 75, 100, 150, 200]:
    fast_text = f"{fast_curve[n_trees - 1]:18.3f}" if n_trees <= len(fast_curve) else ""
    print(f"{n_trees:5d}  {slow_curve[n_trees - 1]:18.3f}{fast_text}")

for label, curve in [("lr=0.1", slow_curve), ("lr=0.5", fast_curve)]:
    best = int(np.argmin(curve)) + 1
    # "Good enough" = first size within 1% of the best: more trees = slower inference.
    within_1pct = int(np.argmax(np.array(curve) <= 1.01 * min(curve))) + 1
    print(
        f"{label}: best {min(curve):.3f} at {best} trees; within 1% of best from "
        f"{within_1pct} trees; final {curve[-1]:.3f}"
    )

# In practice let the model stop itself: hold out 15% of the training data and stop when
# 10 more trees bring no improvement - like a circuit breaker on wasted work. The test
# set is still untouched.
early = GradientBoostingRegressor(
    n_estimators=1000,
    learning_rate=0.1,
    max_depth=3,
    validation_fraction=0.15,
    n_iter_no_change=10,
    random_state=42,
).fit(X_train, y_train)
early_rmse = rmse(early.predict(X_test))
n_used = early.n_estimators_
print(f"\nearly stopping used {n_used} of 1000 trees, test RMSE {early_rmse:.3f}")
# It trained on 15% fewer rows, so it is no better than the full 200 trees here: on
# this data its gain is a smaller model found without touching the test set.

# What the page says of this output, checked on every build:
slow_best, fast_best = int(np.argmin(slow_curve)) + 1, int(np.argmin(fast_curve)) + 1
assert 50 <= slow_best <= 100  # lr=0.1: falls for about 70 trees ...
assert slow_curve[-1] - min(slow_curve) < 0.05 * min(slow_curve)  # ... then creeps up
assert fast_best <= 10 and min(fast_curve) > min(slow_curve)  # lr=0.5: early, worse
assert fast_curve[-1] - min(fast_curve) > slow_curve[-1] - min(
    slow_curve
)  # climbs more
assert abs(n_used - slow_best) < 30  # early stopping stops near the turn
assert abs(early_rmse - slow_curve[-1]) < 0.1  # at about the same test error
# --8<-- [end:staged]
