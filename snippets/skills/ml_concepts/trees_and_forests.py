"""Decision trees vs random forests on a generated churn dataset: how depth changes
the fit, what a tree's rules look like, and which features the forest relies on.

Run from the repo root: python -m snippets.skills.ml_concepts.trees_and_forests
"""

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.tree import DecisionTreeClassifier, export_text

from snippets.skills.evaluation.model_comparison import decide, paired_difference

# --8<-- [start:tree]
# Generated subscription customers. Churn is driven by short tenure, support tickets and
# late payments; "signup_weekday" is pure noise, included to see how models treat it.
rng = np.random.default_rng(42)
n = 1000
customers = pd.DataFrame(
    {
        "tenure_months": rng.integers(1, 61, n),
        "monthly_spend": rng.gamma(4, 12, n).round(2),
        "support_tickets": rng.poisson(1.2, n),
        "late_payments": rng.poisson(0.4, n),
        "signup_weekday": rng.integers(0, 7, n),
    }
)
risk = (
    -1.6
    - 0.1 * customers["tenure_months"]
    + 1.1 * customers["support_tickets"]
    + 1.8 * customers["late_payments"]
    + 0.016 * customers["monthly_spend"]
)
# Noisy labels: a high-risk customer is only more LIKELY to churn, never certain to.
churned = rng.random(n) < 1 / (1 + np.exp(-risk))
X_train, X_test, y_train, y_test = train_test_split(
    customers, churned, test_size=0.3, random_state=42, stratify=churned
)

print(f"churn rate: {churned.mean():.1%} of {n} customers\n")
# Depth is the tree's complexity knob. Shallow trees underfit; unlimited depth memorises
# the training set (train accuracy -> 1.0) and does worse on new customers.
print("max_depth  leaves  train_acc  test_acc")
train_acc, test_acc = [], []
for depth in [1, 2, 3, 5, 8, None]:
    tree = DecisionTreeClassifier(max_depth=depth, random_state=42)
    tree.fit(X_train, y_train)
    train_acc.append(tree.score(X_train, y_train))
    test_acc.append(tree.score(X_test, y_test))
    print(
        f"{depth!s:>9}  {tree.get_n_leaves():6d}  {train_acc[-1]:9.3f}"
        f"  {test_acc[-1]:8.3f}"
    )

# A shallow tree is a readable set of if/else rules - close to code you'd write by hand.
small_tree = DecisionTreeClassifier(max_depth=2, random_state=42).fit(X_train, y_train)
print("\nrules learned by a depth-2 tree:")
rules = export_text(
    small_tree,
    feature_names=list(customers.columns),
    class_names=["stays", "churns"],
    decimals=1,
)
print(rules.rstrip())
# A split can end in two leaves with the same class: it still separates a riskier group
# from a safer one (different churn probabilities), it just doesn't cross the 50% line.

# What the page says of this output, checked on every build:
assert train_acc == sorted(train_acc) and train_acc[-1] == 1.0  # train climbs to 1.0
assert test_acc[-1] < max(test_acc) - 0.03  # while test stalls, then drops
# --8<-- [end:tree]

# --8<-- [start:forest]
# A random forest trains many deep trees, each on a bootstrap sample of rows and a
# random subset of features at each split, then averages their votes. Individual trees
# overfit in different ways; averaging cancels much of that out (like a quorum read).
forest = RandomForestClassifier(
    n_estimators=100, min_samples_leaf=5, random_state=42, n_jobs=1
).fit(X_train, y_train)
deep_tree = DecisionTreeClassifier(random_state=42).fit(X_train, y_train)
# The fair single-tree rival has its depth chosen by cross-validation on the training
# rows. Picking the best depth from the test column above would tune on the test set
# and flatter the tree.
search = GridSearchCV(
    DecisionTreeClassifier(random_state=42), {"max_depth": [1, 2, 3, 5, 8, None]}, cv=5
).fit(X_train, y_train)
tuned_depth = search.best_params_["max_depth"]
tuned_tree = search.best_estimator_
print(f"depth chosen by 5-fold CV on the training rows: {tuned_depth}")
print("test accuracy")
for name, model in [
    ("single unlimited tree", deep_tree),
    (f"single depth-{tuned_depth} tree", tuned_tree),
    ("random forest, 100 trees", forest),
]:
    print(f"  {name:25} {model.score(X_test, y_test):.3f}")

# Is the forest really better, or is it noise? Same 300 test rows for every model, so
# compare with a paired interval (model_comparison.py, on the evaluation page).
forest_pred = forest.predict(X_test)
print("\nforest minus each single tree, on the same test rows:")
versus = {}
for name, tree in [("unlimited tree", deep_tree), ("CV-tuned tree", tuned_tree)]:
    versus[name] = paired_difference(
        accuracy_score, y_test, tree.predict(X_test), forest_pred, name="accuracy"
    )
    print(f"  vs {name}: {versus[name]} -> {decide(versus[name]).verdict}")

# Two views of importance. Impurity-based comes free with training but is computed on
# the training data and flatters features with many distinct values. Permutation
# importance shuffles one column of the test set and measures the accuracy lost.
perm = permutation_importance(forest, X_test, y_test, n_repeats=3, random_state=42)
importance = pd.DataFrame(
    {
        "impurity": forest.feature_importances_,
        "permutation": perm.importances_mean,
    },
    index=customers.columns,
).sort_values("permutation", ascending=False)
print("\nfeature importance:")
print(importance.round(3).to_string())

# What the page says of this output, checked on every build:
assert decide(versus["unlimited tree"]).verdict == "promote"  # beats the deep tree
assert tuned_depth == 3  # "the depth-3 tree", chosen without the test rows
assert decide(versus["CV-tuned tree"]).verdict == "tie"  # not the shallow one
noise = importance.loc["signup_weekday"]
assert abs(noise["permutation"]) < 0.01  # permutation: the noise column counts ~0
assert noise["impurity"] > 0.03  # impurity still credits it
# --8<-- [end:forest]
