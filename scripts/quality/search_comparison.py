"""Theme search or Pagefind? Both measured in one run, on the same pages and the same queries.

Builds the site once (or reuses ``--site-dir``), copies it and runs the Pagefind indexer over
the copy, then measures, in headless Chromium against sites served from 127.0.0.1:

- **relevance**: hit@1, hit@3 and MRR over tests/quality/search/queries.yaml. The theme's
  search is scored by :func:`scripts.quality.search_eval.evaluate` (its real search box);
  Pagefind through its own JS API (``pagefind.search(query)``, then ``result.data()``), and
  its results are turned into the same :class:`~scripts.quality.search_eval.Link` list, so
  both are scored by the same target matching. Pagefind's result order is read as its
  default UI shows it: pages in score order, and under each page its sections (the page's
  ``sub_results``, one per heading with an id) best first. A sub-result without an anchor
  is the page's text above its first heading and stands for the page itself.
- **weight**: bytes transferred (compressed, as a host that gzips text sends them) on the
  home page before any search, and after one search. The Pagefind variant is the same built
  site with the theme's search worker and ``search/search_index.json`` requests blocked
  (the site as it would ship with Material's search plugin removed); Pagefind's own files
  are fetched on the first search, so "before any search" holds none of them.
- **latency**: from the last keystroke (theme) or the ``search()`` call (Pagefind) to the
  results being available (theme: its result list rendered; Pagefind: the data of the first
  ten results loaded, what a result list needs to render), median and p90 over the queries,
  measured on the machine that runs this script.

Pagefind is scored in several variants, one column each (issue 20, step 2): as shipped; with
the theme's stop words (read from the search separator in mkdocs.yml, "vs" included) dropped
from the query before ``search()``; with at most three sections per page; and with one of a
small grid of Pagefind's documented ranking options (``RANKING_GRID``, fixed in advance). The
ranking is chosen on half the queries (the 1st, 3rd, ...) and reported on the other half as
well as on all of them, so the held-out half shows what the choice is worth on queries it was
not chosen on. Bytes after one search are measured for the first variant only; the others
fetch the same kinds of file, in amounts that vary with the words sent and the pages found.

Every request the browser makes in the sessions this script drives is recorded, and the run
fails if one leaves 127.0.0.1. Lighthouse is not part of this comparison.

Usage::

    python -m scripts.quality.search_comparison                      # builds the site first
    python -m scripts.quality.search_comparison --site-dir /tmp/site  # reuse a built site
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from scripts import ROOT
from scripts.quality import local_site, search_eval, site_build
from scripts.quality.search_eval import Link, Query, QueryResult, Report

# What the theme's index leaves out, left out of Pagefind's too: the page body only (no
# header, nav, table of contents or footer), without snippet outputs and notebook copy-button
# text (both carry data-search-exclude), heading permalinks, edit buttons, the 404 page and page dates.
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE_SELECTORS = (
    "[data-search-exclude]",
    ".headerlink",
    ".anchor-link",  # a notebook heading's permalink
    ".md-content__button",
    ".md-source-file",
)
# Pages only: the theme's index holds no 404 page.
PAGES_GLOB = "{index.html,**/index.html}"
PAGEFIND_DIR = "pagefind"
RESULT_PAGES = 10  # pages whose data() is loaded per query, as a result list's first screenful
# The theme's search worker and its index: blocked in the Pagefind variant.
# (The worker is the site's ranked-search.js, which loads Material's search.<hash>.min.js.)
THEME_SEARCH_PATTERNS = ("**/search/search_index.json", "**/assets/javascripts/workers/*")
ALLOWED_HOSTS = {"127.0.0.1"}

# --- Pagefind variants (issue 20, step 2) ---------------------------------------------------
# Pagefind 1.5.2's ranking defaults (its pagefind.js: termSimilarity 1, pageLength .75,
# termSaturation 1.4, termFrequency 1; documented at pagefind.app/docs/ranking).
RANKING_DEFAULTS = {"termFrequency": 1.0, "pageLength": 0.75, "termSaturation": 1.4, "termSimilarity": 1.0}
# A small grid, fixed before any run: each parameter at its default and one step in the
# direction the docs describe (less term-frequency normalisation and less length penalty
# favour long pages; lower saturation lets repeated terms count less; higher similarity
# favours exact words over prefix and stem extensions). 16 settings.
RANKING_GRID = {
    "termFrequency": (1.0, 0.5),
    "pageLength": (0.75, 0.25),
    "termSaturation": (1.4, 0.8),
    "termSimilarity": (1.0, 5.0),
}
SUB_RESULTS_CAP = 3  # sections shown per page, as Pagefind's default UI shows at most
CONFIG = ROOT / "mkdocs.yml"

# In the page: when the last key went up, and when the result meta line first showed a
# finished search after it (a MutationObserver, not polling, so no frame delay is added).
THEME_TIMER = """
(() => {
  window.__lastKey = null; window.__done = null;
  const done = new RegExp(DONE_PATTERN);
  document.addEventListener("keyup", () => { window.__lastKey = performance.now();
    window.__done = null; }, true);
  new MutationObserver(() => {
    const meta = document.querySelector(".md-search-result__meta");
    if (window.__lastKey !== null && window.__done === null && meta
        && done.test(meta.textContent.trim())) window.__done = performance.now();
  }).observe(document, {subtree: true, childList: true, characterData: true});
})();
""".replace("DONE_PATTERN", repr(search_eval.DONE_PATTERN))

PAGEFIND_LOAD = """
async (bundle) => {
  window.__pagefind = await import(bundle + "pagefind.js");
  await window.__pagefind.init();
}
"""

PAGEFIND_RANKING = """
async (ranking) => { await window.__pagefind.options({ranking}); }
"""

PAGEFIND_QUERY = """
async ([query, pages]) => {
  const started = performance.now();
  const search = await window.__pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, pages).map(r => r.data()));
  const ms = performance.now() - started;
  return {ms, total: search.results.length,
          results: data.map(d => ({url: d.url,
            h1: (d.anchors || []).filter(a => a.element === "h1").map(a => a.id),
            subs: d.sub_results.map(s => ({url: s.url,
              score: (s.weighted_locations || []).reduce((t, l) => t + l.balanced_score, 0)}))}))};
}
"""


# --- scoring Pagefind's results ------------------------------------------------------------


def pagefind_links(
    results: Iterable[dict], base_url: str, *, intro_first: bool = False, max_subs: int | None = None
) -> list[Link]:
    """Pagefind's result data (``{url, h1: [ids], subs: [{url, score}]}`` per page, in result
    order) as the ranked links a reader sees: per page, its sections best first; a
    sub-result with no anchor is the page itself; a page without sub-results is one link.

    ``intro_first`` lays the list out as the theme does: a page's introduction (its
    no-anchor sub-result or its h1's section), when it matched, comes before its sections,
    whatever its score; the h1 section then stands for the page link.

    ``max_subs`` keeps only a page's best ``max_subs`` sections (after that layout), as a
    result list that shows a few sections per page does; the next page moves up.
    """
    links: list[Link] = []
    for result in results:
        subs = sorted(result.get("subs") or (), key=lambda s: -float(s.get("score") or 0))
        if not subs:
            subs = [{"url": result["url"]}]
        page = [Link.from_href(sub["url"], base_url) for sub in subs]
        if intro_first:
            h1 = set(result.get("h1") or ())
            intro = [link for link in page if link.anchor is None or link.anchor in h1]
            if intro:
                page = [Link(intro[0].path, None)] + [link for link in page if link not in intro]
        page = list(dict.fromkeys(page))
        if max_subs is not None:
            page = page[:max_subs]
        for link in page:
            if link not in links:
                links.append(link)
    return links


# --- query-side stop words, variants, choosing a ranking -------------------------------------


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml holds ``!!python/name:`` and ``!ENV`` tags; their values do not matter here."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)

# The separator's last alternative: its stop words as a word-bounded group, e.g. ``\\b(?:[Aa]|[Aa]ble|...)\\b``.
_STOP_GROUP = re.compile(r"\\b\(\?:((?:\[[A-Za-z]{2}\][a-z]*\|?)+)\)\\b$")
_STOP_WORD = re.compile(r"\[([A-Za-z])[A-Za-z]\]([a-z]*)")


def stop_words_from_separator(separator: str) -> frozenset[str]:
    """The stop words the theme's search separator drops, read from the pattern itself."""
    match = _STOP_GROUP.search(separator.strip())
    if match is None:
        raise ValueError(
            "the search separator does not end in a stop-word group like \\b(?:[Aa]|[Aa]ble|...)\\b;"
            " update stop_words_from_separator to the new pattern"
        )
    words = frozenset((first + rest).lower() for first, rest in _STOP_WORD.findall(match.group(1)))
    if not words:
        raise ValueError("the search separator's stop-word group lists no words")
    return words


def theme_stop_words(config: Path = CONFIG) -> frozenset[str]:
    """Stop words of the theme's search, from ``plugins: - search: separator`` in mkdocs.yml."""
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    for plugin in data.get("plugins") or ():
        if isinstance(plugin, dict) and isinstance(plugin.get("search"), dict):
            separator = plugin["search"].get("separator")
            if separator:
                return stop_words_from_separator(separator)
    raise ValueError(f"{config}: no plugins: - search: separator to read the stop words from")


def strip_stop_words(text: str, stop_words: frozenset[str]) -> str:
    """The query without its stop words (compared case-insensitively, apostrophes and edge
    punctuation aside); a query made only of stop words is left as it is."""
    kept = [
        word for word in text.split() if word.lower().strip(".,;:!?\"'()").replace("’", "'") not in stop_words
    ]
    return " ".join(kept) if kept else text


def ranking_settings(grid: dict[str, Sequence[float]] = RANKING_GRID) -> list[tuple[tuple[str, float], ...]]:
    """Every combination of the grid, each a full, sorted setting; the defaults come first."""
    names = sorted(grid)
    return [tuple(zip(names, values, strict=True)) for values in itertools.product(*(grid[n] for n in names))]


DEFAULT_RANKING: tuple[tuple[str, float], ...] = tuple(sorted(RANKING_DEFAULTS.items()))


def ranking_label(ranking: tuple[tuple[str, float], ...]) -> str:
    changed = [f"{name} {value:g}" for name, value in ranking if RANKING_DEFAULTS[name] != value]
    return ", ".join(changed) or "defaults"


@dataclass(frozen=True)
class Variant:
    """How Pagefind is asked and read: query stop words dropped, sections per page, ranking."""

    name: str
    stop_words: bool = False
    max_subs: int | None = None
    ranking: tuple[tuple[str, float], ...] = DEFAULT_RANKING

    @property
    def run_key(self) -> tuple[bool, tuple[tuple[str, float], ...]]:
        """What the browser has to run for it (the cap is applied to the results afterwards)."""
        return self.stop_words, self.ranking


def halves(report: Report) -> tuple[Report, Report]:
    """A fixed split of the query set: every other query (1st, 3rd, ...) to choose a setting
    on, the rest to check it on."""
    return Report(report.results[0::2]), Report(report.results[1::2])


def choose(reports: dict, key=lambda r: (r.hit_at_3, r.mrr)):
    """The candidate whose report on the tuning half is best by ``key`` (hit@3, then MRR);
    on a tie the first candidate in order wins (the defaults come first)."""
    best = None
    for candidate, report in reports.items():
        score = key(halves(report)[0])
        if best is None or score > best[1]:
            best = (candidate, score)
    if best is None:
        raise ValueError("no candidates to choose from")
    return best[0]


# --- bytes ---------------------------------------------------------------------------------


@dataclass
class Transfer:
    """Requests seen by one browser context: url -> bytes on the wire (headers + body)."""

    sizes: dict[str, int] = field(default_factory=dict)
    blocked: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def add(self, url: str, size: int) -> None:
        self.sizes[url] = self.sizes.get(url, 0) + max(size, 0)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def since(self, before: dict[str, int]) -> int:
        """Bytes transferred after a snapshot of ``sizes``."""
        return sum(size - before.get(url, 0) for url, size in self.sizes.items())

    def matching(self, part: str) -> int:
        return sum(size for url, size in self.sizes.items() if part in url)


def outside_hosts(urls: Iterable[str]) -> list[str]:
    """Requested URLs whose host is not loopback (data: and blob: URLs stay in the page)."""
    bad = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.hostname not in ALLOWED_HOSTS:
            bad.append(url)
    return bad


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation, as statistics.quantiles' 'inclusive'."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- the browser ---------------------------------------------------------------------------


class Session:
    """A fresh Chromium context that records every request and its transferred bytes."""

    def __init__(self, browser, block: Sequence[str] = ()):
        self.context = browser.new_context(service_workers="block")
        self.transfer = Transfer()
        for pattern in block:
            self.context.route(pattern, self._abort)
        self.context.on("request", lambda request: self.transfer.urls.append(request.url))
        self.context.on("requestfinished", self._finished)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)

    def _abort(self, route) -> None:
        self.transfer.blocked.append(route.request.url)
        route.abort()

    def _finished(self, request) -> None:
        try:
            sizes = request.sizes()
        except Exception:  # the page went away before the sizes were read
            return
        self.transfer.add(request.url, sizes["responseHeadersSize"] + sizes["responseBodySize"])

    def close(self) -> list[str]:
        urls = list(self.transfer.urls)
        self.context.close()
        return urls


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


@dataclass
class VariantResult:
    variant: Variant
    report: Report
    layout: Report  # the same results laid out as the theme (page introduction first)
    latency_ms: list[float]


@dataclass
class Measures:
    theme: Report
    theme_latency_ms: list[float]
    theme_home_bytes: int
    theme_after_search_bytes: int
    pagefind_home_bytes: int
    pagefind_after_search_bytes: list[int]  # one fresh page per sampled query, default settings
    pagefind_blocked: list[str]
    index_files: int
    index_bytes: int
    variants: list[VariantResult]  # the table's Pagefind columns, the chosen setting last
    grid: list[VariantResult] = field(default_factory=list)  # every ranking setting tried
    pagefind_breakdown: dict[str, int] = field(default_factory=dict)  # one search, by file kind
    requests: int = 0

    @property
    def pagefind(self) -> Report:
        """Pagefind as shipped (the first column)."""
        return self.variants[0].report

    @property
    def chosen(self) -> VariantResult:
        return self.variants[-1]


def measure_theme(browser, base_url: str, queries: Sequence[Query], urls: list[str]):
    """Home page bytes, bytes after one search, and latency per query of the theme's search."""
    session = Session(browser)
    try:
        page = session.page
        page.add_init_script(THEME_TIMER)
        page.goto(base_url)
        settle(page)
        home = session.transfer.total
        search_eval.open_search(page, base_url)
        latencies = []
        after_one = None
        for query in queries:
            search_eval.search(page, base_url, query.text)
            start, done = page.evaluate("[window.__lastKey, window.__done]")
            if start is None or done is None:
                raise RuntimeError(f"no timing recorded for {query.text!r}")
            latencies.append(done - start)
            if after_one is None:
                settle(page)
                after_one = session.transfer.total
        return home, after_one, latencies
    finally:
        urls += session.close()


RunKey = tuple[bool, tuple[tuple[str, float], ...]]


@dataclass
class PagefindRun:
    """Pagefind's raw answers to every query under one query handling and ranking."""

    texts: list[str]  # the query as sent to search()
    outputs: list[dict]  # PAGEFIND_QUERY's result per query
    latency_ms: list[float]


def measure_pagefind(
    browser, base_url: str, queries: Sequence[Query], keys: Sequence[RunKey], urls: list[str]
) -> tuple[int, dict[RunKey, PagefindRun], list[str]]:
    """Home page bytes and Pagefind's raw answers over its JS API, once per run key
    (stop words dropped or not, ranking); the ranking is set explicitly before each run."""
    stop_words = theme_stop_words() if any(stop for stop, _ in keys) else frozenset()
    session = Session(browser, THEME_SEARCH_PATTERNS)
    try:
        page = session.page
        page.goto(base_url)
        settle(page)
        home = session.transfer.total
        page.evaluate(PAGEFIND_LOAD, base_url + PAGEFIND_DIR + "/")
        runs: dict[RunKey, PagefindRun] = {}
        for key in dict.fromkeys(keys):
            stop, ranking = key
            page.evaluate(PAGEFIND_RANKING, dict(ranking))
            texts = [strip_stop_words(q.text, stop_words) if stop else q.text for q in queries]
            run = PagefindRun(texts, [], [])
            for text in texts:
                out = page.evaluate(PAGEFIND_QUERY, [text, RESULT_PAGES])
                run.outputs.append(out)
                run.latency_ms.append(out["ms"])
            runs[key] = run
        return home, runs, list(session.transfer.blocked)
    finally:
        urls += session.close()


def variant_report(
    variant: Variant, run: PagefindRun, queries: Sequence[Query], base_url: str, *, intro_first=False
) -> Report:
    """A variant's results scored like the theme's."""
    report = Report()
    for query, out in zip(queries, run.outputs, strict=True):
        links = pagefind_links(out["results"], base_url, intro_first=intro_first, max_subs=variant.max_subs)
        report.results.append(QueryResult(query, links, f"{out['total']} results"))
    return report


def grid_variant(ranking: tuple[tuple[str, float], ...]) -> Variant:
    return Variant(
        f"stop words, ≤{SUB_RESULTS_CAP} sections/page, {ranking_label(ranking)}",
        stop_words=True,
        max_subs=SUB_RESULTS_CAP,
        ranking=ranking,
    )


FIXED_VARIANTS = (
    Variant("defaults (as shipped)"),
    Variant("+ query stop words dropped", stop_words=True),
    Variant(f"+ ≤{SUB_RESULTS_CAP} sections per page", stop_words=True, max_subs=SUB_RESULTS_CAP),
)


PAGEFIND_KINDS = {  # kinds of Pagefind file, by a part of their URL
    "pagefind.js": "/pagefind/pagefind.js",
    "wasm": "/pagefind/wasm.",
    "entry + meta": "/pagefind/pagefind",
    "index chunks": "/pagefind/index/",
    "fragments": "/pagefind/fragment/",
}


def pagefind_kinds(transfer: Transfer) -> dict[str, int]:
    """Pagefind's bytes by kind of file; "entry + meta" excludes pagefind.js."""
    kinds = {name: transfer.matching(part) for name, part in PAGEFIND_KINDS.items()}
    kinds["entry + meta"] -= kinds["pagefind.js"]
    return kinds


def pagefind_after_one_search(browser, base_url: str, query: Query, urls: list[str]) -> Transfer:
    """Requests of a fresh home page after Pagefind loads and runs one search and its data()."""
    session = Session(browser, THEME_SEARCH_PATTERNS)
    try:
        session.page.goto(base_url)
        settle(session.page)
        session.page.evaluate(PAGEFIND_LOAD, base_url + PAGEFIND_DIR + "/")
        session.page.evaluate(PAGEFIND_QUERY, [query.text, RESULT_PAGES])
        settle(session.page)
        return session.transfer
    finally:
        urls += session.close()


# --- building the index --------------------------------------------------------------------


def index_with_pagefind(site_dir: Path, out_dir: Path) -> tuple[int, int]:
    """Copy the built site to out_dir and index the copy; return (index files, bytes)."""
    shutil.copytree(site_dir, out_dir)
    command = [sys.executable, "-m", "pagefind", "--site", str(out_dir), "--quiet"]
    command += ["--root-selector", ROOT_SELECTOR, "--output-subdir", PAGEFIND_DIR, "--glob", PAGES_GLOB]
    command += ["--exclude-selectors", ", ".join(EXCLUDE_SELECTORS)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"pagefind failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    files = [p for p in (out_dir / PAGEFIND_DIR).rglob("*") if p.is_file()]
    if not any(p.name == "pagefind.js" for p in files):
        raise RuntimeError(f"pagefind wrote no pagefind.js under {out_dir / PAGEFIND_DIR}")
    return len(files), sum(p.stat().st_size for p in files)


def compare(site_dir: Path, queries: Sequence[Query]) -> Measures:
    from playwright.sync_api import sync_playwright

    site_dir = Path(site_dir).resolve()
    theme = search_eval.evaluate(site_dir, queries)  # the theme's own evaluation, unchanged
    grid = [grid_variant(ranking) for ranking in ranking_settings()]
    keys = [v.run_key for v in FIXED_VARIANTS] + [v.run_key for v in grid]
    urls: list[str] = []
    with tempfile.TemporaryDirectory(prefix="search-comparison-") as tmp:
        pf_site = Path(tmp) / "site"
        files, size = index_with_pagefind(site_dir, pf_site)
        chromium = local_site.find_chromium()
        if chromium is None:
            raise RuntimeError(local_site.CHROMIUM_MISSING)
        with (
            local_site.serve(site_dir, like_host=True) as theme_url,
            local_site.serve(pf_site, like_host=True) as pf_url,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=local_site.CHROMIUM_ARGS
            )
            try:
                home, after, theme_ms = measure_theme(browser, theme_url, queries, urls)
                pf_home, runs, blocked = measure_pagefind(browser, pf_url, queries, keys, urls)
                sample = list(queries)[:: max(1, len(queries) // 5)][:5]
                transfers = [pagefind_after_one_search(browser, pf_url, q, urls) for q in sample]
            finally:
                browser.close()
    bad = outside_hosts(urls)
    if bad:
        raise AssertionError(f"{len(bad)} requests left 127.0.0.1, e.g. {bad[:5]}")

    def result(variant: Variant) -> VariantResult:
        run = runs[variant.run_key]
        return VariantResult(
            variant,
            variant_report(variant, run, queries, pf_url),
            variant_report(variant, run, queries, pf_url, intro_first=True),
            run.latency_ms,
        )

    grid_results = [result(v) for v in grid]
    best = choose({r.variant: r.report for r in grid_results})
    chosen = next(r for r in grid_results if r.variant == best)
    chosen = VariantResult(
        Variant(
            f"+ ranking chosen on the tuning half ({ranking_label(best.ranking)})",
            best.stop_words,
            best.max_subs,
            best.ranking,
        ),
        chosen.report,
        chosen.layout,
        chosen.latency_ms,
    )
    # The breakdown of the sampled search whose total is the median.
    median_transfer = sorted(transfers, key=lambda t: t.total)[len(transfers) // 2]
    return Measures(
        theme,
        theme_ms,
        home,
        after,
        pf_home,
        [t.total for t in transfers],
        blocked,
        files,
        size,
        [result(v) for v in FIXED_VARIANTS] + [chosen],
        grid_results,
        pagefind_kinds(median_transfer),
        len(urls),
    )


# --- output --------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:.0f} KB"


def scores(report: Report) -> str:
    return f"{report.hit_at_1:.3f} / {report.hit_at_3:.3f} / {report.mrr:.3f}"


def half_scores(report: Report) -> str:
    return f"{report.hit_at_3:.3f} / {report.mrr:.3f}"


def table(m: Measures) -> str:
    def ms(values: Sequence[float], q: float) -> str:
        return f"{percentile(values, q):.0f} ms"

    n = len(m.theme.results)
    tune, held = halves(m.theme)
    after = (
        f"{kb(statistics.median(m.pagefind_after_search_bytes))} (median of "
        f"{len(m.pagefind_after_search_bytes)} queries, max {kb(max(m.pagefind_after_search_bytes))})"
    )
    same = "(same)"
    rows: list[tuple[str, str, list[str]]] = [
        ("Queries", str(n), [str(len(v.report.results)) for v in m.variants]),
        ("hit@1 / hit@3 / MRR, all queries", scores(m.theme), [scores(v.report) for v in m.variants]),
        (
            f"hit@3 / MRR, tuning half ({len(tune.results)} queries: 1st, 3rd, ...)",
            half_scores(tune),
            [half_scores(halves(v.report)[0]) for v in m.variants],
        ),
        (
            f"hit@3 / MRR, held-out half ({len(held.results)} queries: 2nd, 4th, ...)",
            half_scores(held),
            [half_scores(halves(v.report)[1]) for v in m.variants],
        ),
        (
            "hit@1 / hit@3 / MRR, laid out as the theme (page introduction first)",
            "(as above)",
            [scores(v.layout) for v in m.variants],
        ),
        (
            "Home page, before any search",
            kb(m.theme_home_bytes),
            [kb(m.pagefind_home_bytes)] + [same] * (len(m.variants) - 1),
        ),
        (
            "Home page, after one search (Pagefind: default settings)",
            kb(m.theme_after_search_bytes),
            [after] + [same] * (len(m.variants) - 1),
        ),
        (
            "Latency to results, median / p90 (this machine; Pagefind columns after the first"
            " run with index chunks already in the browser cache)",
            f"{ms(m.theme_latency_ms, 0.5)} / {ms(m.theme_latency_ms, 0.9)}",
            [f"{ms(v.latency_ms, 0.5)} / {ms(v.latency_ms, 0.9)}" for v in m.variants],
        ),
    ]
    header = ["Metric", "Theme search (Material's UI, the site's ranking)"] + [
        f"Pagefind 1.5.2: {v.variant.name}" for v in m.variants
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join([a, b, *c]) + " |" for a, b, c in rows]
    return "\n".join(lines)


def grid_table(m: Measures) -> str:
    """Every ranking setting tried (stop words dropped, sections capped), tuning half first."""
    lines = [
        "| Ranking (changes from the defaults) | hit@3 / MRR, tuning half | hit@3 / MRR, held-out half |"
        " hit@1 / hit@3 / MRR, all |",
        "|---|---|---|---|",
    ]
    for r in m.grid:
        tune, held = halves(r.report)
        mark = " (chosen)" if r.variant.ranking == m.chosen.variant.ranking else ""
        lines.append(
            f"| {ranking_label(r.variant.ranking)}{mark} | {half_scores(tune)} | {half_scores(held)}"
            f" | {scores(r.report)} |"
        )
    return "\n".join(lines)


def differences(theme: Report, pagefind: Report) -> list[str]:
    lines = []
    for t, p in zip(theme.results, pagefind.results, strict=True):
        if t.hit(3) != p.hit(3):
            lines.append(
                f"  {t.query.text!r} (expect {t.query.expect}): theme rank {t.rank or '-'},"
                f" Pagefind rank {p.rank or '-'}; Pagefind top 3: {', '.join(map(str, p.links[:3]))}"
            )
    return lines


def paired_intervals(m: Measures) -> list[str]:
    """hit@3 and reciprocal rank, chosen Pagefind column minus the theme, per query, with the
    site's paired bootstrap: all queries, then the held-out half, each saying where zero is."""
    held_out = range(1, len(m.theme.results), 2)
    lines = []
    for label, rows in (("all queries", None), ("held-out half", held_out)):
        for metric in search_eval.METRICS:
            d = search_eval.paired_difference(m.theme, m.chosen.report, metric, rows)
            lines.append(f"  {label}: {d}, interval {search_eval.where_zero(d)}")
    return lines


def ranks_csv(m: Measures) -> str:
    """Per query, the rank of its first target (empty: not found) for the theme and each
    Pagefind column, and its half (tune/held), for paired comparisons outside this script."""
    header = ["query", "half", "theme"] + [v.variant.name for v in m.variants]
    rows = [header]
    reports = [m.theme] + [v.report for v in m.variants]
    for i, query in enumerate(m.theme.results):
        ranks = [str(r.results[i].rank or "") for r in reports]
        rows.append([query.query.text, "tune" if i % 2 == 0 else "held", *ranks])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, help="a built site (default: build one into a temp dir)")
    parser.add_argument("--queries", type=Path, default=search_eval.QUERIES, help="query set (YAML)")
    parser.add_argument("--ranks", type=Path, help="also write each query's rank per column to this CSV")
    args = parser.parse_args(argv)
    queries = search_eval.load_queries(args.queries)
    started = time.perf_counter()
    with site_build.given_or_built(args.site_dir) as site_dir:
        m = compare(site_dir, queries)
    if args.ranks:
        args.ranks.write_text(ranks_csv(m), encoding="utf-8")
    print(table(m))
    print()
    print(
        f"Ranking grid ({len(m.grid)} settings fixed before the run; chosen on the tuning half by"
        " hit@3, then MRR; ties go to the defaults):"
    )
    print(grid_table(m))
    print()
    print(f"Tuned Pagefind ({m.chosen.variant.name}) minus the theme, per query, paired bootstrap (95% CI):")
    print("\n".join(paired_intervals(m)))
    print()
    print(
        f"Pagefind index: {m.index_files} files, {kb(m.index_bytes)} on disk; theme search requests"
        f" blocked in the Pagefind variant: {len(m.pagefind_blocked)}"
        f" ({', '.join(sorted({u.rsplit('/', 1)[-1] for u in m.pagefind_blocked}))})."
    )
    if m.pagefind_breakdown:
        parts = ", ".join(f"{name} {kb(size)}" for name, size in m.pagefind_breakdown.items())
        print(f"Pagefind's files in the median one-search sample: {parts}.")
    print(f"Requests recorded: {m.requests}, all to 127.0.0.1. Lighthouse: not measured in this run.")
    diff = differences(m.theme, m.chosen.report)
    print(f"\nQueries where hit@3 differs, theme against Pagefind {m.chosen.variant.name}: {len(diff)}")
    print("\n".join(diff))
    print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
