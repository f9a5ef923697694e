"""Imbalanced classification (3% positives, fraud-like): the accuracy trap, class
weights, resampling the training set, and tuning the decision threshold, all trained on
the same rows and compared on the same test rows, at the same review workload, with
paired intervals.

Run from the repo root: python -m snippets.skills.evaluation.imbalanced
"""

import numpy as np
from scipy.stats import binomtest
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
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
        f"  F1 {f1:.3f}  AP {average_precision_score(y_true, proba):.3f}"
    )
    return pred


# The accuracy trap: a "model" that says "not fraud" to everything is 97% accurate and
# catches nothing - like an alert rule that never fires and so never pages anyone.
dummy = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
report("always 'not fraud'", y_test, dummy.predict_proba(X_test)[:, 1])

plain = LogisticRegression().fit(X_train, y_train)
plain_proba = plain.predict_proba(X_test)[:, 1]
plain_pred = report("logistic regression", y_test, plain_proba)
plain_ap = average_precision_score(y_test, plain_proba)
assert precision(y_test, plain_pred) == precision_score(y_test, plain_pred)
assert recall(y_test, plain_pred) == recall_score(y_test, plain_pred)
# AP (average precision) summarises precision vs recall over all thresholds: the mean
# of the precision at each fraud's rank (close to, but not, the area under the PR
# curve). Its floor is the positive rate (0.03 here), not 0.5 as for ROC AUC, so the
# mass of easy negatives does not flatter it. It is not the score at your threshold.

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
# and AP, a summary over all thresholds, moves too. Real, or noise? Pair the two
# models on the same test rows (model_comparison.py, taught on the evaluation page):
ap_change = paired_difference(
    average_precision_score, y_test, plain_proba, weighted_proba, name="AP"
)
print(ap_change)
print(f"weighted instead of plain, judged on AP: {decide(ap_change)}")

# What the page says of this output, checked on every build:
assert recall(y_test, weighted_pred) > recall(y_test, plain_pred)
assert precision(y_test, weighted_pred) < precision(y_test, plain_pred)
assert round(ap_change.estimate, 2) == -0.16  # AP fell by about 0.16
assert ap_change.high < 0  # the whole paired interval is below zero
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
over_proba = over.predict_proba(X_test)[:, 1]
under_proba = under.predict_proba(X_test)[:, 1]
over_pred = report("random oversampling", y_test, over_proba)
under_pred = report("random undersampling", y_test, under_proba)
assert len(y_test) == 1500 and y_test.sum() == 45  # test set untouched
# --8<-- [end:resampling]

# --8<-- [start:threshold]
# The simplest lever: keep the plain model and move the threshold. Choose it on the
# validation rows, never on the test set, then confirm once on the test set.
# Policy, like an alerting budget: "catch at least 70% of fraud", with the highest
# threshold that does, so analysts see as few false alarms as possible. A recall
# measured on 31 frauds is rough, so "at least 70%" must hold for the lower end of its
# 95% interval (exact binomial, Clopper-Pearson), not just for the point estimate.
TARGET_RECALL = 0.70


def recall_interval(caught: int, frauds: int) -> tuple[float, float]:
    """Exact 95% interval of a recall measured as `caught` out of `frauds`."""
    ci = binomtest(caught, frauds).proportion_ci(confidence_level=0.95)
    return ci.low, ci.high


val_proba = plain.predict_proba(X_val)[:, 1]
# Fraud scores from high to low: a threshold at the k-th one catches k frauds.
fraud_scores = np.sort(val_proba[y_val == 1])[::-1]
n = len(fraud_scores)  # 31 validation frauds
naive = next(k for k in range(1, n + 1) if k / n >= TARGET_RECALL)
caught = next(k for k in range(1, n + 1) if recall_interval(k, n)[0] >= TARGET_RECALL)
for rule, k in [
    ("point estimate >= 70%", naive),
    ("interval's low end >= 70%", caught),
]:
    low, high = recall_interval(k, n)
    print(
        f"{rule:26} threshold {fraud_scores[k - 1]:.3f}: validation recall "
        f"{k}/{n} = {k / n:.2f} (95% CI {low:.2f} to {high:.2f})"
    )
chosen = fraud_scores[caught - 1]  # the second rule: its interval clears the target

report("threshold 0.5 (default)", y_test, plain_proba)
tuned_pred = report(f"threshold {chosen:.3f} (tuned)", y_test, plain_proba, chosen)
test_caught, test_frauds = int((tuned_pred & y_test).sum()), int(y_test.sum())
test_low, test_high = recall_interval(test_caught, test_frauds)
print(
    f"test recall {test_caught}/{test_frauds} = {test_caught / test_frauds:.2f}"
    f" (95% CI {test_low:.2f} to {test_high:.2f})"
)
flagged = int(tuned_pred.sum())
share = flagged / len(y_test)
print(f"\ntuned threshold: {flagged} of {len(y_test)} sent to review ({share:.1%})")
print("that review workload is the on-call budget to agree with the fraud team")

# What the page says of this output, checked on every build:
naive_low, naive_high = recall_interval(naive, n)
assert naive == 22 and (round(naive_low, 2), round(naive_high, 2)) == (0.52, 0.86)
assert naive_low < TARGET_RECALL  # the point estimate alone could well be below 70%
assert caught == 27  # the highest threshold whose interval's low end reaches 0.70
assert recall_interval(caught, n)[0] >= TARGET_RECALL  # the tuned one's low end does
assert tuned_pred.sum() > plain_pred.sum()  # a lower threshold flags more rows
assert recall(y_test, tuned_pred) > recall(y_test, plain_pred)
assert test_caught / test_frauds > TARGET_RECALL  # on test, the estimate clears 70% ...
assert test_caught == 36 and round(test_low, 2) == 0.65  # 36 of 45; low end 0.65
assert test_low < TARGET_RECALL  # ... but 45 frauds are too few to confirm it
# Both rows are the plain model's scores, so they share its AP: moving a threshold
# changes which rows are flagged, never how the rows are ranked.
assert average_precision_score(y_test, plain_proba) == plain_ap
# --8<-- [end:threshold]

# --8<-- [start:compare]
# At 0.5, class weights and resampling flag more rows than the plain model, so of course
# they catch more fraud. The fair question is at a matched operating point: give every
# model the same review budget as the tuned threshold, each flagging its highest-scored
# test rows (scores only, no labels). With the same number flagged, precision is recall
# times frauds / flagged, so recall alone compares them. Paired intervals on the same
# 1,500 test rows. No margin was fixed before this comparison, so it asks only whether
# any of them is shown to catch more fraud at all: whether its interval clears zero.
budget = int(tuned_pred.sum())
assert budget == 192  # the page names the budget


def flag_top(proba: np.ndarray, count: int) -> np.ndarray:
    """0/1 decisions flagging the `count` highest-scored rows."""
    pred = np.zeros(len(proba), dtype=int)
    pred[np.argsort(-proba, kind="stable")[:count]] = 1
    return pred


approaches = {
    "class_weight='balanced'": weighted_proba,
    "random oversampling": over_proba,
    "random undersampling": under_proba,
}
print(f"each flags its top {budget} test rows, like the tuned threshold:")
print(f"  tuned threshold catches {test_caught} of {test_frauds} frauds")
changes = {}
for name, proba in approaches.items():
    pred = flag_top(proba, budget)
    changes[name] = paired_difference(recall, y_test, tuned_pred, pred, name="recall")
    print(f"  {name} catches {int((pred & y_test).sum())}, minus the tuned threshold:")
    print(f"    {changes[name]}")

# What the page says of this output, checked on every build: at the same workload each
# catches two or three more frauds, but every interval reaches down to no gain, so none is
# shown to catch more.
# Most of the recall they gained at 0.5 came from flagging more rows than the plain model.
at_half = {"class_weight='balanced'": weighted_pred, "random oversampling": over_pred}
at_half["random undersampling"] = under_pred
false_alarms = int((plain_pred & (1 - y_test)).sum())
for name, change in changes.items():
    assert recall(y_test, at_half[name]) > recall(y_test, plain_pred)  # more fraud ...
    assert (at_half[name] & (1 - y_test)).sum() > false_alarms  # ... more false alarms
    assert at_half[name].sum() > budget  # at 0.5 each flags more than the budget
    gain_at_half = recall(y_test, at_half[name]) - recall(y_test, plain_pred)
    assert gain_at_half > 4 * change.estimate  # the matched gain is under a quarter
    assert 2 <= round(change.estimate * test_frauds) <= 3  # two or three more frauds
    assert change.low <= 0 < change.high  # the interval reaches down to no gain
# --8<-- [end:compare]
