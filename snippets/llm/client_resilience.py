# /// snippet
# timeout = 30
# depends = ["data/llm_prices.yaml"]
# volatile = ["latency_s"]
# ///
"""Drive the copyable client through a 429, a 500 burst, a timeout, a 400 and a stream."""

import hashlib
import hmac
import json
import os
import random
import uuid

import yaml

from scripts import ROOT
from snippets.llm.local_server import Fault, serve
from snippets.llm.openai_client import (
    DeadlineExceeded,
    OpenAIChatClient,
    RequestRejected,
    RetryPolicy,
)

QUESTION = [{"role": "user", "content": "How do I cap the cost of one LLM request?"}]


def show(case: str, client: OpenAIChatClient, result: str) -> None:
    steps = ", ".join(
        f"#{a.number} {a.outcome}" + (f" (waited {a.wait_s:.3f} s)" if a.wait_s else "")
        for a in client.attempts
    )
    print(f"{case:<24} {steps}  ->  {result}")


# --8<-- [start:retries]
policy = RetryPolicy(max_attempts=4, base_delay_s=0.05, max_delay_s=0.4)
with serve() as (base_url, server):
    client = OpenAIChatClient(
        base_url,
        api_key="test-key",
        model="stand-in",
        read_timeout_s=0.3,
        deadline_s=5.0,
        retry=policy,
        rng=random.Random(7),  # seeded so the jittered waits print the same every run
    )

    # 1. Rate limited once; the server says when to come back.
    server.inject(Fault(status=429, retry_after="1"))
    answer = client.complete(QUESTION)
    show("429 + Retry-After: 1", client, f"ok, {answer.completion_tokens} tokens")
    rate_limited = list(client.attempts)

    # 2. Three 500s in a row, then the server recovers.
    server.inject(*[Fault(status=500)] * 3)
    client.complete(QUESTION)
    show("500, 500, 500", client, "ok")
    burst = list(client.attempts)

    # 3. The first answer is slower than the read timeout.
    server.inject(Fault(delay_s=1.0))
    client.complete(QUESTION)
    show("slow answer (1 s)", client, "ok")
    slow = list(client.attempts)

    # 4. A bad request: the server will reject it every time, so it is sent once.
    before = len(server.log)
    try:
        client.complete(QUESTION, temperature=7)
        rejected = "accepted?!"
    except RequestRejected as exc:
        rejected = str(exc)
    show("400 temperature=7", client, rejected)
    sent_for_400 = len(server.log) - before

    # 5. The server is slow on every attempt: the deadline ends the call.
    server.inject(*[Fault(delay_s=1.0)] * 4)
    try:
        client.complete(QUESTION, deadline_s=0.6)
        outcome = "answered?!"
    except DeadlineExceeded as exc:
        outcome = f"DeadlineExceeded: {exc}"
    show("always slow, 0.6 s cap", client, outcome)
    timed_out = list(client.attempts)
    client.close()

# What the page says of this output, checked on every build:
# the 429 is retried once, after exactly the Retry-After the server sent
assert [a.outcome for a in rate_limited] == ["429", "ok"]
assert rate_limited[0].wait_s == 1.0
# the 500 burst is retried with full-jitter waits under the doubling cap
assert [a.outcome for a in burst] == ["500", "500", "500", "ok"]
assert all(0 <= a.wait_s <= 0.05 * 2 ** (a.number - 1) for a in burst[:3])
# the slow answer costs one timeout, then succeeds
assert [a.outcome for a in slow] == ["timeout", "ok"]
# the 400 is sent once and never retried
assert sent_for_400 == 1 and [a.outcome for a in client.attempts] != []
assert rejected.startswith("HTTP 400")
# the deadline stops the call before the attempts run out
assert outcome.startswith("DeadlineExceeded")
assert all(a.outcome == "timeout" for a in timed_out)
assert len(timed_out) < policy.max_attempts
# --8<-- [end:retries]


# --8<-- [start:streaming]
with serve() as (base_url, server):
    client = OpenAIChatClient(base_url, model="stand-in", read_timeout_s=2.0)
    chunks: list[str] = []
    streamed = client.stream(QUESTION, on_text=chunks.append)
    whole = client.complete(QUESTION)
    client.close()

print(f"{len(chunks)} chunks: {chunks[:4]} ...")
print(f"joined:    {streamed.text!r}")
print(f"one-shot:  {whole.text!r}")
print(
    f"usage from the final chunk: {streamed.prompt_tokens} prompt + "
    f"{streamed.completion_tokens} completion tokens, finish_reason={streamed.finish_reason}"
)

# What the page says of this output, checked on every build:
assert len(chunks) > 1  # the answer arrives in pieces
assert streamed.text == whole.text  # and adds up to the same answer
assert (streamed.prompt_tokens, streamed.completion_tokens) == (
    whole.prompt_tokens,
    whole.completion_tokens,
)  # usage arrives in the last chunk, matching the non-streamed count
# --8<-- [end:streaming]


# --8<-- [start:log-record]
PRICES = {
    p["model"]: p for p in yaml.safe_load((ROOT / "data/llm_prices.yaml").read_text())
}


def log_key() -> bytes:
    """The HMAC key for prompt digests, injected from your secrets manager."""
    key = os.environ.get("LLM_LOG_HMAC_KEY")
    if not key:  # a default key would make every digest guessable: refuse instead
        raise RuntimeError(
            "LLM_LOG_HMAC_KEY is not set: inject the log HMAC key from your secrets "
            "manager before logging LLM calls"
        )
    return key.encode()


def call_record(trace_id, prompt_version, messages, completion, client, cache_hit):
    """One structured log line per LLM call: what happened, what it cost, no raw text."""
    price = PRICES.get(completion.model)
    cost = None  # unknown: no price for this model, or a reply without usage
    known = None not in (completion.prompt_tokens, completion.completion_tokens)
    if price and known:
        cost = (
            completion.prompt_tokens * price["input_per_million"]
            + completion.completion_tokens * price["output_per_million"]
        ) / 1e6
    text = json.dumps(messages, sort_keys=True).encode()
    return {
        "trace_id": trace_id,
        "model": completion.model,
        "prompt_version": prompt_version,
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens,
        "cost_usd": None if cost is None else round(cost, 8),
        "latency_s": round(completion.latency_s, 3),
        "attempts": [f"{a.outcome}/{a.wait_s:g}s" for a in client.attempts],
        "finish_reason": completion.finish_reason,
        "cache_hit": cache_hit,
        # a keyed digest ties a complaint to the exact prompt without storing it
        "prompt_hmac": hmac.new(log_key(), text, hashlib.sha256).hexdigest()[:16],
    }


MODEL = "openai/gpt-4o-mini-2024-07-18"  # the stand-in echoes any model name
os.environ["LLM_LOG_HMAC_KEY"] = "demo-key-not-a-secret"  # this page's run only
with serve() as (base_url, server):
    client = OpenAIChatClient(base_url, model=MODEL, rng=random.Random(1))
    server.inject(Fault(status=429, retry_after="1"))
    completion = client.complete(QUESTION, temperature=0)
    trace_id = str(uuid.UUID(int=random.Random(3).getrandbits(128)))  # from the request
    record = call_record(
        trace_id, "support-answer@7", QUESTION, completion, client, False
    )
    client.close()
for key, value in record.items():
    print(f"{key:<18}{value}")

# What the page says of this output, checked on every build:
line = json.dumps(record)
assert QUESTION[0]["content"] not in line  # no raw prompt in the log
assert record["attempts"] == ["429/1s", "ok/0s"]  # the retry is visible
assert record["cost_usd"] > 0 and record["prompt_tokens"] > 0
assert record["latency_s"] >= 1.0  # the whole call, the Retry-After wait included
# --8<-- [end:log-record]
