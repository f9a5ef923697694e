"""Project notebooks execute top to bottom with no error, and are stored diff-friendly."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest

from conftest import ROOT
from scripts.pipeline import notebooks

SOURCES = notebooks.sources()


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_executes_without_errors(source):
    try:
        # Executes unless this exact content already ran (the key covers the notebook, the
        # runner, the lock file and Python); a build running alongside waits and reuses it.
        result = notebooks.executed(source)
    except notebooks.NotebookError as exc:
        pytest.fail(str(exc), pytrace=False)
    assert result.path.exists()
    if "plt." in source.read_text(encoding="utf-8"):
        executed = json.loads(result.path.read_text(encoding="utf-8"))
        images = [
            o
            for cell in executed["cells"]
            for o in cell.get("outputs", [])
            if "image/png" in o.get("data", {})
        ]
        assert images, f"{source.relative_to(ROOT)} draws with matplotlib but no figure reached the page"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_is_stored_as_jupytext_percent(source):
    head = source.read_text(encoding="utf-8")[:600]
    assert "format_name: percent" in head, (
        f"{source.relative_to(ROOT)} must be a jupytext percent-format file"
    )


def test_no_ipynb_files_are_committed():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked.strip() == "", (
        "Commit notebooks as jupytext percent .py files in notebooks/, not .ipynb:\n" + tracked
    )


def test_every_notebook_is_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [s.stem for s in SOURCES if f"{notebooks.SITE_FOLDER}/{s.stem}.ipynb" not in nav]
    assert not missing, f"add these notebooks to the Projects nav in mkdocs.yml: {missing}"


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


def test_a_failing_cell_fails_naming_notebook_and_cell():
    rel, message = failure_of(
        "broken.py",
        "# %% [markdown]\n# A title\n\n# %%\nx = 1\n\n# %%\nraise ValueError('broken on purpose')\n",
    )
    assert rel in message and "cell 3" in message and "line 15" in message and "broken on purpose" in message


def test_a_plot_without_alt_text_fails_naming_the_cell():
    rel, message = failure_of(
        "no_alt.py", "# %%\nimport matplotlib.pyplot as plt\n\n# %%\nplt.plot([1, 2, 3])\nplt.show()\n"
    )
    assert f"{rel}: cell 2, line 12 of {rel} draws a plot but has no alt text" in message
