"""The two-builds comparison (scripts/quality/reproducible.py) on two small trees.

The builds themselves are slow and run from the script; here only the comparison."""

from __future__ import annotations

import json

from scripts.quality import reproducible


def tree(root, files: dict[str, str]):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_only_declared_volatile_lines_may_differ(tmp_path):
    page = "<pre>\nrows: {rows}\np95 {ms} ms\n</pre>\n"
    a = tree(tmp_path / "a", {"x/index.html": page.format(rows=3, ms=12.5), "same.txt": "x"})
    b = tree(tmp_path / "b", {"x/index.html": page.format(rows=3, ms=9.1), "same.txt": "x"})
    assert reproducible.compare(a, b, ("p95",)) == []
    assert reproducible.compare(a, b, ()) == ["x/index.html: line 3:\n    - p95 12.5 ms\n    + p95 9.1 ms"]
    (b / "x/index.html").write_text(page.format(rows=4, ms=9.1), encoding="utf-8")
    assert reproducible.compare(a, b, ("p95",)) == ["x/index.html: line 2:\n    - rows: 3\n    + rows: 4"]


def test_missing_files_are_listed(tmp_path):
    a = tree(tmp_path / "a", {"one.html": "x", "two.html": "y"})
    b = tree(tmp_path / "b", {"one.html": "x", "three.html": "z"})
    assert reproducible.compare(a, b, ()) == [
        "two.html: only in the first build",
        "three.html: only in the second build",
    ]


def test_a_volatile_line_in_the_search_index_masks_that_line_not_the_page(tmp_path):
    # The index holds a page's whole text in one string; its own line breaks are kept apart.
    def index(ms: float, cells: int) -> str:
        return json.dumps({"docs": [{"text": f"cells: {cells}\np95 {ms} ms\nend"}]})

    a = tree(tmp_path / "a", {"search/search_index.json": index(12.5, 3)})
    b = tree(tmp_path / "b", {"search/search_index.json": index(9.1, 3)})
    assert reproducible.compare(a, b, ("p95",)) == []
    (b / "search/search_index.json").write_text(index(9.1, 4), encoding="utf-8")
    [problem] = reproducible.compare(a, b, ("p95",))
    assert problem.startswith("search/search_index.json: line") and "cells: 4" in problem
