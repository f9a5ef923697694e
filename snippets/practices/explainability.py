# /// snippet
# timeout = 40
# ///
"""Permutation importance and partial dependence with sklearn.inspection, and three
ways they mislead: training rows, correlated features, impossible combinations."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.inspection import (
    PartialDependenceDisplay,
    partial_dependence,
    permutation_importance,
)
from sklearn.model_selection import train_test_split

# --8<-- [start:importance]
# Flat prices (in thousands): floor area and rooms drive the price (and are strongly
# correlated, as in real listings), distance to the centre lowers it, and
# "listing_id_digit" is pure noise that a flexible model can still memorise.
rng = np.random.default_rng(7)
n = 3_000
area = rng.gamma(6.0, 12.0, n)  # square metres
rooms = np.clip(np.round(area / 25 + rng.normal(0, 0.5, n)), 1, None)
distance = rng.uniform(0.5, 20, n)  # km to the centre
noise_digit = rng.integers(0, 10, n)
price = 3.2 * area + 8 * rooms - 15 * np.log(distance) + rng.normal(0, 25, n)
X = pd.DataFrame(
    {
        "area_m2": area,
        "rooms": rooms,
        "distance_km": distance,
        "listing_id_digit": noise_digit,
    }
)
X_train, X_test, y_train, y_test = train_test_split(
    X, price, test_size=0.3, random_state=0
)
forest = RandomForestRegressor(n_estimators=60, random_state=0, n_jobs=1)
forest.fit(X_train, y_train)


def importances(model, X, y) -> pd.Series:
    """Mean drop in R² when one column is shuffled, over five shuffles."""
    result = permutation_importance(model, X, y, n_repeats=5, random_state=0)
    return pd.Series(result.importances_mean, index=X.columns)


table = pd.DataFrame(
    {
        "on training rows": importances(forest, X_train, y_train),
        "on held-out rows": importances(forest, X_test, y_test),
    }
)
print(table.round(3))

# What the page says of this output, checked on every build:
noise = table.loc["listing_id_digit"]
assert noise["on training rows"] > 3 * abs(noise["on held-out rows"])  # memorised
assert abs(noise["on held-out rows"]) < 0.005  # and useless on new rows
assert table["on held-out rows"].idxmax() == "area_m2"
# rooms carries price in the formula, but area already says most of it: near zero
assert table.loc["rooms", "on held-out rows"] < 0.01
# --8<-- [end:importance]


# --8<-- [start:correlated]
# Add a near-copy of floor area (the same flat measured by a second data source)
# and refit. The model can now use either column, so shuffling one of them costs
# little: the other still carries the information.
X_dup = X.assign(area_m2_survey=area * rng.normal(1, 0.02, n))
Xd_train, Xd_test = X_dup.loc[X_train.index], X_dup.loc[X_test.index]
forest_dup = RandomForestRegressor(n_estimators=60, random_state=0, n_jobs=1)
forest_dup.fit(Xd_train, y_train)
split = importances(forest_dup, Xd_test, y_test)
print(split.round(3))
before = table.loc["area_m2", "on held-out rows"]
print(
    f"area importance alone {before:.3f}; with its near-copy "
    f"{split['area_m2']:.3f} + {split['area_m2_survey']:.3f}"
)

# What the page says of this output, checked on every build:
assert split["area_m2"] < before / 2  # the same information now looks minor ...
assert split["area_m2"] + split["area_m2_survey"] < before  # ... even added up
# --8<-- [end:correlated]


# --8<-- [start:partial-dependence]
# Partial dependence of price on rooms: for each grid value, set EVERY flat's rooms
# to it and average the predictions. A 30 m² studio with six rooms does not exist,
# yet it is in the average.
pd_result = partial_dependence(
    forest, X_test, ["rooms"], custom_values={"rooms": [1, 2, 3, 4, 5, 6]}
)
grid = pd_result["grid_values"][0]
print("rooms grid:", grid.tolist())
print("average predicted price:", pd_result["average"][0].round(1).tolist())

area_per_room = X["area_m2"] / X["rooms"]
low, high = area_per_room.quantile([0.01, 0.99])
synthetic = np.outer(X_test["area_m2"], 1 / grid)  # area per room, every (row, grid)
impossible = float(np.mean((synthetic < low) | (synthetic > high)))
print(
    f"seen area per room: {low:.1f} to {high:.1f} m2 (1st to 99th percentile); "
    f"{impossible:.0%} of the (flat, rooms) pairs averaged fall outside it"
)

fig, ax = plt.subplots(figsize=(6, 3.5))
PartialDependenceDisplay.from_estimator(
    forest, X_test, ["rooms"], kind="both", subsample=80, random_state=0, ax=ax
)
ax.set_title("Partial dependence of predicted price on rooms (with 80 ICE lines)")
plt.tight_layout()
plt.show()

# What the page says of this output, checked on every build:
assert impossible > 0.3  # a large share of the average is flats that cannot exist
assert (synthetic < low).any() and (synthetic > high).any()  # cramped and palatial
# --8<-- [end:partial-dependence]
