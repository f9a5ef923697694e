"""Wall-clock time of `make test`, cold and warm, alone or against an earlier commit.

Part of ``make benchmark`` (``python -m scripts.quality.benchmark --only tests``). Seconds
measured on one machine do not carry to another: issue 19 measured ``475b956`` at 123 s warm
on the machine where it set its targets, and the same commit took 162-234 s warm on another
(2026-12-04). With ``--against REV`` both commits run here, in pairs, and the ratio is the
figure that carries. Each pair alternates which commit runs first, which spreads a machine
getting busier or quieter across both sides. The verdict rests on the 95% interval of the
pairs' geometric mean ratio, never on one pair: a shared machine speeds up and slows down
within minutes, and one pair's ratio moved by a fifth from the next's (2026-12-04). Each
run's CPU seconds (the machine's busy time over all cores, so run nothing else beside it) are
printed beside its wall time, with their own ratio: the work done, which tells a slower
machine from more work.

The earlier commit runs in a git worktree with its own venv (and its own JavaScript tools,
where its Makefile installs them), installed from its own locks before any timing, and its own
empty cache folder; ``../shared`` is linked beside it when this checkout has one, as its
tests expect.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from scipy import stats

from scripts import ROOT

# Issue 19's targets and the figures they were set against: 2 cores, 2026-12-03, at this commit.
TARGET_BASELINE = "475b9569d"
TARGETS = {"cold": (180.0, 256.0), "warm": (60.0, 123.0)}
HERE = "this checkout"  # how the runs of the code being measured are named
# Where the whole output of a failed timed run is kept (build/ is git-ignored).
FAILURES = ROOT / "build" / "benchmark-failures"


@dataclass(frozen=True)
class Run:
    seconds: float
    summary: str  # pytest's closing line, then any FAILED or ERROR lines
    returncode: int = 0
    # CPU seconds the machine was busy during the run: the run's work (browsers, builds,
    # snippets) plus whatever else ran, so run nothing else. nan where /proc/stat is missing.
    cpu_seconds: float = math.nan

    @property
    def passed(self) -> bool:
        """Exit status 0, pytest's closing line counts passes and no failure or error, and
        nothing follows it."""
        closing, *failures = self.summary.splitlines()
        return (
            self.returncode == 0
            and not failures
            and re.search(r"\b\d+ passed\b", closing) is not None
            and re.search(r"\b\d+ (failed|errors?)\b", closing) is None
        )


def summarise(stdout: str, stderr: str, returncode: int) -> str:
    """Pytest's closing line and any FAILED or ERROR lines; else the exit status and the
    last line of output, on one line."""
    lines = [line.strip("= ") for line in stdout.splitlines() if " in " in line and line.startswith("=")]
    if lines:
        closing = lines[-1]
    else:
        last = (stderr or stdout).strip().splitlines()[-1:] or [""]
        closing = f"exit status {returncode}: {last[0][:300]}"
    # A timing of a failing run is worth little without knowing what failed.
    failed = [line for line in stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return "\n".join([closing, *failed])


def timed_make_test(env: dict[str, str], cwd: Path = ROOT, failures: Path = FAILURES) -> Run:
    """Wall time of `make test` (what CI runs) in ``cwd``, the CPU seconds the machine was busy
    meanwhile, and pytest's closing line. A failed run's whole output goes to a file in
    ``failures``, named in the summary: a test that fails once in an hour of timings is
    found only from its traceback."""
    env = {k: v for k, v in env.items() if k != "GUIDE_SITE_DIR"}  # the real build is part of it
    before = busy_cpu()
    started = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "test"], cwd=cwd, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    summary = summarise(proc.stdout, proc.stderr, proc.returncode)
    run = Run(seconds, summary, proc.returncode, cpu_seconds=busy_cpu() - before)
    if not run.passed:
        failures.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        log = failures / f"{stamp}-{cwd.resolve().name}-{os.getpid()}.log"
        log.write_text(
            f"$ make test  (in {cwd})\n{proc.stdout}\n--- stderr ---\n{proc.stderr}", encoding="utf-8"
        )
        run = replace(run, summary=f"{summary}\nwhole output: {log}")
    return run


def busy_cpu() -> float:
    """CPU seconds this machine has been busy since boot, over all its cores (Linux).

    Not the children's rusage: that misses every process its parent does not wait for
    (Chromium's renderers, the fork servers' children), a third of a warm run's CPU.
    """
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(f) for f in stat.readline().split()[1:8]]
    except (OSError, ValueError):
        return math.nan
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def print_alone() -> None:
    """Cold `make test` on empty caches, then warm on the caches it filled."""
    with tempfile.TemporaryDirectory(prefix="bench-tests-") as tmp:
        env = {**os.environ, "GUIDE_CACHE_DIR": str(Path(tmp) / "cache")}
        print(f"Tests (make test, {os.cpu_count()} cores; {load()} before)", flush=True)
        cold = timed_make_test(env)
        print(f"  cold (empty caches)    {timing(cold)}  {cold.summary}", flush=True)
        warm = timed_make_test(env)
        print(f"  warm (caches filled)   {timing(warm)}  {warm.summary}", flush=True)


def timing(run: Run) -> str:
    return f"{run.seconds:6.0f} s (CPU {run.cpu_seconds:4.0f} s)"


def git(*args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def interval(ratios: list[float]) -> tuple[float, float, float]:
    """The geometric mean of the pairs' ratios and its 95% interval (Student's t on the logs).

    Logs, because a ratio is a factor: 0.5 and 2 are equally far from 1. One pair gives no
    interval: its bounds are 0 and infinity.
    """
    logs = [math.log(r) for r in ratios]
    mean = statistics.fmean(logs)
    if len(logs) < 2:
        return math.exp(mean), 0.0, math.inf
    # By hand, not stats.t.interval: that returns nan when every pair gave the same ratio.
    half = stats.t.ppf(0.975, len(logs) - 1) * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def described(ratios: list[float]) -> str:
    mean, low, high = interval(ratios)
    return (
        f"ratio {mean:.3f} (geometric mean of {len(ratios)} pair(s): {min(ratios):.3f}-{max(ratios):.3f};"
        f" 95% interval {low:.3f}-{high:.3f})"
    )


def verdict(kind: str, ratios: list[float]) -> str:
    """Within the target only when the whole interval is at or under its ratio, outside only
    when the whole interval is above it; otherwise undecided, and more pairs would tell.

    Not "every pair within": that rule gets harder to pass the more pairs are run, so more
    evidence could only ever turn a verdict against the code.
    """
    target, baseline = TARGETS[kind]
    allowed = target / baseline
    _, low, high = interval(ratios)
    if high <= allowed:
        word = "within"
    elif low > allowed:
        word = "outside"
    elif len(ratios) < 2:
        word = "undecided: one pair gives no interval to compare with"
    else:
        word = "undecided: the interval straddles"
    return (
        f"{described(ratios)}; {word} the target ratio {allowed:.3f}"
        f" ({target:.0f} s of {baseline:.0f} s at {TARGET_BASELINE})"
    )


def seconds_against_target(kind: str, seconds: list[float]) -> str:
    """This checkout's own times beside the issue's target in seconds: no verdict, since
    seconds do not carry between machines, but the reading the ratio hides when the earlier
    commit's own times spread widely (MEASUREMENTS.md, the warm run of 2026-12-05 13:04)."""
    target, _ = TARGETS[kind]
    at_or_under = sum(value <= target for value in seconds)
    return (
        f"this checkout took {min(seconds):.1f}-{max(seconds):.1f} s in {len(seconds)} run(s),"
        f" {at_or_under} at or under the issue's {target:.0f} s (seconds on this machine, not a verdict)"
    )


def install(tree: Path) -> None:
    """Install what `make test` in ``tree`` would install, so no timed run includes it."""
    stamps = [".venv/.installed"]
    if (tree / "package-lock.json").exists() and shutil.which("npm"):
        stamps.append("node_modules/.installed")
    proc = subprocess.run(["make", "--no-print-directory", *stamps], cwd=tree, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"installing the dependencies of {tree} failed:\n{proc.stderr[-2000:]}")


def assert_only_tests_left(tree: Path) -> None:
    """`make -n test` lists the commands a run would execute: only pytest may be left."""
    planned = subprocess.run(
        ["make", "-n", "--no-print-directory", "test"], cwd=tree, capture_output=True, text=True
    ).stdout.splitlines()
    extra = [line for line in planned if line.strip() and " -m pytest" not in line]
    if extra:
        raise SystemExit(f"`make test` in {tree} would do more than test, and be timed doing it: {extra}")


def run_pairs(
    kinds: list[str], names: list[str], timed: Callable[[str, str], Run]
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[float]], list[str]]:
    """One pair per kind, ``names[0]`` (this checkout) against ``names[1]``, alternating which
    runs first, after an untimed run of each when the first kind is warm. A pair in which
    either run failed says nothing about speed: it is left out and named (a flaky test of
    the earlier commit must not end a long measurement).

    Returns the wall-time ratios per kind, the CPU-time ratios per kind (the work done, for
    reading the wall ratios; the targets are wall time), ``names[0]``'s seconds in those
    pairs per kind, and one "<name>, <kind> pair N" per run that failed.
    """
    ratios: dict[str, list[float]] = {"cold": [], "warm": []}
    cpu_ratios: dict[str, list[float]] = {"cold": [], "warm": []}
    seconds: dict[str, list[float]] = {"cold": [], "warm": []}
    failed: list[str] = []
    if kinds[:1] == ["warm"]:
        # Warm runs need filled caches: with no cold pair before them, the first warm pair
        # would time two cold runs.
        print("  filling the caches: one run of make test in each tree (not timed) ...", flush=True)
        failed += [f"{name}, filling its caches" for name in names if not timed("warm", name).passed]
    for number, kind in enumerate(kinds):
        order = names if number % 2 == 0 else names[::-1]
        runs = {}
        for name in order:
            runs[name] = run = timed(kind, name)
            print(f"  {kind} {name:13s} {timing(run)}  {run.summary}  ({load()} after)", flush=True)
        failed += [f"{name}, {kind} pair {number + 1}" for name in names if not runs[name].passed]
        if all(runs[name].passed for name in names):
            ratios[kind].append(runs[names[0]].seconds / runs[names[1]].seconds)
            cpu_ratios[kind].append(runs[names[0]].cpu_seconds / runs[names[1]].cpu_seconds)
            seconds[kind].append(runs[names[0]].seconds)
            print(
                f"  {kind} ratio         {ratios[kind][-1]:6.3f} (CPU {cpu_ratios[kind][-1]:.3f})", flush=True
            )
    return ratios, cpu_ratios, seconds, failed


def print_against(rev: str, pairs: int, cold_pairs: int = 1) -> None:
    """``cold_pairs`` cold pairs, each on emptied caches, then ``pairs`` warm pairs: this
    checkout against commit ``rev``."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    baseline = commit.startswith(TARGET_BASELINE)
    with tempfile.TemporaryDirectory(prefix="bench-against-") as tmp:
        base = Path(tmp) / ROOT.name
        git("worktree", "add", "--detach", "--quiet", str(base), commit)
        try:
            if (ROOT.parent / "shared").is_dir():
                (Path(tmp) / "shared").symlink_to(ROOT.parent / "shared", target_is_directory=True)
            print(f"Tests against {commit[:9]} (make test, {os.cpu_count()} cores; {load()} before)")
            print(
                f"  installing {commit[:9]}'s locked dependencies into its own tree (not timed) ...",
                flush=True,
            )
            trees = {HERE: ROOT, commit[:9]: base}
            for tree in trees.values():
                install(tree)
                assert_only_tests_left(tree)
            envs = {
                name: {**os.environ, "GUIDE_CACHE_DIR": str(Path(tmp) / f"cache-{i}")}
                for i, name in enumerate(trees)
            }

            def timed(kind: str, name: str) -> Run:
                if kind == "cold":
                    shutil.rmtree(envs[name]["GUIDE_CACHE_DIR"], ignore_errors=True)
                return timed_make_test(envs[name], trees[name])

            kinds = ["cold"] * cold_pairs + ["warm"] * pairs
            ratios, cpu_ratios, seconds, failed = run_pairs(kinds, list(trees), timed)
            for kind, values in ratios.items():
                if not values:
                    continue
                if baseline:
                    print(f"  {kind}: {verdict(kind, values)}")
                    print(f"  {kind} seconds: {seconds_against_target(kind, seconds[kind])}")
                else:  # issue 19's targets were set against TARGET_BASELINE only
                    print(f"  {kind}: {described(values)}")
                print(f"  {kind} CPU time: {described(cpu_ratios[kind])}")
            if failed:
                print(f"  {len(failed)} run(s) failed, their pairs left out: {'; '.join(failed)}")
        finally:
            removed = subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True, text=True
            )
            if removed.returncode != 0:
                print(f"  could not remove the worktree {base}: {removed.stderr.strip()}")
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
    if any(run.startswith(f"{HERE}, ") for run in failed):
        raise SystemExit("a run of this checkout failed: a flaky test is a defect; see above")
