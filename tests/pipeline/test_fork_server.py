"""A snippet forked from the server behaves like one in a fresh interpreter.

The server (scripts/pipeline/fork_server.py) imports the heavy libraries once and forks a
child per snippet. What a fresh process gave for free, each test here proves for a fork:
fresh random state, the request's own environment, an exit that waits for threads and runs
atexit handlers, a timeout that kills what the snippet started, a crash reported as one,
and no server left behind when its parent goes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import ROOT
from scripts.pipeline import fork_server, network_guard, snippet_exec
from scripts.pipeline.cache import SINGLE_THREADED
from tests.pipeline.processes import TIMEOUTS, gone_within, server_pid_code


def forked(path: str) -> snippet_exec.Result:
    return snippet_exec.execute(path, interpreter="forked")


def test_unseeded_random_values_differ_between_two_forks(scratch_snippet):
    # If forks shared the server's random state, an unseeded snippet would print the same
    # twice and pass the reproducibility check it must fail.
    path = scratch_snippet(
        "import random, uuid\nimport numpy as np\n"
        "print(random.random(), np.random.rand(), np.random.default_rng().random(), uuid.uuid4())\n"
    )
    first, second = forked(path).output(), forked(path).output()
    assert [a != b for a, b in zip(first.split(), second.split(), strict=True)] == [True] * 4


def test_a_fork_gets_the_environment_of_its_own_request(scratch_snippet, monkeypatch):
    path = scratch_snippet("import os\nprint(os.environ.get('GUIDE_FORK_TEST'), os.getcwd())\n")
    monkeypatch.setenv("GUIDE_FORK_TEST", "first")
    assert forked(path).output() == f"first {ROOT}\n"
    monkeypatch.setenv("GUIDE_FORK_TEST", "second")  # the server is already running
    assert forked(path).output() == f"second {ROOT}\n"


def test_a_fork_exits_like_an_interpreter_waiting_for_threads_and_running_atexit(scratch_snippet, tmp_path):
    marks = tmp_path / "marks.txt"
    path = scratch_snippet(
        "import atexit, threading, time\n"
        f"marks = {str(marks)!r}\n"
        "def write(text):\n"
        "    with open(marks, 'a') as f:\n"
        "        f.write(text + '\\n')\n"
        "atexit.register(write, 'atexit')\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), write('thread'))).start()\n"
        "print('main done')\n"
    )
    assert forked(path).output() == "main done\n"
    assert marks.read_text().split() == ["thread", "atexit"]


def test_a_fork_exits_with_an_executor_left_open_as_an_interpreter_does(scratch_snippet):
    # concurrent.futures lets its idle workers go through threading's exit callbacks,
    # which a hand-written join of the threads would never call (the fork would hang).
    path = scratch_snippet(
        "# /// snippet\n# timeout = 20\n# ///\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "pool = ThreadPoolExecutor(2)\n"
        "print(pool.submit(sum, [1, 2]).result())\n"
    )
    assert forked(path).output() == "3\n"


def test_an_uncaught_exception_still_runs_atexit_handlers(scratch_snippet, tmp_path):
    mark = tmp_path / "atexit.txt"
    path = scratch_snippet(
        f"import atexit\natexit.register(lambda: open({str(mark)!r}, 'w').write('ran'))\n"
        "raise RuntimeError('on purpose')\n"
    )
    with pytest.raises(snippet_exec.SnippetError, match="on purpose"):
        forked(path)
    assert mark.read_text() == "ran"


def test_stalled_or_malformed_requests_neither_hold_up_others_nor_stop_the_server(scratch_snippet):
    # (The same server as the snippet's: the key is the preload and import-time settings.)
    path = scratch_snippet("print('served')\n")
    forked(path)  # the server is up
    env = {**os.environ, **SINGLE_THREADED, "MPLBACKEND": "Agg"}
    server = fork_server.server_for(network_guard.child_env(env, ROOT, ROOT / "unused.log"))
    with (
        socket.socket(socket.AF_UNIX) as stalled,
        socket.socket(socket.AF_UNIX) as halfway,
        socket.socket(socket.AF_UNIX) as garbled,
    ):
        stalled.connect(server.socket_path)  # connects and never sends its request
        halfway.connect(server.socket_path)
        halfway.sendall(b'{"module": ')  # half a request line, then silence
        garbled.connect(server.socket_path)
        garbled.sendall(b"not json\n")
        assert forked(path).output() == "served\n"
        # Served while the two silent clients are still connected: the server never waited
        # for them (it drops them after fork_server.REQUEST_TIMEOUT, 30 s).
        for silent in (stalled, halfway):
            silent.setblocking(False)
            with pytest.raises(BlockingIOError):
                silent.recv(1)  # open, and nothing from the server
        garbled.settimeout(10)
        assert garbled.recv(1) == b"", "the malformed request's connection was not closed"


@pytest.mark.waits
def test_a_timeout_kills_the_fork_and_the_server_it_started(scratch_snippet, tmp_path):
    pid_file = tmp_path / "server.pid"
    for timeout in TIMEOUTS:
        path = scratch_snippet(
            f"# /// snippet\n# timeout = {timeout}\n# ///\n"
            + "\n".join([*server_pid_code(pid_file), "import time", "time.sleep(60)"])
        )
        with pytest.raises(snippet_exec.SnippetError, match=f"within its {timeout:g} s timeout"):
            forked(path)
        if pid_file.exists():
            break
    assert gone_within(int(pid_file.read_text()), 5), "the server the snippet started survived"


def test_a_fork_that_dies_without_a_traceback_is_reported_with_its_path(scratch_snippet):
    path = scratch_snippet(
        "import os, signal\nos.write(2, b'dying in C\\n')\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    with pytest.raises(snippet_exec.SnippetError) as info:
        forked(path)
    assert str(info.value).startswith(f"{path}: the snippet process died (killed by a signal")
    assert "dying in C" in str(info.value)  # what the process wrote to its stderr


def test_the_server_exits_when_the_process_that_started_it_dies():
    # The parent is killed outright (no atexit): the server sees its stdin close.
    code = (
        "import os, signal\n"
        "from scripts.pipeline import fork_server\n"
        "server = fork_server.ForkServer(dict(os.environ), preload=())\n"
        "print(server.process.pid, server.folder, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    parent = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    pid, folder = parent.stdout.split()
    assert gone_within(int(pid), 10), f"fork server {pid} outlived its parent"
    assert not Path(folder).exists(), f"the server left its socket folder {folder} behind"


def test_requests_share_a_server_only_when_imports_and_import_time_settings_match():
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GUIDE_FORK_TEST": "a"}
    key = fork_server.server_key(env, ("numpy",))
    assert fork_server.server_key({**env, "GUIDE_FORK_TEST": "b"}, ("numpy",)) == key
    assert fork_server.server_key({**env, "OMP_NUM_THREADS": "2"}, ("numpy",)) != key
    assert fork_server.server_key(env, ("numpy", "pandas")) != key
