"""Print the figures that matter for contributors' patience and readers' bandwidth.

Figures, not pass/fail: machines here are shared and noisy, so speed targets are
reported, never asserted in tests. Run with ``make benchmark``.

- tests: wall-clock time of `make test`, cold (empty caches) then warm (the caches that
  run filled), exactly as CI runs it; ``--only tests`` prints this section alone, and
  ``--against REV`` times it here and at an earlier commit, interleaved, for ratios that
  carry between machines (scripts/quality/suite_timing.py);
- build: cold (empty caches: every snippet and notebook executes) and warm (nothing
  changed) wall-clock times of a full `mkdocs build`;
- snippets: the check's cold time (all fresh, in parallel), its warm time (cache
  look-ups only) and the five slowest snippets;
- notebooks: execution time of each (from the cold build's cache misses);
- site: total size, and the home page's weight (HTML plus the CSS and JS it loads);
- links: internal links checked and external links listed (scripts/quality/link_report.py);
- search: hit@1, hit@3 and MRR of the query set and of the held-out sets (scripts/quality/search_eval.py);
- Lighthouse: scores per audited page and mode, against the budgets (scripts/quality/lighthouse.py;
  needs Node.js, skipped with a note without it).

``--skip-search``, ``--skip-lighthouse`` and ``--skip-tests`` leave out the slowest sections.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scripts import ROOT
from scripts.quality import site_build, suite_timing


def timed_build(site: Path, env: dict[str, str]) -> float:
    built = site_build.build(site, env=env)
    if not built.ok:
        sys.exit(f"mkdocs build --strict failed:\n{built.tail(6000)}")
    return built.seconds


def home_page_weight(site: Path) -> tuple[int, list[tuple[str, int]]]:
    html = (site / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:src|href)="([^"#?]+\.(?:css|js))"', html)
    parts = [("index.html", (site / "index.html").stat().st_size)]
    for asset in dict.fromkeys(assets):
        path = (site / asset).resolve()
        if path.is_file():
            parts.append((asset, path.stat().st_size))
    return sum(size for _, size in parts), parts


def link_figures(site: Path) -> None:
    from scripts.quality import link_report

    report = link_report.check(site)
    print("\nLinks (built site; external links are listed, never fetched)")
    print(f"  pages parsed                {report.pages:6d}")
    print(
        f"  internal links checked      {report.internal:6d}  ({len(report.internal_targets)} distinct targets)"
    )
    print(f"  broken internal links       {len(report.broken):6d}")
    for broken in report.broken[:10]:
        print(f"    {broken}")
    if len(report.broken) > 10:
        print(f"    ... and {len(report.broken) - 10} more (python -m scripts.quality.link_report SITE_DIR)")
    print(f"  external URLs listed        {len(report.external):6d}")


def search_figures(site: Path) -> None:
    print("\nSearch")
    try:
        search_eval = importlib.import_module("scripts.quality.search_eval")
        evaluate = search_eval.evaluate
    except (ImportError, AttributeError):
        print("  search evaluation not available")
        return
    started = time.perf_counter()
    try:
        report = evaluate(site)
        holdouts = {path: evaluate(site, search_eval.load_queries(path)) for path in search_eval.HOLDOUTS}
    except Exception as exc:  # a figure that cannot be taken is reported, not fatal
        print(f"  search evaluation failed: {type(exc).__name__}: {exc}")
        return
    for line in str(report).splitlines():
        print(f"  {line}")
    # The sets nobody tuned on: the gap is how much the tuning overfits.
    for path, holdout in holdouts.items():
        print(f"  Held-out queries ({path.relative_to(search_eval.ROOT)}):")
        for line in str(holdout).splitlines():
            print(f"  {line}")
    print(f"  ({time.perf_counter() - started:.0f} s)")


def lighthouse_figures(site: Path, runs: int | None) -> None:
    from scripts.quality import lighthouse

    runs = runs or lighthouse.RUNS

    print(f"\nLighthouse (median of {runs} runs, one at a time; performance depends on this machine's load)")
    if lighthouse.node_missing():
        print("  skipped: install Node.js to run Lighthouse")
        return
    try:
        results = lighthouse.run(site, log=lambda line: print(line, flush=True), runs=runs)
    except RuntimeError as exc:
        print(f"  skipped: {exc}")
        return
    print()
    print(lighthouse.format_table(results))
    print()
    print(lighthouse.format_findings(results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.quality.benchmark", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--only", choices=["tests"], help="print one section alone: tests = cold and warm `make test`"
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="time `make test` here and at commit REV, interleaved on this machine, and print the ratios"
        " (scripts/quality/suite_timing.py); nothing else is printed",
    )
    parser.add_argument(
        "--pairs", type=int, default=3, help="warm pairs for --against, after the cold ones (default 3)"
    )
    parser.add_argument(
        "--cold-pairs",
        type=int,
        default=1,
        help="cold pairs for --against, each on emptied caches (default 1)",
    )
    parser.add_argument("--skip-tests", action="store_true", help="leave out the `make test` timings")
    parser.add_argument("--skip-search", action="store_true", help="leave out the search evaluation")
    parser.add_argument("--skip-lighthouse", action="store_true", help="leave out Lighthouse")
    parser.add_argument(
        "--lighthouse-runs",
        type=int,
        default=None,
        help="Lighthouse audits per page and mode, median kept (default: scripts/quality/lighthouse.py's RUNS)",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.against:
        suite_timing.print_against(args.against, args.pairs, args.cold_pairs)
        return 0
    if args.only == "tests":
        suite_timing.print_alone()
        return 0
    from scripts.pipeline import snippet_exec

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        env = {**os.environ, "GUIDE_CACHE_DIR": str(Path(tmp) / "cache"), "NO_MKDOCS_2_WARNING": "1"}
        site = Path(tmp) / "site"
        print("Build (mkdocs build --strict)")
        cold = timed_build(site, env)
        warm = timed_build(site, env)
        print(f"  cold (empty caches)   {cold:7.1f} s")
        print(f"  warm (nothing changed) {warm:6.1f} s")

        paths = snippet_exec.discover()
        os.environ["GUIDE_CACHE_DIR"] = env["GUIDE_CACHE_DIR"]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = list(pool.map(snippet_exec.execute, paths))
        snippets_cold = time.perf_counter() - started
        started = time.perf_counter()
        for path in paths:
            assert snippet_exec.cached(path) is not None, f"{path} missing from the cache after a build"
        snippets_warm = time.perf_counter() - started
        print(f"\nSnippets ({len(paths)} files, {os.cpu_count()} cores)")
        print(f"  check, cold (all run fresh) {snippets_cold:6.1f} s")
        print(f"  check, warm (cache look-ups) {snippets_warm:5.2f} s")
        print("  slowest five:")
        for result in sorted(results, key=lambda r: r.seconds, reverse=True)[:5]:
            print(f"    {result.seconds:5.2f} s  {result.path}")

        print("\nNotebooks (executed once per content change)")
        from scripts.pipeline import notebooks

        for source in notebooks.sources():
            out, seconds = notebooks.execute(source)
            shutil.rmtree(out.parent, ignore_errors=True)
            print(f"  {seconds:6.1f} s  {source.relative_to(ROOT)}")

        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        weight, parts = home_page_weight(site)
        print("\nSite")
        print(f"  total size on disk          {total / 1e6:6.1f} MB")
        print(f"  home page (HTML + CSS + JS) {weight / 1e3:6.0f} KB uncompressed")
        for name, size in parts:
            print(f"    {size / 1e3:7.1f} KB  {name}")
        sys.stdout.flush()

        link_figures(site)
        if not args.skip_tests:
            print()
            suite_timing.print_alone()
        if not args.skip_search:
            search_figures(site)
        if not args.skip_lighthouse:
            lighthouse_figures(site, args.lighthouse_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
