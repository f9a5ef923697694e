"""Pages load the site's own search worker, and the build stops when they would not."""

from __future__ import annotations

import json

import pytest

from scripts.pipeline import search_worker

OURS = "../assets/javascripts/workers/ranked-search.js?material=search.a7633da7.min.js"


def page(search_url: object) -> str:
    config = json.dumps({"base": "..", "search": search_url})
    return f'<html><body><script id="__config" type="application/json">{config}</script></body></html>'


def test_a_page_that_loads_our_worker_names_materials():
    assert search_worker.material_worker(page(OURS), "docs/x.md") == "search.a7633da7.min.js"


def test_a_page_without_search_configuration_is_not_checked():
    assert search_worker.material_worker("<html><body>404</body></html>", "docs/404.md") is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # What a page holds if overrides/main.html's replace stops matching a new Material.
        ("../assets/javascripts/workers/search.a7633da7.min.js", "no longer matches Material's template"),
        ("../assets/javascripts/workers/ranked-search.js", "does not name Material's worker"),
        ("../assets/javascripts/workers/ranked-search.js?material=../../evil.js", "does not name"),
        (None, "has no search worker URL"),
    ],
)
def test_a_page_that_would_not_rank_with_ours_stops_the_build_naming_it(url, message):
    with pytest.raises(search_worker.SearchWorkerError, match=message) as caught:
        search_worker.material_worker(page(url), "docs/skills/mlops.md")
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
