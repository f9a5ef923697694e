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


# --- step 2: the variants' logic ------------------------------------------------------------


def test_stop_words_are_read_from_the_themes_separator_in_mkdocs_yml():
    words = sc.theme_stop_words()
    assert {"vs", "versus", "the", "is", "how", "a", "for"} <= words
    assert not {"model", "data", "ml", "drift", "salary"} & words


def test_a_separator_without_a_stop_word_group_fails_loudly():
    assert sc.stop_words_from_separator(r"[\s\-]+|\b(?:[Aa]|[Tt]he|[Vv]s)\b") == {"a", "the", "vs"}
    with pytest.raises(ValueError, match="stop-word group"):
        sc.stop_words_from_separator(r"[\s\-]+")


def test_stop_words_are_dropped_from_the_query_unless_nothing_would_be_left():
    words = frozenset({"vs", "is", "this", "for", "who", "how", "to"})
    assert sc.strip_stop_words("ml engineer vs data scientist", words) == "ml engineer data scientist"
    assert sc.strip_stop_words("Who is this guide for?", words) == "guide"
    assert sc.strip_stop_words("how to", words) == "how to"


def test_a_cap_keeps_a_pages_best_sections_and_moves_the_next_page_up():
    links = sc.pagefind_links(fake_results(), BASE, max_subs=2)
    assert links == [
        Link("practices/deployment/", "how-do-i-roll-back-a-model"),
        Link("practices/deployment/", "canary-releases"),
        Link("faq/", None),
    ]
    # Laid out as the theme, the introduction is one of the kept sections.
    assert sc.pagefind_links(fake_results(), BASE, intro_first=True, max_subs=2) == [
        Link("practices/deployment/", None),
        Link("practices/deployment/", "how-do-i-roll-back-a-model"),
        Link("faq/", None),
    ]


def test_the_ranking_grid_is_every_combination_with_the_defaults_first():
    settings = sc.ranking_settings()
    assert len(settings) == 2**4 == len(set(settings))
    assert settings[0] == sc.DEFAULT_RANKING
    assert all(dict(s).keys() == sc.RANKING_DEFAULTS.keys() for s in settings)
    assert sc.ranking_label(sc.DEFAULT_RANKING) == "defaults"
    assert (
        sc.ranking_label(settings[-1])
        == "pageLength 0.25, termFrequency 0.5, termSaturation 0.8, termSimilarity 5"
    )


def test_the_stop_word_variants_share_one_browser_run_per_ranking():
    assert sc.Variant("a", stop_words=True).run_key == sc.Variant("b", True, 3).run_key
    assert sc.Variant("a").run_key != sc.Variant("b", stop_words=True).run_key


def report_of(ranks: list[int | None]) -> Report:
    """A report whose queries' targets sit at the given ranks (None: not found)."""
    target = Target.parse("faq.md#a")
    results = []
    for i, rank in enumerate(ranks):
        links = [Link("other/", str(j)) for j in range(1, 11)]
        if rank is not None:
            links[rank - 1] = Link("faq/", "a")
        results.append(QueryResult(Query(f"q{i}", target), links, ""))
    return Report(results)


def test_halves_split_every_other_query():
    tune, held = sc.halves(report_of([1, 2, 3, 4, None]))
    assert [r.rank for r in tune.results] == [1, 3, None]
    assert [r.rank for r in held.results] == [2, 4]


def test_the_setting_is_chosen_on_the_tuning_half_only():
    # "held" is best on the held-out half (2nd, 4th) but worse on the tuning half.
    reports = {
        "defaults": report_of([2, 9, 2, 9]),
        "held": report_of([5, 1, 5, 1]),
        "tuned": report_of([1, None, 1, None]),
    }
    assert sc.choose(reports) == "tuned"
    # A tie on hit@3 goes to MRR; a full tie goes to the first candidate (the defaults).
    assert sc.choose({"defaults": report_of([3, 1]), "other": report_of([1, None])}) == "other"
    assert sc.choose({"defaults": report_of([2, 1]), "same": report_of([2, 5])}) == "defaults"
    with pytest.raises(ValueError):
        sc.choose({})


def test_ranks_csv_lists_each_querys_rank_per_column_and_its_half():
    theme, pagefind = report_of([1, None, 4]), report_of([2, 3, None])
    variant = sc.VariantResult(sc.Variant("defaults"), pagefind, pagefind, [1.0])
    m = sc.Measures(theme, [1.0], 1, 1, 1, [1], [], 1, 1, [variant])
    assert sc.ranks_csv(m).splitlines() == [
        "query,half,theme,defaults",
        "q0,tune,1,2",
        "q1,held,,3",
        "q2,tune,4,",
    ]


def test_paired_intervals_compare_the_chosen_pagefind_setting_with_the_theme_per_query():
    from types import SimpleNamespace

    def report(ranks):
        return SimpleNamespace(
            results=[
                SimpleNamespace(query=f"q{i}", rank=r, hit=lambda k, r=r: r is not None and r <= k)
                for i, r in enumerate(ranks)
            ]
        )

    theme = report([1, 2, None, 4] * 10)  # hit@3 on half the queries
    better = report([1, 1, 2, 3] * 10)  # hit@3 on every query, and ranked higher
    lines = sc.paired_intervals(SimpleNamespace(theme=theme, chosen=SimpleNamespace(report=better)))
    assert len(lines) == 4 and lines[0].startswith("  all queries: hit@3 difference +0.5000")
    assert all(line.endswith("interval above zero") for line in lines)
    same = sc.paired_intervals(SimpleNamespace(theme=theme, chosen=SimpleNamespace(report=theme)))
    assert all(line.endswith("interval includes zero") for line in same)
    worse = sc.paired_intervals(SimpleNamespace(theme=better, chosen=SimpleNamespace(report=theme)))
    assert all(line.endswith("interval below zero") for line in worse)
