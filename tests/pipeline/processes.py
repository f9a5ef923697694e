"""Helpers for tests that check which processes are left running."""

from __future__ import annotations

import os
import time
from pathlib import Path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of an exited parent may linger as a zombie until init reaps it.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


# Timeouts for a test whose child must get somewhere (start a server, write its pid) before
# the timeout kills it: the shortest first, a longer one only when a busy machine did not
# let the child get there in time. Every second of it is a worker waiting on a timer.
TIMEOUTS = (0.5, 2.0, 8.0)


def server_pid_code(pid_file: Path) -> list[str]:
    """Python lines that start a "server" (a grandchild sleeping for a minute, which outlives
    its parent unless the whole process group is killed) and then write its pid, atomically,
    to pid_file."""
    return [
        "import os, subprocess, sys",
        "server = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
        f"with open({str(pid_file) + '.tmp'!r}, 'w') as f: f.write(str(server.pid))",
        f"os.replace({str(pid_file) + '.tmp'!r}, {str(pid_file)!r})",
    ]
