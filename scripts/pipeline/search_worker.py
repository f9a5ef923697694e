"""Pages load the site's own search worker, and it can find Material's.

overrides/main.html points the search URL in each page's ``__config`` at
``assets/javascripts/workers/ranked-search.js?v=<version>&material=<Material's worker>`` by
replacing text in Material's template. If a Material release renames its worker, that
replace stops matching and pages would silently go back to Material's ranking; if the named
worker is not in the built site, search would break. Both stop the build here, naming what
to change.

``v`` is a digest of our two search scripts (:func:`version`, put in ``config.extra`` by the
hook for the template). Browsers cache both for as long as the host says; a new ``v`` after
an edit makes them fetch the new pair together (the worker passes ``v`` on to the ranking
script), where a stale one of two could otherwise run with a fresh other.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from scripts import ROOT

OURS = "ranked-search.js"
SCRIPTS = ROOT / "overrides" / "assets" / "javascripts"
SOURCES = (SCRIPTS / "workers" / OURS, SCRIPTS / "search-ranking.js")
VERSION_KEY = "search_worker_version"  # the key in mkdocs.yml's `extra` the template reads
CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)
WORKERS = Path("assets") / "javascripts" / "workers"


class SearchWorkerError(ValueError):
    """A page or the built site does not load the site's search worker as it should."""


def version(sources: tuple[Path, ...] = SOURCES) -> str:
    """A short digest of the search scripts' contents."""
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def material_worker(html: str, where: str, expected_version: str) -> str | None:
    """The file name of Material's worker that a page's search worker loads, or None when
    the page has no search configuration (Material writes one into every page)."""
    found = CONFIG.search(html)
    if found is None:
        return None
    url = json.loads(found[1]).get("search")
    if not isinstance(url, str):
        raise SearchWorkerError(f"{where}: the page's __config has no search worker URL")
    parts = urlsplit(url)
    if not parts.path.endswith(f"/workers/{OURS}"):
        raise SearchWorkerError(
            f"{where}: search uses {url}, not {OURS}; the replace in overrides/main.html "
            "(block config) no longer matches Material's template: update it"
        )
    query = parse_qs(parts.query)
    if query.get("v") != [expected_version]:
        raise SearchWorkerError(
            f"{where}: {url} carries v={','.join(query.get('v', [])) or '(none)'}, not the search "
            f"scripts' digest {expected_version}; the template reads it from config.extra.{VERSION_KEY}"
        )
    names = query.get("material", [])
    if len(names) != 1 or not re.fullmatch(r"search\.[0-9a-f]+\.min\.js", names[0]):
        raise SearchWorkerError(
            f"{where}: {url} does not name Material's worker as ?material=search.<hash>.min.js"
        )
    return names[0]


def check_site(site_dir: Path, names: set[str]) -> None:
    """Every worker the pages named, and ours, are files of the built site."""
    for name in sorted(names | {OURS}):
        if not (site_dir / WORKERS / name).is_file():
            raise SearchWorkerError(
                f"{WORKERS / name} is not in the built site, so search would not start: "
                "check overrides/assets/javascripts/workers/ and Material's release notes"
            )
