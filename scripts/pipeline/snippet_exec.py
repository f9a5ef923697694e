"""Run snippets with a timeout and cache their output by content.

The build shows the output of a cached run whose key covers everything that can change
what a snippet prints: its own bytes, the files it declares in ``depends``, the helper
modules under ``snippets/`` it imports, this runner's code, the locked dependency set and
the Python version. Editing a page therefore never
re-runs a snippet; editing a snippet re-runs only that snippet.

CLI (from the repository root)::

    python -m scripts.pipeline.snippet_exec check [PATH ...]   # fresh run of every snippet, compared with the cache
    python -m scripts.pipeline.snippet_exec run PATH           # print each section's output
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import hashlib
import itertools
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scripts import ROOT
from scripts.pipeline import child_process, fork_server, network_guard
from scripts.pipeline.cache import SINGLE_THREADED, cache_dir, imported_snippet_files
from scripts.pipeline.snippet_sections import Metadata, SnippetFormatError, parse_metadata, split_chunks
from scripts.pipeline.source_files import SourceFileError, read_text

SNIPPETS_DIR = ROOT / "snippets"
# Files whose change must invalidate every cached output.
RUNNER_FILES = (
    ROOT / "scripts" / "pipeline" / "snippet_worker.py",
    ROOT / "scripts" / "pipeline" / "fork_server.py",
    ROOT / "scripts" / "pipeline" / "snippet_sections.py",
    *network_guard.FILES,
    ROOT / "requirements.lock",
)


class SnippetError(RuntimeError):
    """A snippet that failed, timed out or cannot be parsed; the message names the file."""


@dataclass(frozen=True)
class Section:
    name: str | None
    stdout: str
    figures: tuple[dict, ...]


@dataclass(frozen=True)
class Result:
    path: str  # relative to the repository root, POSIX style
    sections: tuple[Section, ...]
    seconds: float
    cached: bool = False
    # Two runs of exactly this content (the cache key) printed the same: no need to run again.
    reproduced: bool = False

    def output(self, name: str | None = None) -> str:
        """Output of one named section, or of the whole file when ``name`` is None."""
        if name is None:
            return "".join(s.stdout for s in self.sections)
        return "".join(s.stdout for s in self.sections if s.name == name)

    def figures(self, name: str | None = None) -> list[dict]:
        return [f for s in self.sections if name is None or s.name == name for f in s.figures]

    def to_json(self) -> str:
        return json.dumps(
            {
                "path": self.path,
                "seconds": self.seconds,
                "reproduced": self.reproduced,
                "sections": [
                    {"name": s.name, "stdout": s.stdout, "figures": list(s.figures)} for s in self.sections
                ],
            }
        )

    @classmethod
    def from_json(cls, text: str, *, cached: bool) -> Result:
        data = json.loads(text)
        sections = tuple(Section(s["name"], s["stdout"], tuple(s["figures"])) for s in data["sections"])
        reproduced = data.get("reproduced", False)
        return cls(data["path"], sections, data["seconds"], cached=cached, reproduced=reproduced)


def relative(path: Path | str) -> str:
    path = Path(path)
    if not path.is_absolute():
        path = ROOT / path
    return path.resolve().relative_to(ROOT).as_posix()


def discover() -> list[str]:
    """Every snippet file, relative to the repository root."""
    return sorted(relative(p) for p in SNIPPETS_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def metadata(path: str) -> Metadata:
    return parse_metadata(read_text(ROOT / path, path), path)


def cache_key(path: str) -> str:
    digest = hashlib.sha256()
    source = (ROOT / path).read_bytes()
    digest.update(path.encode() + b"\0" + source)
    for pattern in metadata(path).depends:
        for dependency in sorted(ROOT.glob(pattern)):
            if dependency.is_file():
                digest.update(relative(dependency).encode() + b"\0" + dependency.read_bytes())
    for helper in imported_snippet_files(read_text(ROOT / path, path), path):
        digest.update(relative(helper).encode() + b"\0" + helper.read_bytes())
    for runner_file in RUNNER_FILES:
        digest.update(runner_file.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:32]


# How a snippet's process starts. "auto": the first snippet a process runs gets a fresh
# interpreter, later ones fork from a server that imported the heavy libraries once
# (scripts/pipeline/fork_server.py); starting the server costs about what one snippet's
# imports cost, so it pays from the second run on.
Interpreter = Literal["auto", "fresh", "forked"]
_runs = itertools.count()


def execute(path: str, *, timeout: float | None = None, interpreter: Interpreter = "auto") -> Result:
    """Run the snippet in a process of its own; raise SnippetError on failure or timeout."""
    try:
        source = read_text(ROOT / path, path)
        meta = parse_metadata(source, path)
        split_chunks(source, path)
    except (SnippetFormatError, SourceFileError) as exc:
        raise SnippetError(str(exc)) from exc
    limit = timeout if timeout is not None else meta.timeout
    with tempfile.TemporaryDirectory(prefix="snippet-") as tmp:
        out, network_log = Path(tmp) / "result.json", Path(tmp) / "network.log"
        env = network_guard.child_env(
            {**os.environ, **SINGLE_THREADED, "MPLBACKEND": "Agg"}, ROOT, network_log
        )
        args = [path, str(out)]
        fork = interpreter == "forked" or (interpreter == "auto" and next(_runs) > 0)
        try:
            # Started (once per process) before the clock: its imports are not this snippet's.
            server = fork_server.server_for(env) if fork else None
            started = time.perf_counter()
            if server is not None:
                try:
                    proc = server.run("scripts.pipeline.snippet_worker", args, timeout=limit, env=env)
                except OSError as exc:
                    raise fork_server.ForkServerError(str(exc)) from exc
            else:
                argv = [sys.executable, "-m", "scripts.pipeline.snippet_worker", *args]
                proc = child_process.run(argv, timeout=limit, env=env)
        except fork_server.ForkServerError as exc:
            raise SnippetError(
                f"{path}: could not run it through the fork server (scripts/pipeline/fork_server.py): {exc}"
            ) from exc
        except child_process.ChildTimeout:
            raise SnippetError(
                f"{path}: did not finish within its {limit:g} s timeout (an endless loop, a server "
                "left running, or slow work); make it faster or raise `timeout` in its "
                "'# /// snippet' block"
            ) from None
        seconds = round(time.perf_counter() - started, 3)
        if attempts := network_guard.refused(network_log):
            raise SnippetError(
                f"{path}: tried to use the network: {'; '.join(attempts)}. Snippets run "
                "offline: start servers on 127.0.0.1 and generate data instead of downloading it"
            )
        if not out.exists():
            raise SnippetError(
                f"{path}: the snippet process died ({_how(proc.returncode)}):\n{proc.stderr[-2000:]}"
            )
        data = json.loads(out.read_text(encoding="utf-8"))
    if data["error"]:
        failed = data["sections"][-1]["name"] if data["sections"] else None
        where = f"section '{failed}'" if failed else "code outside any section"
        raise SnippetError(f"{path}: raised in {where}:\n{data['error']}")
    sections = tuple(Section(s["name"], s["stdout"], tuple(s["figures"])) for s in data["sections"])
    return Result(path, sections, seconds)


def _how(returncode: int) -> str:
    if returncode == fork_server.DIED:
        return "killed by a signal, or crashed"
    return f"exit {returncode}"


def cached(path: str) -> Result | None:
    entry = cache_dir("snippets") / f"{cache_key(path)}.json"
    if entry.exists():
        return Result.from_json(entry.read_text(encoding="utf-8"), cached=True)
    return None


def store(result: Result) -> None:
    folder = cache_dir("snippets")
    folder.mkdir(parents=True, exist_ok=True)
    entry = folder / f"{cache_key(result.path)}.json"
    # Write then rename: parallel test workers and the build may store the same entry.
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(result.to_json())
    if result.reproduced:
        os.replace(tmp, entry)
        return
    # A single run never replaces an entry: the build finishing a snippet that the tests
    # have just verified must not undo the "reproduced" mark (same key, same inputs).
    try:
        os.link(tmp, entry)  # creates the entry only if there is none, atomically
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


@contextlib.contextmanager
def running(path: str) -> Iterator[None]:
    """Held while a snippet runs to fill or check its cache entry.

    The real build and the test workers meet the same snippets on a cold cache; without
    this, both ran one at once (three runs where two do) and neither used the other's.
    The one that waits looks at the cache again before running.
    """
    folder = cache_dir("snippets")
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / (path.replace("/", "__") + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run_cached(path: str) -> Result:
    """The output the site shows: from the cache, or from a fresh run that fills it."""
    hit = cached(path)
    if hit is not None:
        return hit
    with running(path):
        hit = cached(path)
        if hit is not None:
            return hit
        result = execute(path)
        store(result)
    return result


def warm(paths: list[str], jobs: int | None = None) -> dict[str, str]:
    """Fill the cache for every path in parallel; return {path: error} for failures.

    A cold build would otherwise run snippets one page at a time. The last path goes
    first: the test suite verifies snippets in path order while the real site builds
    beside it (tests/conftest.py), so each meets the other's cache entries halfway instead
    of both running the same snippets; where they meet, ``running`` makes one wait for the
    other.
    """
    missing = [p for p in reversed(paths) if cached(p) is None]

    def one(path: str) -> tuple[str, str | None]:
        try:
            run_cached(path)
        except SnippetError as exc:
            return path, str(exc)
        return path, None

    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
        return dict(sorted((path, error) for path, error in pool.map(one, missing) if error))


def mask(text: str, volatile: tuple[str, ...]) -> str:
    """Mask numbers on lines that match a volatile pattern (latency figures and the like).

    The padding before a number goes too, so a column that widens from 9.1 to 12.3 ms still
    compares equal."""
    if not volatile:
        return text
    patterns = [re.compile(p) for p in volatile]
    return "\n".join(
        re.sub(r" *\d+(\.\d+)?", " #", line) if any(p.search(line) for p in patterns) else line
        for line in text.split("\n")
    )


def differences(shown: Result, fresh: Result) -> list[str]:
    """Sections whose shown output differs from what the snippet prints now, one entry each."""
    volatile = metadata(fresh.path).volatile
    problems = []
    if [s.name for s in shown.sections] != [s.name for s in fresh.sections]:
        problems.append("the file's sections changed since the shown output was produced")

    def own(result: Result, name: str | None) -> tuple[str, int]:
        # Only the chunks of this section: for None, the code outside every section
        # (Result.output(None) is the whole file, which would repeat each section's change).
        chunks = [s for s in result.sections if s.name == name]
        return "".join(s.stdout for s in chunks), sum(len(s.figures) for s in chunks)

    for name in dict.fromkeys(s.name for s in fresh.sections):
        label = f"section '{name}'" if name else "code outside sections"
        (before, figures_before), (after, figures_after) = own(shown, name), own(fresh, name)
        before, after = mask(before, volatile), mask(after, volatile)
        if before != after:
            problems.append(f"{label}: shown output differs from a fresh run\n{_diff(before, after)}")
        if figures_before != figures_after:
            problems.append(
                f"{label}: number of figures changed ({figures_before} shown, {figures_after} now)"
            )
    return problems


def _diff(before: str, after: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "shown on the page", "fresh run", lineterm="", n=1
    )
    return "\n".join(list(lines)[:40])


def verify(path: str, *, fresh: bool = False) -> str | None:
    """Check that the snippet runs and prints what its pages show; return the failure.

    The pages show the cached output. A snippet whose cache entry was already reproduced
    (two runs of this exact content, runner and lock file printed the same) passes without
    running again, unless ``fresh``. Otherwise it runs fresh and is compared with the cached
    output or, with no entry yet (a cold cache, as in CI), with a second fresh run; the
    entry is stored, marked reproduced, only when the two runs agree.
    """
    shown = cached(path)
    if shown is not None and shown.reproduced and not fresh:
        return None
    with running(path):
        try:
            shown = cached(path)  # the build may have stored it while this waited
            if shown is not None and shown.reproduced and not fresh:
                return None
            latest = execute(path)
            if shown is None:
                # Never two runs forked from one server: they share its memory layout, so
                # object addresses and the like could repeat where two processes would differ.
                shown, latest = latest, execute(path, interpreter="fresh")
        except SnippetError as exc:
            return str(exc)
        problems = differences(shown, latest)
        if problems:
            return f"{path}: output is not reproducible (is it seeded?):\n" + "\n".join(problems)
        if not shown.reproduced:
            store(dataclasses.replace(shown, reproduced=True))
    return None


def check(paths: list[str], jobs: int | None = None) -> list[str]:
    """Run every snippet fresh, in parallel, against what the site shows; return the failures."""
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
        return [f for f in pool.map(lambda p: verify(p, fresh=True), paths) if f]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.pipeline.snippet_exec", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check_cmd = sub.add_parser("check", help="run snippets fresh and compare with what the site shows")
    check_cmd.add_argument("paths", nargs="*")
    run_cmd = sub.add_parser("run", help="run one snippet and print each section's output")
    run_cmd.add_argument("path")
    args = parser.parse_args(argv)
    if args.command == "run":
        result = execute(relative(args.path))
        for section in result.sections:
            print(f"--- {section.name or '(outside sections)'} ({len(section.figures)} figure(s))")
            print(section.stdout, end="")
        print(f"--- {result.seconds:.2f} s")
        return 0
    paths = [relative(p) for p in args.paths] or discover()
    failures = check(paths)
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"{len(paths) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
