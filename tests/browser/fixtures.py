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
  test is marked ``searches`` (see ``WITHOUT_SEARCH_DOCUMENTS``).

Playwright never downloads a browser here; it runs the system Chromium.
"""

from __future__ import annotations

import json
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


# Request headers that change what the test server answers, instead of Playwright routes.
# In Playwright 1.65 a route turns the browser's HTTP cache off (``page.route``'s docs;
# microsoft/playwright#7220) and its Chromium driver then pauses every request of the page
# (``Fetch.enable`` on ``*``); the crawl of all pages cost 2.5 s more CPU with a route
# (2026-12-04).
#
# Sent by every page of a test that does not search: the search index without documents. On
# every page load Material fetches the whole index and its search worker builds it, about a
# third of the load's CPU (0.34 of 0.76 s for the planner page, measured 2026-12-04); pages
# that are not searched need none of it.
WITHOUT_SEARCH_DOCUMENTS = {"X-Test-Search-Index": "without-documents"}
# Sent by ``instant_page`` (tests/browser/conftest.py): sitemap.xml listing this server's URLs.
SITEMAP_ON_THIS_HOST = {"X-Test-Sitemap": "this-host"}
# Run by ``instant_page`` before any script of each page: marks the window when a sitemap has
# been parsed. Material (9.8) reads sitemap.xml with DOMParser and builds the URL set its
# instant navigation checks every click against in the same synchronous step, so from the
# next task on (any Playwright call) clicks on the site's links are intercepted.
MARK_SITEMAP_PARSED = """(() => {
  const parse = DOMParser.prototype.parseFromString;
  DOMParser.prototype.parseFromString = function (...args) {
    const parsed = parse.apply(this, args);
    if (parsed.documentElement?.localName === "urlset") window.__guideSitemapParsed = true;
    return parsed;
  };
})();"""


def goto_armed(page, url: str) -> None:
    """Load ``url`` in an ``instant_page`` and wait until Material's instant navigation
    intercepts clicks: it does once it has fetched and parsed the sitemap, and a click before
    that is a full page load. (Waiting for the network to go quiet instead, ``networkidle``,
    cost at least 0.5 s a page and proved nothing; Playwright 1.65's own docs discourage it
    for tests.)"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.goto(url)
    try:
        page.wait_for_function("window.__guideSitemapParsed === true")
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"{url}: no sitemap.xml was parsed, so instant navigation never started. Is the page "
            "an instant_page (tests/browser/conftest.py)? Does Material still read the sitemap "
            "with DOMParser (MARK_SITEMAP_PARSED)?"
        ) from None


def site_handler(site_dir: Path) -> type[local_site.QuietHandler]:
    """The local server's handler: the site as built, except that a request carrying one of
    the headers above gets the search index without documents, or a sitemap whose URLs point
    at this server. Only those exact paths: a page asking for a wrong one still gets a 404."""
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    index_without_documents = json.dumps({**index, "docs": []})
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")

    index_path = local_site.SITE_PATH + "search/search_index.json"
    sitemap_path = local_site.SITE_PATH + "sitemap.xml"
    varies = ", ".join([*WITHOUT_SEARCH_DOCUMENTS, *SITEMAP_ON_THIS_HOST])

    class Handler(local_site.QuietHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == index_path and self.sent(WITHOUT_SEARCH_DOCUMENTS):
                self.answer("application/json", index_without_documents)
            elif path == sitemap_path and self.sent(SITEMAP_ON_THIS_HOST):
                here = f"<loc>http://{self.headers['Host']}"
                self.answer("application/xml", re.sub(r"<loc>https?://[^/<]+", here, sitemap))
            else:
                super().do_GET()

        def end_headers(self) -> None:
            # Both answers of these paths, the file as built and ours, depend on the headers.
            if urlsplit(self.path).path in (index_path, sitemap_path):
                self.send_header("Vary", varies)
            super().end_headers()

        def sent(self, headers: dict[str, str]) -> bool:
            return all(self.headers.get(name) == value for name, value in headers.items())

        def answer(self, content_type: str, text: str) -> None:
            # Always the whole answer, never a 304: the browser may hold the file as built.
            # Sent without a date to revalidate against, and QuietHandler's no-cache means
            # every later use asks this server again, with or without the header.
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """Base URL of the site served at http://127.0.0.1:<free port>/guide/."""
    with local_site.serve(site_dir, handler=site_handler(site_dir)) as url:
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
def page(browser, request):
    """A page in a fresh context: no saved state from other tests, downloads allowed.

    Its pages of the real site get a search index without documents unless the test is
    marked ``searches``: in an unmarked test, a search that expects results finds none and
    fails.
    """
    searches = request.node.get_closest_marker("searches") is not None
    context = browser.new_context(
        accept_downloads=True,
        service_workers="block",
        extra_http_headers={} if searches else WITHOUT_SEARCH_DOCUMENTS,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
