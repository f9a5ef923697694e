"""Code blocks carry their line count, which sizes their placeholder while off screen
(scripts/pipeline/code_block_sizes.py; the browser test of the sizes is in
tests/browser/test_site.py)."""

from __future__ import annotations

from scripts.pipeline.code_block_sizes import mark_line_counts


def block(classes: str, lines: int, title: str = "") -> str:
    spans = "".join(f'<span id="__span-0-{n}">line {n}\n</span>' for n in range(1, lines + 1))
    return f'<div class="{classes}">{title}<pre><span></span><code>{spans}</code></pre></div>'


def test_each_block_gets_its_own_line_count():
    html = block("language-python highlight", 3, '<span class="filename">a.py</span>') + block(
        "language-text snippet-output highlight", 1
    )
    marked = mark_line_counts(html)
    assert '<div class="language-python highlight" style="--code-lines: 3">' in marked
    assert '<div class="language-text snippet-output highlight" style="--code-lines: 1">' in marked
    assert mark_line_counts(marked) == marked, "marking twice changes nothing"


def test_blocks_without_line_spans_and_other_divs_are_left_alone():
    plain = '<div class="highlight"><pre><code>no spans</code></pre></div>'
    other = '<div class="highlighted-note"><p>x</p></div>' + block("language-python highlight", 2)
    assert mark_line_counts(plain) == plain
    assert mark_line_counts(other).startswith('<div class="highlighted-note">')
    assert mark_line_counts(other).count("--code-lines: 2") == 1


def test_a_block_that_never_closes_its_code_does_not_take_the_next_blocks_lines():
    odd = '<div class="highlight"><pre>no code element</pre></div>'
    marked = mark_line_counts(odd + block("language-python highlight", 4))
    assert marked.startswith(odd)
    assert marked.count("--code-lines: 4") == 1
