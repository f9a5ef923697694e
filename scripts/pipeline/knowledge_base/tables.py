"""Markdown tables generated with pandas from the knowledge base.

Each table function returns a ``Table``: a DataFrame of display strings plus what the
footer needs (files read, sources and years of the figures shown). ``render_table``
validates the directive's name and arguments, renders the frame with
``DataFrame.to_markdown`` and appends the footer.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from pydantic.fields import FieldInfo

from scripts.pipeline.knowledge_base.exports import DOWNLOADS_DIR, stale_figures
from scripts.pipeline.knowledge_base.formatting import (
    LEVEL_LABELS,
    SOURCES_PAGE,
    STALE_AFTER_YEARS,
    Linker,
    UnknownDirective,
    escape,
    is_stale,
    market_value,
    money,
    page_title,
    pay_amount,
    pay_measure,
    slug,
    status,
    year_cell,
)
from scripts.pipeline.knowledge_base.load import KnowledgeBase
from scripts.pipeline.knowledge_base.schema import (
    DATASETS,
    PAGE_PATTERN,
    PRACTICE_AREAS,
    QUESTION_TOPICS,
    SLUG_PATTERN,
    SNIPPET_PATTERN,
    STAGES,
    URL_PATTERN,
    VERIFICATION_LABELS,
    VERIFICATION_MEANINGS,
    Record,
    Ref,
)

NEED_LABELS = {0: "–", 1: "basic", 2: "working", 3: "deep"}
TRANSFER_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No"}


@dataclass
class Table:
    """A rendered-to-strings table and the facts its footer states."""

    frame: pd.DataFrame
    sources: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    legend: str = ""
    empty: str = "No entries."
    generated_from: str = ""  # overrides the list of files in the footer


def _values(model: type[Record], name: str) -> Callable[[KnowledgeBase], tuple[str, ...]]:
    """Allowed values of a Literal field, for validating directive arguments."""
    annotation = model.model_fields[name].annotation
    values = tuple(str(v) for v in typing.get_args(annotation))
    return lambda _kb: values


def cited(frame: pd.DataFrame) -> list[str]:
    """Source ids a figures frame cites, as source or via, for the footer."""
    return list(frame["source"]) + [v for v in frame["via"] if isinstance(v, str)]


def _frame(rows: list[dict[str, str]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=columns)


def _figure_rows(kb: KnowledgeBase, name: str) -> pd.DataFrame:
    """A figures dataset as a DataFrame that keeps the validated records alongside."""
    frame = kb.frame(name)
    frame["record"] = list(kb.items(name))
    return frame


# --- tables ----------------------------------------------------------------------------


def roles_comparison(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    roles = kb.by_key("roles")

    def role_link(ref: str) -> str:
        if ref in roles:
            return f"[{escape(roles[ref].name)}]({link.to(roles[ref].page)})"
        return escape(ref)

    rows = [
        {
            "Role": role_link(r.id),
            "Focus": escape(r.focus),
            "Main deliverables": "; ".join(escape(d) for d in r.deliverables),
            "Daily tools": ", ".join(escape(t) for t in r.daily_tools),
            "Typical background": escape(r.typical_background),
            "Often leads to": ", ".join(role_link(t) for t in r.leads_to),
        }
        for r in kb.items("roles")
    ]
    columns = ["Role", "Focus", "Main deliverables", "Daily tools", "Typical background", "Often leads to"]
    return Table(_frame(rows, columns))


def skills_matrix(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    roles = kb.items("roles")
    skills = [s for s in kb.items("skills") if "category" not in args or s.category == args["category"]]
    columns = ["Skill"] + ([] if "category" in args else ["Category"]) + [r.name for r in roles]
    columns += ["Carries over from backend work?", "Hours (rough)"]
    rows = []
    for s in skills:
        row = {"Skill": f"[{escape(s.name)}]({link.to(s.page)})", "Category": s.category}
        for r in roles:
            row[r.name] = NEED_LABELS[s.need[r.id]] if r.id in s.need else "n/a"
        row["Carries over from backend work?"] = f"{TRANSFER_LABELS[s.transfers]}: {escape(s.transfer_note)}"
        row["Hours (rough)"] = str(s.effort_hours)
        rows.append(row)
    legend = (
        "Depth needed: – not needed, basic, working, deep (n/a: not rated). "
        "Hours are rough estimates for reaching working level"
    )
    return Table(_frame(rows, columns), legend=legend)


def _salary_frame(kb: KnowledgeBase) -> pd.DataFrame:
    frame = _figure_rows(kb, "salaries")
    order = {r.id: i for i, r in enumerate(kb.items("roles"))}
    frame["role_order"] = frame["role"].map(order)
    frame["level_order"] = frame["level"].map({k: i for i, k in enumerate(LEVEL_LABELS)})
    frame["strength"] = frame["verification"].map({k: i for i, k in enumerate(VERIFICATION_LABELS)})
    return frame


def _with_verification(frame: pd.DataFrame, args: Mapping[str, str]) -> pd.DataFrame:
    """The rows whose status is one of ``verification=a,b`` (all rows without the argument)."""
    if "verification" not in args:
        return frame
    return frame[frame["verification"].isin(args["verification"].split(","))]


def salaries_by_role_level(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    frame = _salary_frame(kb)
    if "role" in args:
        frame = frame[frame["role"] == args["role"]]
    if "geography" in args:
        frame = frame[frame["geography"] == args["geography"]]
    frame = _with_verification(frame, args)
    frame = frame.sort_values(
        ["role_order", "level_order", "strength", "geography", "source", "data_year"],
        ascending=[True, True, True, True, True, False],
        kind="stable",
    )
    roles = kb.by_key("roles")
    rows = []
    for r in frame["record"]:
        rows.append(
            {
                "Role": f"[{escape(roles[r.role].name)}]({link.to(roles[r.role].page)})",
                "Level": LEVEL_LABELS[r.level],
                "Publisher's label": escape(r.label),
                "Measure": pay_measure(r),
                "Amount (per year)": pay_amount(r),
                "Where": escape(r.geography),
                "Data year": year_cell(kb, r.data_year),
                "n": f"{r.sample_size:,}" if r.sample_size else "–",
                "Source": link.source(kb, r.source, r.via),
                "Status": status(r.verification),
            }
        )
    columns = [
        "Role",
        "Level",
        "Publisher's label",
        "Measure",
        "Amount (per year)",
        "Where",
        "Data year",
        "n",
        "Source",
        "Status",
    ]
    return Table(
        _frame(rows, columns),
        sources=cited(frame),
        years=list(frame["data_year"]),
        legend="Each row is one publisher's figure; compare rows only when source, year and place match",
        empty="No salary figures match.",
    )


def salaries_by_source(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    frame = _figure_rows(kb, "salaries")
    source_order = {s.id: i for i, s in enumerate(kb.items("sources"))}
    frame["source_order"] = frame["source"].map(source_order)
    keys = ["source_order", "source", "geography", "data_year", "statistic", "base_or_total", "currency"]
    rows = []
    for _key, group in frame.groupby(keys, sort=True, dropna=False):
        records = list(group["record"])
        first = records[0]
        figures = "<br>".join(
            f"{escape(r.label)}: {pay_amount(r)}" + (f" (n={r.sample_size:,})" if r.sample_size else "")
            for r in records
        )
        statuses = list(dict.fromkeys(status(r.verification) for r in records))
        vias = list(dict.fromkeys(r.via for r in records if r.via))
        rows.append(
            {
                "Source": link.source(kb, first.source, vias[0] if len(vias) == 1 else None),
                "Where": escape(first.geography),
                "Data year": year_cell(kb, first.data_year),
                "Measure": pay_measure(first),
                "Figures": figures,
                "Status": ", ".join(statuses),
            }
        )
    columns = ["Source", "Where", "Data year", "Measure", "Figures", "Status"]
    return Table(
        _frame(rows, columns),
        sources=cited(frame),
        years=list(frame["data_year"]),
        legend="One row per source, place, year and measure: figures within a row are comparable, rows are not",
    )


def hybrid_role_ranges(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    frame = _salary_frame(kb)
    frame = frame[frame["role"] == "hybrid-engineer"].sort_values(["level_order"], kind="stable")
    rows = [
        {
            "Level": LEVEL_LABELS[r.level],
            "Measure": pay_measure(r),
            "Range (per year)": pay_amount(r),
            "Where": escape(r.geography),
            "Data year": year_cell(kb, r.data_year),
            "Source": link.source(kb, r.source, r.via),
            "Status": status(r.verification),
            "Note": escape(r.note),
        }
        for r in frame["record"]
    ]
    columns = ["Level", "Measure", "Range (per year)", "Where", "Data year", "Source", "Status", "Note"]
    return Table(
        _frame(rows, columns),
        sources=cited(frame),
        years=list(frame["data_year"]),
        empty="No figures for the hybrid role.",
    )


def demand_figures(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    frame = _figure_rows(kb, "market")
    frame = _with_verification(frame, args)
    rows = [
        {
            "Figure": escape(r.figure),
            "Value": market_value(r),
            "Where": escape(r.geography),
            "Period": escape(r.period),
            "Data year": year_cell(kb, r.data_year),
            "Source": link.source(kb, r.source, r.via),
            "Status": status(r.verification),
            "Note": escape(r.note),
        }
        for r in frame["record"]
    ]
    columns = ["Figure", "Value", "Where", "Period", "Data year", "Source", "Status", "Note"]
    return Table(
        _frame(rows, columns),
        sources=cited(frame),
        years=list(frame["data_year"]),
        legend="Projections are the publisher's expectations, not measured outcomes",
    )


def trends_evidence(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    market, salaries = kb.by_key("market"), kb.by_key("salaries")
    rows, sources, years = [], [], []
    for t in kb.items("trends"):
        evidence = []
        for ref in t.evidence:
            if ref in market:
                f = market[ref]
                what = f"{escape(f.figure)}: {market_value(f)}"
            else:
                f = salaries[ref]
                what = f"{escape(f.label)}, {pay_measure(f).lower()}: {pay_amount(f)}"
            sources += [f.source] + ([f.via] if f.via else [])
            years.append(f.data_year)
            evidence.append(
                f"{what} ({link.source(kb, f.source, f.via)}, {year_cell(kb, f.data_year)}; {status(f.verification)})"
            )
        rows.append(
            {
                "Trend": escape(t.trend),
                "What is happening": escape(t.summary),
                "Evidence in this guide's data": "<br>".join(evidence) or "No sourced figure yet",
                "What it means for a backend engineer": escape(t.meaning_for_backend),
            }
        )
    columns = [
        "Trend",
        "What is happening",
        "Evidence in this guide's data",
        "What it means for a backend engineer",
    ]
    return Table(_frame(rows, columns), sources=sources, years=years)


def llm_models(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    rows = [
        {
            "Model": escape(m.name),
            "Layers": str(m.layers),
            "Query heads": str(m.attention_heads),
            "Key/value heads": str(m.kv_heads),
            "Head size": str(m.head_dim),
            "Hidden size": f"{m.hidden_size:,}",
            "Max context (tokens)": f"{m.max_context:,}",
            "Config": f"[config.json]({m.config_url})"
            + (f" (read in [a copy]({m.read_in}))" if m.read_in else ""),
            "Source": link.source(kb, m.source),
            "Status": status(m.verification),
        }
        for m in kb.items("llm_models")
    ]
    columns = list(rows[0]) if rows else ["Model"]
    legend = "Fields of each model's published config.json; fewer key/value heads than query heads means grouped-query attention"
    return Table(_frame(rows, columns), legend=legend)


def llm_prices(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    rows = [
        {
            "Provider": escape(p.provider),
            "Model": f"`{p.model}`",
            "Input, per million tokens": money(p.input_per_million, p.currency),
            "Output, per million tokens": money(p.output_per_million, p.currency),
            "Read on": p.read_on.isoformat(),
            "Source": link.source(kb, p.source),
            "Status": status(p.verification),
            "Note": escape(p.note),
        }
        for p in kb.items("llm_prices")
    ]
    columns = list(rows[0]) if rows else ["Provider"]
    legend = "List prices on the day they were read: example inputs for cost arithmetic, not quotes"
    return Table(_frame(rows, columns), legend=legend)


def tools(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    listed = [t for t in kb.items("tools") if t.category == args["category"]]
    rows = [
        {
            "Tool": f"[{escape(t.name)}]({t.url})",
            "Use it when": escape(t.when_to_use),
            "Learning curve": t.learning_curve,
            "Backend analogue": escape(t.backend_analogue),
            "Runs on": f"[{escape(page_title(kb.docs_dir, t.example))}]({link.to(t.example)})"
            if t.example
            else "",
        }
        for t in listed
    ]
    columns = ["Tool", "Use it when", "Learning curve", "Backend analogue"]
    # The column appears once any tool on the page has an example this site runs.
    columns += ["Runs on"] if any(t.example for t in listed) else []
    return Table(_frame(rows, columns))


def concept_map(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    rows = []
    for c in kb.items("concepts"):
        see = f"[{escape(page_title(kb.docs_dir, c.page))}]({link.to(c.page)})"
        if c.snippet:
            see += f"<br>`{c.snippet}`"
        rows.append(
            {
                "You know": escape(c.backend_concept),
                "ML counterpart": escape(c.ml_concept),
                "What carries over": escape(c.how_it_maps),
                "Where the analogy breaks": escape(c.how_it_differs),
                "See": see,
            }
        )
    columns = ["You know", "ML counterpart", "What carries over", "Where the analogy breaks", "See"]
    return Table(_frame(rows, columns))


def comparison(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    entry = kb.by_key("comparisons")[args["id"]]
    if link.page != entry.page:
        # Cells may hold relative links, written for the page that owns the comparison.
        raise UnknownDirective(
            f"comparison '{entry.id}' belongs to {entry.page} (its links are relative to that page); "
            "show it there, or add a separate entry for this page"
        )
    cells = [[escape(cell) for cell in row] for row in entry.rows]
    return Table(pd.DataFrame(cells, columns=[escape(c) for c in entry.columns]))


def challenges_mitigations(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    practices = kb.by_key("practices")
    rows = []
    for c in kb.items("challenges"):
        p = practices[c.related_practice]
        rows.append(
            {
                "Challenge": f"[{escape(c.challenge)}]({link.to(c.page)})",
                "How it shows up": escape(c.symptom),
                "What helps": escape(c.mitigation),
                "Related practice": f"[{escape(p.practice)}]({link.to(f'practices/{p.area}.md')})",
            }
        )
    columns = ["Challenge", "How it shows up", "What helps", "Related practice"]
    return Table(_frame(rows, columns))


def practices_checklist(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    frame = _figure_rows(kb, "practices")
    if "area" in args:
        frame = frame[frame["area"] == args["area"]]
    frame["stage_order"] = frame["stage"].map({s: i for i, s in enumerate(STAGES)})
    frame["area_order"] = frame["area"].map({a: i for i, a in enumerate(PRACTICE_AREAS)})
    frame = frame.sort_values(["stage_order", "area_order"], kind="stable")
    with_snippets = any(p.snippet for p in frame["record"])
    rows = []
    for p in frame["record"]:
        row = {"Stage": p.stage}
        if "area" not in args:
            row["Area"] = f"[{p.area}]({link.to(f'practices/{p.area}.md')})"
        row |= {"Practice": escape(p.practice), "Why": escape(p.why), "How to check": escape(p.how_to_check)}
        if with_snippets:
            row["Example"] = f"`{p.snippet}`" if p.snippet else ""
        rows.append(row)
    columns = ["Stage"] + ([] if "area" in args else ["Area"]) + ["Practice", "Why", "How to check"]
    columns += ["Example"] if with_snippets else []
    return Table(_frame(rows, columns))


def questions(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    """The question bank, easiest first within the data's order.

    The question cell carries the row's topic and difficulty as data attributes, for the
    filter on docs/interviews/question-bank.md (question-bank.js hides and shows rows; with
    JavaScript off every row shows). The outline sits in a closed <details> as the last
    column, so 160 outlines cost the first screen little and print can drop the column;
    the site search indexes the questions but not the outlines (Material's
    data-search-exclude), so a search for a topic lands on the page that teaches it.
    """
    labels = {
        "coding": "Coding",
        "ml-fundamentals": "ML fundamentals",
        "evaluation": "Evaluation and statistics",
        "deep-learning": "Deep learning",
        "llm-applications": "LLM applications",
        "data-engineering": "Data engineering",
        "ml-system-design": "ML system design",
        "production": "Production and MLOps",
        "behavioural": "Behavioural",
    }
    order = {"easy": 0, "medium": 1, "hard": 2}
    chosen = [q for q in kb.items("questions") if "topic" not in args or q.topic == args["topic"]]
    rows = []
    for q in sorted(chosen, key=lambda q: order[q.difficulty]):
        label = labels.get(q.topic, q.topic)
        question = (
            f'<span class="qb-question" id="q-{q.id}" data-topic="{q.topic}" '
            f'data-topic-label="{label}" data-difficulty="{q.difficulty}">{escape(q.question)}</span>'
        )
        points = "".join(f"<li>{escape(point)}</li>" for point in q.answer_outline)
        row = {} if "topic" in args else {"Topic": label}
        row |= {
            "Question": question,
            "Difficulty": q.difficulty,
            "Study": f"[{escape(page_title(kb.docs_dir, q.related_page))}]({link.to(q.related_page)})",
            "What a good answer covers": (
                f'<details class="qb-outline" data-search-exclude><summary>Answer outline</summary>'
                f"<ul>{points}</ul></details>"
            ),
        }
        rows.append(row)
    columns = ([] if "topic" in args else ["Topic"]) + [
        "Question",
        "Difficulty",
        "Study",
        "What a good answer covers",
    ]
    return Table(_frame(rows, columns))


def glossary(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    rows = []
    for g in sorted(kb.items("glossary"), key=lambda g: g.term.lower()):
        term = escape(g.term)
        if g.page:
            term = f"[{term}]({link.to(g.page)})"
        rows.append(
            {
                "Term": f'<span id="term-{slug(g.term)}"></span>{term}',
                "Short form": g.abbreviation or "",
                "Meaning": escape(g.definition),
                "Backend analogue": escape(g.backend_analogue or ""),
            }
        )
    return Table(_frame(rows, ["Term", "Short form", "Meaning", "Backend analogue"]))


def resources(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    rows = []
    for r in kb.items("resources"):
        if "kind" in args and r.kind != args["kind"]:
            continue
        row = {"Resource": f"[{escape(r.title)}]({r.url})", "By": escape(r.author)}
        if "kind" not in args:
            row["Kind"] = r.kind
        row |= {"Cost": r.cost, "Level": r.level, "Good for": escape(r.note)}
        rows.append(row)
    columns = ["Resource", "By"] + ([] if "kind" in args else ["Kind"]) + ["Cost", "Level", "Good for"]
    return Table(_frame(rows, columns))


def sources(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    used: dict[str, int] = {}
    for name in ("salaries", "market"):
        for f in kb.items(name):
            for ref in {f.source, f.via} - {None}:
                used[ref] = used.get(ref, 0) + 1
    rows = []
    for s in kb.items("sources"):
        title = f"[{escape(s.title)}]({s.url})" if s.url else f"{escape(s.title)} (address unknown)"
        rows.append(
            {
                "Source": f'<span id="{s.id}"></span>**{escape(s.label)}**<br>`{s.id}`',
                "Document": f"{escape(s.publisher)}: {title}",
                "Kind and dates": (
                    f"{s.kind}<br>published {s.published}<br>read {s.accessed.isoformat()}"
                    f"<br>{used.get(s.id, 0)} figure(s)"
                ),
                "Notes": escape(s.notes),
            }
        )
    columns = ["Source", "Document", "Kind and dates", "Notes"]
    return Table(_frame(rows, columns))


_PATTERN_TYPES = {
    SLUG_PATTERN: "id (lowercase-kebab-case)",
    PAGE_PATTERN: "docs page path",
    SNIPPET_PATTERN: "snippet path, optionally :section",
    URL_PATTERN: "URL",
}


def _pattern_type(metadata: typing.Iterable[object]) -> str | None:
    """The kind of text a field's regex pattern accepts, if it has one of the shared patterns;
    for a reference to another file, which file."""
    metadata = list(metadata)
    for item in metadata:
        if isinstance(item, Ref):
            files = " or ".join(f"{DATASETS[name].file}" for name in item.datasets)
            return f"{item.what} id from {files}" + (", or a free-text title" if item.free_text else "")
    for item in metadata:
        if isinstance(item, FieldInfo):
            found = _pattern_type(item.metadata)
            if found:
                return found
        pattern = getattr(item, "pattern", None)
        if pattern in _PATTERN_TYPES:
            return _PATTERN_TYPES[pattern]
    return None


def _type_name(annotation: object, metadata: typing.Iterable[object] = ()) -> str:
    """A reader-friendly name for a field's type annotation."""
    named = _pattern_type(metadata)
    if named:
        return named
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if origin is typing.Annotated:
        return _type_name(args[0], args[1:])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of {_type_name(args[0])} to {_type_name(args[1])}"
    names = {str: "text", int: "whole number", float: "number", bool: "true/false", date: "date (YYYY-MM-DD)"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))  # type: ignore[call-overload]


def datasets(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    rows = []
    for name, dataset in DATASETS.items():
        csv_link = link.to(f"{DOWNLOADS_DIR}/{name}.csv")
        json_link = link.to(f"{DOWNLOADS_DIR}/{name}.json")
        rows.append(
            {
                "File": f"`{kb.file(name)}`",
                "What it holds": escape(dataset.description),
                "Entries": str(len(kb.items(name))),
                "Download": f"[{name}.csv]({csv_link}) · [{name}.json]({json_link})",
            }
        )
    bundle = link.to(f"{DOWNLOADS_DIR}/knowledge-base.json")
    rows.append(
        {
            "File": "all of the above",
            "What it holds": "Every dataset in one file, with the meaning of each verification status.",
            "Entries": str(sum(len(kb.items(name)) for name in DATASETS)),
            "Download": f"[knowledge-base.json]({bundle})",
        }
    )
    rows.append(
        {
            "File": "the skill-gap planner's settings",
            "What it holds": "Target roles, skill category labels and starting ratings, as the planner reads them.",
            "Entries": "",
            "Download": f"[planner.json]({link.to(f'{DOWNLOADS_DIR}/planner.json')})",
        }
    )
    return Table(
        _frame(rows, ["File", "What it holds", "Entries", "Download"]),
        generated_from=f"every file in `{kb.data_dir.name}/`",
    )


def data_fields(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    rows = []
    for name, dataset in DATASETS.items():
        if "dataset" in args and name != args["dataset"]:
            continue
        for field_name, info in dataset.model.model_fields.items():
            row = {} if "dataset" in args else {"File": f"`data/{dataset.file}`"}
            row |= {
                "Field": f"`{field_name}`",
                "Type": escape(_type_name(info.annotation, info.metadata)),
                "Required": "yes" if info.is_required() else "no",
                "Meaning": escape(info.description or ""),
            }
            rows.append(row)
    columns = ([] if "dataset" in args else ["File"]) + ["Field", "Type", "Required", "Meaning"]
    return Table(_frame(rows, columns))


def verification_statuses(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    counts = pd.concat(
        [kb.frame("salaries")["verification"], kb.frame("market")["verification"]]
    ).value_counts()
    rows = [
        {
            "Status": f"`{key}`",
            "Shown in tables as": label,
            "What it means": escape(VERIFICATION_MEANINGS[key]),
            "Figures with it": str(int(counts.get(key, 0))),
        }
        for key, label in VERIFICATION_LABELS.items()
    ]
    return Table(_frame(rows, ["Status", "Shown in tables as", "What it means", "Figures with it"]))


def stale_figures_table(kb: KnowledgeBase, link: Linker, args: Mapping[str, str]) -> Table:
    found = stale_figures(kb)
    rows = [
        {
            "File": f"`{s.file}`",
            "Line": str(s.line),
            "Figure": f"`{s.id}`: {escape(s.description)}",
            "Data year": str(s.data_year),
            "Source": link.source(kb, s.source),
        }
        for s in found
    ]
    return Table(
        _frame(rows, ["File", "Line", "Figure", "Data year", "Source"]),
        sources=[s.source for s in found],
        years=[s.data_year for s in found],
        empty=f"No figure is more than {STALE_AFTER_YEARS} years older than {kb.build_year}.",
    )


# --- registry and rendering ------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    render: Callable[[KnowledgeBase, Linker, Mapping[str, str]], Table]
    args: Mapping[str, Callable[[KnowledgeBase], tuple[str, ...]]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()  # arguments that take several values, comma-separated


def _role_ids(kb: KnowledgeBase) -> tuple[str, ...]:
    return tuple(kb.by_key("roles"))


def _geographies(kb: KnowledgeBase) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.geography for s in kb.items("salaries")))


def _verifications(_kb: KnowledgeBase) -> tuple[str, ...]:
    return tuple(VERIFICATION_LABELS)


DATASET_NAMES = tuple(DATASETS)
_models = {name: d.model for name, d in DATASETS.items()}

TABLES: dict[str, TableSpec] = {
    "roles-comparison": TableSpec(roles_comparison),
    "skills-matrix": TableSpec(skills_matrix, {"category": _values(_models["skills"], "category")}),
    "salaries-by-role-level": TableSpec(
        salaries_by_role_level,
        {
            "role": _role_ids,
            "geography": _geographies,
            "verification": _verifications,
        },
        lists=("verification",),
    ),
    "salaries-by-source": TableSpec(salaries_by_source),
    "hybrid-role-ranges": TableSpec(hybrid_role_ranges),
    "demand-figures": TableSpec(demand_figures, {"verification": _verifications}, lists=("verification",)),
    "trends-evidence": TableSpec(trends_evidence),
    "tools": TableSpec(tools, {"category": _values(_models["tools"], "category")}, required=("category",)),
    "llm-models": TableSpec(llm_models),
    "llm-prices": TableSpec(llm_prices),
    "concept-map": TableSpec(concept_map),
    "comparison": TableSpec(comparison, {"id": lambda kb: tuple(kb.by_key("comparisons"))}, required=("id",)),
    "challenges-mitigations": TableSpec(challenges_mitigations),
    "practices-checklist": TableSpec(practices_checklist, {"area": lambda _kb: PRACTICE_AREAS}),
    "questions": TableSpec(questions, {"topic": lambda _kb: QUESTION_TOPICS}),
    "glossary": TableSpec(glossary),
    "resources": TableSpec(resources, {"kind": _values(_models["resources"], "kind")}),
    "sources": TableSpec(sources),
    "data-fields": TableSpec(data_fields, {"dataset": lambda _kb: DATASET_NAMES}),
    "verification-statuses": TableSpec(verification_statuses),
    "stale-figures": TableSpec(stale_figures_table),
    "datasets": TableSpec(datasets),
}
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)

# Which data files each table reads (for the "every data file is used by a page" check).
TABLE_DATASETS: dict[str, tuple[str, ...]] = {
    "roles-comparison": ("roles",),
    "skills-matrix": ("skills", "roles"),
    "salaries-by-role-level": ("salaries", "roles", "sources"),
    "salaries-by-source": ("salaries", "sources"),
    "hybrid-role-ranges": ("salaries", "sources"),
    "demand-figures": ("market", "sources"),
    "trends-evidence": ("trends", "market", "salaries", "sources"),
    "tools": ("tools",),
    "llm-models": ("llm_models", "sources"),
    "llm-prices": ("llm_prices", "sources"),
    "concept-map": ("concepts",),
    "comparison": ("comparisons",),
    "challenges-mitigations": ("challenges", "practices"),
    "practices-checklist": ("practices",),
    "questions": ("questions",),
    "glossary": ("glossary",),
    "resources": ("resources",),
    "sources": ("sources", "salaries", "market"),
    "data-fields": (),
    "verification-statuses": ("salaries", "market"),
    "stale-figures": ("salaries", "market", "sources"),
    # Lists every file with its size; it shows no file's content, so it counts as using none.
    "datasets": (),
}


def check_args(
    kind: str,
    name: str,
    spec_args: Mapping[str, Callable[[KnowledgeBase], tuple[str, ...]]],
    required: tuple[str, ...],
    args: Mapping[str, str],
    kb: KnowledgeBase,
    lists: tuple[str, ...] = (),
) -> None:
    """Raise UnknownDirective for an unknown, missing or invalid argument.

    Arguments named in ``lists`` take comma-separated values, each of which must be valid.
    """
    for key, value in args.items():
        if key not in spec_args:
            valid = ", ".join(f"{k}=" for k in spec_args) or "none"
            raise UnknownDirective(f"{kind} '{name}' has no argument '{key}'; valid arguments: {valid}")
        allowed = spec_args[key](kb)
        for part in value.split(",") if key in lists else [value]:
            if part not in allowed:
                several = " (or several, comma-separated)" if key in lists else ""
                raise UnknownDirective(
                    f"{kind} '{name}': {key}={part} is not valid; use one of{several}: {', '.join(allowed)}"
                )
    for key in required:
        if key not in args:
            allowed = spec_args[key](kb)
            raise UnknownDirective(f"{kind} '{name}' needs {key}=…; one of: {', '.join(allowed)}")


def footer(
    kb: KnowledgeBase,
    link: Linker,
    datasets: tuple[str, ...],
    source_ids: list[str],
    years: list[int],
    legend: str = "",
    generated_from: str = "",
) -> str:
    """The italic line under every table and chart: years, sources, files."""
    parts = [legend] if legend else []
    if source_ids:
        all_sources = kb.by_key("sources")
        cited = [all_sources[s] for s in dict.fromkeys(source_ids)]
        publishers = ", ".join(escape(p) for p in dict.fromkeys(s.publisher for s in cited))
        span = f"years {min(years)}–{max(years)}" if min(years) != max(years) else f"year {min(years)}"
        checked = max(s.accessed for s in cited).strftime("%Y-%m")
        stale = sum(is_stale(kb, y) for y in years)
        parts.append(f"data {span}, read {checked}")
        if stale:
            parts.append(f"⚠ {stale} figure(s) older than {kb.build_year - STALE_AFTER_YEARS}")
        parts.append(f"sources: {publishers} ([details]({link.to(SOURCES_PAGE)}))")
    files = [f"`{kb.file(d)}`" for d in datasets] or [
        "the schema in `scripts/pipeline/knowledge_base/schema.py`"
    ]
    parts.append("generated from " + (generated_from or ", ".join(files)))
    text = " · ".join(parts)
    return f"*{text[0].upper()}{text[1:]}.*"


def render_table(kb: KnowledgeBase, name: str, *, page: str, **args: str) -> str:
    """Markdown for table ``name`` as included in docs page ``page`` (docs-relative)."""
    if name not in TABLES:
        raise UnknownDirective(f"unknown table '{name}'; valid tables: {', '.join(TABLE_NAMES)}")
    spec = TABLES[name]
    check_args("table", name, spec.args, spec.required, args, kb, spec.lists)
    link = Linker(page)
    table = spec.render(kb, link, args)
    if table.frame.empty:
        body = f"*{table.empty}*"
    else:
        # Every cell is text, left-aligned by the theme already. No alignment colons, so
        # no inline style on each of thousands of cells (they defeat the browser's style
        # sharing and made the start-up style pass of table-heavy pages slower).
        body = table.frame.to_markdown(index=False, disable_numparse=True, stralign=None)
    return f"{body}\n\n{footer(kb, link, TABLE_DATASETS[name], table.sources, table.years, table.legend, table.generated_from)}\n"
