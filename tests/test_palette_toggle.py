"""The colour toggle is Material's markup with our script (overrides/partials/).

The browser tests (tests/browser/test_site.py) check what it does; these check that it stays
Material's markup, so a mkdocs-material upgrade that changes the partial fails here, by name.
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from scripts import ROOT

OURS = ROOT / "overrides" / "partials" / "palette.html"
MATERIALS = Path(material.__file__).parent / "templates" / "partials" / "palette.html"


def without_comments(template: str) -> str:
    return re.sub(r"\{#-?.*?-?#\}", "", template, flags=re.DOTALL).strip()


def test_the_toggle_is_materials_markup_with_our_hook_only():
    ours = without_comments(OURS.read_text(encoding="utf-8"))
    assert "data-palette-toggle" in ours and 'data-md-component="palette"' not in ours
    # Undo the two documented changes; what is left must be Material's partial.
    undone = ours.replace("data-palette-toggle", 'data-md-component="palette"').replace(
        ' autocomplete="off"', ""
    )
    assert undone == without_comments(MATERIALS.read_text(encoding="utf-8")), (
        f"{MATERIALS} changed (a mkdocs-material upgrade?): copy it to {OURS.relative_to(ROOT)} "
        "again and re-apply the two changes its comment lists; check the script in "
        "overrides/partials/javascripts/palette.html against Material's palette component."
    )


@pytest.mark.build
def test_every_page_has_our_toggle_and_not_materials(built_site):
    assert built_site.returncode == 0, built_site.output[-5000:]
    pages = sorted(built_site.site_dir.rglob("*.html"))
    assert pages
    for html in pages:
        text = html.read_text(encoding="utf-8")
        assert 'data-md-component="palette"' not in text, html
        assert text.count("data-palette-toggle") == 2, f"{html}: the form and its script"
