"""The built site makes no request to any host but its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.quality.offline_check import scan


@pytest.mark.build
@pytest.mark.xdist_group("site")
def test_built_site_requests_nothing_from_other_hosts(built_site):
    assert built_site.returncode == 0, built_site.output[-3000:]
    findings = scan(built_site.site_dir)
    assert not findings, "Off-host requests in the built site:\n" + "\n".join(map(str, findings))


@pytest.mark.build
@pytest.mark.xdist_group("site")
def test_mermaid_loads_from_the_site_itself(built_site):
    bundle = next(built_site.site_dir.glob("assets/javascripts/bundle.*.min.js")).read_text()
    assert "unpkg.com/mermaid" not in bundle
    assert "/assets/vendor/mermaid/mermaid.min.js" in bundle
    assert (built_site.site_dir / "assets/vendor/mermaid/mermaid.min.js").exists()


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
    assert all(f.file in (rel, "(some page)") for f in findings)


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
