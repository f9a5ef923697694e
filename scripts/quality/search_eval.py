"""Does the site's search box land readers on the section that answers their question?

Runs every query in ``tests/quality/search/queries.yaml`` through the **real** search box of the
built site (Material for MkDocs' search UI and lunr worker, with the site's own ranking on
top, overrides/assets/javascripts/search-ranking.js; in headless Chromium) and scores where the
expected page section ranks among the result links:

- **hit@1 / hit@3**: share of queries whose expected target is the first / among the first
  three result links;
- **MRR**: mean reciprocal rank (0 when the target is not among the rendered results).

hit@1 is strict for section targets: when a page's introduction also matches the query,
Material lists the page before its sections, so the best a section can do is second.

Result links are read in the order the result list renders them: for each matching page,
the page itself, then its best-matching sections, then the sections folded under "N more on
this page". Material heads every group with a link to its page even when only sections of the
page matched; such a header carries a score of 0 and is not counted as a result (it is the
group's title, not a match). A link matches when its page is the expected page and, when the
expectation names an anchor, its ``#anchor`` is that anchor. A query may list ``also``
targets, other sections that answer the question as fully (an FAQ answer and the section it
summarises); the best-ranked of them counts.

Usage::

    python -m scripts.quality.search_eval                      # builds the site into a temp dir first
    python -m scripts.quality.search_eval --site-dir /tmp/site  # reuse a built site
    python -m scripts.quality.search_eval --site-dir /tmp/site --show-all
    python -m scripts.quality.search_eval --site-dir /tmp/site --queries tests/quality/search/holdout.yaml

The benchmark calls :func:`evaluate` (a built site in, a :class:`Report` out); the tests call
:func:`run_queries`, :func:`open_search` and :func:`search` with their fixtures' page. Exit
status 1 when hit@3 is below ``--min-hit-at-3`` (0.95). Nothing is downloaded: the site is served from 127.0.0.1
under ``/guide/`` (the path of ``site_url``) and the browser is Debian's Chromium.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from scripts import ROOT
from scripts.quality import local_site, site_build

QUERIES = ROOT / "tests" / "quality" / "search" / "queries.yaml"
# Written by reading the pages without seeing results, and never tuned on: how search does
# on questions nobody optimised for. The second was written before the site's own ranking.
HOLDOUTS = (
    ROOT / "tests" / "quality" / "search" / "holdout.yaml",
    ROOT / "tests" / "quality" / "search" / "holdout-2.yaml",
)
TARGET_HIT_AT_3 = 0.95

# Material's search UI (partials/search.html and its translations, English).
SEARCH_INPUT = "input.md-search__input"
RESULT_META = ".md-search-result__meta"
RESULT_LINKS = ".md-search-result__list .md-search-result__link"
PLACEHOLDER = "Type to start searching"
# "No matching documents", "1 matching document", "12 matching documents".
DONE_PATTERN = r"^(No matching documents|1 matching document|\d+ matching documents)$"


# --- queries and targets -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A page of the site and optionally a heading anchor.

    The page is named as in the nav: a Markdown file under docs/ (``skills/mlops.md``) or a
    project notebook (``projects/spam-filter.ipynb``, built from notebooks/spam-filter.py).
    """

    page: str
    anchor: str | None = None

    @classmethod
    def parse(cls, text: str) -> Target:
        page, _, anchor = text.strip().partition("#")
        if not page.endswith((".md", ".ipynb")):
            raise ValueError(f"expected target '{text}' must name a page: docs/**/*.md or a notebook")
        return cls(page, anchor or None)

    @property
    def url_path(self) -> str:
        """The page's path below the site root with directory URLs: ``skills/model-evaluation/``."""
        stem = self.page.rsplit(".", 1)[0]
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def matches(self, link: Link) -> bool:
        return link.path == self.url_path and (self.anchor is None or link.anchor == self.anchor)

    def __str__(self) -> str:
        return f"{self.page}#{self.anchor}" if self.anchor else self.page


@dataclass(frozen=True)
class Query:
    text: str
    expect: Target
    also: tuple[Target, ...] = ()

    @property
    def targets(self) -> tuple[Target, ...]:
        return (self.expect, *self.also)


def load_queries(path: Path = QUERIES) -> list[Query]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of {{query, expect}} entries")
    queries = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or set(entry) - {"query", "expect", "also"} or "query" not in entry:
            raise ValueError(f"{path}: entry {i} must have 'query', 'expect' and optionally 'also'")
        queries.append(
            Query(
                str(entry["query"]),
                Target.parse(str(entry["expect"])),
                tuple(Target.parse(str(t)) for t in entry.get("also") or ()),
            )
        )
    return queries


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One search result link, relative to the site root: ``skills/model-evaluation/#roc``."""

    path: str
    anchor: str | None

    @classmethod
    def from_href(cls, href: str, base_url: str) -> Link:
        url, base = urlsplit(href), urlsplit(base_url)
        path = unquote(url.path)
        if path.startswith(base.path):
            path = path[len(base.path) :]
        if path.endswith("index.html"):
            path = path[: -len("index.html")]
        return cls(path, unquote(url.fragment) or None)

    def __str__(self) -> str:
        return f"/{self.path}#{self.anchor}" if self.anchor else f"/{self.path}"


@dataclass
class QueryResult:
    query: Query
    links: list[Link]
    count: str  # the result meta line, e.g. "12 matching documents"

    @property
    def rank(self) -> int | None:
        """1-based position of the first link that matches any target, None if absent."""
        return self.rank_of(*self.query.targets)

    def rank_of(self, *targets: Target) -> int | None:
        for position, link in enumerate(self.links, 1):
            if any(target.matches(link) for target in targets):
                return position
        return None

    @property
    def matched(self) -> Target | None:
        """The target found at that rank: the expected one or one of the 'also' targets."""
        if self.rank is None:
            return None
        link = self.links[self.rank - 1]
        return next(target for target in self.query.targets if target.matches(link))

    def hit(self, k: int) -> bool:
        return self.rank is not None and self.rank <= k


@dataclass
class Report:
    results: list[QueryResult] = field(default_factory=list)

    def _share(self, k: int) -> float:
        return sum(r.hit(k) for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def hit_at_1(self) -> float:
        return self._share(1)

    @property
    def hit_at_3(self) -> float:
        return self._share(3)

    @property
    def mrr(self) -> float:
        if not self.results:
            return 0.0
        return sum(1 / r.rank for r in self.results if r.rank) / len(self.results)

    @property
    def hit_at_3_expected_only(self) -> float:
        """hit@3 ignoring the 'also' targets: how often the one expected section is found."""
        if not self.results:
            return 0.0
        found = [r.rank_of(r.query.expect) for r in self.results]
        return sum(1 for rank in found if rank and rank <= 3) / len(self.results)

    @property
    def misses(self) -> list[QueryResult]:
        """Queries whose target is not in the top three."""
        return [r for r in self.results if not r.hit(3)]

    def format(self, *, show_all: bool = False) -> str:
        lines = [
            f"Search quality over {len(self.results)} queries (real search box, headless Chromium)",
            f"  hit@1 {self.hit_at_1:.3f}   hit@3 {self.hit_at_3:.3f}   MRR {self.mrr:.3f}",
            f"  (hit@3 counting only each query's 'expect' target, not its 'also' targets:"
            f" {self.hit_at_3_expected_only:.3f})",
        ]
        shown = self.results if show_all else self.misses
        if shown:
            lines.append("" if show_all else f"\nMisses (target not in the top 3): {len(shown)}")
        for r in shown:
            rank = r.rank if r.rank else "-"
            via = f" (found {r.matched})" if r.matched not in (None, r.query.expect) else ""
            lines.append(f"  [{rank:>2}] {r.query.text!r}  expected {r.query.expect}{via}")
            if show_all and r.hit(3):
                continue
            for position, link in enumerate(r.links[:3], 1):
                lines.append(f"         {position}. {link}")
            if not r.links:
                lines.append(f"         ({r.count})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


# --- comparing two reports ----------------------------------------------------------------

METRICS = ("hit@3", "MRR")


def per_query(report: Report, metric: str) -> list[float]:
    """hit@3 (1 or 0) or reciprocal rank (0 when not found) of each query, in order."""
    if metric == "hit@3":
        return [1.0 if r.hit(3) else 0.0 for r in report.results]
    if metric == "MRR":
        return [1 / r.rank if r.rank else 0.0 for r in report.results]
    raise ValueError(f"unknown metric {metric!r}: expected one of {METRICS}")


def paired_difference(baseline: Report, candidate: Report, metric: str, rows: Sequence[int] | None = None):
    """candidate minus baseline on one metric, paired by query (the site's paired bootstrap,
    snippets/skills/evaluation/model_comparison.py, 95%); ``rows`` picks a subset of queries."""
    import numpy as np

    from snippets.skills.evaluation.model_comparison import paired_difference as bootstrap

    if [r.query for r in baseline.results] != [r.query for r in candidate.results]:
        raise ValueError("the two reports do not hold the same queries in the same order")
    a, b = per_query(baseline, metric), per_query(candidate, metric)
    if rows is not None:
        a, b = [a[i] for i in rows], [b[i] for i in rows]
    return bootstrap(
        lambda _y, s: float(np.mean(s)), np.zeros(len(a)), a, b, name=metric, resamples=2000, seed=0
    )


def where_zero(difference) -> str:
    """Where zero lies against a difference's interval: "above zero" (the candidate is
    better), "below zero" (worse) or "includes zero" (a tie)."""
    if difference.low > 0:
        return "above zero"
    return "below zero" if difference.high < 0 else "includes zero"


# --- serving and driving the search box ----------------------------------------------------


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve a built site at http://127.0.0.1:<free port>/guide/ and yield that URL."""
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "search" / "search_index.json").is_file():
        raise FileNotFoundError(f"{site_dir} holds no built site with a search index")
    with local_site.serve(site_dir) as base_url:
        yield base_url


def open_search(page, base_url: str) -> None:
    """Load the home page, open the search dialog and wait until the index is ready."""
    page.goto(base_url)
    box = page.locator(SEARCH_INPUT)
    page.keyboard.press("/")  # Material's search shortcut, as a reader would use it
    if not box.evaluate("el => el === document.activeElement"):
        page.locator("label[for=__search]").first.click()
        box.focus()
    # The meta line reads "Initializing search" until the worker has built its index.
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.textContent.trim() === text",
        arg=[RESULT_META, PLACEHOLDER],
    )


# Armed before each query: a promise the test awaits instead of polling from Python, which
# saves most of each query's round trips. ``__guideSearchResult`` resolves with the meta line
# and the [href, score] of every rendered result link at the first finished count rendered
# after arming: this query's results, since the previous query's were awaited before and
# Material renders the meta line and the first ten results in one synchronous step. When the
# box already holds the query, Material will not search again: the results shown are its own.
# Arming also selects the box's text, as Ctrl+A in the box would, so the query typed next
# replaces it (one call to the page fewer per query than pressing the keys).
_ARM = """([inputSelector, metaSelector, linksSelector, query, pattern, timeout]) => {
  const box = document.querySelector(inputSelector);
  const meta = document.querySelector(metaSelector);
  const done = new RegExp(pattern);
  const shown = () => [
    meta.textContent.trim(),
    [...document.querySelectorAll(linksSelector)].map((el) => [
      el.href,
      el.querySelector("article")?.dataset.mdScore ?? "",
    ]),
  ];
  box.select();
  if (box.value === query && done.test(meta.textContent.trim())) {
    window.__guideSearchResult = Promise.resolve(shown());
    return;
  }
  window.__guideSearchResult = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`no search result within ${timeout} ms; the meta line reads "${meta.textContent.trim()}"`));
    }, timeout);
    const observer = new MutationObserver(() => {
      if (done.test(meta.textContent.trim())) {
        observer.disconnect();
        clearTimeout(timer);
        resolve(shown());
      }
    });
    observer.observe(meta, { childList: true, subtree: true, characterData: true });
  });
  window.__guideSearchResult.catch(() => {});  // awaited by the test; never unhandled here
}"""
QUERY_TIMEOUT_MS = 15_000


def search(page, base_url: str, text: str) -> tuple[list[Link], str]:
    """Type one query into the open search box; return the result links in rendered order.

    As a reader would: select what the box holds and type the query over it, completed with a
    key press. Material (9.8) searches on keyup, and only when the text changed, so exactly one
    search runs; the page reports when its results are shown (``_ARM``, which also selects).
    """
    page.evaluate(_ARM, [SEARCH_INPUT, RESULT_META, RESULT_LINKS, text, DONE_PATTERN, QUERY_TIMEOUT_MS])
    page.keyboard.insert_text(text)
    page.keyboard.press("End")
    count, links = page.evaluate("() => window.__guideSearchResult")
    # A page link scored 0 is only the heading of its sections.
    return [Link.from_href(href, base_url) for href, score in links if not _is_zero(score)], count


def _is_zero(score: str) -> bool:
    try:
        return float(score) == 0
    except ValueError:
        return False


def run_queries(page, base_url: str, queries: Sequence[Query]) -> Report:
    """Run queries through the search box of the site at base_url with a Playwright page."""
    open_search(page, base_url)
    report = Report()
    for query in queries:
        links, count = search(page, base_url, query.text)
        report.results.append(QueryResult(query, links, count))
    return report


@contextmanager
def browse(chromium: str | None = None) -> Iterator:
    """A fresh page in headless Chromium (the system's; Playwright never downloads one)."""
    from playwright.sync_api import sync_playwright

    chromium = chromium or local_site.find_chromium()
    if chromium is None:
        raise RuntimeError(local_site.CHROMIUM_MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=local_site.CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(service_workers="block")
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def evaluate_served(
    base_url: str, queries: Sequence[Query] | None = None, chromium: str | None = None
) -> Report:
    """Score the query set against a site already served at base_url (ending in /)."""
    queries = load_queries() if queries is None else queries
    with browse(chromium) as page:
        return run_queries(page, base_url, queries)


def evaluate(site_dir: Path, queries: Sequence[Query] | None = None) -> Report:
    """Serve site_dir, drive its search box in headless Chromium and score the query set."""
    with serve(site_dir) as base_url:
        return evaluate_served(base_url, queries)


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, help="a built site (default: build one into a temp dir)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="query set (YAML)")
    parser.add_argument("--no-strict", action="store_true", help="build without --strict")
    parser.add_argument("--show-all", action="store_true", help="list every query with its rank")
    parser.add_argument("--min-hit-at-3", type=float, default=TARGET_HIT_AT_3, help="exit 1 below this hit@3")
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)
    with site_build.given_or_built(args.site_dir, strict=not args.no_strict) as site_dir:
        report = evaluate(site_dir, queries)
    print(report.format(show_all=args.show_all))
    return 0 if report.hit_at_3 >= args.min_hit_at_3 else 1


if __name__ == "__main__":
    sys.exit(main())
