"""Project notebooks execute top to bottom with no error, and are stored diff-friendly."""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT
from scripts.pipeline import notebooks
from tests.pipeline.scratch_notebooks import HEADER, failure_of, scratch_folder

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


def nav_pages(nav) -> list[str]:
    """Every page path in an MkDocs nav: "a.md", {"Title": "a.md"} and nested sections."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in nav_pages(item)]
    return []


def test_every_notebook_is_in_the_nav():
    # MkDocs' own YAML loader: it reads the !!python/name and !ENV tags mkdocs.yml uses.
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as config:
        pages = nav_pages(yaml_load(config).get("nav", []))
    missing = [s.stem for s in SOURCES if f"{notebooks.SITE_FOLDER}/{s.stem}.ipynb" not in pages]
    assert not missing, f"add these notebooks to the Projects nav in mkdocs.yml: {missing}"


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


# A cell that holds back the kernel's closing "idle" message: the last thing nbclient waits
# for after a cell, as on a machine too loaded to deliver it in time.
LATE_IDLE_CELL = """# %%
import time

kernel = get_ipython().kernel
publish = kernel._publish_status  # ipykernel 7.4: sends "busy" and "idle"


def late_idle(status, *args, **kwargs):
    if status == "idle":
        time.sleep(2)
    publish(status, *args, **kwargs)


kernel._publish_status = late_idle
print("the output")
"""


@pytest.mark.waits  # 2 s of the kernel sleeping
def test_output_that_arrives_too_late_fails_naming_the_cell(monkeypatch, tmp_path, capsys):
    # nbclient 0.11 waits 4 s for a finished cell's last messages, then goes on without
    # them with only a log line: a loaded machine could publish a cell without its output.
    # Here the wait is 1 s and the kernel's "idle" comes 2 s late.
    monkeypatch.setattr(notebooks, "IOPUB_TIMEOUT", 1)
    with scratch_folder() as folder:
        source = folder / "late.py"
        source.write_text(HEADER + LATE_IDLE_CELL, encoding="utf-8")
        assert notebooks._execute_in_child(source, tmp_path / "late.ipynb") == 1
    message = capsys.readouterr().err
    rel = source.relative_to(ROOT).as_posix()
    assert f"NOTEBOOK FAILED: {rel}: cell 1, line 9 of {rel} failed" in message
    assert "Timeout waiting for IOPub output" in message
    assert not (tmp_path / "late.ipynb").exists()


def test_two_executions_of_a_notebook_write_identical_files():
    # Cell ids were random per execution, so every cold build changed the published .ipynb
    # and the notebook pages (nbconvert writes id="cell-id=..."); two processes show it.
    runs = []
    with scratch_folder() as folder:
        source = folder / "tiny.py"
        source.write_text(
            HEADER + "# %% [markdown]\n# A title\n\n# %%\nprint(sum(range(10)))\n", encoding="utf-8"
        )
        try:
            # Both at once: each run spends most of its time waiting for its kernel to start.
            with ThreadPoolExecutor(2) as pool:
                futures = [pool.submit(notebooks.execute, source, timeout=120) for _ in range(2)]
            runs = [future.result()[0] for future in futures if future.exception() is None]
            first, second = (future.result()[0].read_bytes() for future in futures)
        finally:
            for run in runs:
                shutil.rmtree(run.parent, ignore_errors=True)
    assert [cell["id"] for cell in json.loads(first)["cells"]] == ["cell-1", "cell-2"]
    assert first == second


def test_printed_text_is_one_output_however_the_kernel_chunked_it():
    import nbformat

    def stdout(text):
        return nbformat.v4.new_output("stream", name="stdout", text=text)

    table = nbformat.v4.new_output("display_data", data={"text/plain": "a table"})
    merged = notebooks._merge_streams([stdout("a\n"), stdout("b\n"), table, stdout("c\n")])
    # One run's two chunks equal another run's one; text after the table stays after it.
    assert merged == [stdout("a\nb\n"), table, stdout("c\n")]


def test_a_notebook_declares_its_timing_lines_in_its_header(tmp_path):
    source = tmp_path / "timed.py"
    header = HEADER.replace("# ---\n\n", '#   volatile: ["p95", "ms/request"]\n# ---\n\n')
    source.write_text(header + "# %%\nprint(1)\n", encoding="utf-8")
    assert notebooks.volatile(source) == ("p95", "ms/request")
    source.write_text(header.replace('["p95", "ms/request"]', '"p95"'), encoding="utf-8")
    with pytest.raises(notebooks.NotebookError, match=r"timed.py: `volatile` .* must be a list of strings"):
        notebooks.volatile(source)


def test_a_notebook_runs_again_when_a_file_it_declares_it_reads_changes():
    with scratch_folder() as folder:
        data = folder / "pages" / "a.md"
        data.parent.mkdir()
        data.write_text("first\n", encoding="utf-8")
        pattern = f"{folder.relative_to(ROOT).as_posix()}/pages/*.md"
        source = folder / "reader.py"
        header = HEADER.replace("# ---\n\n", f'#   depends: ["{pattern}"]\n# ---\n\n')
        source.write_text(header + "# %%\nprint(1)\n", encoding="utf-8")
        before = notebooks.cache_key(source)
        data.write_text("second\n", encoding="utf-8")
        edited = notebooks.cache_key(source)
        assert edited != before, "an edited dependency kept the old output"
        (folder / "pages" / "b.md").write_text("new page\n", encoding="utf-8")
        assert notebooks.cache_key(source) != edited, "a new file matching the pattern was ignored"
        source.write_text(header.replace("/pages/*.md", "/nothing/*.md") + "# %%\n", encoding="utf-8")
        with pytest.raises(notebooks.NotebookError, match=r"reader.py: depends pattern .* matches no file"):
            notebooks.cache_key(source)
