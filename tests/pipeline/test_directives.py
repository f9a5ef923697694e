"""Directive parsing and expansion, independent of MkDocs."""

from __future__ import annotations

import pytest

from scripts.pipeline import directives
from scripts.pipeline.snippet_sections import SnippetFormatError, parse_metadata, split_chunks


def upper(d: directives.Directive) -> str:
    return f"| {d.name.upper()} |\n|---|\n| {d.args} |"


RENDERERS = {"table": upper, "chart": upper, "snippet": upper}


def test_expansion_keeps_the_indentation_of_the_directive():
    markdown = '=== "Tab"\n\n    <!-- table: roles -->\n\ntext\n'
    out = directives.expand(markdown, "p.md", RENDERERS)
    assert out == '=== "Tab"\n\n    | ROLES |\n    |---|\n    | {} |\n\ntext\n'


def test_arguments_are_parsed():
    out = directives.expand("<!-- table: tools category=serving -->\n", "p.md", RENDERERS)
    assert "{'category': 'serving'}" in out


def test_directives_inside_code_fences_are_left_alone():
    markdown = "````markdown\n<!-- table: roles -->\n````\n"
    assert directives.expand(markdown, "p.md", RENDERERS) == markdown


def test_ordinary_comments_pass_through():
    markdown = "<!-- just a comment -->\n<!-- TODO fix -->\n"
    assert directives.expand(markdown, "p.md", RENDERERS) == markdown


def test_unknown_kind_names_page_and_line():
    with pytest.raises(directives.DirectiveError, match=r"docs/a/b.md line 2: unknown directive 'tabel:'"):
        directives.expand("text\n<!-- tabel: roles -->\n", "a/b.md", RENDERERS)


def test_bad_argument_names_page_and_line():
    with pytest.raises(directives.DirectiveError, match=r"docs/p.md line 1: cannot read argument 'serving'"):
        directives.expand("<!-- table: tools serving -->\n", "p.md", RENDERERS)


def test_snippet_sections_split_in_order():
    source = "a = 1\n# --8<-- [start:x]\nprint(a)\n# --8<-- [end:x]\nb = 2\n"
    chunks = split_chunks(source)
    assert [(c.name, c.start_line) for c in chunks] == [(None, 1), ("x", 3), (None, 5)]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("if True:\n    # --8<-- [start:x]\n    pass\n    # --8<-- [end:x]\n", "is indented"),
        ("# --8<-- [start:x]\npass\n", "never closed"),
        ("# --8<-- [start:x]\n# --8<-- [start:y]\n", "starts inside section 'x'"),
        ("# --8<-- [end:x]\n", "does not close"),
        ("# --8<-- [start:x]\n# --8<-- [end:x]\n# --8<-- [start:x]\n# --8<-- [end:x]\n", "defined twice"),
    ],
)
def test_bad_section_markers_fail_with_the_line(source, message):
    with pytest.raises(SnippetFormatError, match=message):
        split_chunks(source, "snippets/x.py")


def test_metadata_is_validated():
    assert parse_metadata("# /// snippet\n# timeout = 5\n# ///\n").timeout == 5
    with pytest.raises(SnippetFormatError, match="unknown metadata key"):
        parse_metadata("# /// snippet\n# timout = 5\n# ///\n", "snippets/x.py")
    with pytest.raises(SnippetFormatError, match="never closed"):
        parse_metadata("# /// snippet\n# timeout = 5\n", "snippets/x.py")
