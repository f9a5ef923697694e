"""The tests that tests/conftest.py schedules first by name still exist.

A renamed test silently loses its place at the front of the run (speed only, never a check),
so the names are checked against the test functions the suite defines.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import SLOW_SITE_TESTS, SLOW_TESTS

TESTS = Path(__file__).parent


def defined_tests() -> set[str]:
    names = set()
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    return names


def test_every_test_scheduled_by_name_exists():
    missing = sorted((SLOW_TESTS | SLOW_SITE_TESTS) - defined_tests())
    assert not missing, f"tests/conftest.py schedules tests that no longer exist (renamed?): {missing}"
