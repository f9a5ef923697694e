"""Start Python programs from a process that has already imported their heavy libraries.

A fresh interpreter spends about a second of CPU importing numpy, pandas, scipy and
scikit-learn before a snippet's first line runs, and a cold build runs every snippet at
least twice (once to show it, once to prove it prints the same again): those imports were
most of what snippets cost. A fork server imports them once and forks a child per run,
which runs a module as ``python -m MODULE ARGS`` would. Snippets run this way
(``snippet_exec``), and so do the test suite's site builds (``site_build``, ``fork=True``).

The child is as separate from its siblings as a fresh process where it matters:

- its own session, so its own process group: a timeout kills it and all it started;
- the environment, working directory, stdout and stderr of its request, stdin from
  /dev/null, the network guard writing to its own log (``network_guard.set_log``);
- fresh random state: Python's ``random`` reseeds itself after a fork and numpy's legacy
  global generator is reseeded here, so an unseeded snippet still differs between runs;
- an exit like the interpreter's: an uncaught exception printed, non-daemon threads and
  threading's exit callbacks waited for, atexit handlers run, output flushed; signal
  handlers as a fresh interpreter started by the same parent would have them.

What a fork shares with its siblings: the modules in ``PRELOAD`` (imported once, so their
import-time side effects happened once, in the server) and the memory layout, so object
addresses can repeat. ``snippet_exec.verify`` therefore never compares two runs forked
from the same server: a snippet's second run on a cold cache is a fresh interpreter.

The server starts with a snippet's environment (thread limits, ``MPLBACKEND=Agg``, the
network guard), because libraries read those at import time. It exits when its parent
closes its stdin, so it never outlives the build or test process that started it.

Protocol, one request per connection on a Unix socket: the client sends one JSON line
``{"module", "args", "env", "cwd", "stdout", "stderr"}``; the child answers ``pid N`` as soon as it
exists and ``exit N`` when it ends. A connection closed without an exit line means the
child was killed or crashed in C code.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import json
import os
import runpy
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from scripts import ROOT
from scripts.pipeline import network_guard
from scripts.pipeline.cache import SINGLE_THREADED
from scripts.pipeline.child_process import ChildTimeout

# What most snippets import (counted from snippets/ imports), each costing a fresh
# interpreter measurable CPU. A module a snippet does not use costs nothing but memory.
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "sklearn.compose",
    "sklearn.datasets",
    "sklearn.decomposition",
    "sklearn.dummy",
    "sklearn.ensemble",
    "sklearn.feature_extraction.text",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "sklearn.tree",
    "matplotlib.pyplot",
    "pydantic",
    "yaml",
    "httpx2",
    "fastapi",
    "fastapi.testclient",
    "joblib",
    "threadpoolctl",
    "scripts.pipeline.snippet_worker",
)
# Read by PRELOAD modules as they import (thread pools, the plotting backend, the network
# guard's sitecustomize): the server's values are what every child gets.
# Interpreter start-up reads a few more (warnings, text encodings, locale); a child cannot
# change those after the fact, so they are part of the key too.
IMPORT_TIME_VARIABLES = (
    *SINGLE_THREADED,
    "MPLBACKEND",
    "PYTHONPATH",
    "NO_MKDOCS_2_WARNING",
    "PYTHONWARNINGS",
    "PYTHONUTF8",
    "PYTHONIOENCODING",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
)
START_TIMEOUT = 120.0  # seconds for the server to import PRELOAD and listen
DIED = -1  # the return code reported for a child that ended without an exit line
# Seconds a connected client may take to send its request line (ours send at once). Requests
# are read as they arrive, so a client that stalls holds an open socket until then, and
# never another client's request.
REQUEST_TIMEOUT = 30.0


class ForkServerError(RuntimeError):
    """The server could not start (the message carries its stderr) or could not be reached."""


# --- server side ----------------------------------------------------------------------


def serve(socket_path: str, preload: list[str]) -> None:
    for name in preload:
        importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
    # Connections whose request line has not arrived yet: what came so far, and until when.
    reading: dict[socket.socket, tuple[bytearray, float]] = {}

    def drop(connection: socket.socket) -> None:
        selector.unregister(connection)
        del reading[connection]
        connection.close()

    print("ready", flush=True)
    while True:
        for key, _ in selector.select(timeout=1.0):
            if key.fileobj == sys.stdin.fileno():
                if not os.read(sys.stdin.fileno(), 4096):  # the parent closed it, or died
                    # The socket's folder is this server's (ForkServer made it): removed here,
                    # so a parent killed before its atexit handlers ran leaves nothing in /tmp.
                    shutil.rmtree(os.path.dirname(socket_path), ignore_errors=True)
                    # Nothing here needs an orderly shutdown (children run on their own), and
                    # unloading all PRELOAD imported made every test worker's exit wait.
                    os._exit(0)
            elif key.fileobj is listener:
                connection, _ = listener.accept()
                connection.setblocking(False)
                selector.register(connection, selectors.EVENT_READ)
                reading[connection] = (bytearray(), time.monotonic() + REQUEST_TIMEOUT)
            else:
                connection = key.fileobj
                received, _ = reading[connection]
                try:
                    chunk = connection.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""  # as if it hung up
                received += chunk
                if chunk and b"\n" not in received:
                    continue  # more to come
                line, newline, _ = bytes(received).partition(b"\n")
                if newline:  # else it hung up before sending a whole line
                    others = [listener, *(c for c in reading if c is not connection)]
                    _start(connection, line, others, selector)
                drop(connection)
        now = time.monotonic()
        for connection in [c for c, (_, until) in reading.items() if until < now]:
            drop(connection)
        with contextlib.suppress(ChildProcessError):  # reap finished children
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass


def _start(connection: socket.socket, line: bytes, others: list[socket.socket], selector) -> None:
    """Fork a child for one request line; a bad request or a failed fork ends that request only."""
    try:
        request = json.loads(line)
        connection.setblocking(True)
        if os.fork() == 0:
            selector.close()
            for other in others:  # the listener and other clients' sockets are not the child's
                other.close()
            _child(connection, request)  # never returns
    except Exception:
        traceback.print_exc()


def _as_main(module: str) -> None:
    """``python -m module``: a package runs its ``__main__`` submodule, afresh."""
    spec = importlib.util.find_spec(module)
    main = f"{module}.__main__" if spec and spec.submodule_search_locations else module
    # A preloaded copy would make runpy warn; the modules it imported stay loaded.
    sys.modules.pop(main, None)
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=sys.stderr)  # sys.exit("message"), as click and argparse do
    return 1


def _child(connection: socket.socket, request: dict) -> None:
    code = 1
    try:
        os.setsid()
        connection.sendall(f"pid {os.getpid()}\n".encode())
        # Signal handlers stay the server's, which are a fresh interpreter's: Python sets
        # Ctrl-C to raise KeyboardInterrupt unless its parent ignored SIGINT, and so does
        # a snippet started by that same parent.
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        network_guard.set_log(os.environ.get(network_guard.LOG_VARIABLE))
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()  # fresh entropy, as in a new interpreter
        sys.argv = [request["module"], *request["args"]]
        try:
            _as_main(request["module"])
            code = 0
        except SystemExit as exc:
            code = _exit_status(exc)
        except BaseException:
            traceback.print_exc()  # as the interpreter prints an uncaught exception
            code = 1
        # What interpreter shutdown does, in its order: wait for non-daemon threads and
        # run threading's exit callbacks (concurrent.futures lets its workers finish
        # there), then atexit handlers.
        threading._shutdown()
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
            connection.sendall(f"exit {code}\n".encode())
        os._exit(code)


# --- client side ----------------------------------------------------------------------


class ForkServer:
    """One running server, started with ``env``, that imported ``preload``; ``run`` forks."""

    def __init__(self, env: dict[str, str], preload: tuple[str, ...] = PRELOAD) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="fork-server-"))
        self.socket_path = str(self.folder / "socket")
        self.stderr_path = self.folder / "server-stderr.txt"
        # The server's own network log (it only uses its Unix socket); children set theirs.
        env = {**env, network_guard.LOG_VARIABLE: str(self.folder / "network.log")}
        with self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scripts.pipeline.fork_server", self.socket_path, *preload],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                start_new_session=True,
            )
        ready = _read_line(self.process.stdout, START_TIMEOUT)
        if ready != b"ready\n":
            self.stop()
            raise ForkServerError(
                "the fork server (scripts/pipeline/fork_server.py) did not start:\n"
                + self.stderr_path.read_text(errors="replace")[-3000:]
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(
        self, module: str, args: list[str], *, timeout: float, env: dict[str, str], cwd: Path = ROOT
    ) -> subprocess.CompletedProcess:
        """``python -m module *args`` in a forked child, like ``child_process.run``.

        Returns the exit code, stdout and stderr; raises ChildTimeout after ``timeout``
        seconds, with the child's whole process group killed.
        """
        deadline = time.monotonic() + timeout
        with tempfile.TemporaryDirectory(prefix="forked-") as tmp:
            stdout, stderr = Path(tmp) / "stdout", Path(tmp) / "stderr"
            request = {
                "module": module,
                "args": args,
                "env": env,
                "cwd": str(cwd),
                "stdout": str(stdout),
                "stderr": str(stderr),
            }
            pid, code = None, None
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(self.socket_path)
                connection.sendall(json.dumps(request).encode() + b"\n")
                reader = connection.makefile("rb")
                while True:
                    connection.settimeout(max(deadline - time.monotonic(), 0.001))
                    try:
                        line = reader.readline()
                    except TimeoutError:
                        if pid is not None:
                            with contextlib.suppress(ProcessLookupError):
                                os.killpg(pid, signal.SIGKILL)
                        raise ChildTimeout from None
                    if not line:
                        break
                    word, number = line.split()
                    if word == b"pid":
                        pid = int(number)
                    else:
                        code = int(number)
            # No exit line: killed by a signal or crashed in C code; the server reaped
            # it, so its wait status is not known here.
            returncode = code if code is not None else DIED
            return subprocess.CompletedProcess(
                [module, *args],
                returncode,
                stdout.read_text(errors="replace") if stdout.exists() else "",
                stderr.read_text(errors="replace") if stderr.exists() else "",
            )

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)  # the server removes it as it exits


def _read_line(stream, timeout: float) -> bytes:
    """One line from a pipe, or b"" if none arrives within ``timeout`` seconds."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    with selector:
        if not selector.select(timeout):
            return b""
    return stream.readline()


_servers: dict[tuple, ForkServer] = {}
_lock = threading.Lock()


def server_key(env: dict[str, str], preload: tuple[str, ...]) -> tuple:
    """What two requests must share to fork from one server: what was imported, and the
    environment variables read while importing it. Everything else is per request."""
    return (preload, tuple((name, env.get(name)) for name in IMPORT_TIME_VARIABLES))


def server_for(env: dict[str, str], preload: tuple[str, ...] | None = None) -> ForkServer:
    """This process's server for ``env`` and ``preload`` (default: ``PRELOAD``), started
    on first use, stopped at exit. A child takes the whole environment of its request."""
    if preload is None:
        preload = PRELOAD  # read at call time: tests may swap in a lighter set
    key = server_key(env, preload)
    with _lock:
        server = _servers.get(key)
        if server is None or not server.alive():
            server = _servers[key] = ForkServer(env, preload)
        return server


@atexit.register
def _stop_all() -> None:
    for server in _servers.values():
        server.stop()
    _servers.clear()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
