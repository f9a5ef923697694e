"""The runner snippets and notebooks share (scripts/pipeline/child_process.py)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from scripts.pipeline import child_process


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of an exited parent may linger as a zombie until init reaps it.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(") ")[1][0] != "Z"


def test_a_timeout_kills_what_the_child_started(tmp_path):
    # The child starts a "server" (a grandchild that outlives it unless its group is killed).
    pid_file = tmp_path / "server.pid"
    code = (
        "import subprocess, sys, time; "
        "server = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        f"open({str(pid_file)!r}, 'w').write(str(server.pid)); time.sleep(60)"
    )
    with pytest.raises(child_process.ChildTimeout):
        child_process.run([sys.executable, "-c", code], timeout=2, env=dict(os.environ))
    server = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(server), "the server the child started survived the timeout"


def test_output_and_exit_status_come_back():
    done = child_process.run(
        [sys.executable, "-c", "import sys; print('out'); sys.exit(3)"], timeout=20, env=dict(os.environ)
    )
    assert (done.returncode, done.stdout) == (3, "out\n")
