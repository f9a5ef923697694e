"""What the theme's search index leaves out: code blocks.

Every page downloads and parses the whole index at start-up (Material for MkDocs' lunr
search), so what goes into it costs every reader, searcher or not. Code blocks were three
quarters of it: 930 KB of the 1.28 MB of indexed text on 2026-12-04, snippet code and
notebook cells alike. Readers type questions in words, and the query set that measures
search (tests/quality/search/queries.yaml, 105 queries) scored the same hit@3 with code
left out (0.914 both ways; MRR 0.637 and 0.638), while the index fell from 1.40 MB to
0.85 MB (444 KB to 268 KB gzipped).

The cost: a name that appears only inside a code block is no longer found. Names a page
wants found belong in its prose, as inline code (``search_runs``), which stays indexed.

Material's search plugin skips an element carrying ``data-search-exclude`` and everything
inside it; snippet and notebook outputs are ``<pre>`` blocks too. A snippet output's
"Output" title sits outside its ``<pre>``, so the snippet directive marks that block whole.
"""

from __future__ import annotations

import re

# A <pre> start tag that does not carry the attribute yet (so marking twice is a no-op).
PRE_TAG = re.compile(r"<pre(?=[\s>])(?![^>]*\bdata-search-exclude\b)", re.IGNORECASE)


def exclude_code_blocks(html: str) -> str:
    """Mark every ``<pre>`` block of a page's HTML so the search index skips it."""
    return PRE_TAG.sub(lambda m: m[0] + " data-search-exclude", html)
