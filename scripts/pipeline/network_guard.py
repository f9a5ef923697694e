"""Keep snippets and notebooks offline: refuse any socket that would leave this machine.

The site promises that its examples run with no network (CI has none, and a reader's copy
must not phone home). Every snippet and notebook child process, and every process *they*
start (a server, a CLI run with ``subprocess``, a Jupyter kernel), imports
``offline_site/sitecustomize.py`` at start-up, because the runners put that folder first on
PYTHONPATH. It installs an audit hook (PEP 578) that refuses name lookups of other hosts and
connects, sends and binds to any address but loopback (127.0.0.0/8, ::1).

A refused attempt raises ``NetworkRefused`` where the code made it, and is also appended
to the file named by ``SNIPPET_NETWORK_LOG``, because a snippet may catch the error (a
retry loop, a fallback) and carry on: the runner reads the log after the run and fails the
snippet or notebook, naming where it tried to go.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

SITE_DIR = Path(__file__).with_name("offline_site")
LOG_VARIABLE = "SNIPPET_NETWORK_LOG"
FILES = (Path(__file__), SITE_DIR / "sitecustomize.py")  # part of the runners' cache keys

# Audit events whose arguments carry a destination: (event, index of the address argument).
_ADDRESS_EVENTS = {"socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1, "socket.bind": 1}
_NAME_EVENTS = {"socket.getaddrinfo": 0, "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0}


class NetworkRefused(PermissionError):
    """A snippet or notebook tried to use the network beyond this machine."""


def is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return host is None  # getaddrinfo(None, port) means the local host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # any other host name, or "" (every interface, for bind)


def _destination(event: str, args: tuple) -> str | None:
    """The non-loopback destination of a socket event, or None when it stays local."""
    if event in _NAME_EVENTS:
        host = args[_NAME_EVENTS[event]]
        return None if is_loopback(host) else f"look up {host!r}"
    if event in _ADDRESS_EVENTS:
        address = args[_ADDRESS_EVENTS[event]]
        if not isinstance(address, tuple) or not address:
            return None  # a Unix socket path: local by definition
        if is_loopback(address[0]):
            return None
        verb = "bind to" if event == "socket.bind" else "connect to"
        port = f":{address[1]}" if len(address) > 1 else ""
        return f"{verb} {address[0] or '(every interface)'}{port}"
    return None


# Where refused attempts are recorded: set when the hook is installed, from the
# environment, and again by a child forked from scripts/pipeline/fork_server.py, which
# inherits the hook and has a log of its own. Kept here, not read from os.environ at each
# event, so a snippet that clears its environment cannot silence the record.
_log: str | None = None


def set_log(path: str | None) -> None:
    global _log
    _log = path


def install() -> None:
    """Refuse non-loopback network use in this process; record each attempt in the log."""
    set_log(os.environ.get(LOG_VARIABLE))

    def hook(event: str, args: tuple) -> None:
        if not event.startswith("socket."):
            return
        destination = _destination(event, args)
        if destination is None:
            return
        if _log:
            with open(_log, "a", encoding="utf-8") as handle:
                handle.write(f"{destination} ({event})\n")
        raise NetworkRefused(
            f"refused to {destination}: snippets and notebooks run offline and may only use "
            "127.0.0.1 (bind servers there; generate data instead of downloading it)"
        )

    sys.addaudithook(hook)


def child_env(base: dict[str, str], root: Path, log: Path) -> dict[str, str]:
    """Environment for a snippet or notebook child: guarded, with the repo importable."""
    return {
        **base,
        "PYTHONPATH": os.pathsep.join([str(SITE_DIR), str(root)]),
        LOG_VARIABLE: str(log),
    }


def refused(log: Path) -> list[str]:
    """What the child tried to reach, in order, without repeats."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(line for line in lines if line))
