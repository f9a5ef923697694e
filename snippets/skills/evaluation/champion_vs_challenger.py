# /// snippet
# timeout = 40
# ///
"""Champion against challenger on shared held-out rows: a paired bootstrap interval on the
AUC difference, and a decision that uses the whole interval.

Run from the repo root: python -m snippets.skills.evaluation.champion_vs_challenger
"""

import numpy as np
from scipy.stats import rankdata
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from snippets.skills.evaluation.model_comparison import decide, paired_difference

# --8<-- [start:example]
# Two classifiers scored on the same 600 held-out rows. The challenger is a little
# better on average; is that a gain you can ship, or noise?
X, y = make_classification(
    n_samples=2_000, n_features=20, n_informative=6, flip_y=0.08, random_state=3
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=600, random_state=0, stratify=y
)
champion = LogisticRegression(max_iter=1_000).fit(X_train, y_train)
challenger = RandomForestClassifier(n_estimators=100, random_state=0).fit(
    X_train, y_train
)
p_champion = champion.predict_proba(X_test)[:, 1]
p_challenger = challenger.predict_proba(X_test)[:, 1]


def roc_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC from ranks (the Mann-Whitney U statistic): the chance that a random
    positive row outranks a random negative one. Same number as roc_auc_score, without
    its input checks, which cost more than the maths over 1,000 bootstrap resamples."""
    ranks = rankdata(scores)  # ties get the average rank, as in roc_auc_score
    positives = y == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


assert np.isclose(roc_auc(y_test, p_challenger), roc_auc_score(y_test, p_challenger))
diff = paired_difference(roc_auc, y_test, p_champion, p_challenger, name="ROC AUC")
print(diff)
for margin in (0.0, 0.01, 0.05):
    print(f"margin {margin:.2f} -> {decide(diff, margin)}")

# The same two models judged on only 100 of those rows: about the same estimate,
# an interval twice as wide that reaches below zero, and the promotion becomes a tie.
rows = slice(300, 400)
small = paired_difference(
    roc_auc, y_test[rows], p_champion[rows], p_challenger[rows], name="ROC AUC"
)
print(small)
print(f"margin 0.01 -> {decide(small, 0.01)}")

# What the page says of this output, checked on every build:
assert 0.03 <= diff.estimate <= 0.04  # "about 0.036 AUC"
assert decide(diff, 0.0).verdict == "promote"  # better, beyond doubt
assert decide(diff, 0.01).verdict == "promote"  # and by more than the 0.01 margin
assert decide(diff, 0.05).verdict == "tie"  # "at that margin the answer is a tie"
assert abs(small.estimate - diff.estimate) < 0.01  # about the same estimate
assert small.high - small.low > 1.5 * (diff.high - diff.low)  # a much wider interval
assert small.low < 0  # that reaches below zero
assert decide(small, 0.01).verdict == "tie"
# --8<-- [end:example]
