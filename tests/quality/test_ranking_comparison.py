"""The ranking comparison's own bookkeeping, without a browser: the copy that restores
Material's worker, and the paired difference it reports."""

from __future__ import annotations

import pytest

from scripts.quality import ranking_comparison as rc
from scripts.quality import search_eval
from scripts.quality.search_eval import Link, Query, QueryResult, Report, Target

CONFIG = '<script id="__config" type="application/json">{"search": "../assets/javascripts/%s"}</script>'


def test_the_copy_loads_materials_worker_and_the_original_is_untouched(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    ours = CONFIG % "workers/ranked-search.js?v=0123456789ab&material=search.a7633da7.min.js"
    (site / "a" / "index.html").write_text(ours, encoding="utf-8")
    (site / "404.html").write_text("<p>not found</p>", encoding="utf-8")
    assert rc.material_copy(site, tmp_path / "copy") == 1
    assert (tmp_path / "copy" / "a" / "index.html").read_text(encoding="utf-8") == (
        CONFIG % "workers/search.a7633da7.min.js"
    )
    assert (site / "a" / "index.html").read_text(encoding="utf-8") == ours


def test_a_site_that_does_not_load_our_worker_is_refused(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(CONFIG % "workers/search.a7633da7.min.js", encoding="utf-8")
    with pytest.raises(ValueError, match="no page of .* loads workers/ranked-search.js"):
        rc.material_copy(site, tmp_path / "copy")


def report(ranks: list[int | None]) -> Report:
    """A report whose i-th query found its target at ranks[i] (None: not found)."""
    r = Report()
    for i, rank in enumerate(ranks):
        target = Target("p.md", f"a{i}")
        links = [Link("elsewhere/", None)] * ((rank or 9) - 1) + ([Link("p/", f"a{i}")] if rank else [])
        r.results.append(QueryResult(Query(f"q{i}", target), links, ""))
    return r


def test_per_query_scores():
    r = report([1, 3, 4, None])
    assert search_eval.per_query(r, "hit@3") == [1.0, 1.0, 0.0, 0.0]
    assert search_eval.per_query(r, "MRR") == [1.0, 1 / 3, 0.25, 0.0]
    with pytest.raises(ValueError, match="unknown metric"):
        search_eval.per_query(r, "hit@5")


def test_a_clear_gain_is_above_zero_and_an_even_swap_is_a_tie():
    material = report([None] * 30 + [1] * 10)
    assert "above zero" in rc.paired(material, report([1] * 40), "hit@3")
    swapped = report([1] * 20 + [None] * 20)
    assert "includes zero: a tie" in rc.paired(report([None] * 20 + [1] * 20), swapped, "hit@3")


def test_reports_of_different_queries_are_not_paired():
    a = report([1, 2])
    b = Report([QueryResult(Query("other", Target("p.md")), [], ""), a.results[1]])
    with pytest.raises(ValueError, match="same queries"):
        rc.paired(a, b, "hit@3")
