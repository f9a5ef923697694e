"""Abbreviation tooltips on first use only.

The glossary's abbreviations are appended to every page (see site_hooks.on_config), so
Python-Markdown's ``abbr`` extension wraps *every* occurrence of "BLS" or "ML" in an
``<abbr title=...>``: 189 of them on the market-trends page. Readers need the expansion
once per page, as a style guide would spell it out once; a dotted underline under every
"AI" is noise. (It was also slow while Material's `content.tooltips` was on: it mounted a
tooltip per element at start-up, about half a second on that page on a throttled phone.)

This keeps the first ``<abbr>`` for each abbreviation and turns the later ones back into
plain text. A page that defines the terms itself (the glossary, front matter
``abbreviations: false``) gets none at all: the tooltip would repeat the row it sits in.
Both work on the HTML the ``abbr`` extension writes: an element with a title attribute and
text only, never nested markup.
"""

from __future__ import annotations

import re

ABBR = re.compile(r"<abbr(?P<attrs>\s[^>]*)?>(?P<text>[^<]*)</abbr>")


def first_use_only(html: str) -> str:
    """Return ``html`` with only the first <abbr> per abbreviation kept."""
    seen: set[str] = set()

    def keep_first(match: re.Match[str]) -> str:
        text = match["text"]
        if text in seen:
            return text
        seen.add(text)
        return match[0]

    return ABBR.sub(keep_first, html)


def none(html: str) -> str:
    """Return ``html`` with every <abbr> turned back into its plain text."""
    return ABBR.sub(lambda match: match["text"], html)
