"""Serve a built site on 127.0.0.1 under its site_url path, and find Debian's Chromium.

Shared by the browser tests, the search evaluation and the Lighthouse report, which all
look at the built site the way a reader's browser does. The path comes from ``site_url`` in
mkdocs.yml (absolute asset URLs rely on it), so a new site_url needs no change here.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import mimetypes
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scripts import ROOT

CONFIG = ROOT / "mkdocs.yml"


def site_url_from_config(config: Path = CONFIG) -> str:
    """``site_url`` of mkdocs.yml (read with a regex: the file holds Python-specific tags)."""
    match = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", config.read_text(encoding="utf-8"), re.M)
    if not match:
        raise ValueError(f"{config}: no site_url; add one (e.g. site_url: https://example.org/guide/)")
    return match.group(1)


SITE_URL = site_url_from_config()
SITE_PREFIX = urlsplit(SITE_URL).path.strip("/")  # "guide"
SITE_PATH = f"/{SITE_PREFIX}/" if SITE_PREFIX else "/"  # where the site is served

# Debian's chromium-headless-shell first: the browser without its UI layer, which is what
# Playwright itself runs for headless pages since v1.49 (microsoft/playwright#33566).
# Measured on 2026-12-04, five page loads cost 0.5 s of CPU in it against 2.3 s in the full
# browser's headless mode, and the browser tests are most of the suite's CPU. The full
# browser is the fallback; Lighthouse (scripts/quality/lighthouse.py) always drives it.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM_MISSING = (
    "Chromium not found: install Debian's headless shell (apt-get install chromium-headless-shell)"
    " or its chromium package, or set CHROMIUM to a browser's path"
)
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
# What a real host (GitHub Pages) gzips.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml", "application/xml")


def find_chromium() -> str | None:
    """$CHROMIUM, else Debian's headless shell or Chromium (apt-get install chromium-headless-shell).

    Never a downloaded browser.
    """
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


class SilentRequestHandler(BaseHTTPRequestHandler):
    """No log line per request: the base of every test server here and in the tests."""

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietHandler(SimpleHTTPRequestHandler, SilentRequestHandler):
    """Static files without a log line per request; pages revalidated before any reuse.

    Pages and data (``no-cache``): the browser asks again before reusing one, so a reload
    sees a file rewritten since (unless within the same second: the server compares
    modification times to the second). ``no-cache``, not ``no-store``: with ``no-store``
    every page asked for its three stylesheets twice, and the crawl of all 86 pages
    (tests/browser/test_site.py) took 18.1-18.7 s of CPU against 21.2-21.6 s (2026-12-04,
    three interleaved runs each).

    Files under assets/ (stylesheets, scripts, images) are reused for ten minutes without
    asking, as GitHub Pages serves every file (``max-age=600``); a built site's assets do not
    change while it is served. Revalidating them took the crawl 15.9-17.3 s of CPU against
    13.9-14.9 s (2026-12-04, three interleaved runs each).
    """

    status: int | None = None

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def end_headers(self) -> None:
        # A missing asset's 404 (or a redirect) is not kept: the next request asks again.
        asset = unquote(urlsplit(self.path).path).startswith(SITE_PATH + "assets/")
        cacheable = asset and self.status in (200, 304)
        self.send_header("Cache-Control", "max-age=600" if cacheable else "no-cache")
        super().end_headers()


def host_like_handler(site_dir: Path) -> type[BaseHTTPRequestHandler]:
    """Serve ``site_dir`` under SITE_PATH as GitHub Pages does: gzip for text files,
    ``Cache-Control: max-age=600``, 404.html for missing paths (Lighthouse counts the bytes)."""
    compressed: dict[Path, bytes] = {}
    lock = threading.Lock()

    class Handler(SilentRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle(self) -> None:
            # Chrome drops idle keep-alive connections when a run ends: not worth a traceback.
            with contextlib.suppress(ConnectionError):
                super().handle()

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            status = 200
            if not path.startswith(SITE_PATH):
                target = None
            else:
                rel = path[len(SITE_PATH) :]
                target = (site_dir / rel).resolve()
                if site_dir not in (target, *target.parents):
                    target = None
                elif target.is_dir():
                    if rel and not rel.endswith("/"):
                        self.send_response(301)
                        self.send_header("Location", path + "/")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    target = target / "index.html"
            if target is None or not target.is_file():
                status, target = 404, site_dir / "404.html"
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            data = target.read_bytes()
            encoding = None
            if "gzip" in self.headers.get("Accept-Encoding", "") and ctype.startswith(COMPRESSIBLE):
                with lock:
                    if target not in compressed:
                        compressed[target] = gzip.compress(data, compresslevel=6)
                    data, encoding = compressed[target], "gzip"
            self.send_response(status)
            self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "max-age=600")
            if encoding:
                self.send_header("Content-Encoding", encoding)
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            if body:
                self.wfile.write(data)

    return Handler


class LocalServer(ThreadingHTTPServer):
    """A thread per request; a client that hangs up mid-answer is not reported.

    A browser that leaves a page while it is still downloading (the crawl of every page moves
    on as soon as one has loaded) closes the connection, and the next write fails with
    BrokenPipeError or ConnectionResetError. That is the reader's choice, not a fault of the
    site, yet socketserver's default ``handle_error`` (Python 3.11: a traceback on stderr,
    called for any ``Exception`` a handler raises) printed one for each into the test output.
    Any other error in a handler still prints its traceback.
    """

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


@contextmanager
def running(server: LocalServer) -> Iterator[LocalServer]:
    """Serve requests with ``server`` in a thread; it is stopped and closed on the way out,
    whatever happened inside."""
    # Polled every 0.05 s, not 0.5 s: shutdown() waits for the next poll, at each test run's end.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="local-site", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serve_handler(handler) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 at a free port and yield http://127.0.0.1:<port>;
    the server is stopped on the way out, whatever happened inside."""
    with running(LocalServer(("127.0.0.1", 0), handler)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def serve(
    site_dir: Path, *, like_host: bool = False, handler: type[QuietHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``site_dir`` at http://127.0.0.1:<free port>/guide/ (SITE_PATH) and yield that URL.

    By default files are served as they are by ``handler`` (a QuietHandler, which a test may
    extend to answer some requests its own way), pages revalidated on every use (tests reload
    them); ``like_host`` serves every file compressed and cacheable, as GitHub Pages does.
    """
    site_dir = Path(site_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="local-site-") as root:
        if like_host:
            handler_class = host_like_handler(site_dir)
        else:
            served = Path(root) / SITE_PREFIX if SITE_PREFIX else None
            if served is not None:
                served.parent.mkdir(parents=True, exist_ok=True)
                served.symlink_to(site_dir, target_is_directory=True)
            handler_class = functools.partial(handler, directory=root if served else site_dir)
        with serve_handler(handler_class) as base:
            yield base + SITE_PATH
