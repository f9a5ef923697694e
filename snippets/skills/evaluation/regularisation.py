"""Ridge (L2) and Lasso (L1) regularisation on data with many irrelevant features:
coefficient shrinkage, how many coefficients Lasso sets to zero, and test error.

Run from the repo root: python snippets/skills/evaluation/regularisation.py
"""

import numpy as np
from sklearn.datasets import make_regression
from sklearn.linear_model import Lasso, LassoCV, LinearRegression, Ridge, RidgeCV
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# --8<-- [start:ridge-lasso]
# 160 rows, 60 features, only 5 of which affect the target (noise sd 20). Think of a
# table of 60 logged metrics where only a handful actually drive the outcome.
X, y, true_coef = make_regression(
    n_samples=160, n_features=60, n_informative=5, noise=20, coef=True, random_state=42
)
relevant = {int(i) for i in np.flatnonzero(true_coef)}
split = train_test_split(X, y, test_size=0.4, random_state=42)
X_train, X_test, y_train, y_test = split
print(f"train rows: {len(X_train)}, features: {X.shape[1]}")
print(f"truly relevant features: {sorted(relevant)}")

# Plain least squares: 60 free coefficients for 96 rows -> it fits the noise.
ols = make_pipeline(StandardScaler(), LinearRegression()).fit(X_train, y_train)
print(
    f"OLS  train RMSE {root_mean_squared_error(y_train, ols.predict(X_train)):5.1f}  "
    f"test RMSE {root_mean_squared_error(y_test, ols.predict(X_test)):5.1f}"
)

# Regularisation adds a penalty on coefficient size to the loss:
#   Ridge: alpha * sum(w^2) -> shrinks all coefficients smoothly towards 0
#   Lasso: alpha * sum(|w|) -> pushes many coefficients to exactly 0 (feature selection)
# Penalties compare coefficients across features, so scale the features first.
# ridge_|w| = length of Ridge's coefficient vector: watch it shrink as alpha grows.
print("\n alpha  ridge_test  ridge_|w|  lasso_test  lasso_nonzero  relevant_kept")
lasso_kept = {}
for alpha in [0.01, 0.1, 1, 3, 10, 30, 100]:
    ridge = make_pipeline(StandardScaler(), Ridge(alpha=alpha)).fit(X_train, y_train)
    lasso = make_pipeline(StandardScaler(), Lasso(alpha=alpha, max_iter=10_000))
    lasso.fit(X_train, y_train)
    kept = lasso_kept[alpha] = {int(i) for i in np.flatnonzero(lasso[-1].coef_)}
    print(
        f"{alpha:6g}  {root_mean_squared_error(y_test, ridge.predict(X_test)):10.1f}"
        f"  {np.linalg.norm(ridge[-1].coef_):9.1f}"
        f"  {root_mean_squared_error(y_test, lasso.predict(X_test)):10.1f}"
        f"  {len(kept):13d}  {len(kept & relevant):10d} of 5"
    )
# Too little penalty = OLS again (overfits); too much = all coefficients crushed.

# The table peeks at the test set to compare alphas - fine for a demo, leakage in real
# work. Choose alpha by cross-validation on the training data only:
ridge_cv = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 2, 30)))
lasso_cv = make_pipeline(StandardScaler(), LassoCV(cv=5, max_iter=10_000))
irrelevant = np.flatnonzero(true_coef == 0)  # 55 features that play no part
print(
    "\nmodel    alpha  test_RMSE  irrelevant_nonzero  irrelevant_mean_|w|  relevant_kept"
)
found = {}
for name, model in [("OLS", ols), ("RidgeCV", ridge_cv), ("LassoCV", lasso_cv)]:
    model.fit(X_train, y_train)
    rmse = root_mean_squared_error(y_test, model.predict(X_test))
    coef = model[-1].coef_
    found[name] = noise_kept, noise_size = (
        int(np.sum(coef[irrelevant] != 0)),
        float(np.mean(np.abs(coef[irrelevant]))),
    )
    alpha = f"{model[-1].alpha_:.2f}" if hasattr(model[-1], "alpha_") else "-"
    print(
        f"{name:7} {alpha:>6}  {rmse:9.1f}  {noise_kept:12d} of {len(irrelevant)}"
        f"  {noise_size:19.2f}  {np.sum(coef[sorted(relevant)] != 0):8d} of 5"
    )
# LassoCV picks the alpha with the lowest cross-validated error, not the one that
# selects the right features, so some noise features survive. A larger alpha zeroes
# more of them, until it starts dropping real ones (compare alpha 3 and 10 above).

# What the page says of this output, checked on every build:
n_noise = len(irrelevant)
assert found["RidgeCV"][0] == n_noise  # ridge zeroes none of the irrelevant ...
assert found["RidgeCV"][1] < found["OLS"][1]  # ... but shrinks them
assert n_noise - found["LassoCV"][0] == 34  # lasso zeroes 34 of the 55
assert np.all(lasso_cv[-1].coef_[sorted(relevant)] != 0)  # and keeps the 5 real ones
lasso_cv_kept = 5 + found["LassoCV"][0]
assert relevant <= lasso_kept[3] and len(lasso_kept[3]) < lasso_cv_kept  # alpha 3
assert not relevant <= lasso_kept[10]  # alpha 10 drops a relevant feature
assert len(lasso_kept[0.01]) > 55 and not lasso_kept[100]  # too little, too much
# --8<-- [end:ridge-lasso]
