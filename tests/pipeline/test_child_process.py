"""The runner snippets and notebooks share (scripts/pipeline/child_process.py)."""

from __future__ import annotations

import os
import sys

import pytest

from scripts.pipeline import child_process
from tests.pipeline.processes import TIMEOUTS, gone_within, server_pid_code


@pytest.mark.waits
def test_a_timeout_kills_what_the_child_started(tmp_path):
    pid_file = tmp_path / "server.pid"
    code = "\n".join([*server_pid_code(pid_file), "import time", "time.sleep(60)"])
    for timeout in TIMEOUTS:
        with pytest.raises(child_process.ChildTimeout):
            child_process.run([sys.executable, "-c", code], timeout=timeout, env=dict(os.environ))
        if pid_file.exists():
            break
    server = int(pid_file.read_text())
    assert gone_within(server, 5), "the server the child started survived the timeout"


def test_output_and_exit_status_come_back():
    done = child_process.run(
        [sys.executable, "-c", "import sys; print('out'); sys.exit(3)"], timeout=20, env=dict(os.environ)
    )
    assert (done.returncode, done.stdout) == (3, "out\n")
