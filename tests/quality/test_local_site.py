"""The local server of the browser tests and reports (scripts/quality/local_site.py).

A client that hangs up mid-answer prints nothing; any other error in a handler still prints
its traceback. Each request is followed to its end (``shutdown_request`` runs after
``handle_error``) before stderr is read, so nothing here depends on timing.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import urllib.error
import urllib.request

import pytest

from scripts.quality.local_site import LocalServer, SilentRequestHandler, running

CHUNK = b"x" * (1 << 20)
CHUNKS = 64  # far more than the socket buffers of both ends hold: the answer is mid-write


class Handler(SilentRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/broken":
            raise ValueError("a fault of the handler itself")
        body = [b"ok"] if self.path == "/small" else [CHUNK] * CHUNKS
        self.send_response(200)
        self.send_header("Content-Length", str(sum(map(len, body))))
        self.end_headers()
        for part in body:
            self.wfile.write(part)


class Server(LocalServer):
    """LocalServer that records each handler's error and says when each request is over."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.finished = threading.Semaphore(0)
        self.errors: list[BaseException | None] = []

    def handle_error(self, request, client_address) -> None:
        self.errors.append(sys.exc_info()[1])
        super().handle_error(request, client_address)

    def shutdown_request(self, request) -> None:
        super().shutdown_request(request)
        self.finished.release()


@pytest.fixture
def server():
    with running(Server()) as server:
        yield server


def wait_for_the_request(server: Server) -> None:
    assert server.finished.acquire(timeout=30), "the server never finished the request"


def test_a_client_that_hangs_up_mid_answer_prints_nothing(server, capfd):
    with socket.create_connection(server.server_address) as client:
        client.sendall(b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert client.recv(1024).startswith(b"HTTP/1.0 200")
        # Close with a reset, as a browser leaving the page may: the server's next write fails.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    wait_for_the_request(server)
    assert [type(error) for error in server.errors] in ([BrokenPipeError], [ConnectionResetError])
    assert capfd.readouterr().err == ""
    # And it goes on serving.
    with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/small", timeout=30) as answer:
        assert answer.read() == b"ok"
    wait_for_the_request(server)


def test_any_other_error_in_a_handler_still_prints_its_traceback(server, capfd):
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/broken", timeout=30)
    wait_for_the_request(server)
    assert [type(error) for error in server.errors] == [ValueError]
    err = capfd.readouterr().err
    assert "ValueError: a fault of the handler itself" in err, err
