"""What goes into the built search index, which every page downloads and parses at start-up.

Readers search in words, so the index keeps prose and code and leaves out what only
repeats or prints numbers: a notebook cell's hidden copy-button text and snippet outputs.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest


@pytest.fixture(scope="module")
def index(site_dir) -> dict[str, str]:
    """{page URL: all the text the index holds for that page}."""
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    pages: dict[str, str] = {}
    for doc in docs:
        page = doc["location"].split("#")[0]
        pages[page] = pages.get(page, "") + doc["text"]
    return pages


def test_each_notebook_cell_is_indexed_once(index):
    text = index["projects/notebook-to-service/"]
    assert text.count("import hashlib") == 1, "a notebook cell's hidden copy-button text is in the index"


def test_snippet_code_is_indexed_and_its_output_is_not(site_dir, index):
    html = (site_dir / "skills" / "model-evaluation" / "index.html").read_text(encoding="utf-8")
    outputs = re.findall(r'<div class="[^"]*snippet-output[^"]*"[^>]*>.*?<code>(.*?)</code>', html, re.S)
    assert outputs, "the model-evaluation page shows no snippet output; pick another page for this test"
    # The page's code lines carry line-number anchors; the index holds the bare text.
    lines = [unescape(re.sub(r"<[^>]+>", "", line)).strip() for line in outputs[0].splitlines()]
    first_line = next(line for line in lines if len(line) > 10)
    text = index["skills/model-evaluation/"]
    assert first_line not in text, f"snippet output {first_line!r} is in the search index"
    code_blocks = html.count('<div class="language-python highlight"')
    assert code_blocks and text.count("<pre>") == code_blocks, "every snippet's code should stay searchable"
