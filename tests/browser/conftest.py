"""Fixtures of tests/browser only; ``chromium_path``, ``site_url``, ``browser`` and ``page``
come from tests/browser/fixtures.py, shared with the search tests.

- ``instant_page``: ``page`` with Material's instant navigation working on the test
  server's port, as it does in production.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest


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
