"""Throwaway notebooks for the tests of the notebook runner and the network guard."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

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
    """Execute a throwaway notebook that must fail; return (its path, the error message).

    The run's temporary files go to a folder of their own, which must be empty afterwards:
    a failed run once left its output folder in /tmp on every test run.
    """
    with scratch_folder() as folder, tempfile.TemporaryDirectory() as tmp:
        source = folder / name
        source.write_text(HEADER + cells, encoding="utf-8")
        with mock.patch.object(tempfile, "tempdir", tmp), pytest.raises(notebooks.NotebookError) as info:
            notebooks.execute(source, timeout=120)
        left = sorted(p.name for p in Path(tmp).iterdir())
    assert left == [], f"the failed execution left {left} in the temporary folder"
    return source.relative_to(ROOT).as_posix(), str(info.value)
