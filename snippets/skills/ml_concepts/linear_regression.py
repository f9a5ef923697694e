"""Linear regression on generated house-price data: fit, evaluate, and read the
coefficients against the true values used to generate the data.

Run from the repo root: python snippets/skills/ml_concepts/linear_regression.py
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split

pd.set_option("display.width", 100)

# --8<-- [start:data]
rng = np.random.default_rng(42)
n = 800
size_m2 = rng.uniform(40, 220, n)
# Rooms follow size (bigger houses have more rooms) - a realistic correlation.
rooms = np.clip(np.round(size_m2 / 35 + rng.normal(0, 0.8, n)), 1, 8)
age_years = rng.uniform(0, 80, n)
distance_km = rng.exponential(8, n)  # most houses near the centre, a long tail far out

# The "true" pricing rule. In real life nobody hands you this; here we know it, so we
# can check whether the model recovers it.
TRUE = {
    "intercept": 60_000,
    "size_m2": 2_400,
    "rooms": 8_000,
    "age_years": -900,
    "distance_km": -3_500,
}
noise = rng.normal(0, 25_000, n)  # everything the features don't capture
price = (
    TRUE["intercept"]
    + TRUE["size_m2"] * size_m2
    + TRUE["rooms"] * rooms
    + TRUE["age_years"] * age_years
    + TRUE["distance_km"] * distance_km
    + noise
)
houses = pd.DataFrame(
    {
        "size_m2": size_m2.round(),
        "rooms": rooms,
        "age_years": age_years.round(),
        "distance_km": distance_km.round(1),
        "price": price.round(-2),
    }
)
print(houses.head().to_string())
print()
print(houses.describe().loc[["mean", "min", "max"]].round(1).to_string())
print(f"\ncorrelation size_m2 vs rooms: {houses['size_m2'].corr(houses['rooms']):.2f}")
# --8<-- [end:data]

# --8<-- [start:fit]
features = ["size_m2", "rooms", "age_years", "distance_km"]
X_train, X_test, y_train, y_test = train_test_split(
    houses[features], houses["price"], test_size=0.25, random_state=42
)
model = LinearRegression().fit(X_train, y_train)

pred = model.predict(X_test)
print(f"train rows: {len(X_train)}, test rows: {len(X_test)}")
print(f"test R^2: {r2_score(y_test, pred):.3f}  (share of price variance explained)")
mae = mean_absolute_error(y_test, pred)
print(f"test MAE: {mae:,.0f}  (typical miss, in currency units)")
# Baseline to beat: always predict the training mean.
baseline = mean_absolute_error(y_test, np.full(len(y_test), y_train.mean()))
print(f"MAE of always predicting the mean: {baseline:,.0f}")
assert mae < baseline / 3  # far better than the baseline
# --8<-- [end:fit]

# --8<-- [start:interpret]
# Each coefficient = change in predicted price for +1 unit of that feature,
# holding the others fixed.
coefs = pd.DataFrame(
    {
        "true": [float(TRUE["intercept"]), *(float(TRUE[f]) for f in features)],
        "learned": [model.intercept_, *model.coef_],
    },
    index=["intercept", *features],
)
coefs["error_%"] = 100 * (coefs["learned"] - coefs["true"]) / coefs["true"].abs()
print(coefs.to_string(float_format=lambda v: f"{v:,.1f}"))
# size and rooms are correlated, so the model struggles to split the credit between
# them: rooms is the least certain coefficient. Correlated inputs make individual
# coefficients unstable even when the predictions are fine.

# What the page says of this output, checked on every build:
errors = coefs["error_%"].abs()
assert errors.idxmax() == "rooms" and errors["rooms"] > 20  # the shaky one
assert (errors.drop("rooms") < 10).all()  # the others recover the formula
assert r2_score(y_test, pred) > 0.95  # while the predictions are good

# Predict for a new listing, then ask a "what if" question.
house = {"size_m2": 120, "rooms": 4, "age_years": 15, "distance_km": 5.0}
new_house = pd.DataFrame([house])
base_price = model.predict(new_house)[0]
bigger_price = model.predict(new_house.assign(size_m2=130))[0]
uplift = bigger_price - base_price
print(f"\npredicted price (120 m^2, 4 rooms, 15 years, 5 km): {base_price:,.0f}")
print(f"same house with +10 m^2: {bigger_price:,.0f} (+{uplift:,.0f} = 10 x size coef)")
assert np.isclose(uplift, 10 * model.coef_[0])
# --8<-- [end:interpret]
