"""The site builds in strict mode, and each kind of breakage fails the build naming the page.

Each breakage is proven on a small fixture site built with the project's own
mkdocs.yml (strict mode, validation rules, hooks), not hoped for.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.build

PAGE = "---\ntitle: {title}\ndescription: A fixture page.\n---\n\n# {title}\n\n{body}\n"


def page(title: str, body: str = "Text.") -> str:
    return PAGE.format(title=title, body=body)


def test_real_site_builds_strict(built_site):
    assert built_site.returncode == 0, built_site.output[-5000:]
    assert (built_site.site_dir / "index.html").exists()


def test_a_forked_build_writes_the_same_files_as_a_fresh_interpreter(fixture_site):
    # The suite forks its site builds (scripts/quality/site_build.py, fork=True); contributors
    # and CI's `make build` start a fresh Python. Both must publish the same bytes.
    pages = {
        "index.md": page("Home", "ML, an API and some code.\n\n```python\nprint(sum(range(3)))\n```"),
        "faq.md": page("FAQ", "See [home](index.md)."),
    }
    forked, fresh = fixture_site(pages), fixture_site(pages, fork=False)
    assert forked.ok and fresh.ok, forked.output + fresh.output
    assert "Warning" not in forked.output, forked.output  # runpy's, if a module ran twice
    files = sorted(p.relative_to(fresh.site_dir) for p in fresh.site_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(forked.site_dir) for p in forked.site_dir.rglob("*") if p.is_file())
    differ = [f for f in files if (fresh.site_dir / f).read_bytes() != (forked.site_dir / f).read_bytes()]
    assert differ == [], f"a forked build differs from a fresh one in {differ}"


def warnings(output: str) -> list[str]:
    """The WARNING records of a build log (with their indented continuation lines).

    In strict mode each one fails the build; a message logged at INFO would not.
    """
    records = re.split(r"\n(?=\S)", output)
    return [record for record in records if record.startswith("WARNING")]


def test_dead_link_missing_anchor_and_page_left_out_of_nav_each_fail_naming_the_page(fixture_site):
    # One build for the three: MkDocs reports every warning before strict mode stops it.
    result = fixture_site(
        {
            "index.md": page("Home", "See [a section](other.md#no-such-heading)."),
            "other.md": page("Other", "## A section"),
            "guide.md": page("Guide", "See [missing](nowhere.md)."),
            "orphan.md": page("Orphan"),
        },
        nav=["index.md", "other.md", "guide.md"],
    )
    assert result.returncode != 0
    found = warnings(result.output)
    for page_name, says in [("guide.md", "nowhere.md"), ("index.md", "no-such-heading"), ("orphan.md", "")]:
        assert any(page_name in record and says in record for record in found), (
            f"no warning names {page_name} {says}:\n{result.output[-3000:]}"
        )


def test_missing_include_fails_naming_the_file(fixture_site):
    body = '```python\n--8<-- "snippets/does/not/exist.py"\n```'
    result = fixture_site({"index.md": page("Home", body)})
    assert result.returncode != 0
    assert "snippets/does/not/exist.py" in result.output


def test_unknown_snippet_directive_fails_naming_page_and_line(fixture_site):
    body = "<!-- snippet: snippets/does/not/exist.py -->"
    result = fixture_site({"index.md": page("Home"), "guide.md": page("Guide", body)})
    assert result.returncode != 0
    assert "docs/guide.md line 8" in result.output and "does not exist" in result.output


def test_unknown_table_fails_naming_page_and_table(fixture_site):
    result = fixture_site({"index.md": page("Home", "<!-- table: no-such-table -->")})
    assert result.returncode != 0
    assert "docs/index.md line 8" in result.output and "no-such-table" in result.output


def test_unknown_directive_kind_fails(fixture_site):
    result = fixture_site({"index.md": page("Home", "<!-- tabel: roles-comparison -->")})
    assert result.returncode != 0
    assert "unknown directive 'tabel:'" in result.output


def test_abbreviations_false_drops_the_tooltips_from_that_page_only(fixture_site):
    # "ML" is in the glossary, whose abbreviations every page gets.
    glossary_like = (
        "---\ntitle: Terms\ndescription: A fixture page.\nabbreviations: false\n---\n\n# Terms\n\nML.\n"
    )
    result = fixture_site({"index.md": page("Home", "ML and ML."), "terms.md": glossary_like})
    assert result.returncode == 0, result.output
    home = (result.site_dir / "index.html").read_text(encoding="utf-8")
    terms = (result.site_dir / "terms" / "index.html").read_text(encoding="utf-8")
    assert home.count("<abbr") == 1, "first use keeps its tooltip, the second loses it"
    assert "<abbr" not in terms and "ML." in terms


def test_abbreviations_must_be_true_or_false(fixture_site):
    bad = "---\ntitle: Terms\ndescription: A fixture page.\nabbreviations: sometimes\n---\n\n# Terms\n"
    result = fixture_site({"index.md": page("Home"), "terms.md": bad})
    assert result.returncode != 0
    assert "docs/terms.md" in result.output and "abbreviations: sometimes" in result.output


def test_a_page_gets_its_own_assets_and_no_other_page_does(fixture_site):
    own = (
        "---\ntitle: Tool\ndescription: A fixture page.\nextra_css: [css/tool.css]\n"
        "extra_javascript: [js/tool.js]\n---\n\n# Tool\n\nText.\n"
    )
    pages = {
        "index.md": page("Home", "See [the tool's section](tool.md#a-section)."),
        "tool.md": own + "\n## A section\n\nText.\n",
        "css/tool.css": "p {}\n",
        "js/tool.js": "void 0;\n",
    }
    result = fixture_site(pages, nav=["index.md", "tool.md"])
    # Also the control for the link checks above: links and anchors that resolve pass.
    assert result.returncode == 0, result.output
    home = (result.site_dir / "index.html").read_text(encoding="utf-8")
    tool = (result.site_dir / "tool" / "index.html").read_text(encoding="utf-8")
    assert "tool.css" not in home and "tool.js" not in home
    assert '<link rel="stylesheet" href="../css/tool.css">' in tool
    # Inside the content, where Material's instant navigation runs scripts again.
    article = tool[tool.index("<article") : tool.index("</article>")]
    assert '<script src="../js/tool.js" defer></script>' in article


@pytest.mark.parametrize(
    ("front_matter", "says"),
    [
        ("extra_javascript: [js/missing.js]", "lists js/missing.js, which is not a file under docs/"),
        ("extra_css: [../docs/css/tool.css]", "lists ../docs/css/tool.css, which is not a file under docs/"),
        ("extra_css: css/tool.css", "'extra_css' must be a list of paths under docs/"),
    ],
)
def test_a_page_asset_that_is_not_there_fails_naming_the_page(fixture_site, front_matter, says):
    bad = f"---\ntitle: Tool\ndescription: A fixture page.\n{front_matter}\n---\n\n# Tool\n"
    result = fixture_site(
        {"index.md": page("Home"), "tool.md": bad, "css/tool.css": "p {}\n"}, nav=["index.md", "tool.md"]
    )
    assert result.returncode != 0
    assert "docs/tool.md" in result.output and says in result.output
