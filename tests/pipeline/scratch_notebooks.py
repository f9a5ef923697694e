"""Throwaway notebooks for the tests of the notebook runner and the network guard."""

from __future__ import annotations

import shutil
import uuid

import pytest

from scripts import ROOT
from scripts.pipeline import notebooks

# The jupytext header of a percent-format notebook, as in notebooks/.
HEADER = (
    "# ---\n# jupyter:\n#   jupytext:\n#     formats: py:percent\n#     text_representation:\n"
    "#       format_name: percent\n# ---\n\n"
)


def failure_of(name: str, cells: str) -> tuple[str, str]:
    """Execute a throwaway notebook that must fail; return (its path, the error message)."""
    folder = ROOT / "build" / "test-notebooks" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    source = folder / name
    source.write_text(HEADER + cells, encoding="utf-8")
    try:
        with pytest.raises(notebooks.NotebookError) as info:
            notebooks.execute(source, timeout=120)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return source.relative_to(ROOT).as_posix(), str(info.value)
