"""Generated Markdown and SVG for the small valid fixture.

Tables are compared exactly with files in fixtures/expected/. After an intended change to
a table, regenerate them with ``KB_UPDATE_EXPECTED=1 pytest tests/pipeline/knowledge_base`` and review
the diff before committing.
"""

from __future__ import annotations

import os
import re
from types import SimpleNamespace

import pytest
from kb_helpers import EXPECTED, valid_kb
from mkdocs.exceptions import PluginError

from scripts.pipeline import site_hooks
from scripts.pipeline.knowledge_base import (
    CHART_NAMES,
    TABLE_NAMES,
    UnknownDirective,
    abbreviations,
    render_chart,
    render_table,
    stale_figures,
)

PAGE = "guide/page.md"  # a page one folder deep: links start with ../


def page_for(name: str) -> str:
    # A comparison renders only on the page that owns it (its cells' links are relative to it).
    return "practices.md" if name == "comparison" else PAGE


CASES = [
    ("roles-comparison", {}),
    ("skills-matrix", {}),
    ("skills-matrix", {"category": "math"}),
    ("salaries-by-role-level", {}),
    ("salaries-by-role-level", {"role": "backend-engineer"}),
    ("salaries-by-source", {}),
    ("hybrid-role-ranges", {}),
    ("demand-figures", {}),
    ("trends-evidence", {}),
    ("tools", {"category": "serving"}),
    ("llm-models", {}),
    ("llm-prices", {}),
    ("concept-map", {}),
    ("challenges-mitigations", {}),
    ("practices-checklist", {}),
    ("practices-checklist", {"area": "monitoring"}),
    ("questions", {}),
    ("questions", {"topic": "ml-system-design"}),
    ("glossary", {}),
    ("resources", {}),
    ("resources", {"kind": "book"}),
    ("sources", {}),
    ("data-fields", {"dataset": "resources"}),
    ("verification-statuses", {}),
    ("stale-figures", {}),
    ("datasets", {}),
    ("comparison", {"id": "release-strategies"}),
]
UPDATE = os.environ.get("KB_UPDATE_EXPECTED") == "1"


def case_id(name: str, args: dict[str, str]) -> str:
    return "--".join([name, *(f"{k}={v}" for k, v in args.items())])


@pytest.fixture(scope="module")
def kb():
    return valid_kb()


def test_every_table_has_an_expected_output():
    assert {name for name, _ in CASES} == set(TABLE_NAMES)


@pytest.mark.parametrize(("name", "args"), CASES, ids=[case_id(n, a) for n, a in CASES])
def test_table_matches_expected_markdown(kb, name, args):
    rendered = render_table(kb, name, page=page_for(name), **args)
    expected = EXPECTED / "tables" / f"{case_id(name, args)}.md"
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(rendered, encoding="utf-8")
    assert rendered == expected.read_text(encoding="utf-8")


def test_list_argument_selects_the_union(kb):
    def rows(name: str, **args: str) -> set[tuple[str, ...]]:
        table = render_table(kb, name, page=PAGE, **args).split("\n\n")[0]
        # Cells without to_markdown's padding, which depends on the widest cell of a table.
        return {
            tuple(c.strip() for c in line.split("|"))
            for line in table.splitlines()[2:]
            if line.startswith("|")
        }

    statuses = ("primary", "secondary", "uncertain", "not-found")
    for table in ("demand-figures", "salaries-by-role-level"):
        each = {status: rows(table, verification=status) for status in statuses}
        assert sum(1 for r in each.values() if r) >= 2, f"fixture needs {table} rows of two statuses"
        assert rows(table, verification="secondary,primary") == each["primary"] | each["secondary"]
        assert rows(table, verification=",".join(statuses)) == rows(table)


def test_links_are_relative_to_the_including_page(kb):
    at_root = render_table(kb, "demand-figures", page="index.md")
    deep = render_table(kb, "salaries-by-source", page="a/b/c.md")
    assert "([details](about-data/sources.md))" in at_root
    assert "](about-data/sources.md#stats-office)" in at_root
    assert "(../../about-data/sources.md#stats-office)" in deep


def test_every_source_gets_an_anchor(kb):
    rendered = render_table(kb, "sources", page="about-data/sources.md")
    for source in kb.items("sources"):
        assert f'<span id="{source.id}"></span>' in rendered


def test_cells_escape_pipes_and_html(kb):
    tools = render_table(kb, "tools", page=PAGE, category="serving")
    concepts = render_table(kb, "concept-map", page=PAGE)
    assert r"an API \| quickly" in tools
    assert "A cache &lt;in front> of the database" in concepts


def test_stale_figures_are_flagged(kb):
    rendered = render_table(kb, "salaries-by-role-level", page=PAGE)
    stale_rows = [line for line in rendered.splitlines() if "⚠ stale" in line]
    assert len(stale_rows) == 1 and "EUR 90,000" in stale_rows[0]
    assert [(s.file, s.line, s.id, s.data_year) for s in stale_figures(kb)] == [
        ("data/salaries.csv", 6, "vendor-old-average", 2019),
        ("data/market.csv", 4, "vendor-decline", 2020),
    ]


def test_every_figure_row_names_its_source_and_status(kb):
    for name in ("salaries-by-role-level", "hybrid-role-ranges", "demand-figures"):
        body = render_table(kb, name, page=PAGE).split("\n\n")[0].splitlines()[2:]
        assert body, name
        for row in body:
            assert "../about-data/sources.md#" in row, (name, row)
            assert re.search(r"Primary source|Secondary only|Uncertain|Not found — unverified", row), (
                name,
                row,
            )


def test_every_table_ends_with_its_provenance_line(kb):
    for name, args in CASES:
        last = render_table(kb, name, page=page_for(name), **args).rstrip("\n").splitlines()[-1]
        assert last.startswith("*") and last.endswith(".*") and "enerated from " in last, (name, last)


def test_abbreviations_block(kb):
    assert abbreviations(kb) == (
        "*[ML]: Machine learning — Software that learns from data.\n"
        "*[SLO]: Service-level objective — A 'target' for reliability.\n"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda kb: render_table(kb, "salary-table", page=PAGE),
            "unknown table 'salary-table'; valid tables: roles-comparison, ",
        ),
        (
            lambda kb: render_table(kb, "tools", page=PAGE),
            "table 'tools' needs category=…; one of: modelling, data, ",
        ),
        (
            lambda kb: render_table(kb, "tools", page=PAGE, category="toys"),
            "table 'tools': category=toys is not valid; use one of: modelling",
        ),
        (
            lambda kb: render_table(kb, "demand-figures", page=PAGE, verification="primary,rumour"),
            "table 'demand-figures': verification=rumour is not valid; use one of (or several, "
            "comma-separated): primary, secondary, uncertain, not-found",
        ),
        (
            lambda kb: render_table(kb, "tools", page=PAGE, category="modelling,data"),
            "table 'tools': category=modelling,data is not valid; use one of: modelling",
        ),
        (
            lambda kb: render_table(kb, "glossary", page=PAGE, letter="a"),
            "table 'glossary' has no argument 'letter'; valid arguments: none",
        ),
        (
            lambda kb: render_table(kb, "questions", page=PAGE, level="hard"),
            "table 'questions' has no argument 'level'; valid arguments: topic=",
        ),
        (
            lambda kb: render_chart(kb, "pie", page=PAGE),
            "unknown chart 'pie'; valid charts: salary-ranges, skills-transfer, salaries-us-vs-global",
        ),
    ],
    ids=[
        "unknown-table",
        "missing-required-arg",
        "bad-arg-value",
        "bad-value-in-list",
        "list-where-one-value",
        "no-args-table",
        "unknown-arg",
        "unknown-chart",
    ],
)
def test_unknown_directives_list_the_valid_choices(kb, call, message):
    with pytest.raises(UnknownDirective) as caught:
        call(kb)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("directive", "known"),
    [
        (
            "<!-- table: salary-table -->",
            [f"unknown table 'salary-table'; valid tables: {', '.join(TABLE_NAMES)}"],
        ),
        ("<!-- chart: pie -->", [f"unknown chart 'pie'; valid charts: {', '.join(CHART_NAMES)}"]),
        (
            "<!-- tabel: roles -->",
            ["unknown directive 'tabel:'; use one of snippet:, table:, chart:, figure:"],
        ),
    ],
)
def test_an_unknown_directive_in_a_page_names_the_page_line_and_the_known_kinds(kb, directive, known):
    # Through the hook MkDocs calls, so the page and line reach the contributor, not only the name.
    markdown = f"# Page\n\nSome text.\n\n{directive}\n"
    saved = dict(site_hooks._state)
    site_hooks._state["kb"] = kb
    try:
        page = SimpleNamespace(file=SimpleNamespace(src_uri=PAGE, abs_src_path=None))
        with pytest.raises(PluginError) as caught:
            site_hooks.on_page_markdown(markdown, page, None, None)
    finally:
        site_hooks._state.clear()
        site_hooks._state.update(saved)
    message = str(caught.value)
    assert message.startswith(f"docs/{PAGE} line 5: "), message
    for text in known:
        assert text in message, message
