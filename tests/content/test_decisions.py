"""No release decision on the site rests on a point estimate.

A snippet or notebook whose code speaks a verdict ("promote", "roll back") must take it with
the shared helper, `snippets/skills/evaluation/model_comparison.py`, which decides on the
whole confidence interval and calls a tie a tie. The check reads string literals in the code
(not comments or Markdown cells), so explaining a promotion in prose is fine; printing one
that no interval decided is not.
"""

from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT

VERDICT = re.compile(r"\bpromot(e|es|ed|ion)\b|\broll(ed|s)?[ -]?back\b|\brollback\b", re.IGNORECASE)
HELPER = "snippets.skills.evaluation.model_comparison"
SOURCES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [*(ROOT / "snippets").rglob("*.py"), *(ROOT / "notebooks").glob("*.py")]
    if "__pycache__" not in p.parts and p.name != "model_comparison.py"
)


def verdicts_without_the_helper(source: str) -> list[str]:
    tree = ast.parse(source)
    imports_helper = any(
        isinstance(node, ast.ImportFrom) and node.module == HELPER for node in ast.walk(tree)
    )
    if imports_helper:
        return []
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        f"line {node.lineno}: {node.value.strip()[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and VERDICT.search(node.value)
    ]


@pytest.mark.parametrize("path", SOURCES)
def test_a_verdict_is_taken_with_the_interval_helper(path):
    found = verdicts_without_the_helper((ROOT / path).read_text(encoding="utf-8"))
    assert not found, (
        f"{path} states a release verdict without deciding on an interval:\n  "
        + "\n  ".join(found)
        + f"\nImport paired_difference or independent_difference and decide from {HELPER} "
        "and print the verdict that decide() returns (see CONTRIBUTING.md)."
    )


def test_a_point_estimate_verdict_is_caught():
    old_style = (
        'auc_gain = 0.0119\ndecision = "PROMOTE" if auc_gain >= 0.01 else "DO NOT PROMOTE"\nprint(decision)\n'
    )
    assert verdicts_without_the_helper(old_style) == ["line 2: 'PROMOTE'", "line 2: 'DO NOT PROMOTE'"]


def test_prose_about_promotion_is_not_a_verdict():
    source = '"""Promotion needs an interval."""\n# Roll back when the canary fails.\nx = 1\n'
    assert verdicts_without_the_helper(source) == []


def test_a_verdict_from_the_helper_passes():
    source = (
        f'from {HELPER} import decide\nprint("promote" if decide(d, 0.01).verdict == "promote" else "keep")\n'
    )
    assert verdicts_without_the_helper(source) == []
