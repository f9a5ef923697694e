"""Wall-clock time of `make test`, cold and warm, alone or against an earlier commit.

Part of ``make benchmark`` (``python -m scripts.quality.benchmark --only tests``). Seconds
measured on one machine do not carry to another: the same commit's warm run took 123 s on
the machine where issue 19 set its targets and 162-172 s on another (2026-12-04). With
``--against REV`` both commits run here, interleaved, and the ratio is the figure that
carries: each pair alternates which commit runs first, so a machine getting busier or
quieter over the run does not favour either side.

The earlier commit runs in a git worktree with its own venv, installed from its own lock
before any timing, and its own empty cache folder; ``../shared`` is linked beside it when
this checkout has one, as its tests expect.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts import ROOT

# Issue 19's targets and the figures they were set against (2 cores, 2026-12-03):
# warm 60 s from 123 s, cold 180 s from 256 s.
TARGETS = {"cold": (180.0, 256.0), "warm": (60.0, 123.0)}


@dataclass(frozen=True)
class Run:
    seconds: float
    summary: str  # pytest's closing line, then any FAILED or ERROR lines

    @property
    def passed(self) -> bool:
        """Pytest's closing line counts passes and no failure or error, and nothing follows it."""
        closing, *failures = self.summary.splitlines()
        return (
            not failures
            and re.search(r"\b\d+ passed\b", closing) is not None
            and re.search(r"\b\d+ (failed|errors?)\b", closing) is None
        )


def timed_make_test(env: dict[str, str], cwd: Path = ROOT) -> Run:
    """Wall time of `make test` (what CI runs) in ``cwd``, and pytest's closing line."""
    env = {k: v for k, v in env.items() if k != "GUIDE_SITE_DIR"}  # the real build is part of it
    started = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "test"], cwd=cwd, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    lines = [line.strip("= ") for line in proc.stdout.splitlines() if " in " in line and line.startswith("=")]
    summary = lines[-1] if lines else f"exit status {proc.returncode}: {(proc.stderr or proc.stdout)[-400:]}"
    # A timing of a failing run is worth little without knowing what failed.
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return Run(seconds, "\n".join([summary, *failed]))


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def print_alone() -> None:
    """Cold `make test` on empty caches, then warm on the caches it filled."""
    with tempfile.TemporaryDirectory(prefix="bench-tests-") as tmp:
        env = {**os.environ, "GUIDE_CACHE_DIR": str(Path(tmp) / "cache")}
        print(f"Tests (make test, {os.cpu_count()} cores; {load()} before)", flush=True)
        cold = timed_make_test(env)
        print(f"  cold (empty caches)    {cold.seconds:6.0f} s  {cold.summary}", flush=True)
        warm = timed_make_test(env)
        print(f"  warm (caches filled)   {warm.seconds:6.0f} s  {warm.summary}", flush=True)


def git(*args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def verdict(kind: str, ratios: list[float]) -> str:
    """Within the target only if every pair is: the pairs' range is the interval here."""
    target, baseline = TARGETS[kind]
    allowed = target / baseline
    low, high = min(ratios), max(ratios)
    if high <= allowed:
        word = "within"
    elif low > allowed:
        word = "outside"
    else:
        word = "undecided: the pairs straddle"
    return (
        f"ratio {low:.2f}-{high:.2f} over {len(ratios)} pair(s); {word} the target ratio {allowed:.2f}"
        f" ({target:.0f} s of {baseline:.0f} s)"
    )


def print_against(rev: str, pairs: int) -> None:
    """One cold pair, then ``pairs`` warm pairs: this checkout against commit ``rev``."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="bench-against-") as tmp:
        base = Path(tmp) / ROOT.name
        git("worktree", "add", "--detach", "--quiet", str(base), commit)
        if (ROOT.parent / "shared").is_dir():
            (Path(tmp) / "shared").symlink_to(ROOT.parent / "shared", target_is_directory=True)
        try:
            print(f"Tests against {commit[:9]} (make test, {os.cpu_count()} cores; {load()} before)")
            print(
                f"  installing {commit[:9]}'s locked dependencies into its own venv (not timed) ...",
                flush=True,
            )
            install = subprocess.run(
                ["make", "--no-print-directory", ".venv/.installed"], cwd=base, capture_output=True, text=True
            )
            if install.returncode != 0:
                raise SystemExit(f"installing {commit[:9]}'s dependencies failed:\n{install.stderr[-2000:]}")
            trees = {"this checkout": ROOT, commit[:9]: base}
            envs = {
                name: {**os.environ, "GUIDE_CACHE_DIR": str(Path(tmp) / f"cache-{i}")}
                for i, name in enumerate(trees)
            }
            ratios: dict[str, list[float]] = {"cold": [], "warm": []}
            for number, kind in enumerate(["cold", *["warm"] * pairs]):
                order = list(trees) if number % 2 == 0 else list(reversed(trees))
                runs = {}
                for name in order:
                    runs[name] = run = timed_make_test(envs[name], trees[name])
                    print(
                        f"  {kind} {name:13s} {run.seconds:6.0f} s  {run.summary}  ({load()} after)",
                        flush=True,
                    )
                here, there = runs["this checkout"], runs[commit[:9]]
                if not (here.passed and there.passed):
                    raise SystemExit("a run failed, so its time says nothing; see above")
                ratios[kind].append(here.seconds / there.seconds)
                print(f"  {kind} ratio         {ratios[kind][-1]:6.2f}", flush=True)
            for kind, values in ratios.items():
                if values:
                    print(f"  {kind}: {verdict(kind, values)}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
            subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
