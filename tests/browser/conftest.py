"""Fixtures of tests/browser only; ``chromium_path``, ``site_url``, ``browser`` and ``page``
come from tests/browser/fixtures.py, shared with the search tests.

- ``instant_page``: ``page`` with Material's instant navigation working on the test
  server's port, as it does in production.
"""

from __future__ import annotations

import pytest

from browser.fixtures import SITEMAP_ON_THIS_HOST


@pytest.fixture
def instant_page(page):
    """``page``, with Material's instant navigation working on the test server's port.

    Material intercepts a click only for URLs listed in sitemap.xml, and rebases those on the
    current protocol and host name but not the port: the sitemap's https://<site_url>/... entries
    never match http://127.0.0.1:<port>/... links, so every click would be a full page load.
    This page's requests ask the test server for a sitemap of its own URLs instead
    (``SITEMAP_ON_THIS_HOST``). Instant navigation starts once Material has fetched the
    sitemap: load pages with ``wait_until="networkidle"``.
    """
    page.set_extra_http_headers(SITEMAP_ON_THIS_HOST)
    return page
