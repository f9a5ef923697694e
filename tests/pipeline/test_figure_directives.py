"""Figures quoted in prose: rendered from their record by id, through the real build hook.

Each test renders a page fragment with scripts/pipeline/site_hooks.on_page_markdown (the function
MkDocs calls) over the small valid fixture in tests/pipeline/knowledge_base/fixtures, or over a
copy of it with one record changed, so the data these tests depend on never moves.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

from scripts.pipeline import directives, site_hooks
from scripts.pipeline.knowledge_base import load

FIXTURE = Path(__file__).resolve().parent / "knowledge_base" / "fixtures" / "valid"
BUILD_YEAR = 2025

PAGE = """\
# Pay

US developers reported a median of <!-- figure: salaries/office-dev-median --> (Stats Office).
Openings: <!-- figure: market/news-openings -->; backend openings were
<!-- figure: market/vendor-decline --> over <!-- figure: market/vendor-decline field=period -->.

!!! note "Small groups"
    Only <!-- figure: salaries/office-dev-median field=sample_size --> respondents.

Write `<!-- figure: market/<id> -->` to quote one.
"""


def copy_fixture(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    return root


def load_kb(root: Path = FIXTURE):
    return load(root / "data", docs_dir=root / "docs", snippets_dir=root, build_year=BUILD_YEAR)


def render(markdown: str, kb, page: str = "salaries/index.md") -> str:
    """What the build makes of ``markdown`` on ``page`` (the hook reads the knowledge base
    from its state, set in on_pre_build)."""
    saved = dict(site_hooks._state)
    site_hooks._state["kb"] = kb
    try:
        fake = SimpleNamespace(file=SimpleNamespace(src_uri=page, abs_src_path=None))
        return site_hooks.on_page_markdown(markdown, fake, None, None)
    finally:
        site_hooks._state.clear()
        site_hooks._state.update(saved)


def fails(markdown: str, kb=None, page: str = "salaries/index.md") -> str:
    with pytest.raises(PluginError) as caught:
        render(markdown, kb or load_kb(), page)
    return str(caught.value)


def test_figures_render_from_their_records_with_a_link_to_the_source():
    out = render(PAGE, load_kb())
    assert "a median of [$130,000](../about-data/sources.md#stats-office " in out
    # Read via a news report: the link goes to the document the figure was read in.
    assert "Openings: [about 129,200 openings a year](../about-data/sources.md#news-site " in out
    assert "were\n[down 14%](../about-data/sources.md#seed-vendor " in out
    assert " over Not stated." in out  # the period is plain text, not a link
    assert "    Only [1,200](../about-data/sources.md#stats-office " in out
    # The tooltip carries what was measured, where, when, the source and the status.
    assert (
        '"Software developers: Median, base pay · US · data 2024 · Stats Office 2024 · Primary source"' in out
    )
    assert (
        '"Backend openings · Unspecified · Not stated, data 2020 · Vendor article · Not found — unverified"'
        in out
    )
    # A directive shown as code is left as code, and nothing else on the page changes.
    assert "Write `<!-- figure: market/<id> -->` to quote one." in out
    assert out.count("\n") == PAGE.count("\n")


def test_changing_a_record_changes_the_rendered_page(tmp_path):
    before = render(PAGE, load_kb())
    root = copy_fixture(tmp_path)
    csv = root / "data" / "salaries.csv"
    old = "office-dev-median,backend-engineer,Software developers,all,US,USD,median,base,130000,"
    text = csv.read_text(encoding="utf-8")
    assert text.count(old) == 1
    csv.write_text(text.replace(old, old.replace("130000", "141250")), encoding="utf-8")
    market = root / "data" / "market.csv"
    text = market.read_text(encoding="utf-8")
    market.write_text(
        text.replace("vendor-decline,Backend openings,-14,", "vendor-decline,Backend openings,-9,")
    )

    after = render(PAGE, load_kb(root))

    assert "$130,000" in before and "$130,000" not in after
    assert "a median of [$141,250](" in after
    assert "[down 14%]" in before and "[down 9%](" in after
    changed = [(b, a) for b, a in zip(before.splitlines(), after.splitlines(), strict=True) if b != a]
    assert len(changed) == 2, changed  # exactly the two lines quoting the changed records


def test_an_unknown_id_fails_naming_page_line_and_close_ids():
    message = fails("# T\n\nA median of <!-- figure: salaries/office-dev-medain --> here.\n")
    assert message.startswith("docs/salaries/index.md line 3: figure 'salaries/office-dev-medain': ")
    assert "data/salaries.csv has no record with id 'office-dev-medain'" in message
    assert "close ids: office-dev-median" in message
    assert "Use an id from the id column of data/salaries.csv" in message


def test_the_line_counts_the_front_matter_the_builder_strips(tmp_path):
    source = "---\ntitle: T\n---\n\n# T\n\nUp <!-- figure: market/no-such-id -->.\n"
    page_file = tmp_path / "p.md"
    page_file.write_text(source, encoding="utf-8")
    markdown, _meta = get_data(source)  # what MkDocs hands the hook: no front matter, no blank line
    saved = dict(site_hooks._state)
    site_hooks._state["kb"] = load_kb()
    try:
        fake = SimpleNamespace(file=SimpleNamespace(src_uri="p.md", abs_src_path=str(page_file)))
        with pytest.raises(PluginError, match=r"^docs/p.md line 7: figure 'market/no-such-id'"):
            site_hooks.on_page_markdown(markdown, fake, None, None)
    finally:
        site_hooks._state.clear()
        site_hooks._state.update(saved)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "Up <!-- figure: market/news-openings field=sample_size -->.\n",
            "market records have no quotable field 'sample_size'; use field= one of value, period, data_year",
        ),
        (
            "Only <!-- figure: salaries/news-dev-median field=sample_size --> people.\n",
            "record 'news-dev-median' has no sample_size (data/salaries.csv line 4 leaves it empty)",
        ),
        (
            "Low end <!-- figure: salaries/office-dev-median field=low -->.\n",
            "record 'office-dev-median' has no low (data/salaries.csv line 2 leaves it empty)",
        ),
        (
            "Up <!-- figure: markets/news-openings -->.\n",
            "unknown dataset 'markets'; figures are quoted from salaries, market",
        ),
        ("Up <!-- figure: news-openings -->.\n", "cannot read 'news-openings'; write <dataset>/<id>"),
        (
            "Up <!-- figure: market/news-openings style=bold -->.\n",
            "no argument 'style'; the only argument is field=<name>",
        ),
    ],
)
def test_a_field_or_reference_the_record_lacks_fails_with_the_fix(markdown, expected):
    message = fails(markdown)
    assert message.startswith("docs/salaries/index.md line 1: figure ")
    assert expected in message


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Up <!-- figure market/news-openings --> a year.\n", "cannot read figure directive"),
        ("Up <!-- figure: market/news-openings a year.\n", "cannot read figure directive"),
        ("Up <!-- figure: market/news-openings field --> a year.\n", "cannot read argument 'field'"),
        ("Up <!-- figur: market/news-openings --> a year.\n", "unknown directive 'figur:'"),
        ("See <!-- table: roles --> here.\n", "'table:' directives must stand on a line of their own"),
    ],
)
def test_bad_syntax_fails_naming_page_and_line(markdown, expected):
    message = fails("# T\n\n" + markdown)
    assert message.startswith("docs/salaries/index.md line 3: ")
    assert expected in message


def test_a_figure_alone_on_its_line_and_ordinary_comments_still_work():
    out = render("<!-- figure: market/office-dev-growth -->\n<!-- a comment: 15% -->\n", load_kb())
    assert out.startswith("[15%](../about-data/sources.md#stats-office ")
    assert out.endswith("\n<!-- a comment: 15% -->\n")


def test_figures_in_code_fences_are_left_alone():
    markdown = "```markdown\nA median of <!-- figure: salaries/no-such-id -->\n```\n"
    assert directives.expand_inline(markdown, "p.md", {}) == markdown
