"""Fixtures of tests/browser only; ``chromium_path``, ``site_url``, ``browser`` and ``page``
come from tests/browser/fixtures.py, shared with the search tests.

- ``instant_page``: ``page`` with Material's instant navigation working on the test
  server's port, as it does in production.
- ``hold_until_ran``: hold one script's response back until another script has run.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from browser.fixtures import MARK_SITEMAP_PARSED, SITEMAP_ON_THIS_HOST


@pytest.fixture
def instant_page(page):
    """``page``, with Material's instant navigation working on the test server's port.

    Material intercepts a click only for URLs listed in sitemap.xml, and rebases those on the
    current protocol and host name but not the port: the sitemap's https://<site_url>/... entries
    never match http://127.0.0.1:<port>/... links, so every click would be a full page load.
    This page's requests ask the test server for a sitemap of its own URLs instead
    (``SITEMAP_ON_THIS_HOST``). Instant navigation starts once Material has fetched and
    parsed the sitemap: load pages with ``goto_armed`` (tests/browser/fixtures.py).
    """
    page.set_extra_http_headers(SITEMAP_ON_THIS_HOST)
    page.add_init_script(MARK_SITEMAP_PARSED)
    return page


@pytest.fixture
def hold_until_ran(page) -> Callable[[str, str], list[bool]]:
    """``hold_until_ran(held, first)``: the response of URLs matching ``held`` waits until the
    script file named ``first`` has run, so the two run in that order for certain.

    A script element's load event fires after its script ran; a capturing listener on the
    document sees it (load does not bubble), for elements Material inserts on instant
    navigation too. Returns a list that gets True when a held response waited for ``first``,
    False when ``first`` had not run within 10 s (the response is then let through, and the
    test's assertion on the list names what went wrong).
    """

    def hold(held: str, first: str) -> list[bool]:
        page.evaluate(
            """(name) => document.addEventListener("load", (event) => {
                if (event.target.src?.split("?")[0].endsWith("/" + name)) window.__guideScriptRan = true;
            }, true)""",
            first,
        )
        waited: list[bool] = []

        def route(route) -> None:
            try:
                page.wait_for_function("window.__guideScriptRan === true", timeout=10_000)
                waited.append(True)
            except PlaywrightTimeoutError:
                waited.append(False)
            route.continue_()

        page.route(held, route)
        return waited

    return hold
