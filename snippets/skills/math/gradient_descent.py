"""Gradient descent from scratch for linear regression, checked against scikit-learn.

Run from the repo root: python snippets/skills/math/gradient_descent.py
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

# --8<-- [start:from-scratch]
# Synthetic data with known answers: y = 4.0 + 2.5*x1 - 1.5*x2 + noise.
rng = np.random.default_rng(42)
n = 300
X = rng.normal(size=(n, 2))
TRUE_W, TRUE_B = np.array([2.5, -1.5]), 4.0
y = TRUE_B + X @ TRUE_W + rng.normal(0, 0.5, n)


def mse(w: np.ndarray, b: float) -> float:
    return float(np.mean((X @ w + b - y) ** 2))


def gradient_descent(lr: float, steps: int, log_every: int):
    w, b = np.zeros(2), 0.0  # start anywhere; zeros is the usual choice
    losses = []
    for step in range(steps + 1):
        losses.append(mse(w, b))
        if step % log_every == 0:
            weights = f"w=[{w[0]:8.3f} {w[1]:8.3f}]  b={b:8.3f}"
            print(f"  step {step:3d}  loss {losses[-1]:11.4f}  {weights}")
        error = X @ w + b - y  # (n,) residuals
        # Partial derivatives of the mean squared error w.r.t. each parameter.
        grad_w = 2 / n * X.T @ error
        grad_b = 2 / n * error.sum()
        # Step downhill. The learning rate is the step size: a tuning knob, much like a
        # retry back-off factor - too small is slow, too large overshoots.
        w -= lr * grad_w
        b -= lr * grad_b
    return w, b, losses


print("learning rate 0.05:")
w_gd, b_gd, losses = gradient_descent(lr=0.05, steps=150, log_every=25)
# Converged: the last step barely changed the loss (a typical stopping rule).
assert losses[-2] - losses[-1] < 1e-8
assert all(a >= b for a, b in zip(losses, losses[1:], strict=False))  # only ever falls

print("\nlearning rate 1.1 (too large - each step overshoots further):")
_, _, bad_losses = gradient_descent(lr=1.1, steps=20, log_every=5)
assert bad_losses[-1] > 100 * bad_losses[0]  # diverged instead of converging
# --8<-- [end:from-scratch]

# --8<-- [start:compare-sklearn]
# LinearRegression solves the same problem in closed form (least squares): no loop.
# Agreement between the two is an integration test for our hand-written gradient.
ols = LinearRegression().fit(X, y)
comparison = pd.DataFrame(
    {
        "true": [TRUE_B, *TRUE_W],
        "gradient_descent": [b_gd, *w_gd],
        "sklearn": [ols.intercept_, *ols.coef_],
    },
    index=["intercept", "w1", "w2"],
)
comparison["abs_diff"] = (comparison["gradient_descent"] - comparison["sklearn"]).abs()
diff_format = {"abs_diff": "{:.1e}".format}
print(comparison.to_string(formatters=diff_format, float_format="{:.6f}".format))
print(f"\nMSE gradient descent: {mse(w_gd, b_gd):.6f}")
print(f"MSE sklearn:          {mse(ols.coef_, ols.intercept_):.6f}")

assert comparison["abs_diff"].max() < 1e-4
# Both recover the generating parameters up to the noise in the data.
assert np.allclose([ols.intercept_, *ols.coef_], [TRUE_B, *TRUE_W], atol=0.1)
# --8<-- [end:compare-sklearn]
