"""Browser fixtures for every test that drives the built site in headless Chromium.

Registered once for the whole suite (``pytest_plugins`` in tests/conftest.py), so the tests
of tests/browser and the search tests of tests/quality/search share one browser and one local
server per worker: Playwright's sync API allows one instance per thread, and a second
definition of the same fixture in another conftest would start a second one.

- ``chromium_path``: Debian's Chromium headless shell (or Chromium); skips the browser tests
  when it is missing, except in CI (``CI=true``), where a missing browser is a failure.
- ``site_url``: the real site (``site_dir`` from tests/conftest.py) served over HTTP on
  127.0.0.1 under ``/guide/``, the path of ``site_url`` in mkdocs.yml, so relative URLs are
  exercised as they are in production. Set ``GUIDE_SITE_DIR`` to an already built site to
  skip the build while iterating on a page.
- ``browser`` and ``page``: one browser per session, a fresh context (empty local storage,
  downloads allowed) per test, whose pages get a search index without documents unless the
  test is marked ``searches`` (see ``without_search_documents``).

Playwright never downloads a browser here; it runs the system Chromium.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from scripts.quality import local_site


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = local_site.find_chromium()
    if path is None:
        message = local_site.CHROMIUM_MISSING
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """Base URL of the site served at http://127.0.0.1:<free port>/guide/."""
    with local_site.serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=local_site.CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def without_search_documents(
    page, site_dir: Path, site_url: str, keep: Callable[[], bool] = lambda: False
) -> None:
    """Answer the site's search index with the same index holding no documents.

    On every page load Material fetches the whole index and its search worker builds it,
    about a third of the load's CPU (0.34 of 0.76 s for the planner page, measured
    2026-12-04); pages that are not searched need none of it. Only that exact URL is answered, so a page
    asking for a wrong index path still gets the server's 404; ``keep()`` true at request time
    lets the real index through.
    """
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    empty = json.dumps({**index, "docs": []})
    index_url = urljoin(site_url, "search/search_index.json")

    def answer(route) -> None:
        if route.request.url == index_url and not keep():
            route.fulfill(body=empty, content_type="application/json")
        else:
            route.continue_()

    page.route("**/search/search_index.json", answer)


@pytest.fixture
def page(browser, request):
    """A page in a fresh context: no saved state from other tests, downloads allowed.

    Its pages of the real site get a search index without documents unless the test is
    marked ``searches``: in an unmarked test, a search that expects results finds none and
    fails.
    """
    context = browser.new_context(accept_downloads=True, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    if "site_url" in request.fixturenames and not request.node.get_closest_marker("searches"):
        site_dir, site_url = request.getfixturevalue("site_dir"), request.getfixturevalue("site_url")
        without_search_documents(page, site_dir, site_url)
    try:
        yield page
    finally:
        context.close()
