"""Classification metrics from the confusion matrix up: precision, recall and F1 by hand
and via scikit-learn (asserted equal), then ROC AUC and what it means.

Run from the repo root: python -m snippets.skills.evaluation.classification_metrics
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snippets.skills.evaluation.model_comparison import paired_difference

# --8<-- [start:confusion-matrix]
# Breast cancer data bundled with scikit-learn: 569 tumours, 30 measurements each.
# In the raw data 0 = malignant; flip it so that 1 = "positive" = malignant, the case we
# must not miss.
data = load_breast_cancer()
X, y = data.data, (data.target == 0).astype(int)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y
)
# A deliberately limited model - only 2 of the 30 measurements - so that errors show up.
two = [list(data.feature_names).index(f) for f in ["mean radius", "mean texture"]]
model = make_pipeline(StandardScaler(), LogisticRegression())
model.fit(X_train[:, two], y_train)
proba = model.predict_proba(X_test[:, two])[:, 1]  # P(malignant) for each test case
pred = (proba >= 0.5).astype(int)

# Rows = what really happened, columns = what the model said. labels=[1, 0] puts the
# positive class first, matching the usual TP/FN/FP/TN layout.
cm = confusion_matrix(y_test, pred, labels=[1, 0])
table = pd.DataFrame(
    cm,
    index=["actual malignant", "actual benign"],
    columns=["predicted malignant", "predicted benign"],
)
print(table.to_string())
(tp, fn), (fp, tn) = cm
print(f"\nTP={tp} (caught)  FN={fn} (missed!)  FP={fp} (false alarm)  TN={tn}")
print(f"test cases: {len(y_test)}, of which malignant: {int(y_test.sum())}")
accuracy, all_benign = (tp + tn) / cm.sum(), (fp + tn) / cm.sum()
print(f"accuracy: {accuracy:.3f}  (always answering 'benign': {all_benign:.3f})")
# Accuracy hides WHICH mistakes are made; here 15 missed tumours cost far more than
# 3 false alarms. The metrics below separate the two kinds of error.
assert (fn, fp) == (15, 3)  # the counts this comment quotes
# --8<-- [end:confusion-matrix]

# --8<-- [start:precision-recall-f1]
# Precision: of the alerts raised, how many were real?   TP / (TP + FP)
# Recall:    of the real cases, how many did we catch?   TP / (TP + FN)
# F1:        harmonic mean of the two; low if either is low.
# Backend analogy: precision = share of pages to on-call that were real incidents;
# recall = share of real incidents that paged someone.
precision = tp / (tp + fp)
recall = tp / (tp + fn)
f1 = 2 * precision * recall / (precision + recall)

by_sklearn = {
    "precision": precision_score(y_test, pred),
    "recall": recall_score(y_test, pred),
    "f1": f1_score(y_test, pred),
}
by_hand = {"precision": precision, "recall": recall, "f1": f1}
print("metric     by hand  sklearn")
for name in by_hand:
    print(f"{name:9}  {by_hand[name]:7.3f}  {by_sklearn[name]:7.3f}")
    # The definitions really are this simple:
    assert np.isclose(by_hand[name], by_sklearn[name])

# The 0.5 threshold is a choice, not a law. Lowering it trades precision for recall.
print("\nthreshold  precision  recall     f1")
trade_off = []
for threshold in [0.3, 0.5, 0.7]:
    p = (proba >= threshold).astype(int)
    prec, rec, f1_t = (
        precision_score(y_test, p),
        recall_score(y_test, p),
        f1_score(y_test, p),
    )
    print(f"{threshold:9.1f}  {prec:9.3f}  {rec:6.3f}  {f1_t:5.3f}")
    trade_off.append((prec, rec))

# What the page says of this output, checked on every build: a lower threshold buys
# recall with precision.
precisions, recalls = zip(*trade_off, strict=True)
assert list(precisions) == sorted(precisions) and list(recalls) == sorted(recalls)[::-1]
# --8<-- [end:precision-recall-f1]

# --8<-- [start:roc-auc]
# ROC AUC looks at the scores, not a single threshold: the probability that a randomly
# chosen positive gets a higher score than a randomly chosen negative (0.5 = coin flip).
auc = roc_auc_score(y_test, proba)

# Check that definition by brute force over every (positive, negative) pair.
pos, neg = proba[y_test == 1], proba[y_test == 0]
pairs = pos[:, None] - neg[None, :]
auc_by_hand = (np.sum(pairs > 0) + 0.5 * np.sum(pairs == 0)) / pairs.size
print(f"ROC AUC, 2 features (sklearn):     {auc:.4f}")
print(f"ROC AUC, 2 features (by hand):     {auc_by_hand:.4f}  over {pairs.size} pairs")
assert np.isclose(auc, auc_by_hand)

# A better model for comparison: all 30 features, default regularisation.
strong = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
strong_proba = strong.fit(X_train, y_train).predict_proba(X_test)[:, 1]
print(f"ROC AUC, all 30 features:          {roc_auc_score(y_test, strong_proba):.4f}")
# Better beyond the noise of 171 test rows? Pair them (see model_comparison.py):
gain = paired_difference(roc_auc_score, y_test, proba, strong_proba, name="ROC AUC")
print(f"30 minus 2 features: {gain}")
assert gain.low > 0  # the whole interval above zero: really better

fig, ax = plt.subplots(figsize=(5, 3.8))
for label, scores in [("2 features", proba), ("30 features", strong_proba)]:
    fpr, tpr, _ = roc_curve(y_test, scores)
    ax.plot(fpr, tpr, label=f"{label} (AUC {roc_auc_score(y_test, scores):.3f})")
ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="random (AUC 0.5)")
ax.set(
    title="ROC curve: every threshold at once",
    xlabel="false positive rate (false alarms / all benign)",
    ylabel="true positive rate (recall)",
)
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()
# --8<-- [end:roc-auc]
