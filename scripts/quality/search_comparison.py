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

Every request the browser makes in the sessions this script drives is recorded, and the run
fails if one leaves 127.0.0.1. Lighthouse is not part of this comparison.

Usage::

    python -m scripts.quality.search_comparison                      # builds the site first
    python -m scripts.quality.search_comparison --site-dir /tmp/site  # reuse a built site
"""

from __future__ import annotations

import argparse
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
THEME_SEARCH_PATTERNS = ("**/search/search_index.json", "**/assets/javascripts/workers/search.*")
ALLOWED_HOSTS = {"127.0.0.1"}

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


def pagefind_links(results: Iterable[dict], base_url: str, *, intro_first: bool = False) -> list[Link]:
    """Pagefind's result data (``{url, h1: [ids], subs: [{url, score}]}`` per page, in result
    order) as the ranked links a reader sees: per page, its sections best first; a
    sub-result with no anchor is the page itself; a page without sub-results is one link.

    ``intro_first`` lays the list out as the theme does: a page's introduction (its
    no-anchor sub-result or its h1's section), when it matched, comes before its sections,
    whatever its score; the h1 section then stands for the page link.
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
        for link in page:
            if link not in links:
                links.append(link)
    return links


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
class Measures:
    theme: Report
    pagefind: Report
    theme_latency_ms: list[float]
    pagefind_latency_ms: list[float]
    theme_home_bytes: int
    theme_after_search_bytes: int
    pagefind_home_bytes: int
    pagefind_after_search_bytes: list[int]  # one fresh page per sampled query
    pagefind_blocked: list[str]
    index_files: int
    index_bytes: int
    pagefind_theme_layout: Report | None = None  # page introduction listed first
    pagefind_breakdown: dict[str, int] = field(default_factory=dict)  # one search, by file kind
    requests: int = 0


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


def measure_pagefind(browser, base_url: str, queries: Sequence[Query], urls: list[str]):
    """Home page bytes, per-query links and latency of Pagefind over its JS API."""
    session = Session(browser, THEME_SEARCH_PATTERNS)
    try:
        page = session.page
        page.goto(base_url)
        settle(page)
        home = session.transfer.total
        page.evaluate(PAGEFIND_LOAD, base_url + PAGEFIND_DIR + "/")
        report, theme_layout, latencies = Report(), Report(), []
        for query in queries:
            out = page.evaluate(PAGEFIND_QUERY, [query.text, RESULT_PAGES])
            latencies.append(out["ms"])
            count = f"{out['total']} results"
            report.results.append(QueryResult(query, pagefind_links(out["results"], base_url), count))
            intro_first = pagefind_links(out["results"], base_url, intro_first=True)
            theme_layout.results.append(QueryResult(query, intro_first, count))
        return home, report, theme_layout, latencies, list(session.transfer.blocked)
    finally:
        urls += session.close()


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
    urls: list[str] = []
    with tempfile.TemporaryDirectory(prefix="search-comparison-") as tmp:
        pf_site = Path(tmp) / "site"
        files, size = index_with_pagefind(site_dir, pf_site)
        chromium = local_site.find_chromium()
        if chromium is None:
            raise RuntimeError("Chromium not found: install Debian's chromium package")
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
                pf_home, pf_report, pf_layout, pf_ms, blocked = measure_pagefind(
                    browser, pf_url, queries, urls
                )
                sample = list(queries)[:: max(1, len(queries) // 5)][:5]
                transfers = [pagefind_after_one_search(browser, pf_url, q, urls) for q in sample]
            finally:
                browser.close()
    bad = outside_hosts(urls)
    if bad:
        raise AssertionError(f"{len(bad)} requests left 127.0.0.1, e.g. {bad[:5]}")
    # The breakdown of the sampled search whose total is the median.
    median_transfer = sorted(transfers, key=lambda t: t.total)[len(transfers) // 2]
    return Measures(
        theme,
        pf_report,
        theme_ms,
        pf_ms,
        home,
        after,
        pf_home,
        [t.total for t in transfers],
        blocked,
        files,
        size,
        pf_layout,
        pagefind_kinds(median_transfer),
        len(urls),
    )


# --- output --------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:.0f} KB"


def table(m: Measures) -> str:
    def ms(values: Sequence[float], q: float) -> str:
        return f"{percentile(values, q):.0f} ms"

    rows = [
        ("Queries", str(len(m.theme.results)), str(len(m.pagefind.results))),
        ("hit@1", f"{m.theme.hit_at_1:.3f}", f"{m.pagefind.hit_at_1:.3f}"),
        ("hit@3", f"{m.theme.hit_at_3:.3f}", f"{m.pagefind.hit_at_3:.3f}"),
        ("MRR", f"{m.theme.mrr:.3f}", f"{m.pagefind.mrr:.3f}"),
    ]
    if m.pagefind_theme_layout is not None:
        layout = m.pagefind_theme_layout
        rows.append(
            (
                "hit@1 / hit@3 / MRR, Pagefind laid out as the theme (page introduction first)",
                "(as above)",
                f"{layout.hit_at_1:.3f} / {layout.hit_at_3:.3f} / {layout.mrr:.3f}",
            )
        )
    rows += [
        ("Home page, before any search", kb(m.theme_home_bytes), kb(m.pagefind_home_bytes)),
        (
            "Home page, after one search",
            kb(m.theme_after_search_bytes),
            f"{kb(statistics.median(m.pagefind_after_search_bytes))} (median of "
            f"{len(m.pagefind_after_search_bytes)} queries, max "
            f"{kb(max(m.pagefind_after_search_bytes))})",
        ),
        (
            "Latency to results, median (this machine)",
            ms(m.theme_latency_ms, 0.5),
            ms(m.pagefind_latency_ms, 0.5),
        ),
        (
            "Latency to results, p90 (this machine)",
            ms(m.theme_latency_ms, 0.9),
            ms(m.pagefind_latency_ms, 0.9),
        ),
    ]
    lines = ["| Metric | Theme search (Material, lunr) | Pagefind 1.5.2 |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, help="a built site (default: build one into a temp dir)")
    parser.add_argument("--queries", type=Path, default=search_eval.QUERIES, help="query set (YAML)")
    args = parser.parse_args(argv)
    queries = search_eval.load_queries(args.queries)
    started = time.perf_counter()
    if args.site_dir:
        m = compare(args.site_dir, queries)
    else:
        with tempfile.TemporaryDirectory(prefix="search-comparison-build-") as tmp:
            print("Building the site (mkdocs build)...", file=sys.stderr)
            built = site_build.build(Path(tmp) / "site")
            if not built.ok:
                sys.exit(f"mkdocs build failed:\n{built.tail()}")
            m = compare(Path(tmp) / "site", queries)
    print(table(m))
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
    diff = differences(m.theme, m.pagefind)
    print(f"\nQueries where hit@3 differs: {len(diff)}")
    print("\n".join(diff))
    print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
