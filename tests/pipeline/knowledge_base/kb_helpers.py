"""Helpers for the knowledge-base tests: a writable copy of the valid fixture, and edits to it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.pipeline.knowledge_base import DataError, KnowledgeBase, load

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
VALID = FIXTURES / "valid"
EXPECTED = FIXTURES / "expected"
BUILD_YEAR = 2025  # the fixture's figures are judged as if the site were built in 2025


@dataclass
class FixtureKB:
    """A copy of the valid fixture in a temporary directory, with helpers to break it."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    def load(self, build_year: int = BUILD_YEAR) -> KnowledgeBase:
        return load(self.data, docs_dir=self.root / "docs", snippets_dir=self.root, build_year=build_year)

    def problems(self, build_year: int = BUILD_YEAR) -> list[str]:
        """The problem messages a load raises; fails the test if it loads cleanly."""
        with pytest.raises(DataError) as caught:
            self.load(build_year)
        return [str(p) for p in caught.value.problems]

    def replace(self, file: str, old: str, new: str) -> int:
        """Replace the single occurrence of ``old`` in data/<file>; return the 1-based line it was on."""
        path = self.data / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {file}"
        line = text[: text.index(old)].count("\n") + 1
        path.write_text(text.replace(old, new), encoding="utf-8")
        return line

    def line_of(self, file: str, needle: str) -> int:
        """The 1-based line of data/<file> on which ``needle`` (which must be unique) starts."""
        text = (self.data / file).read_text(encoding="utf-8")
        assert text.count(needle) == 1, f"{needle!r} must occur exactly once in {file}"
        return text[: text.index(needle)].count("\n") + 1

    def append(self, file: str, text: str) -> int:
        """Append text to data/<file>; return the 1-based line where it starts."""
        path = self.data / file
        current = path.read_text(encoding="utf-8")
        if not current.endswith("\n"):
            current += "\n"
        path.write_text(current + text, encoding="utf-8")
        return current.count("\n") + 1


def copy_fixture(tmp_path: Path) -> FixtureKB:
    root = tmp_path / "kb"
    shutil.copytree(VALID, root)
    return FixtureKB(root)


def valid_kb() -> KnowledgeBase:
    return load(VALID / "data", docs_dir=VALID / "docs", snippets_dir=VALID, build_year=BUILD_YEAR)
