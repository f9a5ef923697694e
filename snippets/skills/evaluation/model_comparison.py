"""Compare two models and decide with a confidence interval, never a point estimate.

Every promote / keep / roll-back decision on this site goes through these two functions:
the shadow comparison, the canary, the evaluation gate and the notebooks' champion and
challenger. Import them with ``from snippets.skills.evaluation.model_comparison import ...``
(run from the repository root with ``python -m`` or ``PYTHONPATH=.``).

Worked example: snippets/skills/evaluation/champion_vs_challenger.py
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy.stats import bootstrap


# --8<-- [start:helper]
@dataclass(frozen=True)
class Difference:
    """Candidate minus champion on one metric, with a bootstrap confidence interval."""

    metric: str
    estimate: float
    low: float
    high: float
    confidence: float
    rows: int
    higher_is_better: bool = True

    def __str__(self) -> str:
        level = f"{self.confidence:.0%}"
        return (
            f"{self.metric} difference {self.estimate:+.4f} "
            f"({level} CI {self.low:+.4f} to {self.high:+.4f}, {self.rows:,} rows)"
        )


def _interval(samples, difference, paired, confidence, resamples, seed):
    """Percentile bootstrap interval of `difference` over `samples`.

    SciPy draws the resamples and reads off the interval. It resamples row numbers (one
    set for paired samples: they share their rows), and each resample takes its rows
    from the original arrays, so `difference` gets plain 1-D arrays of their own dtype.
    Same resamples, same interval as bootstrap(samples, ..., vectorized=False), without
    that mode's copy of every resample of every sample into one float array.
    """
    row_numbers = [np.arange(len(s)) for s in (samples[:1] if paired else samples)]

    def differences(*drawn, axis=-1):  # drawn[k][j]: sample k's rows in resample j
        if paired:
            drawn = drawn * len(samples)  # the same rows from every sample
        pairs = list(zip(samples, drawn, strict=True))
        return np.array(
            # SciPy may pass the resamples in batches: count the rows drawn, not `resamples`.
            [
                difference(*(s[rows[j]] for s, rows in pairs))
                for j in range(len(drawn[0]))
            ]
        )

    result = bootstrap(
        row_numbers,
        differences,
        paired=paired,
        vectorized=True,
        n_resamples=resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return result.confidence_interval


def paired_difference(
    metric: Callable[[np.ndarray, np.ndarray], float],
    y_true: Sequence,
    champion: Sequence,
    candidate: Sequence,
    *,
    name: str | None = None,
    higher_is_better: bool = True,
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> Difference:
    """metric(y, candidate) - metric(y, champion) on the SAME rows, resampled together.

    Pairing matters: both models scored the same rows, so the hard rows are hard for
    both, and resampling rows (not each model separately) cancels that shared noise.
    """
    y, a, b = (np.asarray(v) for v in (y_true, champion, candidate))
    if not len(y) == len(a) == len(b):
        raise ValueError(
            f"paired rows differ in number: {len(y)}, {len(a)} and {len(b)}"
        )

    def diff(y, a, b):
        return metric(y, b) - metric(y, a)

    low, high = _interval((y, a, b), diff, True, confidence, resamples, seed)
    return Difference(
        name or metric.__name__,
        diff(y, a, b),
        low,
        high,
        confidence,
        len(y),
        higher_is_better,
    )


def independent_difference(
    statistic: Callable[[np.ndarray], float],
    champion: Sequence,
    candidate: Sequence,
    *,
    name: str | None = None,
    higher_is_better: bool = True,
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> Difference:
    """statistic(candidate) - statistic(champion) when each arm saw different traffic
    (a canary or an A/B test: a user is in one arm only), so each arm is resampled alone."""
    a, b = np.asarray(champion), np.asarray(candidate)

    def diff(a, b):
        return statistic(b) - statistic(a)

    low, high = _interval((a, b), diff, False, confidence, resamples, seed)
    estimate = diff(a, b)
    rows = len(a) + len(b)
    return Difference(
        name or statistic.__name__,
        estimate,
        low,
        high,
        confidence,
        rows,
        higher_is_better,
    )


# How often a tie's "rows that would settle it" should settle it, if the true gain were
# today's estimate: the 80% power of a conventional sample-size calculation.
SETTLE_POWER = 0.8


@dataclass(frozen=True)
class Decision:
    verdict: str  # "promote", "keep" or "tie"
    reason: str

    def __str__(self) -> str:
        return f"{self.verdict.upper()}: {self.reason}"


def decide(difference: Difference, margin: float = 0.0) -> Decision:
    """Promote only when the WHOLE interval shows a gain of at least `margin`.

    margin is the smallest gain worth a release, fixed before looking at the numbers.
    - promote: even the pessimistic end of the interval clears the margin;
    - keep: even the optimistic end falls short, so the data rules the gain out;
    - tie: the interval straddles the margin. Say so, and say what would settle it:
      the rows that would clear or miss the margin 4 times in 5 IF the true gain were
      the estimate (a guide to the order of magnitude, not a promise).
    """
    sign = 1 if difference.higher_is_better else -1  # orient so that "up" is "better"
    gain_low, gain_high = sorted((sign * difference.low, sign * difference.high))
    gain = sign * difference.estimate
    if gain_low >= margin:
        return Decision(
            "promote", f"the whole interval clears the margin {margin:+.4f}"
        )
    if gain_high < margin:
        return Decision("keep", f"the whole interval falls short of {margin:+.4f}")
    # The standard error shrinks like 1/sqrt(rows). If the true gain were the estimate,
    # a new estimate would fall short of it by more than z_power standard errors only
    # 1 - SETTLE_POWER of the time. So once z_level + z_power standard errors fit between
    # the estimate and the margin, the new interval settles it SETTLE_POWER of the time.
    # Rows for the half-width alone to fit would settle it only half the time.
    half_width = (gain_high - gain_low) / 2
    distance = abs(gain - margin)
    if distance == 0:
        more = "no sample size settles an estimate sitting on the margin"
    else:
        z_level = NormalDist().inv_cdf(1 - (1 - difference.confidence) / 2)
        z_power = NormalDist().inv_cdf(SETTLE_POWER)
        standard_error = half_width / z_level
        scale = standard_error * (z_level + z_power) / distance
        needed = math.ceil(difference.rows * scale**2)
        more = (
            f"about {needed:,} rows (now {difference.rows:,}) would settle it "
            f"{SETTLE_POWER:.0%} of the time if the true gain were the estimate"
        )
    return Decision("tie", f"the interval straddles the margin {margin:+.4f}; {more}")


# --8<-- [end:helper]
