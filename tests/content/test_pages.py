"""Every page carries the metadata readers and search engines see, in its own words."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from conftest import ROOT
from scripts.pipeline import source_files

DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
SEED_OVERLAP = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


def front_matter(rel: str) -> dict:
    """The page's metadata, read as the build reads it (scripts/pipeline/source_files.py)."""
    try:
        return source_files.front_matter(
            source_files.read_text(DOCS / rel, f"docs/{rel}"), f"docs/{rel}"
        ).meta
    except source_files.SourceFileError as exc:
        pytest.fail(str(exc))


@pytest.mark.parametrize("rel", PAGES)
def test_page_has_front_matter(rel):
    meta = front_matter(rel)
    missing = [key for key in ("title", "description", "tags", "last_reviewed") if not meta.get(key)]
    assert not missing, f"docs/{rel}: front matter lacks {missing}"
    assert 50 <= len(meta["description"]) <= 170, (
        f"docs/{rel}: description is {len(meta['description'])} characters; search results show about 160, "
        "so write one sentence of 50-170"
    )
    assert isinstance(meta["tags"], list), f"docs/{rel}: tags must be a list"
    reviewed = meta["last_reviewed"]
    assert isinstance(reviewed, dt.date), f"docs/{rel}: last_reviewed must be a date like 2026-11-21"
    assert reviewed <= dt.date.today(), f"docs/{rel}: last_reviewed {reviewed} is in the future"


@pytest.mark.skipif(
    not SEED_OVERLAP.exists(), reason="../shared/tools/seed_overlap.py is not beside the repo"
)
def test_no_page_borrows_wording_from_the_seed_documents():
    proc = subprocess.run(
        [sys.executable, str(SEED_OVERLAP), "docs/"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, "Rewrite these passages in your own words:\n" + proc.stdout[-4000:]
