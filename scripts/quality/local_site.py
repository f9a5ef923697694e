"""Serve a built site on 127.0.0.1 under its site_url path, and find Debian's Chromium.

Shared by the browser tests, the search evaluation and the Lighthouse report, which all
look at the built site the way a reader's browser does.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE_PREFIX = "guide"  # the path of site_url in mkdocs.yml; absolute asset URLs rely on it
CHROMIUM_CANDIDATES = ("/usr/bin/chromium",)
# This machine's network is closed: background services would only fail to connect.
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
    """Debian's Chromium (apt-get install chromium), or $CHROMIUM; never a downloaded browser."""
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request; never cached, so reloads see the files."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@contextmanager
def serve(
    site_dir: Path, handler: Callable[[Path], type[BaseHTTPRequestHandler]] | None = None
) -> Iterator[str]:
    """Serve ``site_dir`` at http://127.0.0.1:<free port>/guide/ and yield that URL.

    ``handler`` builds a request handler for the site directory (the Lighthouse report
    compresses responses like a real host); by default files are served as they are.
    """
    site_dir = Path(site_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="local-site-") as root:
        if handler is None:
            (Path(root) / SITE_PREFIX).symlink_to(site_dir, target_is_directory=True)
            handler_class = functools.partial(QuietHandler, directory=root)
        else:
            handler_class = handler(site_dir)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="local-site", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/{SITE_PREFIX}/"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
