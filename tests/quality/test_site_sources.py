"""A built file maps back to the file a contributor edits (scripts/quality/site_sources.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.quality.site_sources import Layout


@pytest.mark.build
def test_every_page_of_the_built_site_maps_back_to_its_source(site_dir):
    layout = Layout.from_config()
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    sources = {rel: layout.source_of(rel) for rel in pages}
    assert not [rel for rel, source in sources.items() if source is None], "built pages with no source"
    shown = {source.shown for source in sources.values() if source}
    # Every Markdown page and every notebook is one built page: the mapping is one to one.
    expected = {p.relative_to(layout.root).as_posix() for p in (layout.root / layout.docs_dir).rglob("*.md")}
    expected |= {
        p.relative_to(layout.root).as_posix() for p in (layout.root / layout.notebooks_dir).glob("*.py")
    }
    assert expected <= shown, f"sources no built page maps to: {sorted(expected - shown)}"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_the_layout_follows_docs_dir_and_custom_dir_of_mkdocs_yml(tmp_path):
    config = "docs_dir: content\ntheme:\n  name: material\n  custom_dir: theme\nx: !!python/name:a.b\n"
    write(tmp_path, {"mkdocs.yml": config, "content/faq.md": "# FAQ\n", "theme/404.html": "x"})
    layout = Layout.from_config(tmp_path)
    assert (layout.docs_dir, layout.theme_dir) == ("content", "theme")
    assert layout.source_of("faq/index.html").shown == "content/faq.md"
    assert layout.source_of("404.html").shown == "theme/404.html"
    assert layout.source_of("downloads/roles.csv") is None  # written by the build: no source


def test_a_theme_file_nobody_overrides_is_named_as_the_themes(tmp_path):
    write(tmp_path, {"mkdocs.yml": "theme:\n  name: material\n"})
    assert Layout.from_config(tmp_path).source_of("404.html").shown == "the Material theme's 404.html"
