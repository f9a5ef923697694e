# /// snippet
# ///
"""A stand-in OpenAI-compatible server on 127.0.0.1 that can be told to misbehave.

It answers POST /v1/chat/completions in the chat-completions JSON shape (and streams it
as server-sent events), so the client in ``snippets/llm/openai_client.py`` can be tested
for real: rate limits, server errors, slow answers and outages are scripted per request.
It is not a language model: the reply is a fixed sentence built from the question, and
"tokens" are whitespace-separated words. Import it with
``from snippets.llm.local_server import Fault, serve``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx2
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse


# --8<-- [start:server]
@dataclass(frozen=True)
class Fault:
    """What the server does to the next request that matches ``model`` (None: any)."""

    status: int | None = None  # answer with this HTTP status instead of a completion
    retry_after: str | None = None  # Retry-After header sent with the status
    delay_s: float = 0.0  # wait this long before answering
    model: str | None = None


@dataclass
class StandIn:
    """The server's script and its log; tests read ``log`` to count what arrived."""

    faults: deque[Fault] = field(default_factory=deque)
    down: set[str] = field(default_factory=set)  # models answering 503 until removed
    down_delay_s: float = 0.0  # how long a "down" model takes to fail
    log: list[dict] = field(default_factory=list)

    def inject(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def _next_fault(self, model: str) -> Fault | None:
        for fault in self.faults:
            if fault.model in (None, model):
                self.faults.remove(fault)
                return fault
        return None


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    # The error envelope OpenAI-compatible servers use: {"error": {"message", "type"}}
    kind = "invalid_request_error" if status < 500 else "server_error"
    if status == 429:
        kind = "rate_limit_error"
    body = {"error": {"message": message, "type": kind, "code": status}}
    return JSONResponse(body, status_code=status, headers=headers)


def _reply(messages: list[dict]) -> str:
    question = next(
        (m["content"] for m in reversed(messages) if m["role"] == "user"), ""
    )
    return f"Stand-in answer to: {' '.join(question.split()[:8])}"


def create_app(state: StandIn) -> FastAPI:
    app = FastAPI(title="openai-compatible stand-in")

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        started = time.monotonic()
        body = await request.json()
        model = body.get("model", "")
        entry = {"model": model, "stream": bool(body.get("stream")), "status": 200}
        state.log.append(entry)
        # Validate like a real server: a bad request is the caller's bug (400).
        messages = body.get("messages")
        temperature = body.get("temperature", 1.0)
        if not messages or not isinstance(messages, list):
            entry["status"] = 400
            return _error(400, "'messages' must be a non-empty list")
        if not 0 <= temperature <= 2:
            entry["status"] = 400
            return _error(400, f"temperature {temperature} is out of range [0, 2]")
        if model in state.down:
            await asyncio.sleep(state.down_delay_s)
            entry["status"] = 503
            return _error(503, f"model {model} is unavailable")
        fault = state._next_fault(model)
        if fault and fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault and fault.status:
            entry["status"] = fault.status
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            return _error(fault.status, f"scripted fault {fault.status}", headers)

        text = _reply(messages)
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        words = text.split(" ")
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(words),
            "total_tokens": prompt_tokens + len(words),
        }
        entry["seconds"] = time.monotonic() - started
        if not body.get("stream"):
            return {
                "id": f"chatcmpl-{len(state.log)}",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
            }

        include_usage = (body.get("stream_options") or {}).get("include_usage", False)

        async def events():
            def chunk(delta: dict, finish: str | None = None, **extra) -> str:
                choice = {"index": 0, "delta": delta, "finish_reason": finish}
                payload = {"object": "chat.completion.chunk", "model": model}
                payload |= {"choices": [choice] if delta is not None else []} | extra
                return f"data: {json.dumps(payload)}\n\n"

            yield chunk({"role": "assistant", "content": ""})
            for i, word in enumerate(words):
                await asyncio.sleep(0.002)  # a token at a time, as a model decodes
                yield chunk({"content": word if i == 0 else " " + word})
            yield chunk({}, finish="stop")
            if include_usage:  # sent last, with empty choices, before [DONE]
                yield chunk(None, usage=usage)
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/v1/models")
    async def models():
        return {"object": "list", "data": []}

    return app


@contextmanager
def serve(state: StandIn | None = None) -> Iterator[tuple[str, StandIn]]:
    """Run the stand-in on a free port of 127.0.0.1; yield (base_url, state); always stop."""
    state = state or StandIn()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # port 0: the OS picks a free port
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    config = uvicorn.Config(create_app(state), log_level="error", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while True:  # wait until the port answers
            try:
                if httpx2.get(f"{base_url}/models", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert time.monotonic() < deadline, "stand-in server never started"
            time.sleep(0.02)
        yield base_url, state
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
    assert not thread.is_alive(), "stand-in server did not stop within 5 s"


# --8<-- [end:server]
