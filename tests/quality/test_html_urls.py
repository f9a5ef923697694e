"""One HTML URL walker for the link report and the offline check: every kind of URL, in both.

Each kind the two checkers found before they shared scripts/quality/html_urls.py is listed in
KINDS, with how a browser uses it. The walker must find each one, the link report must check
each one a reader clicks or the page loads, and the offline check must flag each one the
browser fetches (or connects to) by itself, and no other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.quality import link_report
from scripts.quality.html_urls import walk
from scripts.quality.offline_check import scan
from scripts.quality.site_sources import Layout

SITE_URL = "https://example.org/guide/"

# HTML holding the URL U (and U2), how the browser uses it
KINDS = [
    pytest.param('<a href="U">x</a>', "click", id="a href"),
    pytest.param('<map><area href="U"></map>', "click", id="area href"),
    pytest.param('<svg><a xlink:href="U"><text>x</text></a></svg>', "click", id="svg a xlink:href"),
    pytest.param('<link rel="canonical" href="U">', "click", id="link canonical"),
    pytest.param(
        '<form action="U"><button formaction="U2">x</button></form>', "click", id="form action, formaction"
    ),
    pytest.param('<img src="U" alt="x">', "load", id="img src"),
    pytest.param(
        '<img src="data:image/png;base64,AAAA" srcset="U 1x, U2 2x" alt="x">', "load", id="img srcset"
    ),
    pytest.param(
        '<picture><source srcset="U" type="image/webp"><img src="data:," alt="x"></picture>',
        "load",
        id="source srcset",
    ),
    pytest.param(
        '<video><source src="U" type="video/mp4"><track src="U2"></video>', "load", id="source src, track src"
    ),
    pytest.param('<video src="U" poster="U2"></video>', "load", id="video src, poster"),
    pytest.param('<audio src="U"></audio>', "load", id="audio src"),
    pytest.param('<iframe src="U"></iframe>', "load", id="iframe src"),
    pytest.param('<embed src="U">', "load", id="embed src"),
    pytest.param('<object data="U"></object>', "load", id="object data"),
    pytest.param('<script src="U"></script>', "load", id="script src"),
    pytest.param('<link rel="stylesheet" href="U">', "load", id="link stylesheet"),
    pytest.param('<link rel="icon" href="U">', "load", id="link icon"),
    pytest.param('<link rel="preload" href="U" as="font">', "load", id="link preload"),
    pytest.param('<link rel="preconnect" href="U">', "connect", id="link preconnect"),
    pytest.param('<link rel="dns-prefetch" href="U">', "connect", id="link dns-prefetch"),
    pytest.param('<svg><image href="U"/></svg>', "load", id="svg image href"),
    pytest.param('<svg><use xlink:href="U"/></svg>', "load", id="svg use xlink:href"),
    pytest.param('<svg><filter><feImage href="U"/></filter></svg>', "load", id="svg feImage href"),
    pytest.param('<div style="background: url(U)"></div>', "load", id="style= url()"),
    pytest.param("<style>body { background: url('U') }</style>", "load", id="<style> url()"),
    pytest.param('<style>@import "U";</style>', "load", id="<style> @import"),
    pytest.param('<table background="U"></table>', "load", id="background"),
    pytest.param('<meta http-equiv="refresh" content="0; url=U">', "load", id="meta refresh"),
]


def with_url(html: str, url: str) -> str:
    return html.replace("U2", url + "2").replace("U", url)


@pytest.mark.parametrize(("html", "use"), KINDS)
def test_the_walker_finds_each_kind_of_url_with_how_it_is_used(html, use):
    found = {(u.url, u.use) for u in walk(with_url(html, "a/b.png")).urls if not u.url.startswith("data:")}
    expected = {("a/b.png", use)} | ({("a/b.png2", use)} if "U2" in html else set())
    assert found == expected


def test_the_walker_collects_fragment_targets_and_the_base():
    doc = walk('<base href="/x/"><h2 id="deep">D</h2><a name="old"></a><base href="/ignored/">')
    assert doc.ids == {"deep", "old"}
    assert doc.base == "/x/"


def write(site: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    return site


@pytest.mark.parametrize(("html", "use"), KINDS)
def test_the_link_report_checks_each_kind_a_reader_follows_or_the_page_loads(tmp_path, html, use):
    site = write(tmp_path, {"index.html": f"<html><body>{with_url(html, 'missing.png')}</body></html>"})
    broken = {b.link for b in link_report.check(site, SITE_URL).broken}
    # preconnect and dns-prefetch name an origin, not a document: nothing to resolve
    assert ("missing.png" in broken) == (use != "connect")


@pytest.mark.parametrize(("html", "use"), KINDS)
def test_the_offline_check_flags_each_kind_the_browser_fetches_by_itself(tmp_path, html, use):
    write(tmp_path / "site", {"page.html": with_url(html, "https://cdn.example.com/x.png")})
    found = {f.url for f in scan(tmp_path / "site", layout=Layout(tmp_path))}
    assert ("https://cdn.example.com/x.png" in found) == (use != "click")
