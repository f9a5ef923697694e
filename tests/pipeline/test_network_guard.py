"""Snippets and notebooks run offline: any attempt to reach another host fails the run.

The guard (scripts/pipeline/network_guard.py) is installed in every snippet and notebook
process and in every process they start, so these runs are what proves that no example on
the site talks to the network: a swallowed error still fails the run, naming the target.
Snippets run both ways the runner starts them: a fresh interpreter, and a child forked
from the server that pre-imports the libraries (scripts/pipeline/fork_server.py).
"""

from __future__ import annotations

import pytest

from scripts.pipeline import network_guard, notebooks, snippet_exec
from tests.pipeline.scratch_notebooks import failure_of


def test_a_swallowed_connection_and_a_child_process_download_both_fail_the_snippet(
    scratch_snippet, interpreter
):
    path = scratch_snippet(
        "import socket, subprocess, sys\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError:\n"
        "    print('swallowed')\n"
        "code = \"import urllib.request as u; u.urlopen('http://example.com', timeout=1)\"\n"
        "subprocess.run([sys.executable, '-c', code])\n"
    )
    with pytest.raises(snippet_exec.SnippetError) as info:
        snippet_exec.execute(path, interpreter=interpreter)
    message = str(info.value)
    assert message.startswith(f"{path}: tried to use the network")
    assert "'192.0.2.1'" in message and "'example.com'" in message and "127.0.0.1" in message


def test_clearing_the_environment_does_not_silence_the_guard(scratch_snippet, interpreter):
    path = scratch_snippet(
        "import os, socket\nos.environ.clear()\n"
        "try:\n    socket.getaddrinfo('example.com', 443)\nexcept OSError:\n    print('swallowed')\n"
    )
    with pytest.raises(snippet_exec.SnippetError, match="look up 'example.com'"):
        snippet_exec.execute(path, interpreter=interpreter)


def test_a_snippet_may_serve_and_call_itself_on_loopback(scratch_snippet, interpreter):
    path = scratch_snippet(
        "import socket\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "client = socket.create_connection(server.getsockname())\n"
        "peer, _ = server.accept()\n"
        "client.sendall(b'ping')\n"
        "print(peer.recv(4).decode())\n"
        "for s in (client, peer, server):\n"
        "    s.close()\n"
    )
    assert snippet_exec.execute(path, interpreter=interpreter).sections[0].stdout == "ping\n"


def test_a_server_bound_to_every_interface_is_refused(scratch_snippet, interpreter):
    path = scratch_snippet("import socket\nsocket.create_server(('0.0.0.0', 0)).close()\n")
    with pytest.raises(snippet_exec.SnippetError, match=r"bind to 0\.0\.0\.0:0"):
        snippet_exec.execute(path, interpreter=interpreter)


def test_a_notebook_cell_that_reaches_another_host_fails_the_notebook():
    rel, message = failure_of(
        "online.py",
        "# %%\nimport socket\ntry:\n    socket.getaddrinfo('example.com', 443)\nexcept OSError:\n    pass\n",
    )
    assert message.startswith(f"{rel}: tried to use the network: look up 'example.com'")


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("localhost", True),
        (None, True),
        ("", False),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("example.com", False),
        (b"::1", True),
    ],
)
def test_only_loopback_counts_as_local(host, local):
    assert network_guard.is_loopback(host) is local


def test_the_guard_is_part_of_what_the_snippet_and_notebook_caches_are_keyed_on(monkeypatch, tmp_path):
    assert set(network_guard.FILES) <= set(snippet_exec.RUNNER_FILES)
    notebook = notebooks.sources()[0]
    before = notebooks.cache_key(notebook)
    changed = tmp_path / "sitecustomize.py"
    changed.write_text("# an edited guard\n", encoding="utf-8")
    monkeypatch.setattr(network_guard, "FILES", (network_guard.FILES[0], changed))
    assert notebooks.cache_key(notebook) != before
