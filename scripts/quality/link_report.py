"""Check every internal link of a built site and list its external ones.

Every URL a page of the built site links to or loads (found by html_urls.py: ``href``,
``src``, ``srcset``, CSS ``url()`` ...; not ``preconnect`` origins) is resolved against the
page's own URL as a browser would, then:

- internal (relative, ``/guide/...``, or the site's own ``site_url``): the target file must
  exist in the built site (``dir/`` means ``dir/index.html``), and a ``#fragment`` on an
  HTML target must name an element ``id`` (or ``<a name>``) of that page;
- external (any other host): listed with the pages that use it, never fetched.

``mailto:``, ``tel:``, ``javascript:`` and ``data:`` URLs, empty and bare ``#`` hrefs, text
fragments (``#:~:text=``) and Material's client-side templates (``{...}`` placeholders) are
not links to check.

CLI: ``python -m scripts.quality.link_report SITE_DIR [--site-url URL]`` prints the broken links
(page, link, why), the external URLs with the pages that use them, and a summary; it exits
1 when any internal link is broken.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from scripts.quality.html_urls import Document, walk
from scripts.quality.local_site import site_url_from_config

SKIPPED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about"}


@dataclass(frozen=True)
class Broken:
    page: str
    link: str
    why: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link} ({self.why})"


@dataclass
class Report:
    site_dir: Path
    pages: int = 0
    internal: int = 0  # internal link occurrences checked
    internal_targets: set[str] = field(default_factory=set)  # distinct resolved targets
    broken: list[Broken] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def summary(self) -> str:
        return (
            f"{self.pages} pages, {self.internal} internal links checked "
            f"({len(self.internal_targets)} distinct targets), {len(self.broken)} broken, "
            f"{len(self.external)} external URLs listed (not fetched)"
        )


def _page_url(rel: str, prefix: str) -> str:
    """The URL path a built file is served at, e.g. ``skills/index.html`` -> ``/guide/skills/``."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return prefix + rel


def _target_file(site_dir: Path, rel_path: str) -> Path | None:
    """The built file a site-relative URL path serves, or None."""
    candidate = site_dir / rel_path
    if rel_path == "" or rel_path.endswith("/"):
        candidate = candidate / "index.html"
    elif candidate.is_dir():
        candidate = candidate / "index.html"  # GitHub Pages redirects dir -> dir/
    return candidate if candidate.is_file() else None


def check(site_dir: Path, site_url: str | None = None) -> Report:
    """Resolve every internal link of the built site; list the external ones."""
    site_dir = Path(site_dir)
    site_url = site_url or site_url_from_config()
    parts = urlsplit(site_url)
    prefix = parts.path if parts.path.endswith("/") else parts.path + "/"
    origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else None
    report = Report(site_dir)

    parsed: dict[Path, Document] = {}

    def parse(path: Path) -> Document:
        if path not in parsed:
            parsed[path] = walk(path.read_text(encoding="utf-8", errors="replace"))
        return parsed[path]

    pages = sorted(p for p in site_dir.rglob("*.html") if p.is_file())
    report.pages = len(pages)
    for path in pages:
        rel = path.relative_to(site_dir).as_posix()
        page = parse(path)
        # A fake origin lets urljoin resolve relative URLs exactly as a browser does.
        base = "http://site.invalid" + _page_url(rel, prefix)
        if page.base:
            base = urljoin(base, page.base)
        for found in page.urls:
            if found.use == "connect":
                continue  # preconnect/dns-prefetch name an origin, not a document
            raw = found.url
            if "{" in raw or raw in ("#", ""):
                continue  # client-side template placeholder, or "top of this page"
            scheme = urlsplit(raw).scheme.lower()
            if scheme in SKIPPED_SCHEMES:
                continue
            url = raw
            if scheme in ("http", "https") or raw.startswith("//"):
                absolute = urljoin("https:", raw) if raw.startswith("//") else raw
                split = urlsplit(absolute)
                if origin and f"{split.scheme}://{split.netloc}".lower() == origin:
                    if split.path.startswith(prefix) or split.path + "/" == prefix:
                        url = split.path + (f"#{split.fragment}" if split.fragment else "")
                    else:
                        report.external[absolute].add(rel)
                        continue
                else:
                    report.external[absolute].add(rel)
                    continue
            elif scheme:
                continue  # some other scheme (e.g. urn:): nothing to resolve
            resolved = urlsplit(urljoin(base, url))
            url_path = unquote(resolved.path)
            report.internal += 1
            if not (url_path.startswith(prefix) or url_path + "/" == prefix):
                report.broken.append(Broken(rel, raw, f"outside the site's path {prefix}"))
                continue
            site_rel = url_path[len(prefix) :] if url_path.startswith(prefix) else ""
            target = _target_file(site_dir, site_rel)
            report.internal_targets.add(site_rel + (f"#{resolved.fragment}" if resolved.fragment else ""))
            if target is None:
                expected = site_rel + "index.html" if site_rel == "" or site_rel.endswith("/") else site_rel
                report.broken.append(Broken(rel, raw, f"no file {expected} in the site"))
                continue
            fragment = unquote(resolved.fragment)
            if not fragment or fragment.startswith(":~:") or target.suffix.lower() not in (".html", ".htm"):
                continue
            if fragment not in parse(target).ids:
                where = "this page" if target == path else target.relative_to(site_dir).as_posix()
                report.broken.append(Broken(rel, raw, f"no element with id '{fragment}' in {where}"))
    report.external = dict(sorted(report.external.items()))
    return report


def format_report(report: Report, *, pages_per_url: int = 3) -> str:
    lines: list[str] = []
    if report.broken:
        lines.append(f"Broken internal links ({len(report.broken)}):")
        lines += [f"  {b}" for b in report.broken]
        lines.append("")
    lines.append(f"External links ({len(report.external)} unique URLs, never fetched):")
    for url, pages in report.external.items():
        shown = sorted(pages)
        more = f" and {len(shown) - pages_per_url} more" if len(shown) > pages_per_url else ""
        lines.append(f"  {url}")
        lines.append(f"      used on {len(shown)} page(s): {', '.join(shown[:pages_per_url])}{more}")
    lines.append("")
    lines.append(report.summary())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.quality.link_report", description=__doc__.split("\n")[0]
    )
    parser.add_argument("site_dir", type=Path, help="a built site (mkdocs build --site-dir ...)")
    parser.add_argument("--site-url", help="the site's site_url (default: from mkdocs.yml)")
    parser.add_argument("--pages-per-url", type=int, default=3, help="pages to name per external URL")
    args = parser.parse_args(argv)
    if not (args.site_dir / "index.html").is_file():
        print(f"{args.site_dir} holds no built site (no index.html)", file=sys.stderr)
        return 2
    report = check(args.site_dir, args.site_url)
    print(format_report(report, pages_per_url=args.pages_per_url))
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
