"""Every URL an HTML (or SVG) document links to or loads, found once for every check.

The link report (link_report.py) resolves them; the offline check (offline_check.py) looks
for other hosts among those a browser fetches by itself. Both read the same list, so a kind
of URL the walker learns is checked by both.

Found: ``href``/``xlink:href`` (``<a>``, ``<area>``, ``<link>``, SVG ``<image>``, ``<use>``,
``<feImage>``), ``src``, ``srcset``, ``poster``, ``data`` and ``background`` on any element,
``<form action>`` and ``formaction``, ``<meta http-equiv=refresh>``, CSS ``url()`` and
``@import`` in ``<style>`` and ``style=``, and the page's ``<base href>``.

Each URL says how the browser uses it:

- ``click``: fetched only when the reader follows it (links, canonical/alternate ``<link>``);
- ``load``: fetched while the page loads (images, scripts, stylesheets, preloads, CSS
  ``url()``, a meta refresh);
- ``connect``: a connection opened ahead of time (``preconnect``, ``dns-prefetch``): no
  document to check, but the other host still sees the reader.

The parser is the standard library's ``html.parser`` (no dependency); CSS is read with
two regular expressions, enough for the ``url()`` and ``@import`` forms CSS allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

Use = Literal["click", "load", "connect"]

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""", re.I)
META_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'"\s]+)""", re.I)
# <link rel> values that make the browser fetch the href while the page loads.
FETCHING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
    "preload",
    "prefetch",
    "modulepreload",
    "prerender",
}
CONNECTING_RELS = {"preconnect", "dns-prefetch"}
LOADING_ATTRS = ("src", "poster", "data", "background")  # on any element
SVG_HREF_TAGS = {"image", "use", "feimage"}  # html.parser lowercases feImage


@dataclass(frozen=True)
class Url:
    url: str
    where: str  # how the page refers to it, e.g. "<img srcset>", "<style> url()"
    use: Use


@dataclass
class Document:
    urls: list[Url] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # element ids and <a name>s: fragment targets
    base: str | None = None  # the first <base href>


def css_urls(css: str, where: str = "CSS") -> list[Url]:
    """The URLs a stylesheet loads: ``url()`` and ``@import``."""
    return [Url(u, f"{where} url()", "load") for u in CSS_URL.findall(css)] + [
        Url(u, f"{where} @import", "load") for u in CSS_IMPORT.findall(css)
    ]


def srcset_urls(srcset: str) -> list[str]:
    """The URL of each ``srcset`` candidate (``a.png 1x, b.png 2x``)."""
    return [c.strip().split()[0] for c in srcset.split(",") if c.strip()]


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Document()
        self._in_style = False

    def _add(self, url: str | None, where: str, use: Use) -> None:
        if url and url.strip():
            self.doc.urls.append(Url(url.strip(), where, use))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v for k, v in attrs if v is not None}
        if "id" in a:
            self.doc.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.doc.ids.add(a["name"])
        href = a.get("href") or a.get("xlink:href")
        if tag == "base":
            if self.doc.base is None and a.get("href"):
                self.doc.base = a["href"].strip()
        elif tag == "link":
            rels = set(a.get("rel", "").lower().split())
            use: Use = "load" if rels & FETCHING_RELS else "connect" if rels & CONNECTING_RELS else "click"
            self._add(a.get("href"), f"<link rel={a.get('rel', '')}>", use)
        elif tag in ("a", "area"):
            self._add(href, f"<{tag} href>", "click")
        elif tag in SVG_HREF_TAGS:
            self._add(href, f"<{tag} href> in inline SVG", "load")
        elif tag == "form":
            self._add(a.get("action"), "<form action>", "click")
        elif tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            match = META_REFRESH_URL.search(a.get("content", ""))
            self._add(match and match[1], "<meta refresh>", "load")
        for attr in LOADING_ATTRS:
            self._add(a.get(attr), f"<{tag} {attr}>", "load")
        for url in srcset_urls(a.get("srcset", "")):
            self._add(url, f"<{tag} srcset>", "load")
        self._add(a.get("formaction"), f"<{tag} formaction>", "click")
        if a.get("style"):
            self.doc.urls += css_urls(a["style"], "inline style")
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False  # <style/> has no content

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.doc.urls += css_urls(data, "<style>")


def walk(html: str) -> Document:
    """The URLs, ids and base of one HTML or SVG document."""
    walker = _Walker()
    walker.feed(html)
    walker.close()
    return walker.doc
