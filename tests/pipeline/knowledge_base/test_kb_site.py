"""The real knowledge base against the real site: data loads, every directive resolves, every file is used."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from kb_helpers import BUILD_YEAR, copy_fixture

from scripts.pipeline import directives
from scripts.pipeline.knowledge_base import (
    CHART_DATASETS,
    TABLE_DATASETS,
    downloads,
    load,
    render_chart,
    render_table,
)
from scripts.pipeline.knowledge_base.load import ROOT
from scripts.pipeline.knowledge_base.schema import DATASETS

DOCS = ROOT / "docs"


def site_directives() -> list[directives.Directive]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        rel = page.relative_to(DOCS).as_posix()
        found += [
            d for d in directives.find(page.read_text(encoding="utf-8"), rel) if d.kind in ("table", "chart")
        ]
    return found


@pytest.fixture(scope="module")
def kb():
    return load()


def render(kb, directive: directives.Directive) -> str:
    if directive.kind == "table":
        return render_table(kb, directive.name, page=directive.page, **directive.args)
    return render_chart(kb, directive.name, page=directive.page)


def test_repository_data_loads_cleanly(kb):
    assert all(kb.records[name] for name in DATASETS), "every data file has entries"


def test_every_table_and_chart_directive_in_docs_resolves(kb):
    failures = []
    for directive in site_directives():
        try:
            render(kb, directive)
        except Exception as exc:
            failures.append(f"{directive.where}: {directive.kind} {directive.name} {directive.args}: {exc}")
    assert not failures, "\n".join(failures)


def test_every_data_file_is_used_by_at_least_one_page():
    used: set[str] = set()
    for directive in site_directives():
        mapping = TABLE_DATASETS if directive.kind == "table" else CHART_DATASETS
        used |= set(mapping.get(directive.name, ()))
    unused = set(DATASETS) - used
    assert not unused, f"no page shows data from: {', '.join(sorted(unused))}; add a table or chart directive"


def test_table_and_chart_dataset_maps_cover_every_name():
    from scripts.pipeline.knowledge_base import CHART_NAMES, TABLE_NAMES

    assert set(TABLE_DATASETS) == set(TABLE_NAMES)
    assert set(CHART_DATASETS) == set(CHART_NAMES)


def test_downloads_page_links_every_download(kb):
    page = "about-data/downloads.md"
    text = "\n".join(
        render(kb, d)
        for d in site_directives()
        if d.page == page and d.kind == "table" and d.name == "datasets"
    )
    linked = {f"downloads/{name}" for name in re.findall(r"\]\(\.\./downloads/([^)]+)\)", text)}
    assert linked == set(downloads(kb)), f"docs/{page} must show the datasets table with every download"


def test_sources_page_anchors_every_source(kb):
    text = render_table(kb, "sources", page="about-data/sources.md")
    missing = [s.id for s in kb.items("sources") if f'<span id="{s.id}"></span>' not in text]
    assert not missing


def test_every_figure_links_to_an_anchor_on_the_sources_page(kb):
    anchors = {s.id for s in kb.items("sources")}
    for directive in site_directives():
        for anchor in re.findall(r"about-data/sources\.md#([a-z0-9-]+)", render(kb, directive)):
            assert anchor in anchors, (directive.where, anchor)


# --- command line -----------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.pipeline.knowledge_base", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def fixture_args(fixture) -> list[str]:
    return [
        "--data-dir",
        str(fixture.data),
        "--docs-dir",
        str(fixture.root / "docs"),
        "--snippets-dir",
        str(fixture.root),
        "--build-year",
        str(BUILD_YEAR),
    ]


def test_cli_check_passes_on_the_repository():
    result = cli("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Knowledge base OK: ")


def test_cli_check_fails_with_every_message(tmp_path):
    fixture = copy_fixture(tmp_path)
    fixture.replace("salaries.csv", ",,150000,250000,", ",,250000,150000,")
    fixture.replace("questions.yaml", "related_page: practices.md", "related_page: nowhere.md")
    result = cli("check", *fixture_args(fixture))
    assert result.returncode == 1
    assert result.stderr.startswith("2 problem(s) in the knowledge base:\n")
    assert "low 250000 is above high 150000" in result.stderr
    assert "related_page 'nowhere.md' does not exist" in result.stderr


def test_cli_stale_lists_old_figures(tmp_path):
    fixture = copy_fixture(tmp_path)
    result = cli("stale", *fixture_args(fixture))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2 figure(s) with a data year before 2022 (build year 2025):",
        "  data/salaries.csv:6  vendor-old-average  data year 2019  (ML engineer, average, pay type not stated: "
        "EUR 90,000, Global; source seed-vendor)",
        "  data/market.csv:4  vendor-decline  data year 2020  (Backend openings: down 14%; source seed-vendor)",
    ]
