"""Imbalanced classification (3% positives, fraud-like): the accuracy trap, class
weights, resampling the training set, and tuning the decision threshold, all trained on
the same rows and compared on the same test rows with paired intervals.

Run from the repo root: python -m snippets.skills.evaluation.imbalanced
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.utils import resample

from snippets.skills.evaluation.model_comparison import decide, paired_difference

# --8<-- [start:baseline]
# 5,000 "transactions", about 3% fraudulent (label 1).
X, y = make_classification(
    n_samples=5000, n_features=12, n_informative=5, n_redundant=2,
    n_clusters_per_class=1, weights=[0.97], class_sep=0.5, flip_y=0, random_state=42,
)  # fmt: skip
# stratify keeps the 3% rate in every split. The test set is never resampled or tuned;
# the validation rows are kept aside to choose a threshold later. Every model below
# trains on the same X_train rows, so their rows on the test set compare like for like.
X_dev, X_test, y_dev, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y
)
X_train, X_val, y_train, y_val = train_test_split(
    X_dev, y_dev, test_size=0.3, random_state=42, stratify=y_dev
)
for name, labels in [("train", y_train), ("validation", y_val), ("test", y_test)]:
    print(
        f"{name:10} {len(labels):5} rows, {labels.sum():3} frauds ({labels.mean():.1%})"
    )


# precision_score and recall_score in a few lines of NumPy (same definitions): fast
# enough to recompute 1,000 times in the bootstrap intervals further down.
def precision(y_true, pred) -> float:
    flagged = pred.sum()
    return float((pred & y_true).sum() / flagged) if flagged else 0.0


def recall(y_true, pred) -> float:
    return float((pred & y_true).sum() / y_true.sum())


def report(name: str, y_true, proba, threshold: float = 0.5) -> np.ndarray:
    """One line of the metrics that matter for rare events; returns the 0/1 decisions."""
    pred = (proba >= threshold).astype(int)
    p, r = precision(y_true, pred), recall(y_true, pred)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(
        f"{name:28} acc {np.mean(pred == y_true):.3f}  prec {p:.3f}  rec {r:.3f}"
        f"  F1 {f1:.3f}  PR-AUC {average_precision_score(y_true, proba):.3f}"
    )
    return pred


# The accuracy trap: a "model" that says "not fraud" to everything is 97% accurate and
# catches nothing - like an alert rule that never fires and so never pages anyone.
dummy = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
report("always 'not fraud'", y_test, dummy.predict_proba(X_test)[:, 1])

plain = LogisticRegression().fit(X_train, y_train)
plain_proba = plain.predict_proba(X_test)[:, 1]
plain_pred = report("logistic regression", y_test, plain_proba)
plain_pr_auc = average_precision_score(y_test, plain_proba)
assert precision(y_test, plain_pred) == precision_score(y_test, plain_pred)
assert recall(y_test, plain_pred) == recall_score(y_test, plain_pred)
# PR-AUC (average precision) summarises precision vs recall over all thresholds. Its
# floor is the positive rate (0.03 here), not 0.5 as for ROC AUC, so it is not
# flattered by the mass of easy negatives.

# What the page says of this output, checked on every build:
dummy_accuracy = np.mean(y_test == 0)
assert round(dummy_accuracy, 2) == 0.97  # "never" scores an accuracy of 0.97
assert np.mean(plain_pred == y_test) - dummy_accuracy < 0.01  # adds less than 0.01
assert recall(y_test, plain_pred) < 0.5  # and misses most frauds at 0.5
# --8<-- [end:baseline]

# --8<-- [start:class-weights]
# class_weight="balanced" weights each class by n_rows / (2 * n_class_rows), so each
# fraud counts about 32x as much as a normal row in the loss. Same data, one argument.
weights = len(y_train) / (2 * np.bincount(y_train))
print(f"balanced weights: class 0 -> {weights[0]:.2f}, class 1 -> {weights[1]:.2f}")
weighted = LogisticRegression(class_weight="balanced").fit(X_train, y_train)
weighted_proba = weighted.predict_proba(X_test)[:, 1]
report("plain", y_test, plain_proba)
weighted_pred = report("class_weight='balanced'", y_test, weighted_proba)
# Recall jumps, precision drops: more frauds caught, many more false alarms. Weighting
# is not just a threshold move: it refits the model, so the ranking of the rows changes
# and PR-AUC, which ignores the threshold, moves too. Real, or noise? Pair the two
# models on the same test rows (model_comparison.py, taught on the evaluation page):
pr_auc_change = paired_difference(
    average_precision_score, y_test, plain_proba, weighted_proba, name="PR-AUC"
)
print(pr_auc_change)
print(f"weighted instead of plain, judged on ranking: {decide(pr_auc_change)}")

# What the page says of this output, checked on every build:
assert recall(y_test, weighted_pred) > recall(y_test, plain_pred)
assert precision(y_test, weighted_pred) < precision(y_test, plain_pred)
assert round(pr_auc_change.estimate, 2) == -0.16  # PR-AUC fell by about 0.16
assert pr_auc_change.high < 0  # the whole paired interval is below zero
# --8<-- [end:class-weights]

# --8<-- [start:resampling]
# Resample the TRAINING set only. Resampling the test set would change the question the
# metrics answer - like load-testing with traffic that looks nothing like production.
majority, minority = X_train[y_train == 0], X_train[y_train == 1]

# Oversampling: draw minority rows with replacement until the classes are equal.
minority_up = resample(minority, replace=True, n_samples=len(majority), random_state=42)
X_over = np.vstack([majority, minority_up])
y_over = np.array([0] * len(majority) + [1] * len(minority_up))

# Undersampling: keep a random subset of the majority the size of the minority.
n_min = len(minority)
majority_down = resample(majority, replace=False, n_samples=n_min, random_state=42)
X_under = np.vstack([majority_down, minority])
y_under = np.array([0] * len(majority_down) + [1] * len(minority))

print(f"original train:  {np.bincount(y_train)} (neg, pos)")
print(f"oversampled:     {np.bincount(y_over)}")
dropped = len(majority) - len(minority)
print(f"undersampled:    {np.bincount(y_under)}  <- throws away {dropped} rows")
over = LogisticRegression().fit(X_over, y_over)
under = LogisticRegression().fit(X_under, y_under)
over_pred = report("random oversampling", y_test, over.predict_proba(X_test)[:, 1])
under_pred = report("random undersampling", y_test, under.predict_proba(X_test)[:, 1])
assert len(y_test) == 1500 and y_test.sum() == 45  # test set untouched
# --8<-- [end:resampling]

# --8<-- [start:threshold]
# The simplest lever: keep the plain model and move the threshold. Choose it on the
# validation rows, never on the test set, then confirm once on the test set.
# Policy, like an alerting budget: "catch at least 70% of fraud" - then take the highest
# threshold that still does, so analysts see as few false alarms as possible.
val_proba = plain.predict_proba(X_val)[:, 1]
val_precision, val_recall, thresholds = precision_recall_curve(y_val, val_proba)
TARGET_RECALL = 0.70
# precision/recall have one more entry than thresholds; drop the last to align them.
meets = val_recall[:-1] >= TARGET_RECALL
chosen = thresholds[meets].max()
i = np.flatnonzero(thresholds == chosen)[0]
print(
    f"target recall >= {TARGET_RECALL:.0%}: threshold {chosen:.3f} "
    f"(validation precision {val_precision[i]:.3f}, recall {val_recall[i]:.3f}, "
    f"on {y_val.sum()} frauds)"
)

report("threshold 0.5 (default)", y_test, plain_proba)
tuned_pred = report(f"threshold {chosen:.3f} (tuned)", y_test, plain_proba, chosen)
flagged = int(tuned_pred.sum())
share = flagged / len(y_test)
print(f"\ntuned threshold: {flagged} of {len(y_test)} sent to review ({share:.1%})")
print("that review workload is the on-call budget to agree with the fraud team")

# What the page says of this output, checked on every build:
assert tuned_pred.sum() > plain_pred.sum()  # a lower threshold flags more rows
assert recall(y_test, tuned_pred) > recall(y_test, plain_pred)
# Both rows are the plain model's scores, so they share its PR-AUC: moving a threshold
# changes which rows are flagged, never how the rows are ranked.
assert average_precision_score(y_test, plain_proba) == plain_pr_auc
# --8<-- [end:threshold]

# --8<-- [start:compare]
# The other three against the plain model with the tuned threshold, on the same 1,500
# test rows. Paired intervals: 45 frauds is few, so a recall gap must be large to count.
approaches = {
    "class_weight='balanced'": weighted_pred,
    "random oversampling": over_pred,
    "random undersampling": under_pred,
}
changes = {}
for name, pred in approaches.items():
    changes[name] = [
        paired_difference(recall, y_test, tuned_pred, pred, name="recall"),
        paired_difference(precision, y_test, tuned_pred, pred, name="precision"),
    ]
    print(f"{name}, minus the tuned threshold:")
    for d in changes[name]:
        print(f"  {d}")

# What the page says of this output, checked on every build: each of the three catches
# more fraud AND raises more false alarms than the tuned threshold, beyond the noise -
# a different point on the same trade-off, not a better model.
for recall_change, precision_change in changes.values():
    assert recall_change.low > 0 and precision_change.high < 0
# --8<-- [end:compare]
