"""Execute the project notebooks once per content change and publish them.

Notebooks are stored as jupytext percent-format ``.py`` files in ``notebooks/`` (they
diff and review like code). This module turns each into an executed ``.ipynb``:

- in a child process with a per-notebook timeout (a hanging cell cannot hang the build);
- with errors never allowed through: a failing cell fails naming the notebook, the cell
  number and the line in the ``.py`` file;
- cached by content (notebook source, this runner, the lock file, the Python version), so
  a warm ``mkdocs build`` or ``serve`` does not re-execute unchanged notebooks.

The site renders the executed copies with mkdocs-jupyter (``execute: false``).

CLI::

    python -m scripts.pipeline.notebooks check [NAME ...]   # execute fresh (no cache), report per notebook
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scripts import ROOT
from scripts.pipeline import child_process, network_guard
from scripts.pipeline.cache import SINGLE_THREADED, cache_dir, imported_snippet_files
from scripts.pipeline.notebook_assets import with_description
from scripts.pipeline.source_files import read_text

NOTEBOOKS_DIR = ROOT / "notebooks"
PUBLISH_DIR = ROOT / "build" / "notebooks"  # mirrors the site: projects/<name>.ipynb
SITE_FOLDER = "projects"
NOTEBOOK_TIMEOUT = 300  # seconds for a whole notebook
CELL_TIMEOUT = 120  # seconds for one cell
# Seconds to wait, once a cell has finished, for the rest of its output to arrive. nbclient
# 0.11 waits 4 s and then only logs a warning and goes on without it, so a loaded machine
# could publish a cell without its output; here a late output is waited for, and one that
# never comes fails the notebook naming the cell.
IOPUB_TIMEOUT = 60
CELL_MARKER = re.compile(r"^# %%")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colour codes in IPython tracebacks


class NotebookError(RuntimeError):
    """A notebook that failed or timed out; the message names notebook and cell."""


@dataclass(frozen=True)
class Executed:
    name: str
    path: Path  # the executed .ipynb
    seconds: float
    cached: bool


def sources() -> list[Path]:
    return sorted(p for p in NOTEBOOKS_DIR.glob("*.py"))


def cache_key(source: Path) -> str:
    digest = hashlib.sha256(source.read_bytes())
    # Helpers under snippets/ that the notebook imports are part of what it runs.
    for helper in imported_snippet_files(read_text(source, str(source.relative_to(ROOT))), str(source)):
        digest.update(helper.read_bytes())
    for dependency in depends(source):
        digest.update(dependency.relative_to(ROOT).as_posix().encode() + b"\0" + dependency.read_bytes())
    for extra in (Path(__file__), *network_guard.FILES, ROOT / "requirements.lock"):
        digest.update(extra.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:32]


def _cell_lines(source: Path) -> list[int]:
    """Line number of each cell's marker in the .py file (cell i starts at lines[i])."""
    lines = source.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, start=1) if CELL_MARKER.match(line)]


def execute(source: Path, *, timeout: float = NOTEBOOK_TIMEOUT) -> tuple[Path, float]:
    """Execute a notebook in a child process into a temporary .ipynb; return its path.

    The caller removes the returned file's folder; a failed run removes it here.
    """
    out = Path(tempfile.mkdtemp(prefix="nb-")) / f"{source.stem}.ipynb"
    started = time.perf_counter()
    try:
        _execute_into(source, out, timeout)
    except BaseException:
        shutil.rmtree(out.parent, ignore_errors=True)
        raise
    return out, time.perf_counter() - started


def _execute_into(source: Path, out: Path, timeout: float) -> None:
    rel = source.relative_to(ROOT).as_posix()
    with tempfile.TemporaryDirectory(prefix="nb-network-") as tmp:
        network_log = Path(tmp) / "network.log"
        # The inline backend, so figures become cell outputs (never Agg, which shows nothing).
        env = {**os.environ, **SINGLE_THREADED, "MPLBACKEND": INLINE_BACKEND}
        try:
            proc = child_process.run(
                [sys.executable, "-m", "scripts.pipeline.notebooks", "_execute", str(source), str(out)],
                timeout=timeout,
                env=network_guard.child_env(env, ROOT, network_log),
            )
        except child_process.ChildTimeout:
            raise NotebookError(
                f"{rel}: did not finish within {timeout:g} s; a cell hangs or is too slow"
            ) from None
        attempts = network_guard.refused(network_log)
    if attempts:
        raise NotebookError(
            f"{rel}: tried to use the network: {'; '.join(attempts)}. Notebooks run offline: "
            "start servers on 127.0.0.1 and generate data instead of downloading it"
        )
    stderr = proc.stderr
    if proc.returncode != 0:
        marker = "NOTEBOOK FAILED: "
        if marker in stderr:
            raise NotebookError(stderr[stderr.index(marker) + len(marker) :].strip())
        raise NotebookError(f"{rel}: the notebook process failed (exit {proc.returncode}):\n{stderr[-2000:]}")


def read(source: Path):
    """The notebook as nbformat cells, each with an id derived from its position.

    jupytext gives every cell a random id, which nbconvert writes into the page
    (``id="cell-id=..."``) and the download, so two builds of one commit would differ.
    ``cell-N`` matches the cell numbers in error messages.
    """
    import jupytext

    notebook = jupytext.read(source, fmt="py:percent")
    for index, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{index}"
    return notebook


def _header_list(source: Path, key: str) -> list[str]:
    """A list of strings from the notebook's jupytext header (under ``jupyter:``)."""
    import jupytext

    values = jupytext.read(source, fmt="py:percent").metadata.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise NotebookError(f"{source}: `{key}` in the jupytext header must be a list of strings")
    return values


def depends(source: Path) -> list[Path]:
    """Files the notebook reads, from ``depends: ["docs/**/*.md"]`` in its jupytext header.

    Like a snippet's ``depends``: globs relative to the repository root, part of the cache
    key, so a notebook that reads the site's pages runs again when a page changes.
    """
    files = []
    for pattern in _header_list(source, "depends"):
        matched = sorted(p for p in ROOT.glob(pattern) if p.is_file())
        if not matched:
            raise NotebookError(f"{source}: depends pattern {pattern!r} matches no file")
        files += matched
    return files


def volatile(source: Path) -> tuple[str, ...]:
    """Patterns of output lines that measure the machine (timings), from the jupytext header.

    Declared like a snippet's: ``volatile: ["ms", "req/s"]`` under ``jupyter:``; those lines
    are compared with their numbers masked (scripts/quality/reproducible.py).
    """
    patterns = _header_list(source, "volatile")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise NotebookError(f"{source}: volatile regex {pattern!r}: {exc}") from None
    return tuple(patterns)


def _execute_in_child(source: Path, out: Path) -> int:
    """Runs inside the child process: convert with jupytext, execute cell by cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    rel = source.relative_to(ROOT).as_posix()
    notebook = read(source)
    starts = _cell_lines(source)
    with tempfile.TemporaryDirectory(prefix="nb-run-") as workdir:
        client = NotebookClient(
            notebook,
            timeout=CELL_TIMEOUT,
            iopub_timeout=IOPUB_TIMEOUT,
            raise_on_iopub_timeout=True,
            kernel_name="python3",
            allow_errors=False,
            resources={"metadata": {"path": workdir}},
        )
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except (CellExecutionError, CellTimeoutError) as exc:
                    line = _line_of(index, starts, rel)
                    reason = ANSI.sub("", str(exc)).strip().splitlines()
                    summary = next((r for r in reversed(reason) if r.strip()), "error")
                    print(
                        f"NOTEBOOK FAILED: {rel}: cell {index + 1}{line} failed: {summary}\n"
                        + "\n".join(reason[-25:]),
                        file=sys.stderr,
                    )
                    return 1
    problem = _describe_plots(notebook, rel, starts)
    if problem:
        print(f"NOTEBOOK FAILED: {problem}", file=sys.stderr)
        return 1
    # Kernel timing metadata and how the kernel happened to chunk a cell's printing vary
    # between runs; neither is content, and both would change the published files.
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.outputs)
    nbformat.write(notebook, out)
    return 0


def _merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) outputs into one.

    The kernel sends printed text in chunks timed by its flush interval, so one run has a
    cell's lines in one output and the next in three. Only neighbours merge: text printed
    after a table or plot stays after it (nbclient's own ``coalesce_streams`` would move it).
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == previous.get("output_type") == "stream"
            and output.get("name") == previous.get("name")
        ):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def _line_of(index: int, starts: list[int], rel: str) -> str:
    """ ", line N of notebooks/x.py" for cell ``index``, or "" if its line is unknown."""
    return f", line {starts[index]} of {rel}" if index < len(starts) else ""


def _describe_plots(notebook, rel: str, starts: list[int]) -> str | None:
    """Write each plotting cell's alt text into its PNGs; name the first cell without one.

    nbconvert would give every plot the same placeholder alt text, so a reader on a screen
    reader learns nothing. The cell says what it shows (``# %% alt="..."``); the text
    travels inside the PNG and the build makes it the image's alt (scripts/pipeline/notebook_assets.py).
    """
    for index, cell in enumerate(notebook.cells):
        plots = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if not plots:
            continue
        alt = str(cell.get("metadata", {}).get("alt", "")).strip()
        if not alt:
            line = _line_of(index, starts, rel)
            return (
                f"{rel}: cell {index + 1}{line} draws a plot but has no alt text; "
                'say what it shows on its marker line: # %% alt="..."'
            )
        for output in plots:
            data = base64.b64decode(output["data"]["image/png"])
            output["data"]["image/png"] = base64.b64encode(with_description(data, alt)).decode("ascii")
    return None


def executed(source: Path, *, fresh: bool = False) -> Executed:
    """The executed notebook: from the cache, or from a fresh run that (re)fills it.

    A lock per notebook makes a concurrent build and test run wait for one execution
    instead of running the same notebook twice on the same cores.
    """
    folder = cache_dir("notebooks")
    folder.mkdir(parents=True, exist_ok=True)
    entry = folder / f"{source.stem}-{cache_key(source)}.ipynb"
    with open(folder / f"{source.stem}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if entry.exists() and not fresh:
            return Executed(source.stem, entry, 0.0, cached=True)
        out, seconds = execute(source)
        os.replace(out, entry)
        shutil.rmtree(out.parent, ignore_errors=True)
    return Executed(source.stem, entry, seconds, cached=False)


def publish(jobs: int = 2) -> dict[str, Path]:
    """Execute (or reuse) every notebook; return {site path: executed .ipynb on disk}.

    Files are copied to build/notebooks/projects/<name>.ipynb only when their content
    changed, so mkdocs-jupyter's render cache and live reload see stable files.
    """
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(executed, sources()))
    published = {}
    for result in results:
        target = PUBLISH_DIR / SITE_FOLDER / f"{result.name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != result.path.read_bytes():
            shutil.copyfile(result.path, target)
        published[f"{SITE_FOLDER}/{result.name}.ipynb"] = target
    return published


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.pipeline.notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    child = sub.add_parser("_execute", help=argparse.SUPPRESS)
    child.add_argument("source", type=Path)
    child.add_argument("out", type=Path)
    check_cmd = sub.add_parser("check", help="execute notebooks fresh and report")
    check_cmd.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "_execute":
        return _execute_in_child(args.source.resolve(), args.out)
    chosen = [s for s in sources() if not args.names or s.stem in args.names]
    failures = 0
    for source in chosen:
        try:
            out, seconds = execute(source)
            shutil.rmtree(out.parent, ignore_errors=True)
            print(f"ok    {source.relative_to(ROOT)} ({seconds:.1f} s)")
        except NotebookError as exc:
            failures += 1
            print(f"FAIL  {exc}", file=sys.stderr)
    print(f"{len(chosen) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
