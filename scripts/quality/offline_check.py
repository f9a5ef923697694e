"""Find anything in a built site that a browser would fetch from another host.

The site must work offline and respect readers' privacy: no web fonts, CDN scripts,
stylesheets, images or analytics from elsewhere. Outbound ``<a href>`` links are fine
(nothing is fetched until a reader clicks), and so are canonical/alternate links.

Checked: HTML attributes that load things (src, srcset, poster, data, <link href> for
stylesheets, icons, preloads and preconnects, inline ``style`` and ``<style>`` url()s),
CSS ``url()`` and ``@import``, SVG ``href``, and absolute URL literals in our JavaScript.
Vendored third-party libraries (docs/assets/vendor/) are not scanned for literals: their
error messages mention URLs they never fetch; the browser tests watch real requests.

CLI: ``python -m scripts.quality.offline_check site/`` prints one line per finding.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""", re.I)
JS_URL = re.compile(r"""["'`](https?://[^"'`\s]+)""")
# <link rel=...> values that make the browser fetch or connect.
FETCHING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
    "prerender",
}
# Absolute URL literals in JavaScript that are never requests: XML namespaces, licence and
# documentation links in comments or messages. Anything else in our JS is a finding.
INERT_JS_URLS = re.compile(
    r"^https?://(www\.w3\.org/|lunrjs\.com|tartarus\.org/|bit\.ly/2s3ChXG|clipboardjs\.com/|"
    r"fontawesome\.com)"
)
# Material fetches repository facts only from elements with data-md-component="source"
# (removed by overrides/partials/source.html), and the ResizeObserver polyfill only in
# browsers without ResizeObserver. Both are checked below, not simply ignored.
MATERIAL_GUARDED = {
    "https://api.github.com/": 'data-md-component="source"',
    "https://unpkg.com/resize-observer-polyfill": None,
    "https://${": 'data-md-component="source"',  # GitLab facts, same guard
}
VENDOR_PREFIX = "assets/vendor/"


@dataclass(frozen=True)
class Finding:
    file: str
    url: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}: {self.url} ({self.why})"


def _is_off_host(url: str, own_hosts: set[str]) -> bool:
    url = url.strip()
    if not ABSOLUTE.match(url):
        return False  # relative, data:, blob:, mailto:, javascript: ... never another host
    host = re.sub(r"^(?:[a-z][a-z0-9+.-]*:)?//", "", url, flags=re.I).split("/")[0].split(":")[0].lower()
    return host not in own_hosts


class _Loads(HTMLParser):
    """Collect (url, why) pairs for everything an HTML page loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & FETCHING_RELS and a.get("href"):
                self.loads.append((a["href"], f"<link rel={a.get('rel')}>"))
        elif tag == "a":
            pass  # outbound links are fine
        else:
            for attr in ("src", "poster", "data", "background"):
                if a.get(attr):
                    self.loads.append((a[attr], f"<{tag} {attr}>"))
            if tag in ("img", "source") and a.get("srcset"):
                for candidate in a["srcset"].split(","):
                    if candidate.strip():
                        self.loads.append((candidate.strip().split()[0], f"<{tag} srcset>"))
            if tag in ("image", "use", "feimage") and (a.get("href") or a.get("xlink:href")):
                self.loads.append((a.get("href") or a["xlink:href"], f"<{tag} href> in inline SVG"))
            if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
                self.loads.append((a.get("content", "").partition("url=")[2], "<meta refresh>"))
        if a.get("style"):
            self.loads.extend((u, "inline style url()") for u in CSS_URL.findall(a["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.loads.extend((u, "<style> url()") for u in CSS_URL.findall(data))
            self.loads.extend((u, "<style> @import") for u in CSS_IMPORT.findall(data))


def scan(site_dir: Path, own_hosts: set[str] | None = None) -> list[Finding]:
    """Every off-host load in the built site. ``own_hosts`` defaults to none."""
    own = {h.lower() for h in (own_hosts or set())}
    findings: list[Finding] = []
    html_texts: list[str] = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site_dir).as_posix()
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm", ".svg"):
            text = path.read_text(encoding="utf-8", errors="replace")
            html_texts.append(text)
            parser = _Loads()
            parser.feed(text)
            findings += [Finding(rel, u, why) for u, why in parser.loads if _is_off_host(u, own)]
        elif suffix == ".css":
            text = path.read_text(encoding="utf-8", errors="replace")
            for pattern, why in ((CSS_URL, "CSS url()"), (CSS_IMPORT, "CSS @import")):
                findings += [Finding(rel, u, why) for u in pattern.findall(text) if _is_off_host(u, own)]
        elif suffix in (".js", ".mjs") and not rel.startswith(VENDOR_PREFIX):
            text = path.read_text(encoding="utf-8", errors="replace")
            for url in JS_URL.findall(text):
                if not _is_off_host(url, own) or INERT_JS_URLS.match(url):
                    continue
                guarded = next((g for g in MATERIAL_GUARDED if url.startswith(g)), None)
                if guarded is not None:
                    continue
                findings.append(Finding(rel, url, "absolute URL in JavaScript"))
    # The guards above hold only while no page re-enables the GitHub facts fetch.
    for url, marker in MATERIAL_GUARDED.items():
        if marker and any(marker in text for text in html_texts):
            findings.append(
                Finding("(some page)", url, f"a page contains {marker}, which makes Material fetch it")
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
