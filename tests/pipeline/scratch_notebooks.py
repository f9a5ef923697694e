"""Throwaway notebooks for the tests of the notebook runner and the network guard."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts import ROOT
from scripts.pipeline import notebooks

# The jupytext header of a percent-format notebook, as in notebooks/.
HEADER = (
    "# ---\n# jupyter:\n#   jupytext:\n#     formats: py:percent\n#     text_representation:\n"
    "#       format_name: percent\n# ---\n\n"
)


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A fresh folder under the repository (notebook paths are reported relative to it),
    removed afterwards."""
    folder = ROOT / "build" / "test-notebooks" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def failure_of(name: str, cells: str) -> tuple[str, str]:
    """Execute a throwaway notebook that must fail; return (its path, the error message)."""
    with scratch_folder() as folder:
        source = folder / name
        source.write_text(HEADER + cells, encoding="utf-8")
        with pytest.raises(notebooks.NotebookError) as info:
            notebooks.execute(source, timeout=120)
    return source.relative_to(ROOT).as_posix(), str(info.value)
