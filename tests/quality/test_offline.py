"""The built site makes no request to any host but its own; a finding names the file to edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.quality.offline_check import scan
from scripts.quality.site_sources import Layout


@pytest.mark.build
def test_built_site_requests_nothing_from_other_hosts(site_dir):
    findings = scan(site_dir)
    assert not findings, "Off-host requests in the built site:\n" + "\n".join(map(str, findings))


@pytest.mark.build
def test_mermaid_loads_from_the_site_itself(site_dir):
    bundle = next(site_dir.glob("assets/javascripts/bundle.*.min.js")).read_text()
    assert "unpkg.com/mermaid" not in bundle
    assert "/assets/vendor/mermaid/mermaid.min.js" in bundle
    assert (site_dir / "assets/vendor/mermaid/mermaid.min.js").exists()


def write(site: Path, rel: str, text: str) -> None:
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("rel", "text", "url"),
    [
        (
            "a.html",
            '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">',
            "fonts.googleapis.com",
        ),
        ("a.html", '<link rel="preconnect" href="https://fonts.gstatic.com">', "fonts.gstatic.com"),
        ("a.html", '<script src="//cdn.example.com/x.js"></script>', "cdn.example.com"),
        ("a.html", '<img srcset="/ok.png 1x, https://img.example.com/x.png 2x">', "img.example.com"),
        ("a.html", '<div style="background: url(https://bg.example.com/x.png)"></div>', "bg.example.com"),
        ("a.html", "<style>@import 'https://css.example.com/x.css';</style>", "css.example.com"),
        ("a.html", '<svg><image href="https://svg.example.com/x.png"/></svg>', "svg.example.com"),
        ("a.css", "body { background: url('https://css.example.com/bg.png') }", "css.example.com"),
        ("a.js", 'fetch("https://analytics.example.com/collect")', "analytics.example.com"),
        ("a.html", '<div data-md-component="source"></div>', "api.github.com"),
    ],
)
def test_scanner_finds_off_host_loads(tmp_path, rel, text, url):
    write(tmp_path, rel, text)
    findings = scan(tmp_path)
    assert any(url in f.url for f in findings), findings
    assert all(f.file == rel for f in findings)  # no source in the repository: the built file


def test_scanner_allows_links_and_own_assets(tmp_path):
    write(
        tmp_path,
        "index.html",
        '<a href="https://example.org/">out</a><link rel="canonical" href="https://example.org/x/">'
        '<script src="assets/app.js"></script><img src="data:image/svg+xml;base64,AAAA">'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    )
    write(tmp_path, "assets/app.js", 'const ns = "http://www.w3.org/2000/svg";')
    write(tmp_path, "assets/vendor/lib/lib.js", 'throw Error("see https://lib.example.com/docs")')
    assert scan(tmp_path) == []


def test_an_off_host_base_href_is_found(tmp_path):
    write(tmp_path, "a.html", '<base href="https://cdn.example.com/"><img src="x.png" alt="x">')
    assert [(f.url, f.why) for f in scan(tmp_path)] == [
        ("https://cdn.example.com/", "<base href>, which every relative URL of the page uses")
    ]


# --- a finding names the source, not the built file ---------------------------------------

OFF_HOST = "https://cdn.example.com/x.png"
PAGE = f"---\ntitle: T\n---\n\n# T\n\n![A bar chart of pay by role]({OFF_HOST})\n"  # the URL on line 7
BUILT = (
    f'<html><body><article><img src="{OFF_HOST}" alt="A bar chart of pay by role"></article></body></html>'
)


def repository(root: Path, files: dict[str, str]) -> Layout:
    """A tiny repository: sources and the built site/ they would give (written by hand)."""
    for rel, text in {"mkdocs.yml": "theme:\n  name: material\n  custom_dir: overrides\n", **files}.items():
        write(root, rel, text)
    return Layout.from_config(root)


@pytest.mark.parametrize(
    ("source", "built"),
    [
        ("docs/faq.md", "faq/index.html"),  # use_directory_urls: docs/x.md -> x/index.html
        ("docs/skills/mlops.md", "skills/mlops/index.html"),
        ("docs/skills/index.md", "skills/index.html"),  # docs/x/index.md -> x/index.html
        ("docs/index.md", "index.html"),
        ("notebooks/price-prediction.py", "projects/price-prediction/index.html"),  # a project notebook
    ],
)
def test_an_off_host_asset_names_the_page_source_and_line(tmp_path, source, built):
    layout = repository(tmp_path, {source: PAGE, f"site/{built}": BUILT})
    findings = scan(tmp_path / "site", layout=layout)
    assert [str(f) for f in findings] == [
        f"{source} line 7: <img src> fetches {OFF_HOST} from another host (built into {built}) — "
        "vendor it under docs/assets/ and load it from there, or remove it"
    ]


@pytest.mark.parametrize(
    ("shared", "line"),
    [
        ("overrides/main.html", 'a\n<script src="https://cdn.example.com/x.js"></script>\n'),
        ("mkdocs.yml", None),
    ],
)
def test_a_url_every_page_gets_from_the_theme_or_config_is_one_finding_naming_it(tmp_path, shared, line):
    config = "theme:\n  custom_dir: overrides\nextra_javascript:\n  - https://cdn.example.com/x.js\n"
    page = '<html><body><script src="https://cdn.example.com/x.js"></script></body></html>'
    files = {
        "docs/index.md": "# Home\n",
        "docs/faq.md": "# FAQ\n",
        "site/index.html": page,
        "site/faq/index.html": page,
    }
    files |= {"overrides/main.html": line} if line else {"mkdocs.yml": config}
    findings = scan(tmp_path / "site", layout=repository(tmp_path, files))
    assert [(f.file, f.line, f.pages) for f in findings] == [
        (shared, 2 if line else 4, ("faq/index.html", "index.html"))
    ]


def test_a_url_the_page_source_does_not_write_names_the_page_and_says_so(tmp_path):
    layout = repository(tmp_path, {"docs/faq.md": "# FAQ\n", "site/faq/index.html": BUILT})
    [finding] = scan(tmp_path / "site", layout=layout)
    assert str(finding).startswith(
        f"docs/faq.md: <img src> fetches {OFF_HOST} from another host (built into faq/index.html; "
        "the URL is not in this file's text: a directive, data or the build adds it)"
    )


@pytest.mark.parametrize(
    "source", ["docs/assets/stylesheets/extra.css", "overrides/assets/stylesheets/extra.css"]
)
def test_an_off_host_url_in_a_stylesheet_names_the_stylesheet_and_line(tmp_path, source):
    css = f"a {{ color: red }}\nbody {{ background: url('{OFF_HOST}') }}\n"
    layout = repository(tmp_path, {source: css, "site/assets/stylesheets/extra.css": css})
    assert [(f.file, f.line, f.why) for f in scan(tmp_path / "site", layout=layout)] == [
        (source, 2, "CSS url()")
    ]
