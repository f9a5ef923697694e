"""Move a rendered notebook's inline stylesheets and images into files of their own.

Stylesheets. mkdocs-jupyter inlines JupyterLab's stylesheets into every notebook page: 590 KB of CSS,
identical on each page, re-sent with every page and never cached (a third of the
price-prediction page's transferred bytes, and the reason its first paint came last).
This takes those stylesheet-sized ``<style>`` blocks out, in order, and puts one
``<link rel="stylesheet">`` where the first one was. The caller writes the CSS to a file
named by its content hash, so pages with the same styles share one file, and a changed
stylesheet gets a new name instead of a stale cached copy.

Small ``<style>`` blocks (a notebook output's own styling, such as a styled DataFrame)
stay where they are: they belong to the output.

Images. Plots arrive as base64 ``data:`` URIs, about 100 KB per notebook that cannot be
compressed and that the browser must download before the first paint. Moved into PNG
files named by content hash, with their width and height (so nothing shifts when they
arrive) and ``loading="lazy"``, they cost nothing until the reader scrolls to them.

Search. Each code cell is on the page twice: highlighted, and as the hidden plain text
its copy button copies. Both went into the search index (73 KB of its 852 KB), which
every page loads and parses at start-up. The hidden copy is marked
``data-search-exclude``, which Material's search plugin skips.

Alt text. nbconvert gives every plot the same placeholder alt text. A plotting cell
declares its own (``# %% alt="..."``); scripts/pipeline/notebooks.py writes it into the PNG as its
``Description`` and refuses a plot without one, and the text becomes the image's alt here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
import zlib
from collections.abc import Callable
from html import escape

COPY_TEXT = re.compile(r'<div(?P<attrs>\s[^>]*\bclass="clipboard-copy-txt"[^>]*)>')
STYLE = re.compile(r"<style(?:\s[^>]*)?>(?P<css>.*?)</style>\s*", re.S)
MIN_BYTES = 1000  # stylesheet-sized; output styles are a few hundred bytes


def exclude_copy_text_from_search(html: str) -> str:
    """Mark the hidden copy-button text of each code cell so search skips the duplicate."""
    return COPY_TEXT.sub(
        lambda m: m[0] if "data-search-exclude" in m["attrs"] else f"<div{m['attrs']} data-search-exclude>",
        html,
    )


def extract_styles(html: str, href: Callable[[str], str]) -> tuple[str, str]:
    """Return (html with its large <style> blocks replaced by one link, their CSS).

    ``href`` maps the CSS to the URL the link points at (the caller writes the file there).
    When there is no such block the HTML comes back unchanged, with "" for the CSS.
    """
    blocks = [m for m in STYLE.finditer(html) if len(m["css"]) >= MIN_BYTES]
    if not blocks:
        return html, ""
    css = "\n".join(m["css"].strip() for m in blocks) + "\n"
    link = f'<link rel="stylesheet" href="{escape(href(css))}">\n'
    pieces, position = [], 0
    for i, match in enumerate(blocks):
        pieces += [html[position : match.start()], link if i == 0 else ""]
        position = match.end()
    pieces.append(html[position:])
    return "".join(pieces), css


def file_name(css: str) -> str:
    """A content-addressed name, e.g. notebook.3f2a9c1e.css."""
    return f"notebook.{hashlib.sha256(css.encode()).hexdigest()[:8]}.css"


PNG_IMG = re.compile(
    r'<img(?P<before>[^>]*?)\ssrc="data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]+)"(?P<after>[^>]*)>'
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotebookImageError(ValueError):
    """An embedded image that is not the PNG it claims to be."""


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise NotebookImageError("embedded image/png is not a PNG")
    return struct.unpack(">II", data[16:24])


def _chunks(data: bytes):
    """(offset, type, body) of each chunk after the signature."""
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        yield offset, kind, data[offset + 8 : offset + 8 + length]
        offset += 12 + length


def with_description(data: bytes, text: str) -> bytes:
    """The PNG with an iTXt ``Description`` chunk (UTF-8) right after its header."""
    png_size(data)
    body = b"Description\x00\x00\x00\x00\x00" + text.encode("utf-8")
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    header_end = len(PNG_SIGNATURE) + 8 + 13 + 4  # signature, IHDR length+type, IHDR body, CRC
    return data[:header_end] + chunk + data[header_end:]


def description(data: bytes) -> str | None:
    """The PNG's ``Description`` text (iTXt or tEXt), if it has one."""
    for _offset, kind, body in _chunks(data):
        if kind == b"iTXt" and body.startswith(b"Description\x00"):
            rest = body[len(b"Description\x00") :]
            if rest[:1] == b"\x00":  # uncompressed
                _lang, _translated, text = rest[2:].split(b"\x00", 2)
                return text.decode("utf-8")
        if kind == b"tEXt" and body.startswith(b"Description\x00"):
            return body[len(b"Description\x00") :].decode("latin-1")
        if kind == b"IDAT":
            return None
    return None


ALT = re.compile(r'\salt="[^"]*"')


def extract_images(html: str, src: Callable[[bytes], str]) -> tuple[str, list[bytes]]:
    """Return (html with each embedded PNG pointing at a file, the PNGs' bytes).

    ``src`` maps a PNG's bytes to the URL its <img> should load (the caller writes it).
    """
    images: list[bytes] = []

    def move(match: re.Match[str]) -> str:
        try:
            data = base64.b64decode(match["data"], validate=False)
        except binascii.Error as exc:
            raise NotebookImageError(f"embedded image/png is not valid base64: {exc}") from None
        width, height = png_size(data)
        images.append(data)
        before, after = match["before"], match["after"]
        text = description(data)
        if text is not None:
            alt = f' alt="{escape(text)}"'
            before, after = ALT.sub("", before), ALT.sub("", after)
            before = alt + before
        attrs = before + after
        size = "" if re.search(r"\s(?:width|height)=", attrs) else f' width="{width}" height="{height}"'
        return f'<img{before} src="{escape(src(data))}"{size} loading="lazy"{after}>'

    return PNG_IMG.sub(move, html), images


def image_name(data: bytes) -> str:
    """A content-addressed name, e.g. 3f2a9c1e5b7d.png."""
    return f"{hashlib.sha256(data).hexdigest()[:12]}.png"
