"""Each code block's placeholder height, so blocks do not resize as a reader scrolls to them.

docs/assets/stylesheets/extra.css skips the rendering of off-screen code blocks
(``content-visibility: auto``) and sizes each skipped block by ``contain-intrinsic-size``.
With one fixed size for every block, each one jumped to its real height the first time it
came near the viewport, moving everything below it: a reader's scroll position shifted,
and Lighthouse's accessibility audit (axe, which scrolls as it checks) read the footer's
"Next" label against a code block that had moved under it (1.06:1 on
/skills/model-evaluation/, 2026-12-05). A block's height is its line count times the code
line height plus a fixed part, so the build writes the count on the block
(``style="--code-lines: N"``) and the stylesheet turns it into the placeholder: within two
lines of the real height (tests/browser/test_site.py), where one size for all missed by up
to 200 em on that page.

Lines are counted from pymdownx.highlight's ``line_spans`` (one ``<span id="__span-...">``
per line, mkdocs.yml); a block without them keeps the stylesheet's default size.
"""

from __future__ import annotations

import re

# A highlighted block up to the end of its code: pymdownx.highlight's <div class="... highlight">,
# an optional title, then <pre><code>. The body holds no <div>, so a block of another shape
# that never reaches </code></pre> cannot borrow the next block's lines.
BLOCK = re.compile(
    r'<div class="(?:[^"]*\s)?highlight(?:\s[^"]*)?"(?P<rest>[^>]*)>(?P<body>(?:(?!<div\b).)*?</code></pre>)',
    re.S,
)
LINE = re.compile(r'<span id="__span-')


def mark_line_counts(html: str) -> str:
    """Add ``style="--code-lines: N"`` to every highlighted block that has line spans and no
    style of its own."""

    def mark(match: re.Match[str]) -> str:
        lines = len(LINE.findall(match["body"]))
        if lines == 0 or "style=" in match["rest"]:
            return match[0]
        start = match[0][: match.start("rest") - match.start()]
        return f'{start} style="--code-lines: {lines}"{match["rest"]}>{match["body"]}'

    return BLOCK.sub(mark, html)
