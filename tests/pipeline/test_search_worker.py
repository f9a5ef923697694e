"""Pages load the site's own search worker, and the build stops when they would not."""

from __future__ import annotations

import json

import pytest

from scripts.pipeline import search_worker

VERSION = "0123456789ab"
OURS = f"../assets/javascripts/workers/ranked-search.js?v={VERSION}&material=search.a7633da7.min.js"


def page(search_url: object) -> str:
    config = json.dumps({"base": "..", "search": search_url})
    return f'<html><body><script id="__config" type="application/json">{config}</script></body></html>'


def test_a_page_that_loads_our_worker_names_materials():
    assert search_worker.material_worker(page(OURS), "docs/x.md", VERSION) == "search.a7633da7.min.js"


def test_a_page_without_search_configuration_is_not_checked():
    assert search_worker.material_worker("<html><body>404</body></html>", "docs/404.md", VERSION) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # What a page holds if overrides/main.html's replace stops matching a new Material.
        ("../assets/javascripts/workers/search.a7633da7.min.js", "no longer matches Material's template"),
        (f"../assets/javascripts/workers/ranked-search.js?v={VERSION}", "does not name Material's worker"),
        (
            f"../assets/javascripts/workers/ranked-search.js?v={VERSION}&material=../../evil.js",
            "does not name",
        ),
        # A page built before the scripts changed, or a template that lost the digest.
        (OURS.replace(VERSION, "ffffffffffff"), "carries v=ffffffffffff, not the search scripts' digest"),
        (OURS.replace(f"v={VERSION}&", ""), r"carries v=\(none\)"),
        (None, "has no search worker URL"),
    ],
)
def test_a_page_that_would_not_rank_with_ours_stops_the_build_naming_it(url, message):
    with pytest.raises(search_worker.SearchWorkerError, match=message) as caught:
        search_worker.material_worker(page(url), "docs/skills/mlops.md", VERSION)
    assert str(caught.value).startswith("docs/skills/mlops.md: ")


def test_the_built_site_must_hold_both_workers(tmp_path):
    workers = tmp_path / search_worker.WORKERS
    workers.mkdir(parents=True)
    (workers / "ranked-search.js").write_text("", encoding="utf-8")
    with pytest.raises(
        search_worker.SearchWorkerError, match=r"search\.a7633da7\.min\.js is not in the built site"
    ):
        search_worker.check_site(tmp_path, {"search.a7633da7.min.js"})
    (workers / "search.a7633da7.min.js").write_text("", encoding="utf-8")
    search_worker.check_site(tmp_path, {"search.a7633da7.min.js"})
    (workers / "ranked-search.js").unlink()
    with pytest.raises(search_worker.SearchWorkerError, match="ranked-search.js is not in the built site"):
        search_worker.check_site(tmp_path, {"search.a7633da7.min.js"})


def test_the_version_is_a_digest_of_both_search_scripts(tmp_path):
    worker, ranking = tmp_path / "worker.js", tmp_path / "ranking.js"
    worker.write_text("a", encoding="utf-8")
    ranking.write_text("b", encoding="utf-8")
    before = search_worker.version((worker, ranking))
    assert len(before) == 12 and before == search_worker.version((worker, ranking))
    ranking.write_text("c", encoding="utf-8")
    assert search_worker.version((worker, ranking)) != before
