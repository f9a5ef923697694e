"""Readers who type a question into the search box land on the section that answers it.

- Fast checks (no browser): the query set in queries.yaml is well formed, covers every
  section of the nav, and each expected target, of it and of the held-out sets
  (holdout*.yaml, whose scores the benchmark reports and no test asserts), exists: the page, and its anchor as a heading
  id. Ids come from the page's Markdown (or the notebook's Markdown cells) rendered with the
  site's toc settings, and again from the built HTML (``GUIDE_SITE_DIR`` or the strict build).
- Browser checks: every query is typed into the real search box of the built site in headless
  Chromium (scripts/quality/search_eval.py) and hit@3 must stay at or above 0.95; and clicking a result
  still highlights the query on the page, since the site's search separator is custom.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import markdown
import pytest
import yaml

from conftest import ROOT
from scripts.pipeline.source_files import front_matter, read_text
from scripts.quality import search_eval

DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
MIN_QUERIES = 45
QUERIES = search_eval.load_queries()
# Reported by the benchmark, never asserted.
HOLDOUT = [q for path in search_eval.HOLDOUTS for q in search_eval.load_queries(path)]
TARGETS = sorted({str(t) for q in QUERIES + HOLDOUT for t in q.targets})

# The Markdown extensions that can create, hide or rename headings, configured as in mkdocs.yml.
MARKDOWN_EXTENSIONS = [
    "toc",
    "attr_list",
    "md_in_html",
    "admonition",
    "def_list",
    "footnotes",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]

# --- helpers -------------------------------------------------------------------------------


def page_markdown(page: str) -> str:
    """The Markdown of a docs page without front matter, or of a notebook's Markdown cells."""
    if page.endswith(".ipynb"):
        import jupytext

        notebook = jupytext.read(NOTEBOOKS / (Path(page).stem + ".py"))
        return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    path = DOCS / page
    return front_matter(read_text(path, f"docs/{page}"), f"docs/{page}").body


@cache
def heading_ids(page: str) -> frozenset[str]:
    """Heading anchors of a page, slugged and de-duplicated as Python-Markdown's toc does,
    and on the glossary each term's anchor, which its generated table writes."""
    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    md.convert(page_markdown(page))
    ids: set[str] = set()
    stack = list(md.toc_tokens)
    while stack:
        token = stack.pop()
        ids.add(token["id"])
        stack.extend(token["children"])
    if page == "glossary.md":
        ids |= glossary_term_ids()
    return frozenset(ids)


@cache
def glossary_term_ids() -> frozenset[str]:
    from scripts.pipeline import knowledge_base
    from scripts.pipeline.knowledge_base.formatting import slug

    return frozenset(f"term-{slug(g.term)}" for g in knowledge_base.load().items("glossary"))


def page_exists(page: str) -> bool:
    if page.endswith(".ipynb"):
        return (NOTEBOOKS / (Path(page).stem + ".py")).is_file()
    return (DOCS / page).is_file()


def nav_sections() -> dict[str, set[str]]:
    """Top-level nav sections of mkdocs.yml and the pages in each."""

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml holds Python-specific tags (!!python/name:...); the nav needs none of them.
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def pages(entry) -> set[str]:
        if isinstance(entry, str):
            return {entry}
        if isinstance(entry, list):
            return set().union(*(pages(item) for item in entry))
        if isinstance(entry, dict):
            return set().union(*(pages(value) for value in entry.values()))
        return set()

    sections = {}
    for item in config["nav"]:
        ((title, entry),) = item.items() if isinstance(item, dict) else ((item, item),)
        sections[title] = pages(entry)
    return sections


# --- the query set -------------------------------------------------------------------------


def test_query_set_is_big_enough_and_has_no_duplicates():
    # Across both sets: a held-out query that is also a tuning query is no longer held out.
    texts = [q.text for q in QUERIES + HOLDOUT]
    assert len(texts) >= MIN_QUERIES, f"only {len(texts)} queries; the set needs at least {MIN_QUERIES}"
    duplicates = sorted({t for t in texts if texts.count(t) > 1})
    assert not duplicates, f"queries listed twice: {duplicates}"
    for q in QUERIES + HOLDOUT:
        assert q.expect not in q.also, f"{q.text!r}: 'also' repeats the expected target {q.expect}"


def test_query_set_covers_every_nav_section():
    expected_pages = {q.expect.page for q in QUERIES}
    uncovered = [title for title, pages in nav_sections().items() if not pages & expected_pages]
    assert not uncovered, f"no query expects a page of these nav sections: {uncovered}"


@pytest.mark.parametrize("target", TARGETS)
def test_expected_target_exists(target):
    t = search_eval.Target.parse(target)
    assert page_exists(t.page), f"{target}: no such page (docs/{t.page} or its notebook source)"
    if t.anchor:
        ids = heading_ids(t.page)
        assert t.anchor in ids, f"{target}: no heading with that anchor; headings on the page: {sorted(ids)}"


@pytest.mark.build
def test_expected_targets_exist_in_the_built_site(site_dir):
    problems = []
    for target in TARGETS:
        t = search_eval.Target.parse(target)
        html_file = site_dir / t.url_path / "index.html"
        if not html_file.is_file():
            problems.append(f"{target}: the built site has no {t.url_path}index.html")
        elif t.anchor and not re.search(
            rf'\bid="{re.escape(t.anchor)}"', html_file.read_text(encoding="utf-8")
        ):
            problems.append(f"{target}: no element with id {t.anchor!r}")
    assert not problems, "\n".join(problems)


# --- the real search box -------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.searches
def test_search_box_lands_on_the_answer(page, site_url):
    report = search_eval.run_queries(page, site_url, QUERIES)
    print(report.format(show_all=True))
    assert report.hit_at_3 >= search_eval.TARGET_HIT_AT_3, report.format()


@pytest.mark.browser
@pytest.mark.searches
def test_clicked_result_highlights_the_query(page, site_url):
    # Material builds its page highlighter from the search separator; a capturing group in
    # the separator would shift its match groups and print "undefined" into the page.
    search_eval.open_search(page, site_url)
    links, _ = search_eval.search(page, site_url, "drift monitoring")
    section = next(link for link in links if link.anchor)
    href = page.eval_on_selector_all(
        search_eval.RESULT_LINKS,
        "(els, anchor) => els.map(el => el.href).find(h => h.endsWith('#' + anchor))",
        section.anchor,
    )
    page.goto(href)
    page.wait_for_selector("mark[data-md-highlight]")
    marks = page.eval_on_selector_all("mark[data-md-highlight]", "els => els.map(el => el.textContent)")
    assert "h=" in href, f"result link carries no highlight terms: {href}"
    assert marks, f"nothing highlighted on {href}"
    assert all(m.strip() and "undefined" not in m for m in marks), (
        f"broken highlights on {href}: {marks[:10]}"
    )
    assert any(m.lower().startswith(("drift", "monitor")) for m in marks), marks[:10]


@pytest.mark.browser
@pytest.mark.searches
def test_the_search_box_ranks_with_the_sites_worker(page, site_url):
    # Material's own order put the ML engineer page at rank 22 for this query (MEASUREMENTS.md,
    # "Search"): only the site's ranking brings it into the first three.
    errors: list[str] = []
    workers: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type in ("error", "warning") else None)

    def watch(worker) -> None:
        workers.append(worker.url)
        worker.on("console", lambda msg: errors.append(f"worker: {msg.text}"))

    page.on("worker", watch)
    search_eval.open_search(page, site_url)
    found, _ = search_eval.search(page, site_url, "what does an ml engineer do")
    links = [str(link) for link in found]
    assert len(workers) == 1 and re.search(
        r"/workers/ranked-search\.js\?v=\w+&material=search\.", workers[0]
    ), workers
    assert "/roles/ml-engineer/#what-does-an-ml-engineer-do" in links[:3], links[:5]
    assert not errors, errors
