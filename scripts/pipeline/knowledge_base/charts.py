"""Inline SVG charts drawn with matplotlib from the knowledge base.

Text, axes and outlines use ``currentColor`` so a chart follows the page's light or dark
palette; each SVG has role="img", a <title> and a <desc> summarising the data; ids are
prefixed per chart and matplotlib's date and random ids are removed, so the same data
always gives byte-identical output.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from scripts.pipeline.knowledge_base.formatting import (
    LEVEL_LABELS,
    PAY_LABELS,
    Linker,
    UnknownDirective,
    money,
    pay_amount,
    pay_measure,
    status,
)
from scripts.pipeline.knowledge_base.load import KnowledgeBase
from scripts.pipeline.knowledge_base.schema import SKILL_CATEGORIES, VERIFICATION_LABELS
from scripts.pipeline.knowledge_base.tables import cited, footer

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK = "#010203"  # drawn in this colour, then replaced by currentColor
ACCENT = "#5c6bc0"  # indigo 400: readable on white and on Material's slate background
ACCENT_2 = "#26a69a"  # teal 400
STYLE = {
    "svg.fonttype": "none",
    "text.parse_math": False,  # labels contain dollar signs, not TeX
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "grid.color": INK,
    "grid.alpha": 0.2,
    "hatch.color": INK,
    "hatch.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.transparent": True,
}
WEAK = ("uncertain", "not-found")


def _pyplot() -> Any:
    """matplotlib.pyplot with the Agg backend, imported only when a chart is drawn (it is slow to import)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _usd_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(_usd_k))


@dataclass
class Chart:
    """A drawn figure plus the text that makes it accessible and sourced."""

    figure: Figure
    title: str
    desc: str
    sources: list[str]
    years: list[int]
    legend: str


def _usd_k(value: float, _pos: object = None) -> str:
    return f"${value / 1000:,.0f}k"


def _wrap(text: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _with_records(kb: KnowledgeBase, name: str) -> pd.DataFrame:
    frame = kb.frame(name)
    frame["record"] = list(kb.items(name))
    return frame


def _level_suffix(record: Any) -> str:
    """' (junior)' etc., unless the publisher's label already names the level."""
    level = LEVEL_LABELS[record.level].lower()
    if record.level == "all" or level.split("-")[0] in record.label.lower():
        return ""
    return f" ({level})"


def salary_ranges(kb: KnowledgeBase) -> Chart:
    """US pay ranges, one panel per source and data year (panels are not comparable)."""
    plt = _pyplot()
    frame = _with_records(kb, "salaries")
    frame = frame[frame["statistic"].isin(["range", "p10-p90"]) & (frame["geography"] == "US")].copy()
    if frame.empty:
        raise UnknownDirective("chart 'salary-ranges' has no US range figures to draw in data/salaries.csv")
    frame["strength"] = frame["verification"].map({k: i for i, k in enumerate(VERIFICATION_LABELS)})
    frame = frame.sort_values(
        ["strength", "data_year", "source"], ascending=[True, False, True], kind="stable"
    )
    groups = [g for _, g in frame.groupby(["strength", "data_year", "source"], sort=False)]
    sources = kb.by_key("sources")
    heights = [len(g) for g in groups]
    fig, axes = plt.subplots(
        len(groups),
        1,
        sharex=True,
        figsize=(8, 1.0 + 0.42 * sum(heights) + 0.55 * len(groups)),
        height_ratios=heights,
        squeeze=False,
    )
    summary = []
    for ax, group in zip(axes[:, 0], groups, strict=True):
        records = list(group["record"])
        first = records[0]
        weak = first.verification in WEAK
        labels = [
            _wrap(r.label + _level_suffix(r))
            + "\n"
            + (PAY_LABELS[r.base_or_total] if r.statistic == "range" else pay_measure(r))
            for r in records
        ]
        y = list(range(len(records)))[::-1]
        ax.barh(
            y,
            [r.high - r.low for r in records],
            left=[r.low for r in records],
            height=0.55,
            color="none" if weak else ACCENT,
            edgecolor=INK,
            hatch="///" if weak else None,
            linewidth=0.8,
        )
        for yi, r in zip(y, records, strict=True):
            ax.text(r.high, yi, "  " + pay_amount(r), va="center", fontsize=8)
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_title(
            f"{sources[first.source].label} · data year {first.data_year} · {status(first.verification)}",
            loc="left",
            fontsize=9,
        )
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.set_ylim(-0.6, len(records) - 0.4)
        summary.append(
            f"{sources[first.source].label} (data year {first.data_year}, {status(first.verification).lower()}): "
            + "; ".join(f"{r.label}, {LEVEL_LABELS[r.level].lower()}, {pay_amount(r)}" for r in records)
        )
    bottom = axes[-1, 0]
    _usd_axis(bottom.xaxis)
    bottom.set_xlabel("US dollars per year (hatched bars: figure not verified)")
    high = max(r.high for r in frame["record"])
    bottom.set_xlim(0, high * 1.3)
    fig.tight_layout()
    return Chart(
        fig,
        title="US pay ranges quoted for the roles in this guide, one panel per source",
        desc="Horizontal range bars in US dollars per year. " + " ".join(s + "." for s in summary),
        sources=cited(frame),
        years=list(frame["data_year"]),
        legend=(
            "Each panel is one source and one year; bars in different panels come from different "
            "methods and years, so read them within a panel, not across"
        ),
    )


def skills_transfer(kb: KnowledgeBase) -> Chart:
    """How many skills in each category carry over from backend work."""
    plt = _pyplot()
    frame = kb.frame("skills")
    counts = (
        pd.crosstab(frame["category"], frame["transfers"])
        .reindex(index=list(SKILL_CATEGORIES), columns=["yes", "partly", "no"], fill_value=0)
        .loc[lambda df: df.sum(axis=1) > 0]
    )
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * len(counts)))
    y = list(range(len(counts)))[::-1]
    left = [0] * len(counts)
    styles = {
        "yes": {"color": ACCENT_2, "label": "Carries over"},
        "partly": {"color": "none", "hatch": "///", "label": "Partly carries over"},
        # Empty, not dotted: a dot hatch drew as 66 KB of tiny circles, most of the page's HTML.
        "no": {"color": "none", "label": "New for most backend engineers"},
    }
    for column in ("yes", "partly", "no"):
        values = counts[column].tolist()
        ax.barh(y, values, left=left, height=0.6, edgecolor=INK, linewidth=0.8, **styles[column])
        left = [a + b for a, b in zip(left, values, strict=True)]
    for yi, (_category, row) in zip(y, counts.iterrows(), strict=True):
        note = f"  {row['yes']} carry over · {row['partly']} partly · {row['no']} new"
        ax.text(row.sum(), yi, note, va="center", fontsize=8)
    ax.set_xlim(0, counts.sum(axis=1).max() * 1.6)
    ax.set_yticks(y, [SKILL_CATEGORIES[c] for c in counts.index])
    ax.set_xlabel("Number of skills in this guide")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize=8)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    fig.tight_layout()
    desc = "Stacked bars, one per skill area. " + " ".join(
        f"{SKILL_CATEGORIES[c]}: {row['yes']} carry over, {row['partly']} partly, {row['no']} new."
        for c, row in counts.iterrows()
    )
    return Chart(
        fig,
        title="Which skills carry over from backend work, by area",
        desc=desc,
        sources=[],
        years=[],
        legend="Counts of skills in this guide's skills data; each skill's reasoning is in the skills matrix",
    )


def salaries_us_vs_global(kb: KnowledgeBase) -> Chart:
    """Stack Overflow medians by developer type, US vs global, for the latest survey year."""
    plt = _pyplot()
    frame = _with_records(kb, "salaries")
    so_sources = {s.id for s in kb.items("sources") if s.publisher == "Stack Overflow"}
    frame = frame[frame["source"].isin(so_sources) & (frame["statistic"] == "median")]
    years = [y for y, g in frame.groupby("data_year") if {"US", "Global"} <= set(g["geography"])]
    if not years:
        raise UnknownDirective("chart 'salaries-us-vs-global' needs Stack Overflow medians for US and Global")
    year = max(years)
    frame = frame[(frame["data_year"] == year) & frame["geography"].isin(["US", "Global"])]
    table = frame.pivot_table(index="label", columns="geography", values="value", aggfunc="first")
    table = table.dropna().sort_values("US")
    records = {(r.label, r.geography): r for r in frame["record"]}
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.6 * len(table)))
    y = list(range(len(table)))
    ax.barh(
        [v + 0.2 for v in y],
        table["US"],
        height=0.38,
        color=ACCENT,
        edgecolor=INK,
        linewidth=0.8,
        label="United States",
    )
    ax.barh(
        [v - 0.2 for v in y],
        table["Global"],
        height=0.38,
        color="none",
        edgecolor=INK,
        hatch="///",
        linewidth=0.8,
        label="All respondents worldwide",
    )
    for v, label in zip(y, table.index, strict=True):
        for offset, geography in ((0.2, "US"), (-0.2, "Global")):
            r = records[(label, geography)]
            n = f" (n={r.sample_size:,})" if r.sample_size else ""
            ax.text(r.value, v + offset, f"  {money(r.value, r.currency)}{n}", va="center", fontsize=8)
    ax.set_yticks(y, [_wrap(label, 30) for label in table.index], fontsize=8)
    _usd_axis(ax.xaxis)
    ax.set_xlim(0, table.to_numpy().max() * 1.45)
    ax.set_xlabel(f"Median total compensation, US dollars per year (Stack Overflow Developer Survey {year})")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=8)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    fig.tight_layout()
    desc = f"Grouped bars from the Stack Overflow Developer Survey {year}. " + " ".join(
        f"{label}: US {money(row['US'], 'USD')}, worldwide {money(row['Global'], 'USD')}."
        for label, row in table.iloc[::-1].iterrows()
    )
    return Chart(
        fig,
        title=f"Median pay by developer type, United States vs worldwide (Stack Overflow {year})",
        desc=desc,
        sources=cited(frame),
        years=list(frame["data_year"]),
        legend=(
            "Self-selected survey respondents; medians of total compensation converted to US dollars. "
            "The order of roles differs between the US and the worldwide figures, so always say which one you quote"
        ),
    )


CHARTS: dict[str, Callable[[KnowledgeBase], Chart]] = {
    "salary-ranges": salary_ranges,
    "skills-transfer": skills_transfer,
    "salaries-us-vs-global": salaries_us_vs_global,
}
CHART_NAMES: tuple[str, ...] = tuple(CHARTS)
CHART_DATASETS: dict[str, tuple[str, ...]] = {
    "salary-ranges": ("salaries", "sources"),
    "skills-transfer": ("skills",),
    "salaries-us-vs-global": ("salaries", "sources"),
}


def to_svg(chart: Chart, name: str) -> str:
    """Serialise a chart as deterministic, accessible inline SVG that uses currentColor."""
    buffer = io.StringIO()
    chart.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    _pyplot().close(chart.figure)
    svg = buffer.getvalue()
    svg = re.sub(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->|<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = svg.replace(INK, "currentColor").replace("#000000", "currentColor")
    svg = re.sub(r"font-family: [^;\"]+", "font-family: inherit", svg)
    prefix = f"kb-{name}-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m[1]})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}{m[1]}"', svg)
    opening = re.search(r"<svg\b[^>]*>", svg)
    assert opening is not None
    view_box = re.search(r'viewBox="([^"]+)"', opening[0])
    assert view_box is not None
    width = float(view_box[1].split()[2])
    new_opening = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="{view_box[1]}" role="img" aria-labelledby="{prefix}title {prefix}desc" '
        f'class="kb-chart" style="width: 100%; max-width: {width * 4 / 3:.0f}px; height: auto; fill: currentColor">'
        f'<title id="{prefix}title">{html.escape(chart.title)}</title>'
        f'<desc id="{prefix}desc">{html.escape(chart.desc)}</desc>'
    )
    svg = svg[: opening.start()] + new_opening + svg[opening.end() :]
    lines = [line.rstrip() for line in svg.splitlines()]
    return "\n".join(line for line in lines if line.strip())


def render_chart(kb: KnowledgeBase, name: str, *, page: str) -> str:
    """An inline SVG chart in a <figure>, followed by a Markdown caption naming its sources."""
    if name not in CHARTS:
        raise UnknownDirective(f"unknown chart '{name}'; valid charts: {', '.join(CHART_NAMES)}")
    with _pyplot().rc_context({**STYLE, "svg.hashsalt": f"kb-{name}"}):
        chart = CHARTS[name](kb)
        svg = to_svg(chart, name)
    link = Linker(page)
    caption = footer(kb, link, CHART_DATASETS[name], chart.sources, chart.years, chart.legend)
    return f'<figure class="kb-chart">\n{svg}\n</figure>\n\n{caption}\n'
