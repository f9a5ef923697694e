"""Small formatting helpers shared by tables, charts and exports."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from scripts.pipeline.knowledge_base.load import KnowledgeBase
from scripts.pipeline.knowledge_base.schema import VERIFICATION_LABELS
from scripts.pipeline.source_files import SourceFileError, front_matter, read_text

SOURCES_PAGE = "about-data/sources.md"
STALE_AFTER_YEARS = 3

LEVEL_LABELS = {"all": "All levels", "junior": "Junior", "mid": "Mid-level", "senior": "Senior"}
STATISTIC_LABELS = {
    "median": "Median",
    "mean": "Average",
    "low": "Low end",
    "high": "High end",
    "unspecified": "Statistic not stated",
    "range": "Range",
    "p10-p90": "10th–90th percentile",
}
PAY_LABELS = {"base": "base pay", "total": "total pay", "unspecified": "pay type not stated"}


class UnknownDirective(ValueError):
    """A table or chart name, or an argument, that the knowledge base does not provide."""


def escape(text: object) -> str:
    """Text that is safe inside a Markdown table cell (no pipes, no raw HTML, one line)."""
    return re.sub(r"\s*\n\s*", " ", str(text)).replace("|", r"\|").replace("<", "&lt;")


@dataclass(frozen=True)
class Linker:
    """Builds links relative to the page that includes the generated content."""

    page: str

    def to(self, target: str, anchor: str | None = None) -> str:
        start = posixpath.dirname(self.page) or "."
        rel = posixpath.relpath(target, start)
        return f"{rel}#{anchor}" if anchor else rel

    def source(self, kb: KnowledgeBase, source_id: str, via: str | None = None) -> str:
        sources = kb.by_key("sources")
        cell = f"[{escape(sources[source_id].label)}]({self.to(SOURCES_PAGE, source_id)})"
        if via:
            cell += f" via [{escape(sources[via].label)}]({self.to(SOURCES_PAGE, via)})"
        return cell


def money(amount: float, currency: str) -> str:
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"${text}" if currency == "USD" else f"{currency} {text}"


def pay_amount(row: object) -> str:
    """The amount cell of a salary record: one value or a low–high range."""
    if row.statistic in ("range", "p10-p90"):  # type: ignore[attr-defined]
        return f"{money(row.low, row.currency)}–{money(row.high, row.currency)}"  # type: ignore[attr-defined]
    return money(row.value, row.currency)  # type: ignore[attr-defined]


def pay_measure(row: object) -> str:
    return f"{STATISTIC_LABELS[row.statistic]}, {PAY_LABELS[row.base_or_total]}"  # type: ignore[attr-defined]


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def market_value(row: object) -> str:
    """A market figure in words: '17%', 'about 140,100 a year', 'down more than 20%'."""
    value: float = row.value  # type: ignore[attr-defined]
    unit: str = row.unit  # type: ignore[attr-defined]
    qualifier: str | None = row.qualifier  # type: ignore[attr-defined]
    magnitude = abs(value)

    def big(v: float) -> str:
        return f"{number(v / 1e6)} million" if v >= 1e6 else number(v)

    if unit == "percent":
        text = f"{number(magnitude)}%"
    elif unit == "percent-per-year":
        text = f"{number(magnitude)}% a year"
    elif unit == "jobs":
        text = f"{big(magnitude)} jobs"
    elif unit == "jobs-per-year":
        text = f"{big(magnitude)} openings a year"
    elif unit == "usd-billion":
        text = f"${number(magnitude)} billion"
    elif unit == "rank":
        text = f"#{number(magnitude)}"
    elif unit == "multiple":
        text = f"{number(magnitude)}×"
    elif unit == "years":
        text = f"{number(magnitude)} years"
    else:
        text = big(magnitude)
    if value < 0:
        return f"down {qualifier + ' ' if qualifier else ''}{text}"
    return f"{qualifier} {text}" if qualifier else text


def status(verification: str) -> str:
    return VERIFICATION_LABELS[verification]


def is_stale(kb: KnowledgeBase, data_year: int) -> bool:
    return data_year < kb.build_year - STALE_AFTER_YEARS


def year_cell(kb: KnowledgeBase, data_year: int) -> str:
    """The data year, with a visible marker when it is older than the staleness limit."""
    if not is_stale(kb, data_year):
        return str(data_year)
    title = (
        f"Data from {data_year}: more than {STALE_AFTER_YEARS} years before {kb.build_year}. "
        "Look for a newer edition before relying on it."
    )
    return f'{data_year} <span class="kb-stale" title="{title}">⚠ stale</span>'


def page_title(docs_dir: Path, page: str) -> str:
    """The front-matter title of a docs page, or its path when it has none."""
    path = docs_dir / page
    if not path.is_file():
        return page
    shown = f"{docs_dir.name}/{page}"
    try:
        title = front_matter(read_text(path, shown), shown).meta.get("title")
    except SourceFileError:
        return page  # the build stops on that page itself, with this error and its line
    return str(title) if title else page


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
