"""Imbalanced classification (3% positives, fraud-like): the accuracy trap, class
weights, resampling the training set, and tuning the decision threshold.

Run from the repo root: python snippets/skills/evaluation/imbalanced.py
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.utils import resample

# --8<-- [start:baseline]
# 5,000 "transactions", about 3% fraudulent (label 1).
X, y = make_classification(
    n_samples=5000, n_features=12, n_informative=5, n_redundant=2,
    n_clusters_per_class=1, weights=[0.97], class_sep=0.5, flip_y=0, random_state=42,
)  # fmt: skip
# stratify keeps the 3% rate in both splits; the test set is never resampled or tuned.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y
)

print(
    f"fraud rate: train {y_train.mean():.1%}, test {y_test.mean():.1%} "
    f"({y_test.sum()} frauds among {len(y_test)} test transactions)"
)


def report(name: str, y_true, proba, threshold: float = 0.5) -> None:
    """One line of the metrics that matter for rare events."""
    pred = (proba >= threshold).astype(int)
    print(
        f"{name:28} acc {accuracy_score(y_true, pred):.3f}"
        f"  prec {precision_score(y_true, pred, zero_division=0):.3f}"
        f"  rec {recall_score(y_true, pred):.3f}"
        f"  F1 {f1_score(y_true, pred, zero_division=0):.3f}"
        f"  PR-AUC {average_precision_score(y_true, proba):.3f}"
    )


# The accuracy trap: a "model" that says "not fraud" to everything is 97% accurate and
# catches nothing - like an alert rule that never fires and so never pages anyone.
dummy = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
report("always 'not fraud'", y_test, dummy.predict_proba(X_test)[:, 1])

plain = LogisticRegression().fit(X_train, y_train)
report("logistic regression", y_test, plain.predict_proba(X_test)[:, 1])
# PR-AUC (average precision) summarises precision vs recall over all thresholds. Its
# floor is the positive rate (0.03 here), not 0.5 as for ROC AUC, so it is not
# flattered by the mass of easy negatives.
# --8<-- [end:baseline]

# --8<-- [start:class-weights]
# class_weight="balanced" makes each fraud count ~32x more in the loss (n_neg / n_pos),
# so the model stops ignoring the minority. Same data, one argument.
weights = len(y_train) / (2 * np.bincount(y_train))
print(f"balanced weights: class 0 -> {weights[0]:.2f}, class 1 -> {weights[1]:.2f}")
weighted = LogisticRegression(class_weight="balanced").fit(X_train, y_train)
report("plain", y_test, plain.predict_proba(X_test)[:, 1])
report("class_weight='balanced'", y_test, weighted.predict_proba(X_test)[:, 1])
# Recall jumps, precision drops: more frauds caught, many more false alarms. PR-AUC,
# which ignores the threshold, does not improve (here it drops): re-weighting adds no
# information, it mostly moves the effective threshold - which you can do directly.
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
report("random oversampling", y_test, over.predict_proba(X_test)[:, 1])
report("random undersampling", y_test, under.predict_proba(X_test)[:, 1])
assert len(y_test) == 1500 and y_test.sum() == 45  # test set untouched
# --8<-- [end:resampling]

# --8<-- [start:threshold]
# Often the simplest lever: keep the plain model and move the threshold. Choose it on a
# validation split carved out of the training data, then confirm once on the test set.
# Policy, like an alerting budget: "catch at least 70% of fraud" - then take the highest
# threshold that still does, so analysts see as few false alarms as possible.
X_fit, X_val, y_fit, y_val = train_test_split(
    X_train, y_train, test_size=0.3, random_state=42, stratify=y_train
)
model = LogisticRegression().fit(X_fit, y_fit)
val_proba = model.predict_proba(X_val)[:, 1]
precision, recall, thresholds = precision_recall_curve(y_val, val_proba)
TARGET_RECALL = 0.70
# precision/recall have one more entry than thresholds; drop the last to align them.
meets = recall[:-1] >= TARGET_RECALL
chosen = thresholds[meets].max()
i = np.flatnonzero(thresholds == chosen)[0]
print(
    f"target recall >= {TARGET_RECALL:.0%}: threshold {chosen:.3f} "
    f"(validation precision {precision[i]:.3f}, recall {recall[i]:.3f})"
)

test_proba = model.predict_proba(X_test)[:, 1]
report("threshold 0.5 (default)", y_test, test_proba)
report(f"threshold {chosen:.3f} (tuned)", y_test, test_proba, threshold=chosen)
flagged = int((test_proba >= chosen).sum())
share = flagged / len(y_test)
print(f"\ntuned threshold: {flagged} of {len(y_test)} sent to review ({share:.1%})")
print("that review workload is the on-call budget to agree with the fraud team")
# --8<-- [end:threshold]
