"""The decision helper every promote / keep / roll-back on the site goes through.

Its worked example on the model-evaluation page asserts its own story; these tests pin the
rules that example does not reach: lower-is-better metrics, the three verdicts at their
edges, and what the tie says about sample size.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from snippets.skills.evaluation.model_comparison import (
    Difference,
    decide,
    independent_difference,
    paired_difference,
)


def difference(estimate, low, high, *, higher_is_better=True, rows=400):
    return Difference("metric", estimate, low, high, 0.95, rows, higher_is_better)


@pytest.mark.parametrize(
    ("diff", "margin", "verdict"),
    [
        (difference(0.05, 0.02, 0.08), 0.01, "promote"),
        (difference(0.05, 0.01, 0.08), 0.01, "promote"),  # the low end on the margin counts
        (difference(0.05, 0.005, 0.08), 0.01, "tie"),
        (difference(-0.02, -0.04, 0.009), 0.01, "keep"),
        # Lower is better (an error, a latency): a fall of 2 to 8 clears a margin of 1.
        (difference(-5.0, -8.0, -2.0, higher_is_better=False), 1.0, "promote"),
        (difference(+3.0, +1.0, +5.0, higher_is_better=False), 0.0, "keep"),
        (difference(-1.0, -3.0, +1.0, higher_is_better=False), 0.0, "tie"),
    ],
)
def test_the_verdict_uses_the_whole_interval(diff, margin, verdict):
    assert decide(diff, margin).verdict == verdict


def test_a_tie_says_how_many_rows_would_settle_it_four_times_in_five():
    # Half-width 0.02 at 95%: a standard error of 0.02 / 1.96. Four in five needs
    # (1.96 + 0.84) standard errors within the distance of 0.01 from the margin:
    # 400 * (0.02 / 1.96 * 2.80 / 0.01) ** 2 = 3,270 rows. Making the half-width fit the
    # distance (1,600 rows) would settle it only half the time.
    reason = decide(difference(0.02, 0.0, 0.04, rows=400), 0.01).reason
    assert "about 3,270 rows (now 400) would settle it 80% of the time" in reason


def test_the_rows_that_settle_a_tie_do_so_four_times_in_five():
    # Simulate it: a true gain equal to today's estimate, measured on the suggested rows.
    rng = np.random.default_rng(3)
    rows, true_gain, margin = 400, 0.02, 0.01
    se = 0.02 / 1.959964
    reason = decide(difference(true_gain, 0.0, 0.04, rows=rows), margin).reason
    needed = int(re.search(r"about ([\d,]+) rows", reason)[1].replace(",", ""))
    new_se = se * (rows / needed) ** 0.5
    estimates = rng.normal(true_gain, new_se, 20_000)
    settled = np.mean(estimates - 1.959964 * new_se >= margin)
    assert 0.78 < settled < 0.82, settled


def test_paired_difference_of_a_model_with_itself_is_zero():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    scores = rng.random(300)

    def accuracy(y_true, score):
        return float(np.mean((score >= 0.5) == y_true))

    diff = paired_difference(accuracy, y, scores, scores)
    assert diff.estimate == diff.low == diff.high == 0
    assert decide(diff, 0.0).verdict == "promote"  # no worse, at a margin of zero
    assert decide(diff, 0.01).verdict == "keep"


def test_pairing_narrows_the_interval_when_rows_share_their_difficulty():
    rng = np.random.default_rng(1)
    difficulty = rng.normal(0, 5, 500)  # shared by both models' errors
    champion = difficulty + rng.normal(0, 1, 500)
    candidate = difficulty + rng.normal(-0.5, 1, 500)
    paired = paired_difference(lambda y, e: float(np.mean(e)), np.zeros(500), champion, candidate)
    unpaired = independent_difference(lambda e: float(np.mean(e)), champion, candidate)
    assert paired.estimate == pytest.approx(unpaired.estimate)
    assert (paired.high - paired.low) < (unpaired.high - unpaired.low) / 3
    assert paired.high < 0 < unpaired.high  # only pairing sees the improvement


def test_paired_scores_of_different_lengths_fail_naming_the_lengths():
    # Paired means the same rows: a longer score array is a join gone wrong, never noise.
    y = np.array([0, 1] * 50)
    with pytest.raises(ValueError, match="100, 150 and 150"):
        paired_difference(lambda _y, s: float(np.mean(s)), y, np.ones(150), np.zeros(150))
