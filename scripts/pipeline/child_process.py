"""Run a command in a child process of its own, with a timeout that kills everything it started.

Snippets and notebooks both run this way (scripts/pipeline/snippet_exec.py, notebooks.py):
a crash or a hang in the child cannot take the build down. The child gets a new session,
so its own process group; on timeout the whole group is killed, servers and worker pools a
snippet or notebook started included, not just the interpreter.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from scripts import ROOT


class ChildTimeout(Exception):
    """The child ran past its timeout; its whole process group has been killed."""


def run(
    argv: list[str], *, timeout: float, env: dict[str, str], cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run ``argv`` to completion and return it (stdout and stderr as text).

    Raises ChildTimeout after ``timeout`` seconds; the caller names the file in its message.
    """
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ChildTimeout from None
    return subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)
