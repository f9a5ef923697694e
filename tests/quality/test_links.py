"""Every internal link of the built site resolves; external links are listed, never fetched.

The real-site test parses the whole built site (scripts/quality/link_report.py): pages, anchors,
images, stylesheets, scripts and downloads (downloads/*.csv, the notebooks' .ipynb).
Set ``GUIDE_SITE_DIR`` to an already built site to skip the build while iterating.
The checker itself is proven on small hand-written sites first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.quality import link_report

SITE_URL = "https://example.org/guide/"
MAX_SHOWN = 60


@pytest.mark.build
def test_every_internal_link_of_the_built_site_resolves(site_dir):
    report = link_report.check(site_dir)
    shown = "\n".join(f"  {b}" for b in report.broken[:MAX_SHOWN])
    more = f"\n  ... and {len(report.broken) - MAX_SHOWN} more" if len(report.broken) > MAX_SHOWN else ""
    if report.broken:
        pytest.fail(f"{len(report.broken)} broken internal link(s):\n{shown}{more}", pytrace=False)
    # The check really covered the site: every page, and the kinds of target that matter.
    assert report.pages >= 60
    targets = report.internal_targets
    assert any(t.startswith("downloads/") and t.endswith(".csv") for t in targets), "no CSV download checked"
    assert any(t.endswith(".ipynb") for t in targets), "no notebook download checked"
    assert any("#" in t for t in targets), "no anchor checked"
    assert any(t.endswith((".png", ".svg", ".jpg", ".webp")) for t in targets), "no image checked"


# --- the checker on hand-written sites ----------------------------------------------------


def write(site: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    return site


def page(body: str, ids: str = "") -> str:
    return f"<!doctype html><html><head><title>t</title></head><body>{ids}{body}</body></html>"


def broken(site: Path) -> list[tuple[str, str]]:
    return [(b.page, b.link) for b in link_report.check(site, SITE_URL).broken]


def test_resolving_links_pages_anchors_images_and_downloads(tmp_path):
    site = write(
        tmp_path,
        {
            "index.html": page(
                '<a href="skills/">s</a> <a href="skills/#deep">deep</a> <a href="#top">top</a>'
                '<img src="assets/logo.png"> <a href="downloads/roles.csv">csv</a>'
                '<a href="/guide/skills/">abs</a> <a href="https://example.org/guide/skills/#deep">own</a>'
                '<a href="mailto:x@example.org">m</a> <a href="#">top</a> <a href="{url}">template</a>',
                '<h1 id="top">T</h1>',
            ),
            "skills/index.html": page(
                '<a href="../">home</a> <a href="../projects/p.ipynb">nb</a>', '<h2 id="deep">'
            ),
            "assets/logo.png": "png",
            "downloads/roles.csv": "a,b\n",
            "projects/p.ipynb": "{}",
        },
    )
    report = link_report.check(site, SITE_URL)
    assert report.broken == []
    assert report.internal == 9
    assert report.external == {}


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("../missing/", "no file missing/index.html"),
        ("../#nowhere", "no element with id 'nowhere' in index.html"),
        ("#nowhere", "no element with id 'nowhere' in this page"),
        ("../downloads/gone.csv", "no file downloads/gone.csv"),
        ("/elsewhere/page/", "outside the site's path /guide/"),
        ("https://example.org/guide/gone/", "no file gone/index.html"),
    ],
)
def test_a_broken_link_is_reported_with_its_page(tmp_path, link, why):
    site = write(tmp_path, {"index.html": page(""), "skills/index.html": page(f'<a href="{link}">x</a>')})
    report = link_report.check(site, SITE_URL)
    assert [(b.page, b.link) for b in report.broken] == [("skills/index.html", link)]
    assert why in report.broken[0].why


def test_a_missing_image_or_stylesheet_is_broken(tmp_path):
    site = write(
        tmp_path,
        {"index.html": '<link rel="stylesheet" href="a.css"><img src="img/x.png" srcset="img/x2.png 2x">'},
    )
    assert broken(site) == [
        ("index.html", "a.css"),
        ("index.html", "img/x.png"),
        ("index.html", "img/x2.png"),
    ]


def test_external_links_are_listed_with_their_pages_and_not_checked(tmp_path):
    site = write(
        tmp_path,
        {
            "index.html": page('<a href="https://scikit-learn.org/">a</a>'),
            "faq/index.html": page(
                '<a href="https://scikit-learn.org/">a</a> <a href="http://bls.gov/x">b</a>'
            ),
        },
    )
    report = link_report.check(site, SITE_URL)
    assert report.broken == []
    assert report.external == {
        "http://bls.gov/x": {"faq/index.html"},
        "https://scikit-learn.org/": {"faq/index.html", "index.html"},
    }
    text = link_report.format_report(report)
    assert "https://scikit-learn.org/" in text and "2 page(s)" in text


def test_cli_exits_non_zero_and_names_the_broken_link(tmp_path, capsys):
    write(tmp_path, {"index.html": page('<a href="nope/">x</a>')})
    assert link_report.main([str(tmp_path), "--site-url", SITE_URL]) == 1
    out = capsys.readouterr().out
    assert "index.html: nope/" in out and "1 broken" in out
