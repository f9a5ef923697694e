"""The comparison's own bookkeeping, without a browser: how Pagefind's result data become
ranked links scored like the theme's, how bytes are added up, and the loopback check."""

from __future__ import annotations

import pytest

from scripts.quality import search_comparison as sc
from scripts.quality.search_eval import Link, Query, QueryResult, Report, Target

BASE = "http://127.0.0.1:8123/guide/"


def fake_results() -> list[dict]:
    """Two pages as Pagefind's data() returns them (URLs already include the /guide/ path)."""
    return [
        {
            "url": "/guide/practices/deployment/",
            "subs": [
                {"url": "/guide/practices/deployment/", "score": 1.0},  # text above the first heading
                {"url": "/guide/practices/deployment/#how-do-i-roll-back-a-model", "score": 9.5},
                {"url": "/guide/practices/deployment/#canary-releases", "score": 3.0},
            ],
        },
        {"url": "/guide/faq/", "subs": []},  # no section matched: the page alone
    ]


def test_sections_rank_best_first_within_their_page_and_pages_keep_their_order():
    links = sc.pagefind_links(fake_results(), BASE)
    assert links == [
        Link("practices/deployment/", "how-do-i-roll-back-a-model"),
        Link("practices/deployment/", "canary-releases"),
        Link("practices/deployment/", None),
        Link("faq/", None),
    ]


def test_pagefind_links_are_scored_by_the_theme_evaluations_target_matching():
    links = sc.pagefind_links(fake_results(), BASE)
    section = Query("roll back a model", Target.parse("practices/deployment.md#how-do-i-roll-back-a-model"))
    page = Query("faq", Target.parse("faq.md"))
    folded = Query("canary", Target.parse("practices/deployment.md#canary-releases"))
    absent = Query("drift", Target.parse("practices/monitoring.md#drift"))
    report = Report([QueryResult(q, links, "2 results") for q in (section, page, folded, absent)])
    assert [r.rank for r in report.results] == [1, 4, 2, None]
    assert report.hit_at_1 == 0.25
    assert report.hit_at_3 == 0.5
    assert report.mrr == pytest.approx((1 + 1 / 4 + 1 / 2) / 4)


def test_a_sub_result_seen_twice_counts_once():
    results = [{"url": "/guide/faq/", "subs": [{"url": "/guide/faq/#a", "score": 2}] * 2}]
    assert sc.pagefind_links(results, BASE) == [Link("faq/", "a")]


def test_bytes_add_up_per_url_and_since_a_snapshot():
    transfer = sc.Transfer()
    transfer.add(BASE, 10_000)
    transfer.add(BASE + "assets/main.css", 5_000)
    before = dict(transfer.sizes)
    transfer.add(BASE + "pagefind/pagefind.js", 2_000)
    transfer.add(BASE + "pagefind/index/en_1.pf_index", 700)
    transfer.add(BASE + "pagefind/index/en_1.pf_index", -1)  # a failed request reports -1
    assert transfer.total == 17_700
    assert transfer.since(before) == 2_700
    assert transfer.matching("/pagefind/") == 2_700


def test_only_loopback_requests_are_allowed():
    urls = [BASE, "data:image/png;base64,AAAA", "blob:http://127.0.0.1:8123/x", "https://fonts.gstatic.com/a"]
    assert sc.outside_hosts(urls) == ["https://fonts.gstatic.com/a"]
    assert sc.outside_hosts(["http://localhost:8123/guide/"]) == ["http://localhost:8123/guide/"]


def test_percentiles_interpolate():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert sc.percentile(values, 0.5) == 30.0
    assert sc.percentile(values, 0.9) == pytest.approx(46.0)
    assert sc.percentile([7.0], 0.9) == 7.0


def test_laid_out_as_the_theme_a_matched_introduction_comes_first():
    results = [
        {
            "url": "/guide/trends/",
            "h1": ["market-trends"],
            "subs": [
                {"url": "/guide/trends/#market-trends", "score": 1.0},  # the h1's section
                {"url": "/guide/trends/#what-do-the-demand-figures-show", "score": 8.0},
            ],
        }
    ]
    assert sc.pagefind_links(results, BASE) == [
        Link("trends/", "what-do-the-demand-figures-show"),
        Link("trends/", "market-trends"),
    ]
    assert sc.pagefind_links(results, BASE, intro_first=True) == [
        Link("trends/", None),
        Link("trends/", "what-do-the-demand-figures-show"),
    ]


def test_pagefind_kinds_split_the_bundle_without_counting_pagefind_js_twice():
    transfer = sc.Transfer()
    for path, size in [
        ("pagefind/pagefind.js", 13),
        ("pagefind/pagefind-entry.json", 1),
        ("pagefind/pagefind.en_1.pf_meta", 2),
        ("pagefind/wasm.en.pagefind", 70),
        ("pagefind/index/en_1.pf_index", 30),
        ("pagefind/fragment/en_1.pf_fragment", 5),
        ("assets/javascripts/bundle.js", 35),
    ]:
        transfer.add(BASE + path, size)
    assert sc.pagefind_kinds(transfer) == {
        "pagefind.js": 13,
        "wasm": 70,
        "entry + meta": 3,
        "index chunks": 30,
        "fragments": 5,
    }
