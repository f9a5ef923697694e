"""Parse a snippet file: its metadata block and its named sections.

Sections use the pymdownx.snippets markers, so the same names work for the include
(``--8<-- "path.py:name"``) and for attributing output::

    # --8<-- [start:fit]
    model.fit(X, y)
    # --8<-- [end:fit]

Optional metadata sits in a PEP 723-style TOML comment block::

    # /// snippet
    # timeout = 30              # seconds (default 20)
    # volatile = ["p50", "p95"] # output lines matching one are compared with digits masked
    # depends = ["data/*.csv"]  # other files whose content changes the output
    # ///
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

DEFAULT_TIMEOUT = 20.0
MARKER = re.compile(r"^(?P<indent>[ \t]*)#\s*--8<--\s*\[(?P<kind>start|end):(?P<name>[\w.-]+)\]\s*$")
META_START = re.compile(r"^# /// snippet\s*$")
META_END = re.compile(r"^# ///\s*$")


class SnippetFormatError(ValueError):
    """A snippet file whose markers or metadata cannot be understood."""


@dataclass(frozen=True)
class Chunk:
    """A run of top-level code; ``name`` is the section it belongs to, or None."""

    name: str | None
    start_line: int
    code: str


@dataclass(frozen=True)
class Metadata:
    timeout: float = DEFAULT_TIMEOUT
    volatile: tuple[str, ...] = ()
    depends: tuple[str, ...] = ()


def parse_metadata(source: str, path: str = "<snippet>") -> Metadata:
    lines = source.splitlines()
    start = next((i for i, line in enumerate(lines) if META_START.match(line)), None)
    if start is None:
        return Metadata()
    end = next((i for i in range(start + 1, len(lines)) if META_END.match(lines[i])), None)
    if end is None:
        raise SnippetFormatError(f"{path} line {start + 1}: '# /// snippet' block is never closed by '# ///'")
    body = "\n".join(
        line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines[start + 1 : end]
    )
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        raise SnippetFormatError(f"{path} line {start + 1}: metadata block is not valid TOML: {exc}") from exc
    unknown = set(data) - {"timeout", "volatile", "depends"}
    if unknown:
        raise SnippetFormatError(
            f"{path} line {start + 1}: unknown metadata key(s) {sorted(unknown)}; "
            "allowed: timeout, volatile, depends"
        )
    timeout = data.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(timeout, int | float) or timeout <= 0:
        raise SnippetFormatError(f"{path} line {start + 1}: timeout must be a positive number of seconds")
    for key in ("volatile", "depends"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SnippetFormatError(f"{path} line {start + 1}: {key} must be a list of strings")
    for pattern in data.get("volatile", []):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SnippetFormatError(f"{path} line {start + 1}: volatile regex {pattern!r}: {exc}") from exc
    return Metadata(
        timeout=float(timeout),
        volatile=tuple(data.get("volatile", [])),
        depends=tuple(data.get("depends", [])),
    )


def split_chunks(source: str, path: str = "<snippet>") -> list[Chunk]:
    """Split the file at section markers into chunks that run one after the other."""
    chunks: list[Chunk] = []
    current: str | None = None
    buffer: list[str] = []
    start_line = 1
    seen: set[str] = set()

    def flush(next_start: int) -> None:
        nonlocal buffer, start_line
        if any(line.strip() for line in buffer):
            chunks.append(Chunk(current, start_line, "\n".join(buffer) + "\n"))
        buffer = []
        start_line = next_start

    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.match(line)
        if not match:
            buffer.append(line)
            continue
        kind, name = match["kind"], match["name"]
        if match["indent"]:
            raise SnippetFormatError(
                f"{path} line {number}: section marker [{kind}:{name}] is indented; "
                "markers must sit at top level so every section runs on its own"
            )
        if kind == "start":
            if current is not None:
                raise SnippetFormatError(
                    f"{path} line {number}: section '{name}' starts inside section '{current}'; "
                    f"end '{current}' first"
                )
            if name in seen:
                raise SnippetFormatError(f"{path} line {number}: section '{name}' is defined twice")
            seen.add(name)
            flush(number + 1)
            current = name
        else:
            if current != name:
                raise SnippetFormatError(
                    f"{path} line {number}: [end:{name}] does not close the open section "
                    f"({current or 'none open'})"
                )
            flush(number + 1)
            current = None
    if current is not None:
        raise SnippetFormatError(f"{path}: section '{current}' is never closed with [end:{current}]")
    flush(0)
    return chunks


def section_names(source: str, path: str = "<snippet>") -> list[str]:
    return [chunk.name for chunk in split_chunks(source, path) if chunk.name]
