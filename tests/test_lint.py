"""Code on the site is held to product quality: ruff lint and format over everything we write."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

PATHS = [p for p in ("scripts", "snippets", "tests", "notebooks") if (ROOT / p).exists()]


@pytest.mark.parametrize(
    "command",
    [["check", "--no-cache"], ["format", "--check", "--no-cache"]],
    ids=["lint", "format"],
)
def test_ruff(command):
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *PATHS], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, f"run `make format` to fix:\n{proc.stdout}{proc.stderr}"
