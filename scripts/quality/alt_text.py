"""Every content image of the built site says what it shows, for readers who cannot see it.

``![](x.png)`` publishes ``alt=""`` without a warning, nbconvert gives a notebook plot a
stock sentence, and a snippet figure without a title is labelled only with its file. This
reads the built pages and fails each content image whose text alternative is:

- missing or empty (or only whitespace);
- a file name (``x.png``, or the image's own file name);
- only generic words: "image", "png", "figure", "chart", nbconvert's "No description has
  been provided for this image", a snippet figure's bare "Figure from snippets/x.py (s)".

Content images are ``<img>`` and ``<svg role="img">`` (the knowledge-base charts; their
text is ``aria-label``, the elements ``aria-labelledby`` names, or their ``<title>``) inside
the page's ``<article>``: Material puts a page's Markdown and a notebook's cells there, and
its header, navigation and footer (the logo, the repository and palette icons) outside it.
Those are the theme's decoration, the same on every page, not something a page shows.

Each problem names the file to edit: the page's ``docs/...md`` with the line that names
the image where it can be found, the notebook's ``notebooks/x.py``, or the snippet a
figure comes from.

CLI: ``python -m scripts.quality.alt_text SITE_DIR`` prints one line per problem.
"""

from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from scripts.quality.site_sources import Layout, line_of

CONTENT_TAG = "article"
IMAGE_FILE = re.compile(r"^\S+\.(?:png|jpe?g|gif|svg|webp|avif|bmp|ico)$", re.I)
# File names and "(section)" labels say where an image came from, not what it shows.
ORIGIN = re.compile(r"\S+\.(?:png|jpe?g|gif|svg|webp|avif|bmp|py|ipynb|md)\b|\([^)]*\)", re.I)
GENERIC_WORDS = set(
    """image images img picture pic photo photograph figure fig chart graph plot diagram
    screenshot screen shot icon logo illustration png jpg jpeg gif svg webp alt text untitled
    placeholder todo tbd description no has been provided for this a an the of from here below
    above see""".split()
)
# scripts/pipeline/snippet_worker.py labels a snippet's figure "Figure from <file> (<section>)",
# followed by the figure's titles when it has any.
SNIPPET_FIGURE = re.compile(r"^Figure from (?P<file>snippets/\S+\.py)")


def why_not_meaningful(alt: str | None, src: str = "") -> str | None:
    """Why ``alt`` does not describe an image (None when it may)."""
    if alt is None:
        return "no alt text"
    text = " ".join(alt.split())
    if not text:
        return 'empty alt text (alt="")'
    name = PurePosixPath(unquote(urlsplit(src).path)).name.lower() if not src.startswith("data:") else ""
    if IMAGE_FILE.match(text) or (name and text.lower() in (name, PurePosixPath(name).stem)):
        return f'a file name for alt text ("{text}")'
    words = re.findall(r"[^\W\d_]+", ORIGIN.sub(" ", text).lower())
    if all(word in GENERIC_WORDS for word in words):
        return f'placeholder alt text ("{text}")'
    return None


@dataclass(frozen=True)
class Image:
    src: str  # "inline SVG" for an <svg role="img">
    alt: str | None


@dataclass(frozen=True)
class Problem:
    file: str  # the file to edit, else the built page
    line: int | None
    image: str
    why: str
    page: str  # the built page
    fix: str

    def __str__(self) -> str:
        at = f" line {self.line}" if self.line else ""
        return f"{self.file}{at}: image {self.image} has {self.why} (built into {self.page}) — {self.fix}"


@dataclass
class _Svg:
    """An <svg role="img"> in the content, until its name can be worked out."""

    label: str | None  # aria-label
    labelledby: list[str]  # ids of the elements whose text names it
    title: str | None = None  # its first <title>


class _ContentImages(HTMLParser):
    """The images inside <article>, with the text a screen reader would read for each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Image | _Svg] = []
        self._article = 0  # open <article>s
        self._svgs: list[_Svg | None] = []  # open <svg>s; an _Svg for a content image
        self._text_of: dict[str, str] = {}  # id -> text of a <title> or <desc>
        self._reading: list[tuple[str | None, _Svg | None, list[str]]] = []  # open <title>/<desc>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == CONTENT_TAG:
            self._article += 1
        elif tag == "img" and self._article:
            self.found.append(Image(a.get("src", ""), a.get("alt")))
        elif tag == "svg":
            svg = None
            if self._article and a.get("role", "").lower() == "img":
                svg = _Svg(a.get("aria-label"), a.get("aria-labelledby", "").split())
                self.found.append(svg)
            self._svgs.append(svg)
        elif tag in ("title", "desc") and self._svgs:
            owner = self._svgs[-1] if tag == "title" else None
            self._reading.append((a.get("id"), owner if owner and owner.title is None else None, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == CONTENT_TAG and self._article:
            self._article -= 1
        elif tag == "svg" and self._svgs:
            self._svgs.pop()
        elif tag in ("title", "desc") and self._reading:
            element_id, owner, parts = self._reading.pop()
            if element_id:
                self._text_of[element_id] = "".join(parts)
            if owner is not None:
                owner.title = "".join(parts)

    def handle_data(self, data: str) -> None:
        if self._reading:
            self._reading[-1][2].append(data)

    def images(self) -> list[Image]:
        """Each image with its text alternative, by the accessible-name order of precedence."""
        images = []
        for found in self.found:
            if isinstance(found, _Svg):
                named = (
                    " ".join(self._text_of.get(i, "") for i in found.labelledby) if found.labelledby else None
                )
                found = Image(
                    "inline SVG", next((t for t in (found.label, named, found.title) if t is not None), None)
                )
            images.append(found)
        return images


def content_images(html: str) -> list[Image]:
    parser = _ContentImages()
    parser.feed(html)
    parser.close()
    return parser.images()


def _shown(src: str, page: str) -> str:
    """The image as a message names it: its path in the site, or the kind of an inline one."""
    if src.startswith("data:"):
        return src.split(",")[0].split(";")[0] + ",…"
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path or src == "inline SVG":
        return src
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))).lstrip("/")


def site_images(site_dir: Path) -> list[tuple[str, Image]]:
    """Every content image of the built site, with the page (relative to the site) it is on."""
    return [
        (path.relative_to(site_dir).as_posix(), image)
        for path in sorted(site_dir.rglob("*.html"))
        for image in content_images(path.read_text(encoding="utf-8", errors="replace"))
    ]


def problems(images: list[tuple[str, Image]], layout: Layout | None = None) -> list[Problem]:
    """The images whose alt text does not say what they show, each naming the file to edit."""
    layout = layout or Layout.from_config()
    found: list[Problem] = []
    for rel, image in images:
        why = why_not_meaningful(image.alt, image.src)
        if why is None:
            continue
        source = layout.source_of(rel)
        file, line = (source.shown, None) if source else (rel, None)
        fix = "give it an alt attribute that says what it shows"
        if snippet := SNIPPET_FIGURE.match(image.alt or ""):
            file = snippet["file"]
            fix = "give the figure a title that says what it shows (plt.title or fig.suptitle); it becomes the alt text"
        elif file.endswith(".md"):
            name = PurePosixPath(unquote(urlsplit(image.src).path)).name
            if source and source.path and name and not image.src.startswith("data:"):
                line = line_of(source.path, [name])
            fix = "write what it shows between the brackets: ![Bar chart of median pay by role](...)"
        elif file.endswith(".py"):
            fix = 'say what the plot shows on its cell\'s marker line: # %% alt="..."'
        found.append(Problem(file, line, _shown(image.src, rel), why, rel, fix))
    return found


def check(site_dir: Path, layout: Layout | None = None) -> list[Problem]:
    """Every content image of the built site without alt text that says what it shows."""
    return problems(site_images(site_dir), layout)


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site")
    problems = check(site)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} content image(s) without meaningful alt text in {site}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
