"""Find anything in a built site that a browser would fetch from another host.

The site must work offline and respect readers' privacy: no web fonts, CDN scripts,
stylesheets, images or analytics from elsewhere. Outbound ``<a href>`` links are fine
(nothing is fetched until a reader clicks), and so are canonical/alternate links.

Checked: every URL a page or SVG loads or preconnects to (found by html_urls.py: src,
srcset, poster, data, <link> stylesheets, icons, preloads and preconnects, inline ``style``
and ``<style>`` url()s and @imports, SVG ``href``, meta refresh, ``<base href>``), CSS
``url()`` and ``@import``, and absolute URL literals in our JavaScript. Vendored
third-party libraries (docs/assets/vendor/) are not scanned for literals: their error
messages mention URLs they never fetch; the browser tests watch real requests.

Each finding names the file to edit (site_sources.py maps a built page back to its
``docs/...md`` or notebook, and a theme asset to ``overrides/``) and the line holding the
URL: the page's source, else mkdocs.yml or the theme's templates, which shape every page
(one finding however many pages carry it). The built file is named only when nothing in the
repository produced it.

CLI: ``python -m scripts.quality.offline_check site/`` prints one line per finding.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

from scripts.quality.html_urls import css_urls, walk
from scripts.quality.site_sources import Layout, line_of

ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
JS_URL = re.compile(r"""["'`](https?://[^"'`\s]+)""")
# Absolute URL literals in JavaScript that are never requests: XML namespaces, licence and
# documentation links in comments or messages. Anything else in our JS is a finding.
INERT_JS_URLS = re.compile(
    r"^https?://(www\.w3\.org/|lunrjs\.com|tartarus\.org/|bit\.ly/2s3ChXG|clipboardjs\.com/|"
    r"fontawesome\.com)"
)
# URLs in Material's bundle fetched only under a guard: repository facts (GitHub, GitLab)
# only for an element with data-md-component="source" (removed by
# overrides/partials/source.html, and checked on every page below), the ResizeObserver
# polyfill only in browsers without ResizeObserver.
MATERIAL_GUARDED = ("https://api.github.com/", "https://${", "https://unpkg.com/resize-observer-polyfill")
GUARDED_FETCH = MATERIAL_GUARDED[0]
VENDOR_PREFIX = "assets/vendor/"
GUARD = 'data-md-component="source"'
GUARD_WHY = f"an element with {GUARD}"  # Material fetches the repository's stars and forks for it
GUARD_FIX = f"restore overrides/partials/source.html, which leaves {GUARD} out"
FIX = "vendor it under docs/assets/ and load it from there, or remove it"
NOT_WRITTEN = "; the URL is not in this file's text: a directive, data or the build adds it"


@dataclass(frozen=True)
class Finding:
    file: str  # the file to edit (docs/x.md, overrides/main.html, ...), else the built file
    url: str
    why: str  # what fetches it, e.g. "<script src>", "CSS url()"
    line: int | None = None
    pages: tuple[str, ...] = ()  # the built files that fetch it, when they are not ``file``
    fix: str = FIX
    note: str = ""  # why the file is named although the URL is not written in it

    def __str__(self) -> str:
        at = f" line {self.line}" if self.line else ""
        built = ""
        if self.pages:
            more = f" and {len(self.pages) - 2} more" if len(self.pages) > 2 else ""
            built = f" (built into {', '.join(self.pages[:2])}{more}{self.note})"
        return f"{self.file}{at}: {self.why} fetches {self.url} from another host{built} — {self.fix}"


def _is_off_host(url: str, own_hosts: set[str]) -> bool:
    url = url.strip()
    if not ABSOLUTE.match(url):
        return False  # relative, data:, blob:, mailto:, javascript: ... never another host
    host = re.sub(r"^(?:[a-z][a-z0-9+.-]*:)?//", "", url, flags=re.I).split("/")[0].split(":")[0].lower()
    return host not in own_hosts


def _loads(rel: str, text: str) -> list[tuple[str, str]]:
    """(url, why) for everything a built file makes the browser fetch or connect to."""
    suffix = Path(rel).suffix.lower()
    if suffix in (".html", ".htm", ".svg"):
        doc = walk(text)
        loads = [(u.url, u.where) for u in doc.urls if u.use != "click"]
        return loads + (
            [(doc.base, "<base href>, which every relative URL of the page uses")] if doc.base else []
        )
    if suffix == ".css":
        return [(u.url, u.where) for u in css_urls(text)]
    if suffix in (".js", ".mjs") and not rel.startswith(VENDOR_PREFIX):
        loads = []
        for url in JS_URL.findall(text):
            guarded = any(url.startswith(g) for g in MATERIAL_GUARDED)
            if not INERT_JS_URLS.match(url) and not guarded:
                loads.append((url, "absolute URL in JavaScript"))
        return loads
    return []


class _Attribution:
    """Name the file a contributor edits for a built file's off-host URL, and its line."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        # Files that shape every page, after the page's own source: mkdocs.yml (extra_css,
        # extra_javascript) and the theme's templates.
        config = layout.root / layout.config
        self.shared = ([config] if config.is_file() else []) + layout.theme_files()

    def __call__(self, rel: str, needle: str) -> tuple[str, int | None, bool]:
        """(file, line, whether the file is the built file itself) for ``needle`` in ``rel``."""
        source = self.layout.source_of(rel)
        if source is None:
            return rel, None, True
        needles = [needle, escape(needle)]
        if source.path is not None and (line := line_of(source.path, needles)):
            return source.shown, line, False
        if rel.endswith(".html"):
            for path in self.shared:
                if line := line_of(path, needles):
                    return self.layout.shown(path), line, False
        return source.shown, None, False


def scan(site_dir: Path, own_hosts: set[str] | None = None, layout: Layout | None = None) -> list[Finding]:
    """Every off-host load in the built site, once per file and line that adds it.

    ``own_hosts`` defaults to none; ``layout`` (where the sources live) to this repository's.
    """
    own = {h.lower() for h in (own_hosts or set())}
    attribute = _Attribution(layout or Layout.from_config())
    # (file, line, url, why) -> the built files where it was found
    found: dict[tuple[str, int | None, str, str], list[str]] = defaultdict(list)
    built_only: set[str] = set()  # files named as built: nothing in the repository made them

    def add(rel: str, url: str, why: str, needle: str | None = None) -> None:
        file, line, is_built = attribute(rel, needle or url)
        found[(file, line, url, why)].append(rel)
        if is_built:
            built_only.add(file)

    for path in sorted(site_dir.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in (".html", ".htm", ".svg", ".css", ".js", ".mjs"):
            continue
        rel = path.relative_to(site_dir).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for url, why in _loads(rel, text):
            if _is_off_host(url, own):
                add(rel, url, why)
        # The JavaScript guards above hold only while no page re-enables the GitHub facts fetch.
        if suffix in (".html", ".htm") and GUARD in text:
            add(rel, GUARDED_FETCH, GUARD_WHY, needle=GUARD)
    findings = []
    for (file, line, url, why), rels in found.items():
        guard = why == GUARD_WHY
        findings.append(
            Finding(
                file,
                url,
                why,
                line,
                pages=() if file in built_only else tuple(rels),
                fix=GUARD_FIX if guard else FIX,
                note="" if line or guard else NOT_WRITTEN,
            )
        )
    return findings


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site")
    findings = scan(site)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} off-host request(s) found in {site}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
