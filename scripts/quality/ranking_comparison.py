"""Our ranking or Material's? Both scored on one build, on every query set, in the browser.

The site's search box is Material for MkDocs' UI and worker with our order on top
(overrides/assets/javascripts/search-ranking.js, loaded by workers/ranked-search.js). This script
copies a built site, points the copy's pages back at Material's own worker (undoing the one
replace in overrides/main.html), and scores both copies' real search box with
:func:`scripts.quality.search_eval.evaluate` on the tuning set (queries.yaml) and on each
held-out set. Per set it prints hit@1, hit@3 and MRR for both, and the paired difference
(ours minus Material's, per query) with the site's paired bootstrap interval, saying where
zero lies: a set on which the interval includes zero is a tie.

Usage::

    python -m scripts.quality.ranking_comparison                      # builds the site first
    python -m scripts.quality.ranking_comparison --site-dir /tmp/site  # reuse a built site
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scripts import ROOT
from scripts.pipeline import search_worker
from scripts.quality import search_eval, site_build
from scripts.quality.search_eval import Report

# What overrides/main.html makes of Material's worker URL, and Material's own.
OURS = re.compile(rf"workers/{re.escape(search_worker.OURS)}\?v=[0-9a-f]+&material=search\.")
MATERIAL = "workers/search."


def material_copy(site_dir: Path, out_dir: Path) -> int:
    """Copy a built site to out_dir with every page loading Material's worker directly;
    returns the number of pages changed. Fails when no page loads ours (nothing to compare)."""
    shutil.copytree(site_dir, out_dir)
    changed = 0
    for page in sorted(out_dir.rglob("*.html")):
        html, n = OURS.subn(MATERIAL, page.read_text(encoding="utf-8"))
        if n:
            page.write_text(html, encoding="utf-8")
            changed += 1
    if not changed:
        raise ValueError(
            f"no page of {site_dir} loads workers/{search_worker.OURS}: is it a build of this site?"
        )
    return changed


def paired(material: Report, ours: Report, metric: str) -> str:
    """Ours minus Material's on one metric, paired by query, with its 95% bootstrap interval."""
    d = search_eval.paired_difference(material, ours, metric)
    where = search_eval.where_zero(d)
    return f"{d}, interval {where}{': a tie' if where == 'includes zero' else ''}"


@dataclass
class SetResult:
    name: str
    material: Report
    ours: Report


def compare(site_dir: Path, sets: dict[str, Path]) -> list[SetResult]:
    results = []
    with tempfile.TemporaryDirectory(prefix="ranking-comparison-") as tmp:
        stock = Path(tmp) / "site"
        material_copy(site_dir, stock)
        for name, path in sets.items():
            queries = search_eval.load_queries(path)
            results.append(
                SetResult(name, search_eval.evaluate(stock, queries), search_eval.evaluate(site_dir, queries))
            )
    return results


def table(results: Sequence[SetResult]) -> str:
    def scores(r: Report) -> str:
        return f"{r.hit_at_1:.2f} / {r.hit_at_3:.2f} / {r.mrr:.2f}"

    lines = [
        "| Queries | Material's order: hit@1 / hit@3 / MRR | Ours: hit@1 / hit@3 / MRR |",
        "| --- | --- | --- |",
    ]
    for s in results:
        lines.append(f"| {s.name} ({len(s.ours.results)}) | {scores(s.material)} | {scores(s.ours)} |")
    return "\n".join(lines)


def differences(s: SetResult) -> list[str]:
    lines = []
    for m, o in zip(s.material.results, s.ours.results, strict=True):
        if m.hit(3) != o.hit(3):
            lines.append(f"  {o.query.text!r}: Material rank {m.rank or '-'}, ours {o.rank or '-'}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, help="a built site (default: build one into a temp dir)")
    args = parser.parse_args(argv)
    sets = {"tuning set": search_eval.QUERIES}
    sets.update({f"held out, {p.name}": p for p in search_eval.HOLDOUTS})
    started = time.perf_counter()
    with site_build.given_or_built(args.site_dir) as site_dir:
        results = compare(site_dir, sets)
    print(table(results))
    for s in results:
        print(f"\n{s.name}, ours minus Material's, per query, paired bootstrap (95% CI):")
        for metric in search_eval.METRICS:
            print(f"  {paired(s.material, s.ours, metric)}")
        diff = differences(s)
        print(f"  queries where hit@3 differs: {len(diff)}")
        print("\n".join(diff))
    print(
        f"\n({time.perf_counter() - started:.0f} s; sets from {search_eval.QUERIES.parent.relative_to(ROOT)})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
