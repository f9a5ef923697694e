"""Fixtures for tests that drive the built site in headless Chromium (Playwright, sync API).

- ``chromium_path``: Debian's Chromium; skips the browser tests when it is missing, except
  in CI (``CI=true``), where a missing browser is a failure.
- ``site_url``: the real site (``built_site`` from tests/conftest.py) served over HTTP on
  127.0.0.1 under ``/guide/``, the path of ``site_url`` in mkdocs.yml, so relative URLs are
  exercised as they are in production. Set ``GUIDE_SITE_DIR`` to an already built site to
  skip the build while iterating on a page.
- ``browser`` and ``page``: one browser per session, a fresh context (empty local storage,
  downloads allowed) per test.

Playwright never downloads a browser here; it runs the system Chromium.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SITE_PREFIX = "guide"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium",)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium not found: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request; never cached, so reloads see the files."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


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
    assert built.returncode == 0, "The site did not build:\n" + built.output[-3000:]
    return built.site_dir


@pytest.fixture(scope="session")
def site_url(site_dir: Path, tmp_path_factory) -> Iterator[str]:
    """Base URL of the site served at http://127.0.0.1:<free port>/guide/."""
    root = tmp_path_factory.mktemp("served")
    (root / SITE_PREFIX).symlink_to(site_dir, target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{SITE_PREFIX}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A page in a fresh context: no saved state from other tests, downloads allowed."""
    context = browser.new_context(accept_downloads=True, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
