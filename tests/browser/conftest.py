"""Fixtures for tests that drive the built site in headless Chromium (Playwright, sync API).

- ``chromium_path``: Debian's Chromium headless shell (or Chromium); skips the browser tests when it is missing, except
  in CI (``CI=true``), where a missing browser is a failure.
- ``site_url``: the real site (``built_site`` from tests/conftest.py) served over HTTP on
  127.0.0.1 under ``/guide/``, the path of ``site_url`` in mkdocs.yml, so relative URLs are
  exercised as they are in production. Set ``GUIDE_SITE_DIR`` to an already built site to
  skip the build while iterating on a page.
- ``browser`` and ``page``: one browser per session, a fresh context (empty local storage,
  downloads allowed) per test.
- ``instant_page``: ``page`` with Material's instant navigation working on the test
  server's port, as it does in production.

Playwright never downloads a browser here; it runs the system Chromium.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

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


@pytest.fixture
def instant_page(page, site_url: str):
    """``page``, with Material's instant navigation working on the test server's port.

    Material intercepts a click only for URLs listed in sitemap.xml, and rebases those on the
    current protocol and host name but not the port: the sitemap's https://<site_url>/... entries
    never match http://127.0.0.1:<port>/... links, so every click would be a full page load.
    Instant navigation starts once Material has fetched the sitemap: load pages with
    ``wait_until="networkidle"``.
    """
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))

    def rewrite(route) -> None:
        response = route.fetch()
        body = re.sub(r"<loc>https?://[^/<]+", f"<loc>{origin}", response.text())
        route.fulfill(response=response, body=body)

    page.route("**/sitemap.xml", rewrite)
    yield page
    # A sitemap fetch still in flight when the test ends would fail inside the handler once
    # the context closes, and Playwright raises that in whichever test runs next.
    page.unroute_all(behavior="ignoreErrors")
