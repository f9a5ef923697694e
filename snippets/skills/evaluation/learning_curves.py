"""Learning curves (score vs amount of training data) and validation curves (score vs
model complexity) for diagnosing underfitting and overfitting.

Run from the repo root: python snippets/skills/evaluation/learning_curves.py
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import StratifiedKFold, learning_curve, validation_curve
from sklearn.tree import DecisionTreeClassifier

# --8<-- [start:learning-curve]
# Two interleaved half-moons with overlapping noise: 800 rows, 2 features. The boundary
# is curved, so a model needs some (but not unlimited) flexibility.
X, y = make_moons(n_samples=800, noise=0.3, random_state=42)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)

# Train on growing subsets and score on held-out folds. Two models:
#   depth-1 tree   -> too simple (high bias): one straight cut; more data won't help.
#   unlimited tree -> too flexible (high variance): it grows until every leaf is pure,
#                     so it scores 1.0 on its training rows at any size. The classes
#                     overlap, so no model scores 1.0 on unseen rows: more rows cannot
#                     close that gap.
models = {
    "depth-1 tree (underfits)": DecisionTreeClassifier(max_depth=1, random_state=42),
    "unlimited tree (overfits)": DecisionTreeClassifier(random_state=42),
}
fractions = np.array([0.1, 0.3, 0.6, 1.0])
curves, fold_scores = {}, {}
fig, axes = plt.subplots(1, 2, figsize=(8, 3.4), sharey=True)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    sizes, train_scores, val_scores = learning_curve(
        model, X, y, train_sizes=fractions, cv=cv, scoring="accuracy"
    )
    train_mean, val_mean = train_scores.mean(axis=1), val_scores.mean(axis=1)
    curves[name] = train_mean, val_mean
    fold_scores[name] = val_scores  # one row per size, one column per validation fold
    print(f"{name}\n  rows   train    val    gap")
    for n, tr, va in zip(sizes, train_mean, val_mean, strict=True):
        print(f"  {n:4d}  {tr:6.3f}  {va:6.3f}  {tr - va:5.3f}")
    ax.plot(sizes, train_mean, marker="o", label="training score")
    ax.plot(sizes, val_mean, marker="o", label="validation score")
    ax.fill_between(
        sizes,
        val_mean - val_scores.std(axis=1),
        val_mean + val_scores.std(axis=1),
        alpha=0.2,
        color="tab:orange",
    )
    ax.set(title=name, xlabel="training rows", ylabel="accuracy")
axes[0].legend(loc="lower right", fontsize=8)
fig.suptitle("Learning curves")
fig.tight_layout()
plt.show()
# Reading it: both lines low and close together -> get a better model or features,
# not more data. A big gap that is still closing -> more data (or regularisation).
# Is the unlimited tree's validation score still moving? Every size is scored on the
# same five validation folds, so compare the last two sizes fold by fold:
deep_folds = fold_scores["unlimited tree (overfits)"]
last_step = deep_folds[-1] - deep_folds[-2]
step_se = last_step.std(ddof=1) / np.sqrt(len(last_step))
print(f"unlimited tree, {sizes[-2]} -> {sizes[-1]} rows, validation change per fold:")
print(f"  {np.round(last_step, 3)}, mean {last_step.mean():+.3f} (SE {step_se:.3f})")

# What the page says of this output, checked on every build:
stump_train, stump_val = curves["depth-1 tree (underfits)"]
# the curves meet: the training score, which more rows only pull down towards the
# validation score, leaves less than 0.02 for more rows to add
assert stump_train[-1] - stump_val[-1] < 0.02
assert (np.diff(stump_train) < 0).all()  # more rows pull the training score down
deep_train, deep_val = curves["unlimited tree (overfits)"]
assert (deep_train == 1.0).all()  # 1.0 on its training rows at every size
assert (deep_train - deep_val > 0.1).all()  # a gap above 0.1 at every size
# the last step is within two standard errors of zero: no trend either way
assert round(last_step.mean(), 3) == -0.016 and round(step_se, 3) == 0.012
assert abs(last_step.mean()) < 2 * step_se
# --8<-- [end:learning-curve]

# --8<-- [start:validation-curve]
# Same data, one model: vary one complexity knob (max_depth), cross-validate each.
depths = np.array([1, 2, 3, 4, 6, 8, 12])
train_scores, val_scores = validation_curve(
    DecisionTreeClassifier(random_state=42),
    X,
    y,
    param_name="max_depth",
    param_range=depths,
    cv=cv,
    scoring="accuracy",
)
train_mean, val_mean = train_scores.mean(axis=1), val_scores.mean(axis=1)
best = depths[int(np.argmax(val_mean))]

print("depth  train    val")
for d, tr, va in zip(depths, train_mean, val_mean, strict=True):
    marker = "  <- best validation" if d == best else ""
    print(f"{d:5d}  {tr:5.3f}  {va:5.3f}{marker}")
print("left of the best depth: underfitting; right of it: overfitting")
# Depths 2 to 4 score within 0.002 of each other. All depths are scored on the same
# folds, so compare them fold by fold: the spread of the per-fold differences, not of
# the scores, is the noise that matters for a paired comparison.
fold_rows = len(y) // cv.get_n_splits()  # 160 validation rows per fold
for d in (3, 4):
    per_fold = val_scores[depths == d][0] - val_scores[depths == 2][0]
    rows = np.round(per_fold * fold_rows).astype(int)
    print(f"depth {d} minus depth 2, per fold, in validation rows: {rows}")

# What the page says of this output, checked on every build:
near_best = depths[val_mean >= val_mean.max() - 0.005]
assert list(near_best) == [2, 3, 4]  # a plateau, not a single winner
per_fold_gaps = (val_scores[2:4] - val_scores[1]) * fold_rows  # depths 3, 4 vs 2
assert np.abs(per_fold_gaps).max() <= 1 + 1e-9  # no fold differs by more than one row
differing_folds = np.round(per_fold_gaps).any(axis=0)
assert differing_folds.sum() == 1  # and only one fold of five differs at all
assert np.round(per_fold_gaps[:, differing_folds]).ravel().tolist() == [-1, -1]  # fewer
assert train_mean[1] - val_mean[1] < 0.01  # depth 2: the gap is closed
assert val_mean[0] < val_mean.max() - 0.05  # depth 1 underfits
assert (
    val_mean[-1] < val_mean.max() - 0.03 and train_mean[-1] > 0.99
)  # depth 12 overfits

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(depths, train_mean, marker="o", label="training score")
ax.plot(depths, val_mean, marker="o", label="validation score")
ax.axvline(best, color="grey", linestyle="--", label=f"best depth = {best}")
ax.set(title="Validation curve: tree depth", xlabel="max_depth", ylabel="accuracy")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
# --8<-- [end:validation-curve]
