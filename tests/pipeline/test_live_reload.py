"""`mkdocs serve` picks up edits to the pipeline's own code (scripts/pipeline/live_reload.py).

The end-to-end test runs the real server on a copy of the project, edits the copy's table
renderer and then its schema, and waits for each edit to show on the served page; then edits
a hook outside scripts/, which the server must restart itself for.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from scripts import ROOT
from scripts.pipeline.live_reload import CodeWatch, ReloadError

# `python -m mkdocs`, with Ctrl-C raising KeyboardInterrupt even when this process was
# started with SIGINT ignored (a background job): Python would otherwise keep ignoring it,
# and stop() would wait out its timeout instead of letting MkDocs clean up.
SERVE = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'mkdocs'; runpy.run_module('mkdocs', run_name='__main__', alter_sys=True)"
)
START_TIMEOUT = 180  # seconds for the first build on a busy machine
RELOAD_TIMEOUT = 90  # seconds for one rebuild after an edit

# A page with a table rendered by tables.py and one rendered from the schema's field descriptions.
PAGE = """# Live reload

<!-- table: tools category=tracking -->

<!-- table: data-fields dataset=concepts -->
"""
TABLE_EDIT = ('"Backend analogue"', '"Backend analogue, edited live"')
SCHEMA_EDIT = ('"Where the analogy breaks."', '"Where the analogy breaks, edited live."')


def copy_project(tmp_path: Path) -> Path:
    """The code, data and content the pipeline reads, and a one-page site that uses them."""
    project = tmp_path / "project"
    for name in ("scripts", "data", "docs", "snippets", "notebooks", "overrides"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "pages").mkdir()
    (project / "pages" / "index.md").write_text(PAGE, encoding="utf-8")
    config = {
        "INHERIT": "mkdocs.yml",
        "docs_dir": "pages",
        "nav": ["index.md"],
        "site_url": "http://127.0.0.1/",
        "extra_css": [],
        # The table footers link to pages of the real site, which this one leaves out.
        "strict": False,
    }
    (project / "serve.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{path} no longer contains {old}; update the test's edit"
    path.write_text(text.replace(old, new), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, project: Path, log: Path):
        self.port = free_port()
        self.log = log
        env = {
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "GUIDE_SKIP_NOTEBOOKS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("PYTHONPATH", None)  # the copy's scripts/, not the repository's
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", SERVE, "serve", "--config-file", "serve.yml"]
                + ["--dev-addr", f"127.0.0.1:{self.port}"],
                cwd=project,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def page_with(self, text: str, timeout: float) -> str:
        """The served page once it contains text; fails after timeout seconds."""
        deadline = time.monotonic() + timeout
        page = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({self.proc.returncode}):\n{self.output()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=10) as response:
                    page = response.read().decode("utf-8")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                page = ""
            if text in page:
                return page
            time.sleep(0.1)  # a request to the local server costs next to nothing
        pytest.fail(f"'{text}' did not appear within {timeout} s. Server output:\n{self.output()}")

    def log_text(self) -> str:
        """Everything the server wrote, across its restarts (it replaces itself in place)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def output(self) -> str:
        """The end of the log, for failure messages."""
        return self.log_text()[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # as Ctrl+C: MkDocs removes its temporary site
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# A hook outside scripts/: MkDocs keeps it loaded, and it was not written to be reloaded.
NOTE_HOOK = """def on_page_markdown(markdown, **kwargs):
    return markdown + "\\n\\nNote from a second hook: first\\n"
"""
RESTARTING = "page_note.py changed and cannot be reloaded in place"
RESTARTED = "restarting the server"  # the end of every restart notice


class TagBlindLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without importing what its !!python/name tags point at."""


TagBlindLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)


def add_note_hook(project: Path) -> None:
    """A second hook, outside scripts/, that MkDocs loads and watches."""
    (project / "page_note.py").write_text(NOTE_HOOK, encoding="utf-8")
    config_file = project / "serve.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    parent = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=TagBlindLoader)
    config["hooks"] = [*parent["hooks"], "page_note.py"]
    config["watch"] = [*parent["watch"], "page_note.py"]
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")


# One server for both behaviours: starting `mkdocs serve` is most of what this test costs.
@pytest.mark.build
def test_serve_reloads_pipeline_edits_in_place_and_restarts_for_code_outside_scripts(tmp_path):
    project = copy_project(tmp_path)
    add_note_hook(project)
    server = Server(project, tmp_path / "serve.log")
    try:
        server.page_with("Note from a second hook: first", START_TIMEOUT)
        # A table renderer, then the schema it, load.py and the hook import: all in place.
        edit(project / "scripts/pipeline/knowledge_base/tables.py", *TABLE_EDIT)
        server.page_with("Backend analogue, edited live", RELOAD_TIMEOUT)
        edit(project / "scripts/pipeline/knowledge_base/schema.py", *SCHEMA_EDIT)
        page = server.page_with("Where the analogy breaks, edited live.", RELOAD_TIMEOUT)
        assert "Backend analogue, edited live" in page
        assert RESTARTED not in server.log_text(), "a pipeline edit must not restart"
        # The second hook cannot be reloaded in place: the server says so and replaces itself.
        edit(project / "page_note.py", "hook: first", "hook: second")
        server.page_with("Note from a second hook: second", RELOAD_TIMEOUT)
        assert RESTARTING in server.log_text()
        assert server.proc.poll() is None, "the server must replace itself, not exit"
        # The restarted server watches its code again: a pipeline edit still reloads in place.
        edit(project / "scripts/pipeline/knowledge_base/tables.py", "edited live", "edited twice")
        server.page_with("Backend analogue, edited twice", RELOAD_TIMEOUT)
        assert server.log_text().count(RESTARTED) == 1
    finally:
        server.stop()


# The decision between reloading in place and restarting, on a made-up repository whose
# scripts/ holds a hook file importing one module.


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    files = {
        "scripts/lr_hook.py": "import lr_pipeline\n\nVALUE = lr_pipeline.VALUE\n",
        "scripts/lr_pipeline.py": "VALUE = 1\n",
        "other/lr_other.py": "VALUE = 1\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    # Write bytecode, as `mkdocs serve` run by hand does: the edits below keep each file's size
    # and land within the second, which is all a .pyc records of its source.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.syspath_prepend(str(root / "scripts"))
    monkeypatch.syspath_prepend(str(root / "other"))
    importlib.import_module("lr_other")
    # Loaded by file path, as MkDocs loads a hook.
    spec = importlib.util.spec_from_file_location("repo/scripts/lr_hook.py", root / "scripts/lr_hook.py")
    hook = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = hook
    spec.loader.exec_module(hook)
    yield root, CodeWatch(hook, root=root)
    for name in (spec.name, "lr_pipeline", "lr_other"):
        sys.modules.pop(name, None)


def test_a_change_under_scripts_reloads_the_hook_and_its_imports(repo):
    root, watch = repo
    (root / "scripts/lr_pipeline.py").write_text("VALUE = 2\n", encoding="utf-8")
    restarts = []
    watch.before_build(restart=lambda: restarts.append(True))
    assert (restarts, watch.hook.VALUE) == ([], 2)
    assert watch.changed() == []


def test_a_change_outside_scripts_restarts_the_server(repo):
    root, watch = repo
    (root / "other/lr_other.py").write_text("VALUE = 2\n", encoding="utf-8")
    restarts = []
    watch.before_build(restart=lambda: restarts.append(True))
    assert (restarts, watch.hook.VALUE) == ([True], 1)


def test_code_that_fails_to_import_names_its_file_and_line(repo):
    root, watch = repo
    (root / "scripts/lr_pipeline.py").write_text("VALUE = (\n", encoding="utf-8")
    with pytest.raises(ReloadError, match=r"^scripts/lr_pipeline\.py:1: SyntaxError"):
        watch.before_build(restart=lambda: None)
    assert watch.changed(), "a failed reload must be tried again on the next rebuild"
