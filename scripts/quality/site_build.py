"""Build a site with MkDocs in a subprocess, as `make build` does: the one place that runs it.

Used by the tests' fixtures, `make check`, the benchmark, the search evaluation and the
Lighthouse report. A subprocess, not an import: each build starts from a clean interpreter,
exactly like a contributor's, and nothing here depends on MkDocs internals. The test suite
forks its builds instead (``fork=True``: the real site and a dozen small fixture sites)
from a server that imported MkDocs, the theme and the Markdown extensions once
(scripts/pipeline/fork_server.py); `make check`, the benchmark and the reproducibility
check keep whole fresh processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts import ROOT
from scripts.pipeline import child_process, fork_server

CONFIG = ROOT / "mkdocs.yml"
TIMEOUT = 900  # seconds; a cold build executes every snippet and notebook
# What every build imports before reading a page: about half a second of CPU per build.
PRELOAD = (
    "mkdocs.__main__",
    "mkdocs.commands.build",
    "material.plugins.search.plugin",
    "mkdocs_jupyter.plugin",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "scripts.pipeline.site_hooks",
)


@dataclass
class Build:
    returncode: int
    output: str  # stdout and stderr together: MkDocs logs to stderr
    site_dir: Path
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, chars: int = 4000) -> str:
        return self.output[-chars:]


def build(
    site_dir: Path,
    config: Path = CONFIG,
    *,
    strict: bool = True,
    skip_notebooks: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    fork: bool = False,
) -> Build:
    """Build ``config`` into ``site_dir`` from the repository root and return the outcome.

    ``skip_notebooks`` sets GUIDE_SKIP_NOTEBOOKS (fixture sites have no notebooks to run);
    ``env`` adds variables, e.g. GUIDE_CACHE_DIR for a cold build; ``fork`` forks the
    build from a server that has MkDocs imported (the test suite's many small builds).
    """
    args = ["build", "--config-file", str(config)]
    args += ["--site-dir", str(site_dir), "--strict" if strict else "--no-strict"]
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    if skip_notebooks:
        full_env["GUIDE_SKIP_NOTEBOOKS"] = "1"
    started = time.perf_counter()
    if fork:
        server = fork_server.server_for(full_env, PRELOAD)
        try:
            proc = server.run("mkdocs", args, timeout=timeout, env=full_env)
        except child_process.ChildTimeout:
            raise subprocess.TimeoutExpired(["mkdocs", *args], timeout) from None
    else:
        command = [sys.executable, "-m", "mkdocs", *args]
        proc = subprocess.run(
            command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout
        )
    return Build(proc.returncode, proc.stdout + proc.stderr, Path(site_dir), time.perf_counter() - started)


@contextmanager
def given_or_built(site_dir: Path | None, *, strict: bool = True) -> Iterator[Path]:
    """The built site a command line named (``--site-dir``), or a fresh build of this one in
    a temporary directory, removed afterwards. A failed build exits with MkDocs' output."""
    if site_dir is not None:
        yield Path(site_dir)
        return
    with tempfile.TemporaryDirectory(prefix="guide-site-") as tmp:
        print("Building the site (mkdocs build)...", file=sys.stderr)
        built = build(Path(tmp) / "site", strict=strict)
        if not built.ok:
            sys.exit(f"mkdocs build failed:\n{built.tail()}")
        yield built.site_dir
