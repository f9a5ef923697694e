# /// snippet
# ///
"""Structured output: validate a model's JSON against a pydantic schema, re-ask with
the validation error, give up cleanly after N tries, and count failures by kind.

The model here is a ScriptedModel replaying recorded replies: it shows the control
flow around a model, not how often a real model gets JSON wrong.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from snippets.llm.chat_model import ChatModel, Message, ScriptedModel


# --8<-- [start:schema]
class Ticket(BaseModel):
    """What the support system needs from a customer's email."""

    model_config = ConfigDict(extra="forbid")  # an unexpected field is an error

    order_id: str = Field(pattern=r"^ORD-\d{6}$")
    category: Literal["refund", "delivery", "damaged", "other"]
    amount_eur: float | None = Field(default=None, ge=0, le=10_000)
    summary: str = Field(min_length=1, max_length=200)

    @field_validator("order_id")
    @classmethod
    def order_id_is_in_the_email(cls, value: str, info: ValidationInfo) -> str:
        # Valid JSON in the right shape can still be invented: check it against
        # the source, as you would check a foreign key.
        source = (info.context or {}).get("email", "")
        if value not in source:
            raise ValueError(f"{value} does not appear in the email")
        return value


SYSTEM = (
    "Extract the ticket from the customer's email. Reply with one JSON object "
    "matching this JSON Schema and nothing else:\n"
    + json.dumps(Ticket.model_json_schema(), separators=(",", ":"))
)
# --8<-- [end:schema]


# --8<-- [start:extract]
FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


@dataclass
class Extraction:
    """What reaches the caller: a validated Ticket, or None and the reason."""

    ticket: Ticket | None
    attempts: int
    failures: list[str] = field(default_factory=list)  # the kind of each failure
    last_error: str = ""
    tokens: int = 0  # prompt + completion tokens over every attempt


def failure_kind(error: ValidationError) -> str:
    first = error.errors()[0]
    if first["type"] == "missing":
        return "missing field"
    if first["type"] == "extra_forbidden":
        return "unexpected field"
    if first["type"] == "value_error":  # our own check against the source
        return "not in the source"
    return "wrong value"


def extract(model: ChatModel, email: str, *, max_attempts: int = 3) -> Extraction:
    messages: list[Message] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": email},
    ]
    result = Extraction(ticket=None, attempts=0)
    for attempt in range(1, max_attempts + 1):
        reply = model.complete(messages, temperature=0, max_tokens=200)
        result.attempts = attempt
        result.tokens += reply.prompt_tokens + reply.completion_tokens
        text = FENCE.sub(r"\1", reply.text.strip())  # a common, harmless wrapper
        if reply.finish_reason == "length":
            kind, error = "cut off", "the reply hit max_tokens; answer more briefly"
        else:
            try:
                result.ticket = Ticket.model_validate_json(
                    text, context={"email": email}
                )
                return result
            except ValidationError as exc:
                if exc.errors()[0]["type"] == "json_invalid":
                    kind = "not JSON"
                else:
                    kind = failure_kind(exc)
                # The error names the field and the rule: exactly what a retry needs.
                error = "; ".join(
                    f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}"
                    for e in exc.errors()[:3]
                )
        result.failures.append(kind)
        result.last_error = error
        messages += [
            {"role": "assistant", "content": reply.text},
            {
                "role": "user",
                "content": f"That reply was rejected: {error}. "
                "Reply with the corrected JSON object only.",
            },
        ]
    return result  # gave up: the caller gets no ticket, and the reason


# --8<-- [end:extract]


# --8<-- [start:batch]
EMAIL = (
    "Hi, my order ORD-{n:06d} arrived with a cracked screen. I paid 249.90 EUR "
    "and would like a refund. Thanks, Sam"
)
GOOD = (
    '{{"order_id": "ORD-{n:06d}", "category": "damaged", "amount_eur": 249.9, '
    '"summary": "Screen arrived cracked; customer asks for a refund."}}'
)
BROKEN = {  # recorded replies of the kinds models produce, one per failure kind
    "not JSON": "Sure! Here is the ticket: order ORD-{n:06d}, damaged screen.",
    "missing field": '{{"order_id": "ORD-{n:06d}", "category": "damaged"}}',
    "wrong value": GOOD.replace('"damaged"', '"broken"'),
    "unexpected field": GOOD.replace('{{"order', '{{"priority": "high", "order'),
    "not in the source": GOOD.replace("ORD-{n:06d}", "ORD-123456"),
    "cut off": GOOD + " " + "Let me also explain my reasoning. " * 40,
}
fenced = "```json\n" + GOOD + "\n```"

# Twenty emails; each script is the sequence of replies that email will get.
scripts = (
    [[GOOD]] * 8
    + [[fenced]] * 2
    + [[BROKEN[kind], GOOD] for kind in BROKEN]
    + [[BROKEN["not JSON"], BROKEN["missing field"], GOOD]] * 2
    + [[BROKEN["not in the source"]] * 3, [BROKEN["not JSON"]] * 3]
)
outcomes, failures, tokens = Counter(), Counter(), Counter()
results = []
for n, script in enumerate(scripts, start=1):
    model = ScriptedModel([reply.format(n=n) for reply in script])
    result = extract(model, EMAIL.format(n=n), max_attempts=3)
    results.append((model, result))
    if result.ticket is None:
        outcome = "gave up after 3 attempts"
    elif result.attempts == 1:
        outcome = "valid on the first attempt"
    else:
        outcome = f"valid after {result.attempts - 1} re-ask(s)"
    outcomes[outcome] += 1
    failures.update(result.failures)
    tokens["first attempts" if result.attempts == 1 else "with re-asks"] += (
        result.tokens
    )

print(f"{len(scripts)} emails:")
for outcome, count in outcomes.most_common():
    print(f"  {count:>2}  {outcome}")
print("failed attempts by kind:")
for kind, count in failures.most_common():
    print(f"  {count:>2}  {kind}")
single = tokens["first attempts"] / outcomes["valid on the first attempt"]
retried = tokens["with re-asks"] / (
    len(scripts) - outcomes["valid on the first attempt"]
)
print(
    f"tokens per email: {single:.0f} when the first reply is valid, "
    f"{retried:.0f} when it is not"
)

# What the page says of this output, checked on every build:
assert outcomes["valid on the first attempt"] == 10  # fenced JSON is accepted as is
assert outcomes["gave up after 3 attempts"] == 2
assert results[-2][1].failures == ["not in the source"] * 3  # kept inventing
assert results[-1][1].failures == ["not JSON"] * 3  # never became JSON
assert all(r.ticket is None or isinstance(r.ticket, Ticket) for _, r in results)
assert set(failures) == set(BROKEN)  # every kind is caught, none slips through
assert retried > 2 * single  # a re-ask resends the whole conversation
# --8<-- [end:batch]


# --8<-- [start:caller]
model, ok = results[10]  # the email whose first reply was not JSON
print("sent on the re-ask:", model.calls[1]["messages"][-1]["content"])
print("the caller gets:", ok.ticket)
model, gave_up = results[-2]  # an order number the model kept inventing
print("the caller gets:", gave_up.ticket, "after", gave_up.attempts, "attempts")
print("reason:", gave_up.last_error)

# What the page says of this output, checked on every build:
assert "rejected" in results[10][0].calls[1]["messages"][-1]["content"]
assert ok.ticket is not None and ok.ticket.category == "damaged"
assert gave_up.ticket is None and "does not appear in the email" in gave_up.last_error
assert len(model.calls) == 3  # exactly max_attempts calls, then it stops
# --8<-- [end:caller]
