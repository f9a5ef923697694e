"""Pages and data files a contributor saved badly fail with one message naming file and line.

Each test calls what the build calls (the hook functions MkDocs runs, the knowledge-base
loader) on a small file holding the mistake.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

from scripts.pipeline import directives, site_hooks, source_files
from tests.pipeline.knowledge_base.kb_helpers import copy_fixture

LATIN1_PAGE = "---\ntitle: Café\n---\n\n# Prices\n\nA café latte costs more.\n".encode("latin-1")
BROKEN_YAML_PAGE = "---\ntitle: Serving: the basics\ntags: [serving]\n---\n\n# Serving\n"


def fake_page(docs: Path, rel: str):
    return SimpleNamespace(file=SimpleNamespace(src_uri=rel, abs_src_path=str(docs / rel)))


def test_a_page_that_is_not_utf8_names_the_file_line_and_byte(tmp_path):
    (tmp_path / "faq.md").write_bytes(LATIN1_PAGE)
    with pytest.raises(PluginError) as caught:
        site_hooks.on_page_read_source(fake_page(tmp_path, "faq.md"), None)
    assert str(caught.value) == (
        "docs/faq.md line 2: byte 0xe9 at column 11 (after 'title: Caf') is not valid UTF-8 — the file "
        "was saved in another encoding; re-save it as UTF-8 (most editors: 'Save with encoding' → UTF-8)"
    )


def test_the_first_hook_to_read_every_page_names_the_bad_one(tmp_path):
    # on_pre_build scans all pages for snippet directives before MkDocs reads any page;
    # this is where a bad byte used to end the build in a traceback naming no file.
    (tmp_path / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "faq.md").write_bytes(LATIN1_PAGE)
    with pytest.raises(directives.DirectiveError, match=r"^docs/guide/faq.md line 2: byte 0xe9 at column 11"):
        directives.snippet_usages(tmp_path)


def test_a_data_file_that_is_not_utf8_is_one_problem_naming_file_and_line(tmp_path):
    kb = copy_fixture(tmp_path)
    path = kb.data / "tools.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("backend_analogue:")].count("\n") + 1
    path.write_bytes(text.replace("backend_analogue:", "backend_analogue: Caf\xe9", 1).encode("latin-1"))
    (problem,) = kb.problems()
    assert problem.startswith(f"data/tools.yaml line {line}: byte 0xe9 at column ")
    assert "is not valid UTF-8" in problem


def test_broken_front_matter_fails_the_build_naming_the_line(tmp_path):
    # MkDocs' own reader ignores it and would publish the YAML block as text.
    assert get_data(BROKEN_YAML_PAGE) == (BROKEN_YAML_PAGE, {})
    (tmp_path / "serving.md").write_text(BROKEN_YAML_PAGE, encoding="utf-8")
    with pytest.raises(PluginError) as caught:
        site_hooks.on_page_read_source(fake_page(tmp_path, "serving.md"), None)
    assert str(caught.value) == (
        "docs/serving.md line 2: front matter is not valid YAML (mapping values are not allowed here) — "
        "quote values that contain ': ', e.g. title: \"Serving: the basics\""
    )


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: T\ntags: [a, b]\n---\n\n\n# T\n\nBody.\n",
        "---\ntitle: T\n...\n# T\n",
        "# No front matter\n\nBody.\n",
    ],
)
def test_front_matter_is_what_mkdocs_reads_and_the_body_line_counts_what_it_strips(text):
    read = source_files.front_matter(text, "docs/p.md")
    assert (read.body, read.meta) == get_data(text)
    assert text.splitlines()[read.body_line :] == read.body.splitlines()
