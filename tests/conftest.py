"""Shared fixtures: the repository root, real site builds and small fixture sites."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import threading
from pathlib import Path

import pytest
import yaml

from scripts import ROOT
from scripts.quality import site_build

# The browser fixtures, defined once for every directory that drives Chromium.
pytest_plugins = ("browser.fixtures",)

# Tests that use the real built site: every one of them shares one build per run.
SITE_FIXTURES = frozenset({"built_site", "site_dir", "site_url"})
# The longest single tests: fresh executions of every snippet and notebook, and `mkdocs
# serve` rebuilding after edits, whose worker mostly waits for the rebuilds (scheduled later,
# it left a core idle for 2-4 s of a warm run). Scheduled first so the run does not end on
# one of them (a rename here only costs speed, never a check; tests/test_run_order.py fails
# on a name no test has).
SLOW_TESTS = frozenset(
    {
        "test_snippet_runs_and_matches_what_the_page_shows",
        "test_notebook_executes_without_errors",
        "test_serve_reloads_pipeline_edits_in_place_and_restarts_for_code_outside_scripts",
    }
)
# The longest tests of the built site (a crawl of every page; the query set typed into the
# search box): first among the site tests, so the two workers finish together.
SLOW_SITE_TESTS = frozenset(
    {
        "test_every_page_loads_without_errors_and_requests_nothing_from_another_host",
        "test_search_box_lands_on_the_answer",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "site: uses the real built site (set by tests/conftest.py)")


def uses_site(item: pytest.Item) -> bool:
    return bool(SITE_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses the real site, and order the run for two busy cores.

    Membership follows the fixtures a test asks for (directly or through other fixtures), so
    nobody marks it by hand. Order (the same in every xdist worker; `make test` hands the
    tests out one at a time from its front, ``--maxschedchunk 1``, so it is the run's order):
    the tests marked ``waits`` first, whose seconds on a timer leave a core to the real site's
    build in the background (see ``SharedBuild``); then the slow fresh executions, the small
    fixture-site builds and the many short tests, while that build finishes; the tests of the
    built site come last, so no worker sits waiting for it while other work is left, their
    longest first.
    """
    for item in items:
        if uses_site(item):
            item.add_marker(pytest.mark.site)

    def rank(item: pytest.Item) -> int:
        name = getattr(item, "originalname", "")
        if item.get_closest_marker("waits") and not item.get_closest_marker("site"):
            return 0
        if name in SLOW_TESTS:
            return 1
        if "fixture_site" in getattr(item, "fixturenames", ()):
            return 2  # a small site build each
        if item.get_closest_marker("site"):
            return 4 if name in SLOW_SITE_TESTS else 5
        return 3

    items.sort(key=rank)  # stable: collection order within each rank


class SharedBuild:
    """The real site, built once per run however many xdist workers need it.

    Every worker collects every test. After collection, the first worker that takes the lock
    starts the build in a background thread and holds the lock until the result is written;
    a test that needs the site waits for the lock and reads the result. Without xdist the
    same happens in one process. The folder is the run's own (pytest-N/), never reused.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.result_file = folder / "real-site-build.json"
        self.thread: threading.Thread | None = None

    def _locked(self, blocking: bool):
        handle = (self.folder / "real-site-build.lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.close()
            return None
        return handle

    def start(self) -> None:
        """Build in the background unless another worker already does (or did)."""
        handle = self._locked(blocking=False)
        if handle is None:
            return
        if self.result_file.exists():
            handle.close()
            return

        def run() -> None:
            try:
                built = site_build.build(self.folder / "real-site", fork=True)
                record = {"returncode": built.returncode, "output": built.output, "seconds": built.seconds}
            except Exception as exc:  # reported by the tests that need the site, not lost in a thread
                record = {"returncode": -1, "output": f"{type(exc).__name__}: {exc}", "seconds": 0.0}
            self.result_file.write_text(json.dumps(record), encoding="utf-8")
            handle.close()  # releases the lock

        self.thread = threading.Thread(target=run, name="real-site-build", daemon=True)
        self.thread.start()

    def result(self) -> site_build.Build:
        self.start()  # a no-op when a build is running or done
        self._locked(blocking=True).close()  # wait until it is written
        record = json.loads(self.result_file.read_text(encoding="utf-8"))
        return site_build.Build(site_dir=self.folder / "real-site", **record)


def shared_folder(config: pytest.Config) -> Path:
    """This run's folder: pytest-N/ (xdist workers each get pytest-N/popen-gwX/ below it)."""
    base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly or os.environ.get("GUIDE_SITE_DIR"):
        return
    if not any(uses_site(item) for item in session.items):
        return
    session.config.stash[SHARED_BUILD] = shared = SharedBuild(shared_folder(session.config))
    shared.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    shared = session.config.stash.get(SHARED_BUILD, None)
    if shared is not None and shared.thread is not None:
        shared.thread.join()  # never leave a build running after the tests


SHARED_BUILD = pytest.StashKey[SharedBuild]()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # Interpreter exit ends with garbage collections that walk every object still alive: in
    # a worker holding scikit-learn, pandas, MkDocs and Playwright, 0.4-0.8 s at the end of
    # every run, while the run waits for its workers to exit. The tests are over and their
    # results sent, so nothing alive now needs collecting (Python's data model does not
    # promise that __del__ runs for objects alive at exit); gc.freeze() (Python 3.7+) moves
    # them out of every later collection, and objects made after it are collected as usual.
    gc.freeze()


@pytest.fixture
def fixture_site(tmp_path: Path):
    """Build a small site from the given pages with the project's own mkdocs.yml settings.

    The fixture config INHERITs the real mkdocs.yml (strict mode, validation rules,
    Markdown extensions, hooks), replacing only the pages and the nav.
    """

    def build(pages: dict[str, str], nav: list | None = None, *, fork: bool = True) -> site_build.Build:
        docs = tmp_path / "docs"
        for rel, text in pages.items():
            (docs / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs / rel).write_text(text, encoding="utf-8")
        config = {
            "INHERIT": str(ROOT / "mkdocs.yml"),
            "docs_dir": str(docs),
            "nav": nav if nav is not None else list(pages),
            # Paths in the parent are relative to it; make them absolute here.
            "hooks": [str(ROOT / "scripts" / "pipeline" / "site_hooks.py")],
            "theme": {"name": "material", "custom_dir": str(ROOT / "overrides")},
            "extra_css": [],
            "watch": [],
        }
        config_path = tmp_path / "mkdocs.yml"
        config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        # Own caches: the real ones would lose their entries to mkdocs-jupyter's eviction of
        # whatever a build did not use, making the real site's next build re-render notebooks.
        cache = {"GUIDE_CACHE_DIR": str(tmp_path / "cache")}
        # Forked from a server with MkDocs imported, unless asked for a fresh interpreter.
        site = tmp_path / ("site" if fork else "site-fresh")
        return site_build.build(site, config_path, skip_notebooks=True, env=cache, fork=fork)

    return build


@pytest.fixture(scope="session")
def built_site(request) -> site_build.Build:
    """The real site, built once per run and shared by every worker (see ``SharedBuild``)."""
    shared = request.config.stash.get(SHARED_BUILD, None)
    if shared is None:  # collected without a site test, yet asked for: build it now
        shared = request.config.stash[SHARED_BUILD] = SharedBuild(shared_folder(request.config))
    return shared.result()


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    """The built site: GUIDE_SITE_DIR if set, else the strict build of tests/conftest.py."""
    prebuilt = os.environ.get("GUIDE_SITE_DIR")
    if prebuilt:
        path = Path(prebuilt).resolve()
        if not (path / "index.html").is_file():
            pytest.fail(f"GUIDE_SITE_DIR={prebuilt} holds no built site (no index.html)")
        return path
    built = request.getfixturevalue("built_site")
    assert built.ok, "The site did not build:\n" + built.tail(3000)
    return built.site_dir
