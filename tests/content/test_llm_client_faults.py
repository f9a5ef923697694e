"""Faults the LLM serving page's snippets do not stage: replies that are not completions.

The stand-in server (snippets/llm/local_server.py) always answers in the right shape. A real
path can answer 200 with something else: a proxy's HTML login page, ``"choices": []``, a
broken stream chunk. These tests pin what the client, the fallback chain and the circuit
breaker do then, and the cache keys' access scope, on a tiny server bound to 127.0.0.1.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator

import pytest

from scripts.quality.local_site import SilentRequestHandler, serve_handler
from snippets.llm.openai_client import LLMError, OpenAIChatClient, RetryPolicy
from tests.content.snippet_definitions import definitions

QUESTION = [{"role": "user", "content": "Where is my order?"}]
TOOL_CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "lookup_order", "arguments": '{"order_id": "48213"}'},
}
REPLIES = {  # first path segment -> (content type, body), every one with status 200
    "html": ("text/html", "<html><body>Please sign in to the proxy</body></html>"),
    "empty": ("application/json", json.dumps({"choices": [], "usage": {}})),
    "tools": (
        "application/json",
        json.dumps(
            {
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": None,
                            "tool_calls": [TOOL_CALL],
                        },
                        "finish_reason": "tool_calls",
                    }
                ],
                "usage": {"prompt_tokens": 5, "completion_tokens": 7},
            }
        ),
    ),
    "badstream": ("text/event-stream", "data: <html>not json</html>\n\ndata: [DONE]\n\n"),
    "nousage": (  # a completion with no "usage": the tokens it cost are unknown
        "application/json",
        json.dumps(
            {
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "Delivered."},
                        "finish_reason": "stop",
                    }
                ],
            }
        ),
    ),
}


class Handler(SilentRequestHandler):
    def do_POST(self) -> None:  # the name http.server calls
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        kind, body = REPLIES[self.path.strip("/").split("/")[0]]
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_handler(Handler) as url:
        yield url


def client(base: str, kind: str) -> OpenAIChatClient:
    return OpenAIChatClient(f"{base}/{kind}/v1", model="m", retry=RetryPolicy(max_attempts=3))


@pytest.mark.parametrize("kind", ["html", "empty"])
def test_a_200_that_is_not_a_completion_is_an_llm_error_and_not_retried(base, kind):
    llm = client(base, kind)
    with pytest.raises(LLMError, match="not a chat completion"):
        llm.complete(QUESTION)
    assert [a.outcome for a in llm.attempts] == ["bad response"]
    llm.close()


def test_an_unreadable_stream_chunk_is_an_llm_error(base):
    llm = client(base, "badstream")
    with pytest.raises(LLMError, match="unreadable chunk"):
        llm.stream(QUESTION, on_text=lambda _: None)
    llm.close()


def test_tool_calls_in_a_reply_reach_the_completion(base):
    llm = client(base, "tools")
    completion = llm.complete(QUESTION)
    llm.close()
    assert completion.tool_calls == (TOOL_CALL,)
    assert completion.finish_reason == "tool_calls" and completion.text == ""


def test_a_reply_without_usage_has_unknown_token_counts_not_zero(base):
    llm = client(base, "nousage")
    completion = llm.complete(QUESTION)
    llm.close()
    assert completion.text == "Delivered."
    assert (completion.prompt_tokens, completion.completion_tokens) == (None, None)


class Clock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


class Fallback:
    def complete(self, *_, **__) -> None:
        return None


@pytest.fixture(scope="module")
def budget():
    # Its definitions only: importing it would run its demo, about 4 s spent waiting on the
    # stand-in's hung model, in every worker that runs one of these tests.
    return definitions("snippets/llm/latency_budget.py")


def test_the_breaker_tests_use_the_pages_code_without_its_demo(budget):
    assert budget.PRIMARY_DEADLINE_S > budget.FALLBACK_RESERVE_S  # constants kept
    assert not hasattr(budget, "runs")  # the demo's results: never computed


def open_breaker(budget, clock):
    breaker = budget.CircuitBreaker(threshold=1, cooldown_s=1.0, clock=clock)
    breaker.record(ok=False)  # opens at t = 0
    clock.t = 1.0  # the cool-down is over: the next request is the half-open trial
    return breaker


def test_a_malformed_reply_on_the_half_open_trial_falls_back_and_reopens(base, budget):
    clock = Clock()
    breaker = open_breaker(budget, clock)
    primary = client(base, "html")
    stats = {"primary failures": 0, "waiting on the primary": 0.0}
    path = budget.answer(QUESTION, primary, Fallback(), breaker, stats)
    primary.close()
    assert (path, stats["state seen"], breaker.state) == ("small model", "half-open", "open")


def test_any_exception_from_the_primary_is_recorded_and_falls_back(budget):
    class Broken:
        def complete(self, *_, **__):
            raise KeyError("choices")  # a bug or an unwrapped parse error

    clock = Clock()
    breaker = open_breaker(budget, clock)
    stats = {"primary failures": 0, "waiting on the primary": 0.0}
    assert budget.answer(QUESTION, Broken(), Fallback(), breaker, stats) == "small model"
    assert breaker.state == "open" and stats["primary failures"] == 1


def test_a_half_open_trial_that_never_reports_back_does_not_stick(budget):
    clock = Clock()
    breaker = open_breaker(budget, clock)
    assert breaker.allow() and breaker.state == "half-open"  # the trial, never recorded
    assert not breaker.allow()  # meanwhile, the others still skip the primary
    clock.t = 2.0  # a whole cool-down later
    assert breaker.allow()  # another trial goes through


@pytest.fixture(scope="module")
def caching():
    return importlib.import_module("snippets.llm.caching_and_cost")  # runs its replay


def test_an_answer_from_user_data_is_keyed_to_its_user(caching):
    question = "What is the status of order 48213?"
    keys = {user: caching.key_for(user, question, "order-48213") for user in ("u1", "u2")}
    assert keys["u1"] != keys["u2"]
    assert keys["u1"] == caching.key_for("u1", question, "order-48213")  # still cached


def test_the_documents_and_the_index_version_are_in_the_key(caching, monkeypatch):
    def key(sources: list[str]) -> str:
        scope = caching.access_scope("u1", sources)
        return caching.exact_key("How do I reset my password?", "m", tenant="t", scope=scope)

    everyone, fewer = ["help/a", "help/b"], ["help/a"]  # what the permission filter let through
    assert key(everyone) == key(list(reversed(everyone))) != key(fewer)
    before = key(everyone)
    monkeypatch.setattr(caching, "INDEX_VERSION", "help-centre@next")
    assert key(everyone) != before
