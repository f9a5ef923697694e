"""Build the site twice from empty caches and list every file that differs.

Two cold builds of one commit must produce the same files, so a rebuild changes the
published pages, downloads and search index only when the content changed. The one
allowed difference is a figure that measures the build machine (latency, throughput):
its lines are declared volatile by their source (``volatile`` in a snippet's
``# /// snippet`` block, or in a notebook's jupytext header) and compared with their
numbers masked, as the snippet check does. Slow (two cold builds), so it is a script and
not a test::

    python -m scripts.quality.reproducible [--keep DIR]

Exit status 1 when a file differs, with its path and first differing line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

from scripts.pipeline import notebooks, snippet_exec
from scripts.quality import site_build


def declared_volatile() -> tuple[str, ...]:
    """Every volatile pattern a snippet or notebook declares."""
    patterns = [p for path in snippet_exec.discover() for p in snippet_exec.metadata(path).volatile]
    patterns += [p for source in notebooks.sources() for p in notebooks.volatile(source)]
    return tuple(dict.fromkeys(patterns))


def build(site: Path, cache: Path) -> float:
    """A cold build: GUIDE_CACHE_DIR at an empty folder, so every snippet and notebook runs."""
    built = site_build.build(site, env={"GUIDE_CACHE_DIR": str(cache)})
    if not built.ok:
        sys.exit(f"the build into {site} failed:\n{built.tail(3000)}")
    return built.seconds


def lines(path: Path) -> list[str] | None:
    """The file as text lines (JSON one value a line, gzip unpacked), or None if binary."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix == ".json":
        # The search index is one line, each page's text one string: one value a line, and
        # the text's own line breaks kept, so a volatile pattern masks a line, not a page.
        text = json.dumps(json.loads(text), indent=0, ensure_ascii=False).replace("\\n", "\n")
    return text.split("\n")


def first_difference(a: Path, b: Path, volatile: tuple[str, ...]) -> str | None:
    """None when the files are equal apart from volatile lines; else the first differing line."""
    if a.read_bytes() == b.read_bytes():
        return None
    left, right = lines(a), lines(b)
    if left is None or right is None:
        return "binary content differs"
    left = snippet_exec.mask("\n".join(left), volatile).split("\n")
    right = snippet_exec.mask("\n".join(right), volatile).split("\n")
    for number, (x, y) in enumerate(zip(left, right, strict=False), start=1):
        if x != y:
            return f"line {number}:\n    - {x[:300]}\n    + {y[:300]}"
    if len(left) != len(right):
        return f"one build has {abs(len(left) - len(right))} more line(s) (from line {min(len(left), len(right)) + 1})"
    return None


def compare(first: Path, second: Path, volatile: tuple[str, ...]) -> list[str]:
    """One message per file that is missing from a build or differs between the two."""
    files_a = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    files_b = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    problems = [f"{rel}: only in the first build" for rel in sorted(files_a - files_b)]
    problems += [f"{rel}: only in the second build" for rel in sorted(files_b - files_a)]
    for rel in sorted(files_a & files_b):
        difference = first_difference(first / rel, second / rel, volatile)
        if difference:
            problems.append(f"{rel}: {difference}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.quality.reproducible", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--keep", type=Path, help="build into this folder and keep both sites")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reproducible-") as tmp:
        work = args.keep or Path(tmp)
        sites = []
        for run in ("a", "b"):
            site = work / f"site-{run}"
            seconds = build(site, work / f"cache-{run}")
            print(f"cold build {run}: {seconds:.0f} s")
            sites.append(site)
        volatile = declared_volatile()
        problems = compare(*sites, volatile)
        count = sum(1 for p in sites[0].rglob("*") if p.is_file())
    for problem in problems:
        print(problem)
    print(
        f"{len(problems)} of {count} file(s) differ between two cold builds"
        f" (volatile patterns ignored: {', '.join(volatile) or 'none'})"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
