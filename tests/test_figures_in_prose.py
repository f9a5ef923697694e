"""A figure typed into a page's prose must be one the knowledge base records with a source.

Tables and charts are generated from data/, but prose sometimes quotes a figure ("a
median of $170,000"). Each dollar amount and percentage in prose must equal a value,
low or high in data/salaries.csv or a value in data/market.csv, where its source, year,
geography and verification status are recorded. A typo, or a figure with no source,
fails here naming the page and line.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from scripts import knowledge_base

FIGURE = re.compile(
    r"\$(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<scale>[kKmMbB]\b)?|(?P<percent>[0-9]+(?:\.[0-9]+)?)\s?%"
)
SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}
FENCE = re.compile(r"^\s*(```|~~~)")


def recorded_values() -> set[float]:
    kb = knowledge_base.load()
    values: set[float] = set()
    for row in kb.items("salaries"):
        values |= {abs(float(v)) for v in (row.value, row.low, row.high) if v is not None}
    values |= {abs(float(row.value)) for row in kb.items("market")}
    return values


def prose_figures():
    for page in sorted((ROOT / "docs").rglob("*.md")):
        rel = page.relative_to(ROOT).as_posix()
        lines = page.read_text(encoding="utf-8").splitlines()
        in_front_matter = bool(lines) and lines[0] == "---"
        in_fence = False
        for number, line in enumerate(lines, start=1):
            if in_front_matter:
                in_front_matter = not (number > 1 and line == "---")
                continue
            if FENCE.match(line):
                in_fence = not in_fence
            if in_fence or line.lstrip().startswith("<!--"):
                continue
            for match in FIGURE.finditer(line):
                if match["percent"]:
                    value = float(match["percent"])
                else:
                    value = float(match["amount"].replace(",", "")) * SCALE.get(
                        (match["scale"] or "").lower(), 1
                    )
                yield f"{rel} line {number}", match.group(0).strip(), value


def test_every_figure_in_prose_is_recorded_in_the_data():
    values = recorded_values()
    unknown = [f"{where}: {text}" for where, text, value in prose_figures() if value not in values]
    assert not unknown, (
        "These figures in prose are not in data/salaries.csv or data/market.csv. Add each with its "
        "source (see CONTRIBUTING.md), fix the typo, or drop the number:\n" + "\n".join(unknown)
    )


@pytest.mark.parametrize(
    ("text", "value"), [("a median of $170,000 in", 170000.0), ("about $1.5M", 1.5e6), ("fell 14%", 14.0)]
)
def test_figures_are_recognised(text, value):
    match = FIGURE.search(text)
    assert match is not None
    parsed = (
        float(match["percent"])
        if match["percent"]
        else float(match["amount"].replace(",", "")) * SCALE.get((match["scale"] or "").lower(), 1)
    )
    assert parsed == value
