"""One figure from data/, quoted inside a sentence: ``<!-- figure: market/<id> -->``.

A page quotes a figure by the id of its record, and the build writes the formatted figure
in its place, so changing the record changes every sentence that quotes it. The figure is
a link to the entry of the document it was read in on the sources page; its tooltip (the
link title) gives what was measured, where, the data year, the source and the status.

    <!-- figure: salaries/so-2024-us-backend -->                   -> $170,000
    <!-- figure: salaries/bls-swdev-p10-p90-2024 -->               -> $79,850–$211,450
    <!-- figure: salaries/so-2024-us-ai-developer field=sample_size -->  -> 41
    <!-- figure: market/wef-2023-ai-ml-growth -->                  -> 40%
    <!-- figure: market/wef-2023-ai-ml-new-jobs -->                -> about 1 million jobs
    <!-- figure: market/aipathly-backend-openings -->              -> down 14%
    <!-- figure: market/bls-ds-growth-2024-34 field=period -->     -> 2024–2034 (plain text)

Anything that cannot be resolved raises UnknownDirective saying what to write instead;
scripts/pipeline/directives.py adds the page and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from scripts.pipeline.knowledge_base.formatting import (
    PAY_LABELS,
    SOURCES_PAGE,
    STATISTIC_LABELS,
    Linker,
    UnknownDirective,
    market_value,
    money,
    number,
    pay_amount,
    status,
)
from scripts.pipeline.knowledge_base.load import KnowledgeBase

FIGURE_DATASETS = ("salaries", "market")
DEFAULT_FIELD = "value"

Format = Callable[[object], "str | None"]


def _money_of(name: str) -> Format:
    def fmt(row: object) -> str | None:
        amount = getattr(row, name)
        return None if amount is None else money(amount, row.currency)  # type: ignore[attr-defined]

    return fmt


def _count(row: object) -> str | None:
    size = row.sample_size  # type: ignore[attr-defined]
    return None if size is None else number(size)


# Fields a page may quote, per dataset: name -> (formatter, links to its source?).
# Figures link to their source; the period and data year describe a figure and stay plain.
FIELDS: dict[str, dict[str, tuple[Format, bool]]] = {
    "salaries": {
        "value": (pay_amount, True),  # the amount, or low–high for a range
        "low": (_money_of("low"), True),
        "high": (_money_of("high"), True),
        "sample_size": (_count, True),
        "data_year": (lambda row: str(row.data_year), False),  # type: ignore[attr-defined]
    },
    "market": {
        "value": (market_value, True),
        "period": (lambda row: row.period, False),  # type: ignore[attr-defined]
        "data_year": (lambda row: str(row.data_year), False),  # type: ignore[attr-defined]
    },
}
ARGUMENTS = ("field",)


def _close(word: str, choices: list[str]) -> str:
    """'; close ids: a, b' for the choices that look like a typo of ``word``, else ''."""
    near = difflib.get_close_matches(word, choices, n=4, cutoff=0.6)
    return f"; close ids: {', '.join(near)}" if near else ""


FIELD_TITLES = {"low": "Low end of {}", "high": "High end of {}", "sample_size": "Respondents behind {}"}


def _title(kb: KnowledgeBase, dataset: str, row: object, field: str) -> str:
    sources = kb.by_key("sources")
    read_in = sources[row.source].label  # type: ignore[attr-defined]
    if row.via:  # type: ignore[attr-defined]
        read_in += f" via {sources[row.via].label}"  # type: ignore[attr-defined]
    if dataset == "salaries":
        what = (
            f"{row.label}: {STATISTIC_LABELS[row.statistic]}, "  # type: ignore[attr-defined]
            f"{PAY_LABELS[row.base_or_total]}"  # type: ignore[attr-defined]
        )
        when = f"data {row.data_year}"  # type: ignore[attr-defined]
    else:
        what = row.figure  # type: ignore[attr-defined]
        when = f"{row.period}, data {row.data_year}"  # type: ignore[attr-defined]
    what = FIELD_TITLES.get(field, "{}").format(what)
    parts = [what, row.geography, when, read_in, status(row.verification)]  # type: ignore[attr-defined]
    # A Markdown link title is double-quoted; keep it one line without a double quote.
    return " · ".join(str(p) for p in parts).replace('"', "'").replace("\n", " ")


def render_figure(kb: KnowledgeBase, ref: str, *, page: str, **args: str) -> str:
    """Markdown for ``<!-- figure: <dataset>/<id> [field=<name>] -->`` on docs page ``page``."""
    dataset, slash, key = ref.partition("/")
    if not slash or not key or "/" in key:
        raise UnknownDirective(
            f"cannot read {ref!r}; write <dataset>/<id>, e.g. market/wef-2023-ai-ml-growth "
            f"(datasets: {', '.join(FIGURE_DATASETS)})"
        )
    if dataset not in FIGURE_DATASETS:
        raise UnknownDirective(
            f"unknown dataset '{dataset}'; figures are quoted from {', '.join(FIGURE_DATASETS)} "
            f"(write salaries/<id> or market/<id>)"
        )
    for name in args:
        if name not in ARGUMENTS:
            raise UnknownDirective(
                f"no argument '{name}'; the only argument is field=<name> ({', '.join(FIELDS[dataset])})"
            )
    records = kb.by_key(dataset)
    if key not in records:
        raise UnknownDirective(
            f"{kb.file(dataset)} has no record with id '{key}'{_close(key, list(records))}. "
            f"Use an id from the id column of {kb.file(dataset)}, or add the record with its source "
            "(CONTRIBUTING.md, 'Add a data entry')"
        )
    row = records[key]
    field = args.get("field", DEFAULT_FIELD)
    if field not in FIELDS[dataset]:
        raise UnknownDirective(
            f"{dataset} records have no quotable field '{field}'; use field= one of "
            f"{', '.join(FIELDS[dataset])} (or leave field= out for the value)"
        )
    fmt, linked = FIELDS[dataset][field]
    text = fmt(row)
    if text is None:
        raise UnknownDirective(
            f"record '{key}' has no {field} ({kb.file(dataset)} line {kb.line(dataset, key)} leaves it "
            "empty); fill it in with its source, or quote another field"
        )
    text = text.replace("[", r"\[").replace("]", r"\]").replace("<", "&lt;")
    if not linked:
        return text
    target = Linker(page).to(SOURCES_PAGE, row.via or row.source)
    return f'[{text}]({target} "{_title(kb, dataset, row, field)}")'
