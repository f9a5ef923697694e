"""Shared fixtures: the repository root, real site builds and small fixture sites."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from scripts import ROOT

MKDOCS = [sys.executable, "-m", "mkdocs"]


@dataclass
class BuildResult:
    returncode: int
    output: str
    site_dir: Path


def run_build(config: Path, site_dir: Path, *, skip_notebooks: bool = False) -> BuildResult:
    """Build a site with the real toolchain, from the repository root, as `make build` does."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if skip_notebooks:
        env["GUIDE_SKIP_NOTEBOOKS"] = "1"
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, site_dir)


@pytest.fixture
def fixture_site(tmp_path: Path):
    """Build a small site from the given pages with the project's own mkdocs.yml settings.

    The fixture config INHERITs the real mkdocs.yml (strict mode, validation rules,
    Markdown extensions, hooks), replacing only the pages and the nav.
    """

    def build(pages: dict[str, str], nav: list | None = None) -> BuildResult:
        docs = tmp_path / "docs"
        for rel, text in pages.items():
            (docs / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs / rel).write_text(text, encoding="utf-8")
        config = {
            "INHERIT": str(ROOT / "mkdocs.yml"),
            "docs_dir": str(docs),
            "nav": nav if nav is not None else list(pages),
            # Paths in the parent are relative to it; make them absolute here.
            "hooks": [str(ROOT / "scripts" / "pipeline" / "site_hooks.py")],
            "theme": {"name": "material", "custom_dir": str(ROOT / "overrides")},
            "extra_css": [],
            "watch": [],
        }
        config_path = tmp_path / "mkdocs.yml"
        config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        return run_build(config_path, tmp_path / "site", skip_notebooks=True)

    return build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuildResult:
    """The real site, built once per test session (per xdist worker)."""
    site_dir = tmp_path_factory.mktemp("site")
    return run_build(ROOT / "mkdocs.yml", site_dir)


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    """The built site: GUIDE_SITE_DIR if set, else the strict build of tests/conftest.py."""
    prebuilt = os.environ.get("GUIDE_SITE_DIR")
    if prebuilt:
        path = Path(prebuilt).resolve()
        if not (path / "index.html").is_file():
            pytest.fail(f"GUIDE_SITE_DIR={prebuilt} holds no built site (no index.html)")
        return path
    built = request.getfixturevalue("built_site")
    assert built.returncode == 0, "The site did not build:\n" + built.output[-3000:]
    return built.site_dir
