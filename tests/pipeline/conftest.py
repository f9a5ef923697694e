"""Fixtures shared by the pipeline's tests."""

from __future__ import annotations

import shutil
import uuid

import pytest

from scripts import ROOT
from scripts.pipeline import fork_server


@pytest.fixture
def scratch_snippet(light_fork_server):
    """Write a throwaway snippet under build/ (inside the repository, outside snippets/).

    Forked, it runs from the light server: the heavy one (fork_server.PRELOAD) cost about
    3 s of CPU in each xdist worker that started it for a scratch snippet (2026-12-04).
    """
    folder = ROOT / "build" / "test-snippets" / uuid.uuid4().hex
    folder.mkdir(parents=True)

    def write(text: str) -> str:
        path = folder / "example.py"
        path.write_text(text, encoding="utf-8")
        return path.relative_to(ROOT).as_posix()

    yield write
    shutil.rmtree(folder, ignore_errors=True)


# What a scratch snippet's server imports: enough to show what forking shares (numpy's
# global random state), cheap to start in every test worker. Real snippet runs use
# fork_server.PRELOAD, a different server (the preload is part of its key).
LIGHT_PRELOAD = ("numpy", "scripts.pipeline.snippet_worker")


@pytest.fixture
def light_fork_server(monkeypatch):
    monkeypatch.setattr(fork_server, "PRELOAD", LIGHT_PRELOAD)


@pytest.fixture(params=["fresh", "forked"])
def interpreter(request) -> str:
    """Both ways the runner starts a snippet: a fresh Python, and a fork from the server."""
    return request.param
