"""No figure is typed into a page: a figure in prose is a directive bound to its record.

Tables and charts are generated from data/, and a sentence that quotes a figure names the
record instead of typing the number::

    a US median of <!-- figure: salaries/so-2024-us-backend -->

The build writes the formatted figure in its place (scripts/pipeline/knowledge_base/figures.py), so
changing the record changes the page, and an unknown id fails the build. This test makes
the other half true: any dollar amount, percentage or #N rank typed into a page fails here,
naming the page, the line and the record ids that hold that value, unless it is on the
allow-list below with the reason it is not a figure from data.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from scripts.pipeline import directives, knowledge_base, source_files
from scripts.pipeline.knowledge_base.figures import render_figure

FIGURE = re.compile(
    r"\$\s?(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<scale>[kKmMbB]\b|million\b|billion\b)?"
    r"|(?P<percent>[0-9]+(?:[.,][0-9]+)?)\s?(?:%|percent\b|per cent\b)"
    r"|(?<![\w/#.-])#(?P<rank>[0-9]+)\b",
    re.IGNORECASE,
)
SCALE = {"k": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
PLACEHOLDER = "\x00FIGURE\x00"
# A unit typed beside a directive would turn a rendered figure into a different one.
UNIT_BESIDE = re.compile(
    rf"(?:\$|#)\s?{PLACEHOLDER}|{PLACEHOLDER}\s?(?:%|percent\b|per cent\b)", re.IGNORECASE
)
CODE_SPAN = directives.CODE_SPAN

# (page, text as matched) -> why it is not a figure that belongs in data/. Keep it tiny:
# rephrasing the sentence is almost always better than an entry here.
ALLOWED: dict[tuple[str, str], str] = {}


def value_of(match: re.Match[str]) -> float:
    if match["percent"]:
        return float(match["percent"].replace(",", "."))
    if match["rank"]:
        return float(match["rank"])
    return float(match["amount"].replace(",", "")) * SCALE.get((match["scale"] or "").lower(), 1)


def prose_lines(text: str, page: str):
    """(line number, prose) for each line a reader sees as text: no front matter, fenced
    code, `code spans` or whole-line directives; figure directives become a placeholder."""
    page_text = source_files.front_matter(text, f"docs/{page}")
    body, offset = page_text.body, page_text.body_line
    inline = {}
    for item in directives.find_inline(body, page, line_offset=offset):
        inline.setdefault(item.directive.index, []).append(item)
    for index, line in directives.outside_fences(body):
        if directives.DIRECTIVE.match(line):
            continue
        for item in sorted(inline.get(index, []), key=lambda i: i.start, reverse=True):
            line = line[: item.start] + PLACEHOLDER + line[item.end :]
        yield index + 1 + offset, CODE_SPAN.sub("`code`", line)


def typed_figures(text: str, page: str) -> list[str]:
    """'docs/page line N: text' for each figure typed into the page, and each unit typed
    beside a figure directive."""
    found = []
    for number, line in prose_lines(text, page):
        for match in UNIT_BESIDE.finditer(line):
            found.append(
                f"docs/{page} line {number}: a unit is typed beside a figure directive "
                f"({match.group(0).replace(PLACEHOLDER, '<!-- figure: … -->')!r}); the directive "
                "renders its own unit ($, %), so delete the typed one"
            )
        for match in FIGURE.finditer(line.replace(PLACEHOLDER, " ")):
            shown = match.group(0).strip()
            if (page, shown) not in ALLOWED:
                found.append(f"docs/{page} line {number}: {shown}")
    return found


def records_with(value: float) -> list[str]:
    kb = knowledge_base.load()
    refs = [
        f"salaries/{row.id}"
        for row in kb.items("salaries")
        if value in {abs(float(v)) for v in (row.value, row.low, row.high) if v is not None}
    ]
    refs += [f"market/{row.id}" for row in kb.items("market") if abs(float(row.value)) == value]
    return refs


def docs_pages():
    for path in sorted((ROOT / "docs").rglob("*.md")):
        rel = path.relative_to(ROOT / "docs").as_posix()
        yield rel, source_files.read_text(path, f"docs/{rel}")


def test_no_figure_is_typed_into_a_page():
    typed = [entry for page, text in docs_pages() for entry in typed_figures(text, page)]
    explained = []
    for entry in typed:
        match = FIGURE.search(entry.partition(": ")[2])
        refs = records_with(value_of(match)) if match else []
        if refs:
            entry += " -> write " + " or ".join(f"<!-- figure: {r} -->" for r in refs[:3])
        elif match:
            entry += " -> no record in data/ has this value: add one with its source, or drop the number"
        explained.append(entry)
    assert not explained, (
        "These figures are typed into prose. Quote a figure by the id of its record, e.g. "
        "<!-- figure: market/<id> -->, so the page changes when the data does "
        "(CONTRIBUTING.md, 'A figure may be quoted in prose too'):\n" + "\n".join(explained)
    )


def test_every_figure_directive_on_the_site_renders():
    kb = knowledge_base.load()
    failures, count = [], 0
    for page, text in docs_pages():
        page_text = source_files.front_matter(text, f"docs/{page}")
        body, offset = page_text.body, page_text.body_line
        for item in directives.find_inline(body, page, line_offset=offset):
            count += 1
            try:
                render_figure(kb, item.directive.name, page=page, **item.directive.args)
            except knowledge_base.UnknownDirective as exc:
                failures.append(f"{item.directive.where}: {exc}")
    assert not failures, "\n".join(failures)
    assert count >= 20, f"only {count} figure directives found on the site; did the syntax change?"


def test_the_allow_list_has_no_stale_entries():
    pages = dict(docs_pages())
    stale = [
        f"{page}: {text!r}"
        for page, text in ALLOWED
        if page not in pages or text not in pages[page]  # entries must still match the page
    ]
    assert not stale, "Remove these allow-list entries; the pages no longer contain them:\n" + "\n".join(
        stale
    )


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("a median of $170,000 in", 170000.0),
        ("about $1.5M", 1.5e6),
        ("about $2 billion", 2e9),
        ("fell 14%", 14.0),
        ("grew 33.5 percent", 33.5),
        ("up 70 per cent", 70.0),
        ("ranked #4 in the US", 4.0),
    ],
)
def test_figures_are_recognised(line, value):
    found = typed_figures(line + "\n", "p.md")
    assert found, f"{line!r} was not seen as a figure"
    assert value_of(FIGURE.search(line)) == value


def test_a_directive_is_not_a_typed_figure_but_a_typed_unit_beside_it_is():
    ok = "US median <!-- figure: salaries/so-2024-us-backend --> (Stack Overflow).\n"
    assert typed_figures(ok, "p.md") == []
    for bad in (
        "grew <!-- figure: market/wef-2023-ai-ml-growth -->% a year\n",
        "a median of $<!-- figure: salaries/so-2024-us-backend -->\n",
        "ranked #<!-- figure: market/wef-2023-ai-ml-rank -->\n",
    ):
        assert "a unit is typed beside a figure directive" in typed_figures(bad, "p.md")[0]


def test_code_front_matter_and_block_directives_are_not_prose():
    text = (
        "---\ntitle: A 50% page\n---\n\n"
        "```python\nprint('$100')\n```\n\n"
        "Type `$5` in the box.\n\n"
        "<!-- table: demand-figures verification=primary -->\n\n"
        "Rose 12% last year.\n"
    )
    assert typed_figures(text, "p.md") == ["docs/p.md line 13: 12%"]
