"""Pay figures that are valid but implausible, such as a salary typed with an extra zero.

A row of salaries.csv can pass every rule of its model and still be wrong: 1409100 for a
median that is 140910 publishes as "$1,409,100". Two checks catch such typos:

- against its own record: a note that quotes the figure per hour or per month must agree
  with the annual amount;
- against its peers: the other figures for the same role, statistic, geography and currency
  (median against median, low end against low end).

A genuine outlier says why in its ``outlier_reason`` column; the peer check then leaves it
out, and a reason on a figure that is not an outlier is reported so it cannot go stale.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator, Sequence

from scripts.pipeline.knowledge_base.schema import Salary

# BLS turns an hourly wage into an annual one with 52 weeks of 40 hours.
PER_YEAR = {"hour": 2080, "month": 12}
# Rounding and the 2,000/2,080-hour conventions move the product by a few percent; a typo by 10x.
NOTE_TOLERANCE = 0.10
# Sources disagree, but rarely by 3x for one role, statistic and place: base against total
# pay, survey against government data and one year against the next stay within about 2x
# in this data. A dropped or extra digit is 10x. 3 (about the geometric middle of 1 and 10)
# leaves room for the first and catches the second.
FAR = 3.0
AMOUNTS = ("value", "low", "high")

RATE = re.compile(
    r"\$\s?(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:an?|per|/)\s*(?P<unit>hour|month)\b", re.IGNORECASE
)


def _money(amount: float) -> str:
    return f"{amount:,.0f}" if amount >= 100 else f"{amount:,.2f}"


def _times(a: float, b: float) -> float:
    """How many times the larger is the smaller."""
    return max(a, b) / min(a, b)


def note_disagreements(figures: Sequence[Salary]) -> Iterator[tuple[int, str, str]]:
    """(index, field, message) for each figure whose note quotes a different rate."""
    for i, figure in enumerate(figures):
        if figure.value is None:
            continue
        for rate in RATE.finditer(figure.note):
            amount = float(rate["amount"].replace(",", ""))
            unit = rate["unit"].lower()
            annual = amount * PER_YEAR[unit]
            if abs(figure.value / annual - 1) > NOTE_TOLERANCE:
                yield (
                    i,
                    "value",
                    f"value {_money(figure.value)} disagrees with its note's {rate[0]!r} "
                    f"({_money(amount)} × {PER_YEAR[unit]:,} = {_money(annual)} a year; "
                    f"{_times(figure.value, annual):.1f}× apart) — fix the figure or the note",
                )


def _compare(figures: Sequence[Salary], pool: list[int], i: int, column: str) -> tuple[float, float]:
    """The figure's amount and the reference it is judged against."""
    amount = getattr(figures[i], column)
    others = [getattr(figures[p], column) for p in pool if p != i]
    if len(others) == 1:
        return amount, others[0]
    # The median of the whole group, this figure included: with three or more, one typo
    # cannot drag the reference towards itself (the median of two would be their mean).
    return amount, statistics.median([amount, *others])


def peer_outliers(figures: Sequence[Salary], lines: Sequence[int]) -> Iterator[tuple[int, str, str]]:
    """(index, field, message) for each amount far from its peers', and each stale outlier_reason."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, figure in enumerate(figures):
        groups.setdefault((figure.role, figure.statistic, figure.geography, figure.currency), []).append(i)
    for (role, stat, geography, _currency), members in groups.items():
        outlying: set[int] = set()
        for column in AMOUNTS:
            judged = [i for i in members if getattr(figures[i], column) is not None]
            # A documented outlier is no peer: it would pull the reference towards itself.
            peers = [i for i in judged if not figures[i].outlier_reason]
            for i in judged:
                pool = sorted({*peers, i})
                if len(pool) < 2:
                    continue
                amount, reference = _compare(figures, pool, i, column)
                times = _times(amount, reference)
                if times <= FAR:
                    continue
                outlying.add(i)
                others = [p for p in pool if p != i]
                if figures[i].outlier_reason or (len(others) == 1 and i < others[0]):
                    continue  # documented; or one of a pair, which is reported once, on its later line
                group = f"{stat} figures for {role} in {geography}"
                if len(others) == 1:
                    message = (
                        f"{column} {_money(amount)} and {_money(reference)} on line {lines[others[0]]}, the "
                        f"only two {group}, are {times:.1f}× apart: one of them probably has a missing or "
                        "extra digit — fix it; if both are right, say why in the outlier's outlier_reason"
                    )
                else:
                    listed = ", ".join(
                        f"{_money(getattr(figures[p], column))} (line {lines[p]})" for p in others
                    )
                    message = (
                        f"{column} {_money(amount)} is {times:.1f}× the median {_money(reference)} of the "
                        f"{len(pool)} {group} (this one and {listed}) — check for a missing or extra digit; "
                        "if the figure is right, say why in outlier_reason"
                    )
                yield i, column, message
        for i in members:
            if figures[i].outlier_reason and i not in outlying:
                yield (
                    i,
                    "outlier_reason",
                    f"outlier_reason is set, but no amount is more than {FAR:g}× its peers' — clear it",
                )
