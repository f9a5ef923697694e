"""Fixtures for the search tests, shared with tests/browser.

``chromium_path`` (skips when Debian's Chromium is missing, fails in CI), ``site_dir``
(``GUIDE_SITE_DIR`` or the strict build of tests/conftest.py) and ``site_url`` (that site
served on 127.0.0.1 under ``/guide/``) come from tests/browser/conftest.py.

Its ``browser`` and ``page`` fixtures are deliberately not reused: Playwright's sync API
allows one instance per thread, tests/browser holds its instance open for the whole session,
and both suites run in the same worker (``xdist_group("site")``). The search tests drive their
own Chromium from a worker thread instead (see ``in_own_thread`` in test_search_quality.py).
"""

from browser.conftest import chromium_path, site_dir, site_url  # noqa: F401  (fixtures)
