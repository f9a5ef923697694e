"""The site's own JavaScript: the logic of the planner, the question bank and the search
ranking under Node's test runner, and Biome's lint and format check over
docs/assets/javascripts/, overrides/assets/javascripts/ and tests/javascript/ (biome.json).

Both need Node.js, which .ci/run installs in CI; Biome comes from package-lock.json, which
`make lint` and `make test` install into node_modules/ when the lock file changes. Without
them a local run skips these tests and says what to install; with CI=true it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from scripts import ROOT
from scripts.pipeline import child_process

NODE_TESTS = sorted((ROOT / "tests" / "javascript").glob("*.test.js"))
BIOME = ROOT / "node_modules" / ".bin" / "biome"


def missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        missing("Node.js not found: the JavaScript checks need it (Debian: apt-get install nodejs npm)")
    return path


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    # A plan loop that never ends must fail the test, not hang the suite.
    try:
        return child_process.run(command, timeout=60, env=dict(os.environ))
    except child_process.ChildTimeout:
        pytest.fail(f"{' '.join(command)} did not finish within 60 s (a loop that never ends?)")


def test_planner_logic_passes_its_node_tests(node):
    assert NODE_TESTS, "no tests/javascript/*.test.js"
    proc = run([node, "--test", "--test-reporter=spec", *(str(p.relative_to(ROOT)) for p in NODE_TESTS)])
    assert proc.returncode == 0, f"node --test failed:\n{proc.stdout[-8000:]}{proc.stderr[-2000:]}"


def test_javascript_passes_biome_lint_and_format(node):
    if not BIOME.exists():
        missing("Biome is not installed: `make lint` installs package-lock.json into node_modules/")
    proc = run([node, str(BIOME), "ci", "--error-on-warnings", "--colors=off"])
    assert proc.returncode == 0, (
        f"run `make format` to fix what Biome can:\n{proc.stdout[-8000:]}{proc.stderr}"
    )
