# /// snippet
# ///
"""A copyable client for any OpenAI-compatible chat-completions server, on plain httpx2.

httpx2 is Pydantic's maintained fork of httpx, with the same API: renaming ``httpx2`` to
``httpx`` should give an httpx 0.28 client (untested here; httpx 0.28 verifies TLS with
certifi's bundle, httpx2 with the operating system's certificates).

Copy this file and ``snippets/llm/chat_model.py`` (for ``Completion``), set LLM_BASE_URL,
LLM_API_KEY and LLM_MODEL, and it talks to a hosted provider, vLLM, Ollama or llama.cpp's
server. Exercised against a local stand-in in ``snippets/llm/client_resilience.py``.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2

from snippets.llm.chat_model import Completion, Message

# --8<-- [start:config]
# The three lines a reader changes, through the environment, never in code:
#   hosted provider   LLM_BASE_URL=<the provider's base URL>      LLM_API_KEY=<your key>
#   vLLM              LLM_BASE_URL=http://localhost:8000/v1   key: the --api-key it runs with
#   Ollama            LLM_BASE_URL=http://localhost:11434/v1  key: ignored, any non-empty
#   llama.cpp server  LLM_BASE_URL=http://localhost:8080/v1   key: the --api-key, if set
BASE_URL = os.environ.get("LLM_BASE_URL", "http://127.0.0.1:8000/v1")
API_KEY = os.environ.get("LLM_API_KEY", "")
MODEL = os.environ.get("LLM_MODEL", "local-model")
# --8<-- [end:config]


# --8<-- [start:client]
class LLMError(Exception):
    """The call failed and retrying will not help (or the retries are spent)."""

    outcome = "error"


class RequestRejected(LLMError):
    """A 4xx other than 408/429: the request itself is wrong. Never retried."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.outcome = str(status)


class DeadlineExceeded(LLMError):
    """The overall deadline ran out before an answer arrived."""

    outcome = "deadline"


class BadResponse(LLMError):
    """A success status whose body is not a completion: an HTML page from a proxy, a
    wrong base URL, ``"choices": []``. Never retried: the same URL answers the same way."""

    outcome = "bad response"


class RetryableError(Exception):
    """429, 5xx, a timeout or a dropped connection: worth another attempt."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry_after_s = reason, retry_after_s


RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}


class ToolCallPieces:
    """Streamed tool calls, put back together.

    A stream sends each call in pieces keyed by ``index``, the one field a piece must have
    (openai-python's ``ChoiceDeltaToolCall``; id, type and function are optional): the
    first piece carries the id and the function's name, later ones more of the arguments
    string, which is JSON only once it is whole. Some servers send
    every call of a parallel batch at index 0, told apart only by id (Ollama 0.20's
    OpenAI-compatible endpoint did: ollama/ollama#15457), so a new id at a seen index
    starts a new call. A piece with no index at all (Ollama before 0.4.7, #7881) is refused.
    """

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._arguments: list[list[str]] = []  # joined once at the end, not per piece
        self._current: dict[int, int] = {}  # index -> position in self.calls

    def add(self, piece: Any) -> None:
        if not isinstance(piece, dict) or not isinstance(piece.get("index"), int):
            raise BadResponse(f"a streamed tool call without an index: {piece!r:.80}")
        function = piece.get("function") or {}
        at = self._current.get(piece["index"])
        new_id = piece.get("id")
        if at is None or (
            new_id and self.calls[at]["id"] and new_id != self.calls[at]["id"]
        ):
            at = self._current[piece["index"]] = len(self.calls)
            self.calls.append(
                {"id": None, "type": "function", "function": {"name": ""}}
            )
            self._arguments.append([])
        call = self.calls[at]
        call["id"] = new_id or call["id"]
        call["type"] = piece.get("type") or call["type"]
        call["function"]["name"] += function.get("name") or ""
        self._arguments[at].append(function.get("arguments") or "")

    def assembled(self) -> tuple[dict[str, Any], ...]:
        """The whole calls, in the order they started; each must have an id and a name."""
        for call, parts in zip(self.calls, self._arguments, strict=True):
            call["function"]["arguments"] = "".join(parts)
            if not call["id"] or not call["function"]["name"]:
                raise BadResponse(
                    f"a streamed tool call without an id or a name: {call}"
                )
        return tuple(self.calls)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay_s: float = 0.5  # the first backoff is drawn from [0, base]
    max_delay_s: float = 8.0  # cap on any single backoff
    max_retry_after_s: float = 30.0  # a longer Retry-After: give up, do not hang


@dataclass(frozen=True)
class Attempt:
    number: int
    outcome: str  # "ok", "429", "500", "timeout", "connection error", ...
    wait_s: float  # how long the client slept before the next attempt


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delay-seconds or an HTTP date (RFC 9110, section 10.2.3)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _tokens(usage: Any, key: str) -> int | None:
    """A count from the server's ``usage``; None when it sent none, never a made-up 0."""
    try:
        return int(usage[key])
    except (TypeError, KeyError, ValueError):  # no usage, no such count, not a number
        return None


class OpenAIChatClient:
    """POST {base_url}/chat/completions with retries, timeouts and a deadline.

    ``attempts`` and ``time_to_first_chunk_s`` describe the last call made with this
    instance: in threaded code, give each thread its own client. Token counts are None
    when the server sent no ``usage``: alert on that, as a cost logged from it is unknown.
    """

    def __init__(
        self,
        base_url: str = BASE_URL,
        api_key: str = API_KEY,
        model: str = MODEL,
        *,
        connect_timeout_s: float = 3.0,
        read_timeout_s: float = 30.0,  # per socket read, not per call: see deadline_s
        deadline_s: float = 60.0,  # the whole call, retries and waits included
        retry: RetryPolicy = RetryPolicy(),
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.model, self.retry, self.deadline_s = model, retry, deadline_s
        self.connect_timeout_s, self.read_timeout_s = connect_timeout_s, read_timeout_s
        self._rng, self._sleep = rng or random.Random(), sleep
        self._http = httpx2.Client(base_url=base_url.rstrip("/"), headers=headers)
        self.attempts: list[Attempt] = []  # what the last call went through
        # of the last stream, from the start of the call: retries and waits included
        self.time_to_first_chunk_s: float | None = None
        self._call_started = 0.0

    def close(self) -> None:
        self._http.close()

    def complete(self, messages: Sequence[Message], **options: Any) -> Completion:
        deadline_s = options.pop("deadline_s", self.deadline_s)
        body = {"model": options.pop("model", self.model), "messages": list(messages)}
        return self._with_retries(lambda t: self._post(body | options, t), deadline_s)

    def stream(
        self,
        messages: Sequence[Message],
        on_text: Callable[[str], None],
        **options: Any,
    ) -> Completion:
        """Stream the answer, calling ``on_text`` per chunk; return the whole Completion.

        Tool calls arrive in pieces and are returned whole, in ``tool_calls``, once the
        stream has ended (a call is only usable complete). Retries happen only before the
        first chunk of text, including a timeout after the headers (a server may send them
        before the model starts): once text has reached the caller, a retry would show it
        twice, so a stream that breaks mid-way raises LLMError.
        """
        self.time_to_first_chunk_s, self._call_started = None, time.monotonic()
        deadline_s = options.pop("deadline_s", self.deadline_s)
        body = {"model": options.pop("model", self.model), "messages": list(messages)}
        body |= {"stream": True, "stream_options": {"include_usage": True}} | options
        return self._with_retries(
            lambda t: self._post_stream(body, t, on_text), deadline_s
        )

    # -- one attempt ---------------------------------------------------------------
    def _timeout(self, remaining_s: float) -> httpx2.Timeout:
        read = min(self.read_timeout_s, remaining_s)
        return httpx2.Timeout(read, connect=min(self.connect_timeout_s, remaining_s))

    def _check(self, response: httpx2.Response) -> None:
        if response.status_code < 400:
            return
        response.read()
        try:
            error = response.json()["error"]
            message = error["message"]
        except (ValueError, KeyError, TypeError):
            error, message = {}, response.text[:200]
        # OpenAI also answers 429 when the account is out of credit or over a spend
        # limit (type "insufficient_quota"): no wait fixes that, so never retry it.
        out_of_quota = "insufficient_quota" in (error.get("type"), error.get("code"))
        if response.status_code in RETRYABLE_STATUS and not out_of_quota:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise RetryableError(str(response.status_code), retry_after)
        # Any other 4xx is a bug in the request (bad key, bad field): retrying
        # sends the same bug again, so fail at once with the server's message.
        raise RequestRejected(response.status_code, message)

    def _send(self, body: dict, remaining_s: float) -> httpx2.Response:
        request = self._http.build_request(
            "POST", "/chat/completions", json=body, timeout=self._timeout(remaining_s)
        )
        try:
            response = self._http.send(request, stream=True)  # headers only, so far
        except httpx2.TimeoutException as exc:
            raise RetryableError("timeout") from exc
        except httpx2.TransportError as exc:
            raise RetryableError("connection error") from exc
        try:
            self._check(response)
        except BaseException:
            response.close()
            raise
        return response

    def _post(self, body: dict, remaining_s: float) -> Completion:
        started = time.monotonic()
        response, chunks = self._send(body, remaining_s), []
        try:  # read the body in chunks, so a server that trickles bytes meets the deadline
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() - started > remaining_s:
                    raise DeadlineExceeded(
                        "the answer was still arriving at the deadline"
                    )
        except httpx2.TimeoutException as exc:
            raise RetryableError("timeout") from exc
        except httpx2.TransportError as exc:
            raise RetryableError("connection error") from exc
        finally:
            response.close()
        body_bytes = b"".join(chunks)
        try:  # a 200 is not yet a completion: check the shape before trusting it
            data = json.loads(body_bytes)
            choice, usage = data["choices"][0], data.get("usage")
            message = choice["message"]
            return Completion(
                text=message.get("content") or "",  # null when the model calls tools
                prompt_tokens=_tokens(usage, "prompt_tokens"),
                completion_tokens=_tokens(usage, "completion_tokens"),
                latency_s=time.monotonic() - started,
                model=data.get("model", body["model"]),
                finish_reason=choice.get("finish_reason") or "stop",
                tool_calls=tuple(
                    dict(call) for call in message.get("tool_calls") or ()
                ),
            )
        except (ValueError, LookupError, TypeError, AttributeError) as exc:
            start = body_bytes[:80].decode("utf-8", "replace")
            raise BadResponse(f"not a chat completion ({exc!r}): {start!r}") from exc

    def _post_stream(
        self, body: dict, remaining_s: float, on_text: Callable[[str], None]
    ) -> Completion:
        started, parts, usage, finish, model = time.monotonic(), [], None, "stop", None
        tool_calls = ToolCallPieces()
        response = self._send(body, remaining_s)
        try:
            done = False
            for line in response.iter_lines():  # server-sent events, one per line
                if time.monotonic() - started > remaining_s:
                    raise DeadlineExceeded(
                        f"stream cut at the deadline, {len(parts)} chunks"
                    )
                if not line.startswith("data:"):
                    continue  # blank separators, ": keep-alive" comments, "event:"
                payload = line[len("data:") :].strip()
                if payload == "[DONE]":
                    done = True
                    break
                try:
                    chunk = json.loads(payload)
                    model = chunk.get("model", model)
                    usage = chunk.get("usage") or usage  # the last chunk carries usage
                    deltas = [
                        (dict(choice.get("delta") or {}), choice.get("finish_reason"))
                        for choice in chunk.get("choices", [])
                    ]
                except (ValueError, TypeError, AttributeError) as exc:
                    raise BadResponse(
                        f"unreadable chunk after {len(parts)} chunks: {payload[:80]!r}"
                    ) from exc
                for delta, finish_reason in deltas:
                    for piece in delta.get("tool_calls") or ():
                        tool_calls.add(piece)
                    text = delta.get("content")
                    if text:
                        if not parts:  # what the user waited, earlier attempts included
                            first = time.monotonic() - self._call_started
                            self.time_to_first_chunk_s = first
                        parts.append(text)
                        on_text(text)
                    finish = finish_reason or finish
        except httpx2.HTTPError as exc:
            if not parts:  # nothing shown yet (a slow prefill, a drop): safe to retry
                timeout = isinstance(exc, httpx2.TimeoutException)
                reason = "timeout" if timeout else "connection error"
                raise RetryableError(f"{reason} before the first chunk") from exc
            # Text is already on the caller's screen: do not retry, report.
            raise LLMError(f"stream broke after {len(parts)} chunks: {exc}") from exc
        finally:
            response.close()
        if not done:
            if not parts:
                raise RetryableError("stream ended before the first chunk")
            raise LLMError(f"stream ended without [DONE] after {len(parts)} chunks")
        return Completion(
            text="".join(parts),
            prompt_tokens=_tokens(usage, "prompt_tokens"),  # None: usage never came
            completion_tokens=_tokens(usage, "completion_tokens"),
            latency_s=time.monotonic() - started,
            model=model or body["model"],
            finish_reason=finish,
            tool_calls=tool_calls.assembled(),
        )

    # -- the retry loop --------------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        # "Full jitter": a random wait between 0 and the exponential cap, so clients
        # that failed together do not all come back at the same instant.
        cap = min(self.retry.max_delay_s, self.retry.base_delay_s * 2 ** (attempt - 1))
        return self._rng.uniform(0, cap)

    def _with_retries(self, send: Callable[[float], Completion], deadline_s: float):
        self.attempts = []
        started = time.monotonic()
        deadline = started + deadline_s
        for number in range(1, self.retry.max_attempts + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceeded(f"no answer within {deadline_s:g} s")
            try:
                result = send(remaining)
            except LLMError as exc:  # not worth retrying: record it and fail now
                self.attempts.append(Attempt(number, exc.outcome, 0.0))
                raise
            except RetryableError as exc:
                wait = exc.retry_after_s
                if wait is None:
                    wait = self._backoff(number)
                give_up = None
                if number == self.retry.max_attempts:
                    give_up = LLMError(f"gave up after {number} attempts: {exc}")
                elif wait > self.retry.max_retry_after_s:
                    give_up = LLMError(f"server asks to wait {wait:g} s: too long")
                elif time.monotonic() + wait >= deadline:
                    give_up = DeadlineExceeded(
                        f"waiting {wait:.2f} s would pass the {deadline_s:g} s deadline"
                    )
                self.attempts.append(
                    Attempt(number, exc.reason, 0.0 if give_up else round(wait, 3))
                )
                if give_up:
                    raise give_up from exc
                self._sleep(wait)
                continue
            self.attempts.append(Attempt(number, "ok", 0.0))
            # latency of the whole call as the caller saw it: retries and waits included
            return replace(result, latency_s=time.monotonic() - started)
        raise AssertionError("unreachable")


# --8<-- [end:client]
