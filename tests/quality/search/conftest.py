"""Fixtures for the search tests, shared with tests/browser.

``chromium_path`` (skips when Debian's Chromium is missing, fails in CI) and ``site_url``
(the built site served on 127.0.0.1 under ``/guide/``) come from tests/browser/conftest.py;
``site_dir`` (``GUIDE_SITE_DIR`` or the strict build) from tests/conftest.py.

Its ``browser`` and ``page`` fixtures are deliberately not reused: Playwright's sync API
allows one instance per thread, tests/browser holds its instance open for the whole session,
and a worker may run tests of both suites. The search tests drive their
own Chromium from a worker thread instead (see ``in_own_thread`` in test_search_quality.py).
"""

from browser.conftest import chromium_path, site_url  # noqa: F401  (fixtures)
