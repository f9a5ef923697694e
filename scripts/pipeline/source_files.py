"""Read what contributors write: UTF-8 text, and a page's front matter as MkDocs reads it.

Two failures a contributor can cause end here in one message naming the file:

- a file that is not valid UTF-8 (an editor saved it as Latin-1 or Windows-1252): the
  message gives the line, column and byte, instead of a traceback from deep in the build;
- front matter that is not valid YAML: MkDocs' own reader (``mkdocs.utils.meta``) silently
  ignores it and would publish the block as text, so it is read again here for the message.

This is the one front-matter reader: the build hook, the knowledge base and the content
tests all call ``front_matter``, so they see exactly what MkDocs sees. It is also the one
module besides site_hooks.py that imports MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils.meta import YAML_RE, get_data


class SourceFileError(ValueError):
    """A file a contributor wrote cannot be read; the message names the file and the line."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        super().__init__(f"{file} line {line}: {reason}" if line else f"{file}: {reason}")


def read_text(path: Path, shown: str) -> str:
    """The text of ``path`` (``shown`` is how messages name it, e.g. docs/faq.md).

    A byte-order mark is dropped, as MkDocs drops it.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        context = data[max(0, exc.start - 20) : exc.start].decode("utf-8", "replace").split("\n")[-1]
        raise SourceFileError(
            shown,
            line,
            f"byte 0x{data[exc.start]:02x} at column {column} (after {context!r}) "
            "is not valid UTF-8 — the file was saved in another encoding; re-save it as UTF-8 "
            "(most editors: 'Save with encoding' → UTF-8)",
        ) from None


@dataclass(frozen=True)
class FrontMatter:
    meta: dict[str, Any]
    body: str  # the Markdown MkDocs renders
    body_line: int  # lines of the file before the body: front matter and the blank lines after it


def front_matter(text: str, shown: str) -> FrontMatter:
    """Split a page into its metadata and body with MkDocs' reader; fail on broken YAML."""
    body, meta = get_data(text)
    block = YAML_RE.match(text)
    if block and body == text:
        # MkDocs swallowed an error: parse the block once more only to say what is wrong.
        try:
            parsed = yaml.safe_load(block.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SourceFileError(
                shown,
                mark.line + 2 if mark else 0,
                f"front matter is not valid YAML ({getattr(exc, 'problem', exc)}) — "
                "quote values that contain ': ', e.g. title: \"Serving: the basics\"",
            ) from None
        raise SourceFileError(
            shown,
            0,
            f"front matter must be 'key: value' lines, got {type(parsed).__name__} — "
            "write one 'key: value' per line between the --- lines",
        )
    return FrontMatter(meta, body, text.count("\n", 0, len(text) - len(body)))
