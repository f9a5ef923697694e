"""Every page carries the metadata readers and search engines see, in its own words."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
SEED_OVERLAP = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


def front_matter(rel: str) -> dict:
    text = (DOCS / rel).read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    block = text[4 : text.index("\n---", 4)]
    try:
        return yaml.safe_load(block) or {}
    except yaml.YAMLError as exc:
        pytest.fail(f"docs/{rel}: front matter is not valid YAML (quote values that contain ': '):\n{exc}")


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
