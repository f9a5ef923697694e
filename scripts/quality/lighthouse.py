"""Lighthouse scores of the built site, against the site's budgets. Reported, never asserted.

CLI::

    python -m scripts.quality.lighthouse [--site-dir DIR] [--page PATH ...] [--mode mobile|desktop]
                                         [--runs N] [--block URL-PATTERN ...]

- Needs Node.js and npm. Without them it prints "skipped: install Node.js to run
  Lighthouse" and exits 0. Lighthouse 12 is installed from npm into build/tools/lighthouse
  on first use and reused afterwards. It drives Debian's Chromium (/usr/bin/chromium or
  CHROMIUM): no browser is ever downloaded.
- Without ``--site-dir`` the site is built first (``mkdocs build``, as ``make build``).
- The site is served on 127.0.0.1 under ``/guide/`` (the path of ``site_url``) the way
  GitHub Pages serves it: gzip for text files, ``Cache-Control: max-age=600``, 404.html
  for missing paths. Lighthouse reports transferred bytes, so compression matters.
- Audited: the home page and one representative page of each nav section (tables,
  snippets with figures, charts, the notebook, the planner), each in the mobile (default)
  and desktop (``--preset=desktop``) configurations.

Each page and mode is audited ``--runs`` times (default 5) and the run with the median
performance score is reported, with the range beside it: Lighthouse's own guidance on
variability, since one run on a shared machine can swing by ten points.

Runs whose first paint headless Chrome held back for about a second are set aside before
the median is taken, and counted in the report: the page had committed its content, but
the display compositor throttled the page to one frame a second (GoogleChrome/lighthouse
issue 17148). Such a run loses 10-20 points whatever the page; scripts/quality/paint_hold.py reads the
mark this leaves in each run's trace. When every run of a page was held back, none is set
aside.

Budgets: performance >= 95, accessibility 100, best practices >= 95, SEO >= 95 on every
audited page; the home page transfers < 400 KB (the ``total-byte-weight`` audit). Figures
below budget are marked with ``!``; the audits that cost points are listed under the table.
The exit status is 0 whatever the scores: performance depends on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scripts import ROOT
from scripts.quality import local_site, paint_hold, site_build

TOOLS_DIR = ROOT / "build" / "tools" / "lighthouse"
LIGHTHOUSE_SPEC = "lighthouse@12"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "best", "seo": "seo"}
BUDGETS = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 95}
HOME_BYTES_BUDGET = 400 * 1000  # bytes transferred by the home page
MODES = ("mobile", "desktop")
# Audits per page and mode; the median run is reported. Lighthouse's variability notes put
# the median of five runs at about twice as stable as one; with three, a single run whose
# first paint waited for the search index (a busy machine) still set some pages' median.
RUNS = 5
RUN_TIMEOUT = 240  # seconds for one Lighthouse run

# (nav section, page path under /guide/, what it exercises)
PAGES: tuple[tuple[str, str, str], ...] = (
    ("Home", "", "home page"),
    ("Start here", "start-here/the-transition/", "long prose"),
    ("Roles", "roles/", "comparison table"),
    ("Skills", "skills/model-evaluation/", "snippets, outputs and figures"),
    ("Salaries", "salaries/", "tables and SVG charts"),
    ("Market trends", "trends/", "demand tables"),
    ("Learning roadmap", "roadmap/planner/", "skill-gap planner"),
    ("Best practices", "practices/deployment/", "snippets"),
    ("Challenges", "challenges/", "mitigations table"),
    ("Interview prep", "interviews/question-bank/", "large table"),
    ("Projects", "projects/price-prediction/", "rendered notebook"),
    ("Tools", "tools/serving/", "tools table"),
    ("FAQ", "faq/", "FAQ"),
    ("Glossary", "glossary/", "glossary table"),
    ("About the data", "about-data/fields/", "data-field tables"),
)


@dataclass
class Result:
    section: str
    path: str
    mode: str
    scores: dict[str, int | None] = field(default_factory=dict)
    total_bytes: int | None = None
    lost: list[str] = field(default_factory=list)  # audits that cost points, one line each
    error: str | None = None
    benchmark_index: float | None = None  # Lighthouse's CPU speed figure for the run
    perf_range: tuple[int, int] | None = None  # lowest and highest performance over the runs
    paint_held_ms: float | None = None  # how long Chrome held back the first paint (paint_hold)
    set_aside: int = 0  # runs left out of the median because their first paint was held back

    def below_budget(self) -> list[str]:
        return [c for c, s in self.scores.items() if s is not None and s < BUDGETS[c]]

    def over_weight(self) -> bool:
        """The home page transferred more than its budget."""
        return self.path == "" and self.total_bytes is not None and self.total_bytes >= HOME_BYTES_BUDGET


# --- tools ------------------------------------------------------------------------------


def node_missing() -> bool:
    return not (shutil.which("node") and shutil.which("npm"))


def lighthouse_binary(log: Callable[[str], None] = print) -> Path:
    """build/tools/lighthouse/node_modules/.bin/lighthouse, installed from npm on first use."""
    binary = TOOLS_DIR / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    log(f"Installing {LIGHTHOUSE_SPEC} into {TOOLS_DIR.relative_to(ROOT)} (once) ...")
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(TOOLS_DIR),
            LIGHTHOUSE_SPEC,
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ],
        capture_output=True,
        text=True,
        # Lighthouse needs no browser download (it runs our Chromium); make sure of it.
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    if proc.returncode != 0 or not binary.exists():
        raise RuntimeError(
            f"npm install {LIGHTHOUSE_SPEC} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return binary


def serve(site_dir: Path):
    """Serve the built site at http://127.0.0.1:<port>/guide/, compressed like a real host."""
    return local_site.serve(site_dir, like_host=True)


# --- running and reading Lighthouse -------------------------------------------------------


def audit(binary: Path, url: str, mode: str, out: Path, blocked: tuple[str, ...] = ()) -> dict:
    command = [
        str(binary),
        url,
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--save-assets",  # the trace, read by paint_hold
        "--quiet",
    ]
    if mode == "desktop":
        command.append("--preset=desktop")
    command += [f"--blocked-url-patterns={pattern}" for pattern in blocked]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse exited {proc.returncode}: {(proc.stderr or proc.stdout)[-1500:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def read_result(section: str, path: str, mode: str, lhr: dict) -> Result:
    result = Result(section, path, mode)
    if lhr.get("runtimeError"):
        result.error = f"{lhr['runtimeError'].get('code')}: {lhr['runtimeError'].get('message')}"
    for category in CATEGORIES:
        data = lhr["categories"].get(category)
        score = data and data.get("score")
        result.scores[category] = None if score is None else round(score * 100)
        if not data:
            continue
        for ref in data["auditRefs"]:
            audit_data = lhr["audits"][ref["id"]]
            audit_score = audit_data.get("score")
            if ref.get("weight", 0) > 0 and audit_score is not None and audit_score < 1:
                shown = f" ({audit_data['displayValue']})" if audit_data.get("displayValue") else ""
                result.lost.append(
                    f"{SHORT[category]}: {ref['id']} {audit_score:.2f}{shown} - {audit_data['title']}"
                )
    result.benchmark_index = lhr.get("environment", {}).get("benchmarkIndex")
    weight = lhr["audits"].get("total-byte-weight", {})
    if weight.get("numericValue") is not None:
        result.total_bytes = int(weight["numericValue"])
    return result


def median_run(runs: list[Result]) -> Result:
    """The run with the median performance score, carrying the range over all runs.

    Errors count only when every run failed: a run that crashed says nothing about the page.
    Runs whose first paint Chrome held back are left out, unless no other run is left.
    """
    scored = [r for r in runs if not r.error and r.scores.get("performance") is not None]
    if not scored:
        return runs[-1]
    scored.sort(key=lambda r: r.scores["performance"])
    kept = [r for r in scored if r.paint_held_ms is None] or scored
    chosen = kept[(len(kept) - 1) // 2]
    perfs = [r.scores["performance"] for r in scored]
    chosen.perf_range = (perfs[0], perfs[-1])
    chosen.set_aside = len(scored) - len(kept)
    return chosen


def trace_check(result: Result, report: Path, keep: bool) -> None:
    """Read the run's saved trace for a held-back first paint, then drop the saved files
    (about 5 MB a run) unless the reports are kept."""
    trace = report.with_name(f"{report.stem}-0.trace.json")
    if trace.is_file():
        result.paint_held_ms = paint_hold.held_first_paint_ms(paint_hold.load_events(trace))
    if not keep:
        for asset in (trace, report.with_name(f"{report.stem}-0.devtoolslog.json")):
            asset.unlink(missing_ok=True)


def run(
    site_dir: Path,
    pages: tuple[tuple[str, str, str], ...] = PAGES,
    modes: tuple[str, ...] = MODES,
    log: Callable[[str], None] = print,
    keep_reports: Path | None = None,
    runs: int = RUNS,
    blocked: tuple[str, ...] = (),
) -> list[Result]:
    """Audit each page in each mode ``runs`` times, one run at a time (parallel runs skew
    the timings), and keep the median run of each. Requests matching a ``blocked`` pattern
    (Chrome's, ``*`` a wildcard) fail, as if the site did not have those files."""
    binary = lighthouse_binary(log)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    log(
        f"  {len(pages)} pages x {len(modes)} modes x {runs} runs, one at a time "
        f"(load average {load}, {os.cpu_count()} CPUs)"
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp, serve(site_dir) as base:
        reports = keep_reports or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        for section, path, _what in pages:
            if not (site_dir / path / "index.html").is_file():
                log(f"  (no page {path or '/'} in the site: {section} skipped)")
                continue
            for mode in modes:
                stem = path.strip("/").replace("/", "_") or "home"
                started = time.perf_counter()
                attempts: list[Result] = []
                for attempt in range(1, runs + 1):
                    report = reports / f"{stem}.{mode}.{attempt}.json"
                    try:
                        lhr = audit(binary, base + path, mode, report, blocked)
                        attempts.append(read_result(section, path, mode, lhr))
                        trace_check(attempts[-1], report, keep=keep_reports is not None)
                    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
                        error = str(exc).strip().splitlines()[-1][:300]
                        attempts.append(Result(section, path, mode, error=error))
                result = median_run(attempts)
                results.append(result)
                figures = " ".join(f"{SHORT[c]} {result.scores.get(c)}" for c in CATEGORIES)
                spread = f" (perf {result.perf_range[0]}-{result.perf_range[1]})" if result.perf_range else ""
                spread += f", {result.set_aside} set aside" if result.set_aside else ""
                log(f"  {mode:7} /{path:32} {figures}{spread}  ({time.perf_counter() - started:.0f} s)")
    return results


def _mark(value: int | None, budget_ok: bool) -> str:
    if value is None:
        return "-"
    return f"{value}" if budget_ok else f"{value}!"


def format_table(results: list[Result]) -> str:
    """A Markdown table of scores per page and mode; '!' marks a figure below budget."""
    header = "| page | mode | " + " | ".join(CATEGORIES) + " | transferred |"
    lines = [header, "|" + "---|" * (len(CATEGORIES) + 3)]
    for r in results:
        cells = [_mark(r.scores.get(c), c not in r.below_budget()) for c in CATEGORIES]
        if r.perf_range and r.perf_range[0] != r.perf_range[1]:
            aside = f", {r.set_aside} set aside" if r.set_aside else ""
            cells[0] += f" ({r.perf_range[0]}-{r.perf_range[1]}{aside})"
        size = "-"
        if r.total_bytes is not None:
            size = f"{r.total_bytes / 1000:.0f} KB" + ("!" if r.over_weight() else "")
        if r.error:
            cells = [f"error: {r.error}"] + [""] * (len(CATEGORIES) - 1)
        lines.append(f"| /{r.path} | {r.mode} | " + " | ".join(cells) + f" | {size} |")
    return "\n".join(lines)


def format_findings(results: list[Result]) -> str:
    lines: list[str] = []
    home = [r for r in results if r.path == "" and r.total_bytes is not None]
    for r in home:
        verdict = "within" if r.total_bytes < HOME_BYTES_BUDGET else "OVER"
        lines.append(
            f"Home page transferred ({r.mode}): {r.total_bytes / 1000:.0f} KB "
            f"({verdict} the {HOME_BYTES_BUDGET / 1000:.0f} KB budget)"
        )
    indexes = sorted(r.benchmark_index for r in results if r.benchmark_index)
    if indexes:
        lines.append(
            f"CPU benchmark index of the runs: {indexes[0]:.0f}-{indexes[-1]:.0f} (higher is faster). "
            "Mobile performance simulates a 4x slower CPU from the observed timings, so a busy "
            "machine lowers it; load average now: " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        )
    failing = [r for r in results if r.below_budget() or r.over_weight() or r.error]
    budget = ", ".join(f"{c} {'>= ' if v < 100 else ''}{v}" for c, v in BUDGETS.items())
    lines.append(
        f"Budgets: {budget}; home page < {HOME_BYTES_BUDGET / 1000:.0f} KB. '!' marks a miss; "
        "performance is the median run, with the range of all runs in brackets."
    )
    held = sum(r.set_aside for r in results)
    if held:
        lines.append(
            f"{held} run(s) set aside: Chrome held the first paint back about a second after the "
            "page had committed it (headless viz throttling, GoogleChrome/lighthouse#17148; see "
            "scripts/quality/paint_hold.py). They are in the range, not in the median."
        )
    for r in results:
        if r.paint_held_ms is not None:
            lines.append(
                f"/{r.path} ({r.mode}): every run's first paint was held back; the median includes them."
            )
    if not failing:
        lines.append("Every audited page is within budget.")
    for r in failing:
        misses = [f"{c} below budget" for c in r.below_budget()]
        misses += ["transferred bytes over budget"] if r.over_weight() else []
        lines.append(f"/{r.path} ({r.mode}): " + (r.error or ", ".join(misses)))
    lost = [r for r in results if r.lost]
    if lost:
        lines.append("\nAudits that cost points:")
        for r in lost:
            lines.append(f"  /{r.path} ({r.mode})")
            lines += [f"    {line}" for line in r.lost]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.quality.lighthouse", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--site-dir", type=Path, help="an already built site (default: build one)")
    parser.add_argument(
        "--page", action="append", help="audit only this page path (repeatable), e.g. salaries/"
    )
    parser.add_argument("--mode", choices=MODES, action="append", help="only this mode (repeatable)")
    parser.add_argument(
        "--keep-reports", type=Path, help="keep the JSON reports and traces in this directory"
    )
    parser.add_argument(
        "--runs", type=int, default=RUNS, help=f"audits per page and mode, median kept (default {RUNS})"
    )
    parser.add_argument(
        "--block",
        action="append",
        default=[],
        metavar="PATTERN",
        help="fail requests matching this URL pattern (repeatable); the search comparison's"
        " Pagefind column blocks */search/search_index.json and */assets/javascripts/workers/*",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if node_missing():
        print("skipped: install Node.js to run Lighthouse")
        return 0
    if not Path(CHROMIUM).is_file():
        print(f"skipped: no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
        return 0
    pages = PAGES
    if args.page:
        wanted = {p.strip("/") for p in args.page}
        pages = tuple(p for p in PAGES if p[1].strip("/") in wanted)
        pages += tuple(
            ("(asked)", p if p.endswith("/") or not p else p + "/", "")
            for p in sorted(wanted - {p[1].strip("/") for p in PAGES})
        )
    modes = tuple(args.mode) if args.mode else MODES
    with tempfile.TemporaryDirectory(prefix="lighthouse-site-") as tmp:
        site_dir = args.site_dir
        try:
            if site_dir is None:
                site_dir = Path(tmp) / "site"
                print("Building the site ...")
                built = site_build.build(site_dir)
                if not built.ok:
                    raise RuntimeError(f"mkdocs build failed:\n{built.tail(6000)}")
            results = run(
                site_dir.resolve(),
                pages,
                modes,
                keep_reports=args.keep_reports,
                runs=args.runs,
                blocked=tuple(args.block),
            )
        except RuntimeError as exc:
            print(f"skipped: {exc}")
            return 0
    print()
    print(format_table(results))
    print()
    print(format_findings(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
