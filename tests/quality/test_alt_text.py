"""Every content image, chart and notebook plot of the site says what it shows.

The real-site test reads the built site (scripts/quality/alt_text.py); the checker is proven
on hand-written pages: what counts as meaningful, what counts as content, and that a problem
names the file to edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.quality import alt_text
from scripts.quality.site_sources import Layout


@pytest.mark.build
def test_every_content_image_of_the_built_site_has_meaningful_alt_text(site_dir):
    found = alt_text.site_images(site_dir)
    problems = alt_text.problems(found)
    assert not problems, "Images without meaningful alt text:\n" + "\n".join(map(str, problems))
    # The check really saw the site's images: a snippet figure, a notebook plot, a chart.
    images = [image for _, image in found]
    assert any(i.src.startswith("data:image/svg+xml") for i in images), "no snippet figure checked"
    assert any(i.src.endswith(".png") for i in images), "no notebook plot checked"
    assert any(i.src == "inline SVG" for i in images), "no knowledge-base chart checked"


@pytest.mark.parametrize(
    "alt",
    [
        None,
        "",
        "   ",
        "x.png",
        "pay-by-role",  # the image's own file name, pay-by-role.png
        "image",
        "Image 1",
        "png",
        "Figure",
        "chart",
        "No description has been provided for this image",  # nbconvert's stock text
        "Figure from snippets/skills/evaluation/roc.py (roc-auc)",  # a snippet figure without a title
    ],
)
def test_alt_text_that_does_not_describe_the_image_fails(alt):
    assert alt_text.why_not_meaningful(alt, "../img/pay-by-role.png") is not None


@pytest.mark.parametrize(
    "alt",
    [
        "Bar chart of median pay by role",
        "Figure from snippets/skills/evaluation/roc.py (roc-auc): ROC curve: every threshold at once",
        "Left: histogram of listing prices. Right: price against floor area.",
    ],
)
def test_alt_text_that_describes_the_image_passes(alt):
    assert alt_text.why_not_meaningful(alt, "../img/pay-by-role.png") is None


# --- broken fixtures: a tiny repository with the site/ it would build ----------------------


def repository(root: Path, files: dict[str, str]) -> Layout:
    for rel, text in {"mkdocs.yml": "theme:\n  name: material\n  custom_dir: overrides\n", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return Layout.from_config(root)


def page(article: str, header: str = "") -> str:
    return f"<html><body><header>{header}</header><main><article>{article}</article></main></body></html>"


def test_an_image_without_alt_text_fails_naming_the_source_page_line_and_image(tmp_path):
    layout = repository(
        tmp_path,
        {
            "docs/salaries/index.md": "---\ntitle: Pay\n---\n\n# Pay\n\n![](../img/pay-by-role.png)\n",
            "site/salaries/index.html": page('<p><img alt="" src="../img/pay-by-role.png"></p>'),
        },
    )
    assert [str(p) for p in alt_text.check(tmp_path / "site", layout)] == [
        'docs/salaries/index.md line 7: image img/pay-by-role.png has empty alt text (alt="") '
        "(built into salaries/index.html) — write what it shows between the brackets: "
        "![Bar chart of median pay by role](...)"
    ]


def test_a_notebook_plot_with_a_placeholder_names_the_notebook(tmp_path):
    stock = "No description has been provided for this image"
    layout = repository(
        tmp_path,
        {
            "notebooks/price-prediction.py": "# %%\nimport matplotlib\n",
            "site/projects/price-prediction/index.html": page(f'<img src="../../a/3f2a.png" alt="{stock}">'),
        },
    )
    [problem] = alt_text.check(tmp_path / "site", layout)
    assert (problem.file, problem.page) == (
        "notebooks/price-prediction.py",
        "projects/price-prediction/index.html",
    )
    assert 'placeholder alt text ("No description' in str(problem) and '# %% alt="..."' in str(problem)


def test_a_snippet_figure_without_a_title_names_the_snippet(tmp_path):
    label = "Figure from snippets/skills/evaluation/roc.py (roc-auc)"
    layout = repository(
        tmp_path,
        {
            "docs/skills/model-evaluation.md": "# Evaluation\n",
            "site/skills/model-evaluation/index.html": page(
                f'<img alt="{label}" src="data:image/svg+xml;base64,PD94">'
            ),
        },
    )
    [problem] = alt_text.check(tmp_path / "site", layout)
    assert (problem.file, problem.image) == ("snippets/skills/evaluation/roc.py", "data:image/svg+xml,…")
    assert "built into skills/model-evaluation/index.html" in str(problem)


@pytest.mark.parametrize(
    ("svg", "why"),
    [
        ('<svg role="img" aria-label="Median pay by role"></svg>', None),
        (
            '<svg role="img" aria-labelledby="t d"><title id="t">Median pay</title><desc id="d">by role</desc></svg>',
            None,
        ),
        ('<svg role="img" aria-labelledby="d"><desc id="d">Median pay by role</desc></svg>', None),
        ('<svg role="img"><title>Median pay by role</title></svg>', None),
        # aria-labelledby comes before <title>: a generic label is what a screen reader reads
        (
            '<svg role="img" aria-labelledby="d"><title>Median pay</title><desc id="d">Chart</desc></svg>',
            "placeholder",
        ),
        ('<svg role="img" viewBox="0 0 1 1"><g></g></svg>', "no alt text"),
    ],
    ids=[
        "aria-label",
        "aria-labelledby title desc",
        "aria-labelledby desc",
        "title",
        "labels first",
        "no name",
    ],
)
def test_a_chart_is_named_by_its_label_labels_or_title(tmp_path, svg, why):
    layout = repository(tmp_path, {"docs/index.md": "# Home\n", "site/index.html": page(svg)})
    problems = alt_text.check(tmp_path / "site", layout)
    if why is None:
        assert problems == []
    else:
        [problem] = problems
        assert (problem.file, problem.image) == ("docs/index.md", "inline SVG")
        assert problem.why.startswith(why)


def test_theme_decoration_outside_the_article_is_not_content(tmp_path):
    logo = '<img src="assets/logo.png" alt="">'
    icon = '<svg viewBox="0 0 24 24"><path d="M0 0"/></svg>'  # an icon: no role="img"
    layout = repository(tmp_path, {"docs/index.md": "# Home\n", "site/index.html": page(icon, header=logo)})
    assert alt_text.check(tmp_path / "site", layout) == []
    # The same logo inside the page's content is a content image, and fails.
    (tmp_path / "site/index.html").write_text(page(logo), encoding="utf-8")
    assert [p.image for p in alt_text.check(tmp_path / "site", layout)] == ["assets/logo.png"]


def test_cli_exits_non_zero_and_names_the_page(tmp_path, capsys):
    (tmp_path / "orphan").mkdir()  # no docs/orphan.md: the problem names the built page
    (tmp_path / "orphan/index.html").write_text(page('<img src="x.png" alt="x.png">'), encoding="utf-8")
    assert alt_text.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert 'orphan/index.html: image orphan/x.png has a file name for alt text ("x.png")' in out
    assert "1 content image(s) without meaningful alt text" in out
