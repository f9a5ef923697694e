"""Bagging vs boosting on the same data: which error each one attacks (variance vs
bias), measured with cross-validation.

Run from the repo root: python -m snippets.skills.ml_concepts.bagging_vs_boosting
"""

from sklearn.datasets import make_classification
from sklearn.ensemble import (
    AdaBoostClassifier,
    BaggingClassifier,
    GradientBoostingClassifier,
)
from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, cross_validate
from sklearn.tree import DecisionTreeClassifier

from snippets.skills.evaluation.model_comparison import paired_difference

# --8<-- [start:compare]
# 500 rows, 10 features (4 informative), 8% of labels flipped: noisy, like real data.
X, y = make_classification(
    n_samples=500, n_features=10, n_informative=4, n_redundant=2,
    flip_y=0.08, class_sep=0.8, random_state=42,
)  # fmt: skip

# Bias     = error from a model too simple to capture the pattern (underfits: train
#            and test scores both low).
# Variance = error from a model so flexible it learns the noise of its particular
#            training sample (overfits: train score near 1.0, test lower and jumpy).
models = {
    # High variance: an unpruned tree memorises its training rows.
    "deep tree": DecisionTreeClassifier(random_state=42),
    # Bagging: train deep trees on bootstrap resamples IN PARALLEL and let them vote.
    # Each tree is still low-bias; averaging independent mistakes cancels variance
    # (like reading from several replicas and taking the majority answer).
    "bagging (10 deep trees)": BaggingClassifier(
        DecisionTreeClassifier(), n_estimators=10, random_state=42
    ),
    # High bias: a one-split "stump" is far too simple on its own.
    "stump (depth 1)": DecisionTreeClassifier(max_depth=1, random_state=42),
    # Boosting: train weak models IN SEQUENCE, each focusing on what the previous ones
    # got wrong. Adding simple models one by one reduces bias.
    "AdaBoost (15 stumps)": AdaBoostClassifier(
        DecisionTreeClassifier(max_depth=1), n_estimators=15, random_state=42
    ),
    "gradient boosting (20 x depth 2)": GradientBoostingClassifier(
        n_estimators=20, max_depth=2, learning_rate=0.3, random_state=42
    ),
}

# Same 5 folds for every model, so differences come from the models, not the split.
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
print(f"{'model':33} train_acc  cv_acc  cv_std")
results, gap, trained = {}, {}, {}
for name, model in models.items():
    scores = cross_validate(model, X, y, cv=folds, return_train_score=True)
    train, test = scores["train_score"].mean(), scores["test_score"].mean()
    results[name] = test
    gap[name], trained[name] = train - test, train
    print(f"{name:33} {train:9.3f}  {test:6.3f}  {scores['test_score'].std():6.3f}")
# Reading the table: train_acc far above cv_acc = variance (overfitting); both low =
# bias. cv_std is how much the score moves from fold to fold - report it next to the
# mean, like a p95 next to an average latency.

# Is each ensemble really better than its base model, or is it noise? Every row is
# predicted once by a model that did not train on it (out-of-fold, same folds), so both
# models score the same 500 rows: compare them with a paired interval
# (model_comparison.py, taught on the evaluation page).
print("\nensemble minus its base model, out-of-fold on the same 500 rows:")
gains = {}
for base, ensemble in [
    ("deep tree", "bagging (10 deep trees)"),
    ("stump (depth 1)", "AdaBoost (15 stumps)"),
]:
    base_pred = cross_val_predict(models[base], X, y, cv=folds)
    ensemble_pred = cross_val_predict(models[ensemble], X, y, cv=folds)
    gains[ensemble] = paired_difference(
        accuracy_score, y, base_pred, ensemble_pred, name="accuracy"
    )
    print(f"  {ensemble} vs {base}: {gains[ensemble]}")

# What the page says of this output, checked on every build: bagging rescues the deep
# tree (smaller train-CV gap, higher CV accuracy), boosting lifts the stump.
assert gap["bagging (10 deep trees)"] < gap["deep tree"]
assert gains["bagging (10 deep trees)"].low > 0
assert gains["AdaBoost (15 stumps)"].low > 0
assert trained["AdaBoost (15 stumps)"] > trained["stump (depth 1)"] + 0.05  # less bias
# --8<-- [end:compare]
