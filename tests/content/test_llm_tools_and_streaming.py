"""The tool loop against a server that checks `tools` as the API does, and the streaming
client's retry rule, time to first chunk and missing usage, on 127.0.0.1 only.

The stand-in (snippets/llm/local_server.py) ignores `tools` and always sends headers and
the first chunk together, so the cases it cannot stage run on a tiny server here.
"""

from __future__ import annotations

import importlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from scripts.quality.local_site import SilentRequestHandler, serve_handler
from snippets.llm.local_server import Fault, serve
from snippets.llm.openai_client import BadResponse, LLMError, OpenAIChatClient, RetryPolicy

QUESTION = [{"role": "user", "content": "Where is my order?"}]
NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def tools_problem(tools: object) -> str:
    """Why a chat-completions server would answer 400 to this `tools` value, or ""."""
    if not isinstance(tools, list):
        return "'tools' must be an array"
    for i, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or tool.get("type") != "function":
            return f"tools[{i}]: expected an object with type 'function' and a 'function'"
        if not NAME.fullmatch(str(function.get("name"))):
            return f"tools[{i}].function.name is missing or invalid"
        parameters = function.get("parameters", {"type": "object"})
        if not isinstance(parameters, dict) or parameters.get("type") != "object":
            return f"tools[{i}].function.parameters must be a JSON Schema object"
    return ""


def completion(message: dict, finish: str, usage: bool = True) -> dict:
    body = {"model": "m", "choices": [{"index": 0, "message": message, "finish_reason": finish}]}
    if usage:
        body["usage"] = {"prompt_tokens": 5, "completion_tokens": 7}
    return body


LOOKUP = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "lookup_order", "arguments": '{"order_id": "ORD-000042"}'},
}


ORDER_STATUS = {
    "id": "call_2",
    "type": "function",
    "function": {"name": "order_status", "arguments": '{"order_id": "ORD-000042", "detail": true}'},
}


def call_piece(index: int, call: dict | None = None, arguments: str = "") -> dict:
    """One streamed piece of a tool call: the first carries id and name, later ones text."""
    piece: dict = {"index": index, "function": {"arguments": arguments}}
    if call is not None:
        piece |= {"id": call["id"], "type": "function"}
        piece["function"]["name"] = call["function"]["name"]
    return piece


def sse(payload: dict) -> bytes:
    return f"data: {json.dumps(payload)}\n\n".encode()


def text_chunk(text: str) -> bytes:
    return sse({"model": "m", "choices": [{"index": 0, "delta": {"content": text}}]})


class Handler(SilentRequestHandler):
    seen: Counter = Counter()  # requests per first path segment
    lock = threading.Lock()

    def do_POST(self) -> None:  # the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        kind = self.path.strip("/").split("/")[0]
        with self.lock:
            self.seen[kind] += 1
            n = self.seen[kind]
        getattr(self, kind.replace("-", "_"))(body, n)

    def send_json(self, status: int, data: dict) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def start_stream(self) -> None:  # headers only: a real server's state during prefill
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def agent(self, body: dict, n: int) -> None:
        """Checks `tools`, asks for one lookup, then answers once the result is back."""
        problem = tools_problem(body.get("tools"))
        if problem:
            error = {"message": problem, "type": "invalid_request_error"}
            return self.send_json(400, {"error": error})
        if body["messages"][-1]["role"] != "tool":
            message = {"role": "assistant", "content": None, "tool_calls": [LOOKUP]}
            return self.send_json(200, completion(message, "tool_calls"))
        answer = {"role": "assistant", "content": "It was delivered."}
        return self.send_json(200, completion(answer, "stop", usage=False))

    def no_calls(self, body: dict, n: int) -> None:
        """finish_reason "tool_calls", but no tool_calls in the message."""
        message = {"role": "assistant", "content": None}
        self.send_json(200, completion(message, "tool_calls"))

    def slow_prefill(self, body: dict, n: int) -> None:
        """First request: headers, then silence past the read timeout. Then a stream."""
        self.start_stream()
        if n == 1:
            time.sleep(0.6)
            return
        for text in ("It was", " delivered."):
            self.wfile.write(text_chunk(text))
        self.wfile.write(b"data: [DONE]\n\n")

    def stream_pieces(self, pieces: list[dict]) -> None:
        """Each tool-call piece in its own chunk, then the finish, the usage and [DONE]."""
        self.start_stream()
        for piece in pieces:
            delta = {"tool_calls": [piece]}
            self.wfile.write(sse({"model": "m", "choices": [{"index": 0, "delta": delta}]}))
        self.wfile.write(
            sse({"model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
        )
        self.wfile.write(
            sse({"model": "m", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 9}})
        )
        self.wfile.write(b"data: [DONE]\n\n")

    def streamed_calls(self, body: dict, n: int) -> None:
        """Two calls, index 0 and 1, their argument strings cut mid-token and interleaved."""
        first, second = LOOKUP["function"]["arguments"], ORDER_STATUS["function"]["arguments"]
        self.stream_pieces(
            [
                call_piece(0, LOOKUP),
                call_piece(0, arguments=first[:5]),
                call_piece(1, ORDER_STATUS, second[:12]),
                call_piece(0, arguments=first[5:]),
                call_piece(1, arguments=second[12:]),
            ]
        )

    def one_index(self, body: dict, n: int) -> None:
        """Both calls at index 0, told apart by id only (Ollama's parallel calls)."""
        first, second = LOOKUP["function"]["arguments"], ORDER_STATUS["function"]["arguments"]
        self.stream_pieces(
            [
                call_piece(0, LOOKUP, first[:9]),
                call_piece(0, arguments=first[9:]),
                call_piece(0, ORDER_STATUS, second),
            ]
        )

    def no_index(self, body: dict, n: int) -> None:
        self.stream_pieces([{"id": "call_1", "function": {"name": "lookup_order", "arguments": "{}"}}])

    def broken(self, body: dict, n: int) -> None:
        """One chunk of text, then the connection drops without [DONE]."""
        self.start_stream()
        self.wfile.write(text_chunk("It was"))


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_handler(Handler) as url:
        yield url


def client(url: str, **kwargs) -> OpenAIChatClient:
    policy = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.02)
    return OpenAIChatClient(url, model="m", retry=policy, **kwargs)


@pytest.fixture(scope="module")
def tool_loop():
    return importlib.import_module("snippets.llm.tool_loop")  # runs its scenarios once


def test_the_loop_sends_tool_definitions_a_server_accepts(base, tool_loop):
    llm = client(f"{base}/agent/v1")
    run = tool_loop.run_agent(llm, "support-triage", "Where?", conversation="c")
    llm.close()
    assert (run.ended, run.answer, run.steps) == ("answered", "It was delivered.", 2)
    assert run.log == ["ran lookup_order"]


def test_the_tool_definitions_carry_each_tools_schema(tool_loop):
    tools = tool_loop.tool_definitions(tool_loop.ALLOWED["support-triage"])
    assert tools_problem(tools) == ""
    refund = next(t["function"] for t in tools if t["function"]["name"] == "issue_refund")
    assert "idempotency_key" not in refund["parameters"]["properties"]  # the loop's own
    assert tools_problem(sorted(tool_loop.ALLOWED["support-triage"])) != ""  # names alone


def test_a_tool_calls_finish_without_calls_is_a_bad_reply_not_an_answer(base, tool_loop):
    llm = client(f"{base}/no-calls/v1")
    run = tool_loop.run_agent(llm, "support-triage", "Where?", conversation="c")
    llm.close()
    assert (run.ended, run.answer, run.steps) == ("bad reply", "", 1)


def test_a_read_timeout_before_the_first_chunk_is_retried(base):
    llm = client(f"{base}/slow-prefill/v1", read_timeout_s=0.2)
    chunks: list[str] = []
    reply = llm.stream(QUESTION, on_text=chunks.append)
    llm.close()
    assert reply.text == "It was delivered." and chunks == ["It was", " delivered."]
    assert [a.outcome for a in llm.attempts] == ["timeout before the first chunk", "ok"]
    assert llm.time_to_first_chunk_s >= 0.2  # the timed-out wait counts
    assert (reply.prompt_tokens, reply.completion_tokens) == (None, None)  # no usage


def test_a_stream_that_breaks_after_text_is_not_retried(base):
    llm = client(f"{base}/broken/v1")
    chunks: list[str] = []
    with pytest.raises(LLMError, match="after 1 chunks"):
        llm.stream(QUESTION, on_text=chunks.append)
    llm.close()
    assert chunks == ["It was"] and [a.outcome for a in llm.attempts] == ["error"]


@pytest.mark.waits  # the injected fault's delay and the retry's back-off
def test_time_to_first_chunk_counts_the_failed_attempts_and_the_wait():
    with serve() as (base_url, server):
        server.inject(Fault(status=500, delay_s=0.3))  # fails after 0.3 s, then recovers
        llm = client(base_url)
        reply = llm.stream(QUESTION, on_text=lambda _: None)
        llm.close()
    assert [a.outcome for a in llm.attempts] == ["500", "ok"]
    assert 0.3 + llm.attempts[0].wait_s <= llm.time_to_first_chunk_s <= reply.latency_s


def test_a_stream_without_its_usage_chunk_has_unknown_token_counts():
    with serve() as (base_url, _):
        llm = client(base_url)
        reply = llm.stream(QUESTION, lambda _: None, stream_options={"include_usage": False})
        llm.close()
    assert reply.text.startswith("Stand-in answer")
    assert (reply.prompt_tokens, reply.completion_tokens) == (None, None)  # not 0


@pytest.mark.parametrize("kind", ["streamed-calls", "one-index"])
def test_streamed_tool_calls_arrive_in_pieces_and_are_returned_whole(base, kind):
    llm = client(f"{base}/{kind}/v1")
    shown: list[str] = []
    reply = llm.stream(QUESTION, on_text=shown.append)
    llm.close()
    assert reply.tool_calls == (LOOKUP, ORDER_STATUS)
    assert [json.loads(call["function"]["arguments"])["order_id"] for call in reply.tool_calls] == [
        "ORD-000042",
        "ORD-000042",
    ]
    assert (reply.text, shown, reply.finish_reason) == ("", [], "tool_calls")
    assert (reply.prompt_tokens, reply.completion_tokens) == (5, 9)


def test_a_streamed_tool_call_without_an_index_is_a_bad_response(base):
    llm = client(f"{base}/no-index/v1")
    with pytest.raises(BadResponse, match="a streamed tool call without an index"):
        llm.stream(QUESTION, on_text=lambda _: None)
    llm.close()
    assert [a.outcome for a in llm.attempts] == ["bad response"]  # not retried
