# /// snippet
# ///
"""The one interface every model in the LLM section sits behind, and a scripted model.

``ChatModel`` is what application code depends on. Three things implement it here: the
HTTP client for any OpenAI-compatible server (``snippets/llm/openai_client.py``), the
tiny numpy model (``snippets/llm/tiny_language_model.py``) and ``ScriptedModel``, which
replays recorded responses in order so that control-flow lessons (validation, retries,
tool loops, injection tests) run the same way on every build.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# --8<-- [start:interface]
Message = dict[str, str]  # OpenAI chat shape: {"role": "system", "content": "..."}
ROLES = ("system", "user", "assistant", "tool")


@dataclass(frozen=True)
class Completion:
    text: str
    # None when the server's reply carried no usage: unknown, never zero.
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_s: float
    model: str
    finish_reason: str = "stop"  # "stop", "length" (hit max_tokens), "tool_calls"
    # The assistant message's tool calls, in the chat-completions shape:
    # {"id": "call_1", "type": "function",
    #  "function": {"name": "lookup_order", "arguments": "<JSON object as a string>"}}
    tool_calls: tuple[dict[str, Any], ...] = ()


class ChatModel(Protocol):
    def complete(self, messages: Sequence[Message], **options: Any) -> Completion: ...


# --8<-- [end:interface]


# --8<-- [start:scripted]
TOKEN = re.compile(r"\w+|[^\w\s]")  # a word, or one punctuation mark


def count_tokens(text: str) -> int:
    """Words and punctuation marks: a stand-in for a real tokenizer.

    A real model's tokenizer (BPE and friends) splits rare words into several pieces, so
    real counts run higher than this; use the provider's count for billing.
    """
    return len(TOKEN.findall(text))


class ScriptExhausted(RuntimeError):
    """The code under test asked for more responses than the script holds."""


class ScriptedModel:
    """Replays recorded responses in order: a test double, not a language model.

    It never reads the prompt to decide what to say, so a page that uses it shows the
    application's control flow, not how a real model would behave. A response that is
    an exception instance is raised instead of returned (a timeout, a 429...); a dict
    is an assistant message with tool calls ({"tool_calls": [...]}, the API's shape).
    """

    def __init__(
        self,
        responses: Sequence[str | dict[str, Any] | BaseException],
        *,
        model: str = "scripted",
        seconds_per_token: float = 0.0,  # simulated latency; no real waiting happens
    ) -> None:
        self.responses = list(responses)
        self.model = model
        self.seconds_per_token = seconds_per_token
        self.calls: list[dict[str, Any]] = []  # what was sent, for tests to assert on

    def complete(self, messages: Sequence[Message], **options: Any) -> Completion:
        for i, message in enumerate(messages):
            if message.get("role") not in ROLES or "content" not in message:
                raise ValueError(
                    f"message {i} is {message!r}: expected a dict with 'role' (one of "
                    f"{', '.join(ROLES)}) and 'content'"
                )
        self.calls.append({"messages": [dict(m) for m in messages], **options})
        n = len(self.calls)
        if n > len(self.responses):
            raise ScriptExhausted(
                f"call {n}, but the script holds {len(self.responses)} response(s): "
                "the code under test asked the model more often than the test expected"
            )
        response = self.responses[n - 1]
        if isinstance(response, BaseException):
            raise response
        prompt_tokens = sum(count_tokens(m["content"]) for m in messages)
        if isinstance(response, dict):  # the model asks for tools instead of answering
            calls = tuple(response["tool_calls"])
            return Completion(
                text=response.get("content") or "",
                prompt_tokens=prompt_tokens,
                completion_tokens=count_tokens(json.dumps(calls)),
                latency_s=0.0,
                model=self.model,
                finish_reason="tool_calls",
                tool_calls=calls,
            )
        completion_tokens = count_tokens(response)
        text, finish = response, "stop"
        limit = options.get("max_tokens")
        if limit is not None and completion_tokens > limit:
            # Cut the text after `limit` tokens, as a server does at max_tokens.
            cut = list(TOKEN.finditer(response))[limit - 1].end() if limit > 0 else 0
            text, finish, completion_tokens = response[:cut], "length", limit
        return Completion(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_s=round(completion_tokens * self.seconds_per_token, 6),
            model=self.model,
            finish_reason=finish,
        )


# --8<-- [end:scripted]

# --8<-- [start:demo]
if __name__ == "__main__":
    model: ChatModel = ScriptedModel(['{"city": "Lisbon"}', "Lisbon, Portugal."])
    question = [
        {"role": "system", "content": "Answer with JSON."},
        {"role": "user", "content": "Where is the office?"},
    ]
    first = model.complete(question, temperature=0)
    second = model.complete(question, temperature=0, max_tokens=2)
    print(first)
    print(second)
    sent = model.calls[1]
    options = {k: v for k, v in sent.items() if k != "messages"}
    print(f"call 2 sent {len(sent['messages'])} messages with options {options}")
    raised = False
    try:
        model.complete(question)
    except ScriptExhausted as exc:
        raised = True
        print("third call:", exc)

    # What the page says of this output, checked on every build:
    assert first.text == '{"city": "Lisbon"}' and first.prompt_tokens == 9
    assert second.finish_reason == "length" and second.text == "Lisbon,"
    assert model.calls[1]["max_tokens"] == 2
    assert raised  # an empty script is an error, never an invented reply
# --8<-- [end:demo]
