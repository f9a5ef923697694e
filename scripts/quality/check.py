"""`make check`: the fast lane a content contributor runs before pushing.

Lint, data validation, the page tests, the snippets you touched (run fresh and compared with
what the pages show) and a strict build of the whole site. Every step runs; the summary
names each one that failed, and the exit status is 1 if any did. `make test` (what CI runs)
checks everything else: browser tests, every snippet and notebook fresh, the fixture sites.

"Touched" means changed against ``git merge-base HEAD origin/main`` (or HEAD when there is
no remote), committed or not, plus untracked files. A snippet counts as touched when it
changed, a page that includes it changed, or a helper it imports changed. When that cannot
be known (no git, or a change to the snippet runner or the lock file), every snippet runs.

    python -m scripts.quality.check            # what changed
    python -m scripts.quality.check --all      # every snippet
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scripts import ROOT
from scripts.quality import site_build

# Besides the files in every snippet's cache key (snippet_exec.RUNNER_FILES), the code that
# starts and compares the runs: a change to any of them may change every snippet's check.
RUNNER_CODE = (
    "scripts/pipeline/snippet_exec.py",
    "scripts/pipeline/child_process.py",
    "scripts/pipeline/cache.py",
)


@dataclass
class Step:
    name: str
    ok: bool
    seconds: float
    output: str = ""


def git(*args: str) -> str | None:
    proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


def changed_files() -> list[str] | None:
    """Files changed against the merge base with origin/main (or HEAD); None when unknown."""
    base = None
    if git("rev-parse", "--verify", "--quiet", "origin/main") is not None:
        base = (git("merge-base", "HEAD", "origin/main") or "").strip() or None
    base = base or "HEAD"
    diff = git("diff", "--name-only", base)
    untracked = git("ls-files", "--others", "--exclude-standard")
    if diff is None or untracked is None:
        return None
    return sorted(set(diff.split()) | set(untracked.split()))


def touched_snippets(changed: list[str] | None) -> tuple[list[str], str]:
    """The snippets to run fresh, and why."""
    from scripts.pipeline import directives, snippet_exec
    from scripts.pipeline.cache import imported_snippet_files
    from scripts.pipeline.source_files import read_text

    every = snippet_exec.discover()
    if changed is None:
        return every, "all (could not tell what changed: no git?)"
    affects_every_snippet = {snippet_exec.relative(p) for p in snippet_exec.RUNNER_FILES} | set(RUNNER_CODE)
    if affects_every_snippet & set(changed):
        return every, "all (the snippet runner or the locked dependencies changed)"
    changed_set = set(changed)
    usages = directives.snippet_usages(ROOT / "docs")
    picked = []
    for snippet in every:
        pages = {where.split(" line ")[0] for where in usages.get(snippet, [])}
        helpers = {
            p.relative_to(ROOT).as_posix()
            for p in imported_snippet_files(read_text(ROOT / snippet, snippet), snippet)
        }
        if snippet in changed_set or pages & changed_set or helpers & changed_set:
            picked.append(snippet)
    return picked, f"{len(picked)} touched"


def run(name: str, command: list[str]) -> Step:
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return Step(name, proc.returncode == 0, time.perf_counter() - started, proc.stdout + proc.stderr)


def snippets_step(paths: list[str], why: str) -> Step:
    name = f"snippets: {why}"
    if not paths:
        return Step(name, True, 0.0)
    return run(name, [sys.executable, "-m", "scripts.pipeline.snippet_exec", "check", *paths])


def build_step() -> Step:
    with tempfile.TemporaryDirectory(prefix="check-site-") as tmp:
        built = site_build.build(Path(tmp) / "site")
    # MkDocs' INFO records (notebooks converted, files copied) would bury the warning.
    records = re.split(r"\n(?=\S)", built.output)
    shown = "\n".join(record for record in records if not record.startswith("INFO"))
    return Step("strict build (mkdocs build --strict)", built.ok, built.seconds, shown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.quality.check", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--all", action="store_true", help="run every snippet, not only the touched ones")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    changed = None if args.all else changed_files()
    try:
        paths, why = touched_snippets(changed)
    except Exception as exc:  # a broken page or import: the build step names it too
        paths, why = [], f"could not list them ({exc})"
    if args.all:
        why = "all (--all)"

    # The build takes longest: it runs beside the other steps (two cores).
    with ThreadPoolExecutor(max_workers=1) as pool:
        build = pool.submit(build_step)
        steps = [
            run("lint (make lint)", ["make", "--no-print-directory", "lint"]),
            run("data (make check-data)", [sys.executable, "-m", "scripts.pipeline.knowledge_base", "check"]),
            run(
                "pages (tests/content)",
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/content"],
            ),
            snippets_step(paths, why),
        ]
        steps.append(build.result())

    for step in steps:
        print(f"{'ok    ' if step.ok else 'FAILED'}  {step.name}  ({step.seconds:.1f} s)")
    failed = [step for step in steps if not step.ok]
    for step in failed:
        print(f"\n--- {step.name} failed:\n{step.output.strip()[-6000:]}")
    total = time.perf_counter() - started
    if failed:
        print(
            f"\nmake check: {len(failed)} of {len(steps)} steps failed ({total:.0f} s): "
            + "; ".join(step.name for step in failed)
        )
        return 1
    print(f"\nmake check: all {len(steps)} steps passed ({total:.0f} s). CI runs more: `make test`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
