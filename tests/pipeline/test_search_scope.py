"""What goes into the built search index, which every page downloads and parses at start-up.

Readers search in words, so the index keeps prose (inline code included) and leaves out
code blocks, snippet and notebook outputs, and a notebook cell's hidden copy-button text
(scripts/pipeline/search_scope.py says what that costs and saves).
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from scripts.pipeline.search_scope import exclude_code_blocks


def test_every_pre_block_is_marked_once_and_nothing_else():
    html = '<p>Run <code>make</code></p><pre class="x"><code>a</code></pre><pre>b</pre><preview>'
    marked = exclude_code_blocks(html)
    assert marked == (
        '<p>Run <code>make</code></p><pre data-search-exclude class="x"><code>a</code></pre>'
        "<pre data-search-exclude>b</pre><preview>"
    )
    assert exclude_code_blocks(marked) == marked, "marking twice changes nothing"
    assert exclude_code_blocks("<PRE>raw HTML</PRE>") == "<PRE data-search-exclude>raw HTML</PRE>"


@pytest.fixture(scope="module")
def index(site_dir) -> dict[str, str]:
    """{page URL: all the text the index holds for that page}."""
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    pages: dict[str, str] = {}
    for doc in docs:
        page = doc["location"].split("#")[0]
        pages[page] = pages.get(page, "") + doc["text"]
    return pages


def code_lines(html: str, block_class: str) -> list[str]:
    """The text lines of every code block whose wrapper carries block_class."""
    blocks = re.findall(rf'<div class="[^"]*{block_class}[^"]*"[^>]*>.*?<code>(.*?)</code>', html, re.S)
    # Code lines carry line-number anchors and highlighting spans; the index would hold bare text.
    lines = [unescape(re.sub(r"<[^>]+>", "", line)).strip() for b in blocks for line in b.splitlines()]
    return [line for line in lines if len(line) > 15]


def test_no_code_block_or_output_is_indexed_but_inline_code_is(site_dir, index):
    html = (site_dir / "skills" / "model-evaluation" / "index.html").read_text(encoding="utf-8")
    text = index["skills/model-evaluation/"]
    code = code_lines(html, "language-python")
    outputs = code_lines(html, "snippet-output")
    assert code and outputs, "the model-evaluation page shows no snippet; pick another page for this test"
    indexed = [line for line in code + outputs if line in text]
    assert indexed == [], f"code or output lines in the search index: {indexed[:3]}"
    assert "<pre>" not in text
    inline = re.findall(r"<p>[^<]*<code>([^<]{4,})</code>", html)
    assert inline and all(f"<code>{name}</code>" in text for name in inline[:5]), "inline code must stay"


def test_notebook_cells_are_not_indexed_but_their_prose_is(index):
    text = index["projects/notebook-to-service/"]
    assert "import hashlib" not in text, "a notebook code cell (or its copy-button text) is in the index"
    assert len(text) > 2_000, "the notebook's Markdown cells should be indexed"
