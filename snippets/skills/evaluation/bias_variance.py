"""Bias and variance, measured: fit polynomials of growing degree to many small noisy
training sets drawn from a known curve, and split the test error into bias^2 + variance.

Run from the repo root: python snippets/skills/evaluation/bias_variance.py
"""

import matplotlib.pyplot as plt
import numpy as np
from numpy.polynomial import Polynomial

# --8<-- [start:complexity]
rng = np.random.default_rng(42)
NOISE_SD = 0.3


def true_curve(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * x)


x_test = np.linspace(0, 1, 200)
y_test_clean = true_curve(x_test)

# Because we generate the data, we can draw 200 independent training sets: the same 15
# x positions each time, with fresh noise in y - like re-running one training job on
# 200 different days of data.
degrees = [1, 2, 3, 4, 5, 6, 8, 10, 12, 14]
n_sets, n_train = 200, 15
x = np.linspace(0, 1, n_train)
rows = []
for degree in degrees:
    preds, train_mse = [], []
    for _ in range(n_sets):
        y = true_curve(x) + rng.normal(0, NOISE_SD, n_train)
        # Least-squares fit on x, x^2, ..., x^degree: linear regression on polynomial
        # features (sklearn: make_pipeline(PolynomialFeatures(d), LinearRegression())).
        model = Polynomial.fit(x, y, deg=degree)
        train_mse.append(np.mean((model(x) - y) ** 2))
        preds.append(model(x_test))
    preds = np.array(preds)  # (n_sets, n_test_points)
    # bias^2: how far the AVERAGE model is from the truth (systematic error).
    bias_sq = np.mean((preds.mean(axis=0) - y_test_clean) ** 2)
    # variance: how much individual models scatter around that average (instability).
    variance = np.mean(preds.var(axis=0))
    # Expected error on fresh noisy test points = bias^2 + variance + noise^2.
    test_mse = bias_sq + variance + NOISE_SD**2
    rows.append((degree, np.mean(train_mse), test_mse, bias_sq, variance))

print(f"noise^2 (irreducible error) = {NOISE_SD**2:.3f}\n")
print("degree  train_mse  test_mse   bias^2  variance")
for degree, train, test, b, v in rows:
    print(f"{degree:6d}  {train:9.3f}  {test:8.3f}  {b:7.3f}  {v:8.3f}")
best = min(rows, key=lambda r: r[2])[0]
print(f"\nlowest expected test error at degree {best}")
print("low degree: high bias (too rigid); high degree: high variance (fits noise)")
print("degree 14 through 15 points: training error ~0, test error explodes")

# What the page says of this output, checked on every build:
train_err, test_err = [r[1] for r in rows], [r[2] for r in rows]
assert train_err == sorted(train_err, reverse=True)  # training error keeps falling
assert test_err[0] > 2 * min(test_err) and best == 3  # falls, bottoms out at 3
assert test_err[degrees.index(6) :] == sorted(test_err[degrees.index(6) :])  # climbs
assert train_err[-1] < 0.001 and test_err[-1] > 10  # degree 14: memorised, explodes

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.4))
d = [r[0] for r in rows]
ax1.plot(d, [r[1] for r in rows], marker="o", label="training error")
ax1.plot(d, [r[2] for r in rows], marker="o", label="test error")
ax1.axhline(NOISE_SD**2, color="grey", linestyle=":", label="noise floor")
ax1.set(title="Error vs model complexity", xlabel="polynomial degree", ylabel="MSE")
ax1.set_ylim(0, 0.7)  # degree 14's test error (66) is far off the top of this chart
ax1.legend(fontsize=8)
ax2.plot(d, [r[3] for r in rows], marker="o", label="bias^2")
ax2.plot(d, [r[4] for r in rows], marker="o", label="variance")
ax2.set(title="Where test error comes from", xlabel="polynomial degree", ylabel="MSE")
ax2.set_yscale("log")  # log scale: values span several orders of magnitude
ax2.legend(fontsize=8)
for ax in (ax1, ax2):
    ax.set_xticks(d)
fig.tight_layout()
plt.show()
# --8<-- [end:complexity]
