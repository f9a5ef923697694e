"""Fixtures shared by the pipeline's tests."""

from __future__ import annotations

import shutil
import uuid

import pytest

from scripts import ROOT


@pytest.fixture
def scratch_snippet():
    """Write a throwaway snippet under build/ (inside the repository, outside snippets/)."""
    folder = ROOT / "build" / "test-snippets" / uuid.uuid4().hex
    folder.mkdir(parents=True)

    def write(text: str) -> str:
        path = folder / "example.py"
        path.write_text(text, encoding="utf-8")
        return path.relative_to(ROOT).as_posix()

    yield write
    shutil.rmtree(folder, ignore_errors=True)
