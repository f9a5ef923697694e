# /// snippet
# ///
"""A tool-calling loop with the guard rails a backend would put around any caller it
does not control: a step limit, a per-tool timeout, an allow-list, a human-approval gate
for side effects, idempotency keys, and a refusal path.

The model is a ScriptedModel replaying recorded tool calls in the chat-completions
shape: it shows the loop's control flow, not what a real model would decide.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ToolTimeout
from dataclasses import dataclass, field
from typing import Any

from snippets.llm.chat_model import ChatModel, Message, ScriptedModel


# --8<-- [start:tools]
@dataclass(frozen=True)
class Tool:
    run: Callable[..., str]  # gets the model's arguments, and `cancel`, an Event
    timeout_s: float
    side_effect: bool  # True: needs a human's approval and an idempotency key
    description: str  # what the model reads to decide when to call it
    parameters: dict  # JSON Schema of the arguments the model may send


def object_schema(**properties: dict) -> dict:
    """A JSON Schema for an arguments object: every property required, no others."""
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


LEDGER: dict[str, dict] = {}  # the payment system: refunds by idempotency key
FLAKY = {"drop_next_response": False}  # simulates a reply lost on the way back


def lookup_order(order_id: str, cancel: threading.Event) -> str:
    return json.dumps({"order_id": order_id, "status": "delivered", "paid": 249.9})


def shipping_status(order_id: str, cancel: threading.Event) -> str:
    cancel.wait(2.0)  # the carrier's API hangs; we stop waiting when cancelled
    return json.dumps({"order_id": order_id, "carrier": "unknown"})


def issue_refund(order_id: str, amount: float, idempotency_key: str, **_: Any) -> str:
    # The payment API deduplicates on the key, as Stripe-style APIs do.
    if idempotency_key not in LEDGER:
        LEDGER[idempotency_key] = {"order_id": order_id, "amount": amount}
    if FLAKY["drop_next_response"]:
        FLAKY["drop_next_response"] = False
        raise ConnectionError("response lost after the refund was applied")
    return json.dumps({"refunded": amount, "order_id": order_id})


ORDER_ID = {"type": "string", "description": "The order number, e.g. ORD-000042"}
TOOLS = {
    "lookup_order": Tool(
        lookup_order,
        timeout_s=0.5,
        side_effect=False,
        description="An order's status and the amount paid.",
        parameters=object_schema(order_id=ORDER_ID),
    ),
    "shipping_status": Tool(
        shipping_status,
        timeout_s=0.2,
        side_effect=False,
        description="Where the carrier says the parcel is.",
        parameters=object_schema(order_id=ORDER_ID),
    ),
    "issue_refund": Tool(
        issue_refund,
        timeout_s=2.0,
        side_effect=True,
        description="Refund an order, in full or in part.",
        # no idempotency_key here: the loop sets it, never the model
        parameters=object_schema(order_id=ORDER_ID, amount={"type": "number"}),
    ),
}
# Each task gets the tools it needs and no more: least privilege, per task.
ALLOWED = {"support-triage": {"lookup_order", "shipping_status", "issue_refund"}}


def tool_definitions(names: set[str]) -> list[dict]:
    """The `tools` parameter of a chat-completions request, for the named tools."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": TOOLS[name].description,
                "parameters": TOOLS[name].parameters,
            },
        }
        for name in sorted(names)
    ]


# --8<-- [end:tools]


# --8<-- [start:loop]
@dataclass
class Run:
    ended: str  # answered | step limit | refused | awaiting approval | bad reply
    answer: str = ""
    steps: int = 0
    timeouts: int = 0
    pending: dict | None = None  # the side effect waiting for a human
    log: list[str] = field(default_factory=list)


def idempotency_key(conversation: str, name: str, args: dict) -> str:
    # Made by the loop from what the call does, never by the model: the same
    # refund asked twice in one conversation gets the same key.
    canonical = json.dumps([conversation, name, args], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


RESERVED = {"cancel", "idempotency_key"}  # set by the loop, never by the model


def parse_arguments(raw: str) -> dict | None:
    """The model's arguments are untrusted input: a JSON object, minus reserved keys."""
    try:
        args = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if not isinstance(args, dict):
        return None
    return {k: v for k, v in args.items() if k not in RESERVED}


def call_with_timeout(tool: Tool, args: dict) -> str:
    cancel = threading.Event()
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(tool.run, cancel=cancel, **args)
    try:
        return future.result(timeout=tool.timeout_s)
    finally:
        cancel.set()  # tell a slow tool to stop; a thread cannot be killed
        pool.shutdown(wait=False)


def run_agent(
    model: ChatModel,
    task: str,
    question: str,
    *,
    conversation: str,
    max_steps: int = 4,
) -> Run:
    messages: list[Message] = [
        {"role": "system", "content": f"You handle {task} requests."},
        {"role": "user", "content": question},
    ]
    run = Run(ended="step limit")
    for step in range(1, max_steps + 1):
        run.steps = step
        tools = tool_definitions(ALLOWED[task])
        reply = model.complete(messages, temperature=0, tools=tools)
        if reply.finish_reason == "tool_calls" and not reply.tool_calls:
            # It meant to call a tool, but no call survived parsing: not an answer.
            run.log.append("tool_calls finish without calls")
            run.ended, run.answer = "bad reply", ""
            return run
        if not reply.tool_calls:
            run.ended, run.answer = "answered", reply.text
            return run
        messages.append(
            {"role": "assistant", "content": reply.text, "tool_calls": reply.tool_calls}
        )
        for call in reply.tool_calls:
            name = call["function"]["name"]
            if name not in ALLOWED[task]:  # not this task's tool: stop, do not argue
                run.log.append(f"refused {name}")
                run.ended = "refused"
                run.answer = "Sorry, I can't do that here. A person will follow up."
                return run
            tool, args = TOOLS[name], parse_arguments(call["function"]["arguments"])
            if args is None:  # run nothing; tell the model what was wrong
                result = json.dumps({"error": "arguments must be a JSON object"})
                messages.append(
                    {"role": "tool", "tool_call_id": call["id"], "content": result}
                )
                continue
            if tool.side_effect:  # park it: a human approves this exact call
                args["idempotency_key"] = idempotency_key(conversation, name, args)
                run.ended = "awaiting approval"
                run.pending = {"tool": name, "args": args}
                run.log.append(f"parked {name} for approval")
                return run
            try:
                result = call_with_timeout(tool, args)
                run.log.append(f"ran {name}")
            except ToolTimeout:
                run.timeouts += 1
                result = json.dumps({"error": f"{name} timed out"})
                run.log.append(f"{name} timed out after {tool.timeout_s} s")
            messages.append(
                {"role": "tool", "tool_call_id": call["id"], "content": result}
            )
    return run  # max_steps model calls and still no answer


# --8<-- [end:loop]


# --8<-- [start:endings]
def tool_call(call_id: str, name: str, **args: Any) -> dict:
    """An assistant message asking for one tool, exactly as the API returns it."""
    arguments = json.dumps(args)  # a JSON object serialised as a string
    function = {"name": name, "arguments": arguments}
    return {"tool_calls": [{"id": call_id, "type": "function", "function": function}]}


order = {"order_id": "ORD-000042"}
scenarios = {
    "answers": [tool_call("c1", "lookup_order", **order), "It was delivered."],
    "tool hangs": [
        tool_call("c1", "shipping_status", **order),
        "I can't reach the carrier right now; I'll check again within the hour.",
    ],
    "loops": [tool_call(f"c{i}", "lookup_order", **order) for i in range(1, 9)],
    "oversteps": [tool_call("c1", "delete_account", user="sam")],
    "refunds": [tool_call("c1", "issue_refund", amount=249.9, **order)],
    "no calls": [{"tool_calls": []}],  # finish_reason "tool_calls", nothing to run
}


def is_tool_definition(tool: Any) -> bool:
    """What the API accepts in `tools`: a function with a name and a JSON Schema."""
    function = tool.get("function") if isinstance(tool, dict) else None
    return (
        isinstance(function, dict)
        and tool.get("type") == "function"
        and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", str(function.get("name"))) is not None
        and isinstance(function.get("parameters"), dict)
        and function["parameters"].get("type") == "object"
    )


runs, sent_tools = {}, []
print("scenario    how the loop ended  what the loop did")
for name, script in scenarios.items():
    model = ScriptedModel(script)
    runs[name] = run_agent(
        model, "support-triage", "Where is my order?", conversation="conv-7"
    )
    sent_tools += [call["tools"] for call in model.calls]
    run = runs[name]
    tools = ", ".join(f"{e} x{n}" if n > 1 else e for e, n in Counter(run.log).items())
    print(f"{name:<11} {run.ended:<18} {run.steps} model call(s): {tools}")

# What the page says of this output, checked on every build:
assert all(is_tool_definition(tool) for tools in sent_tools for tool in tools)
assert all(
    {t["function"]["name"] for t in ts} == ALLOWED["support-triage"]
    for ts in sent_tools
)
assert runs["answers"].ended == "answered" and runs["answers"].steps == 2
assert runs["tool hangs"].ended == "answered" and runs["tool hangs"].timeouts == 1
assert runs["loops"].ended == "step limit" and runs["loops"].steps == 4
assert runs["oversteps"].ended == "refused" and runs["oversteps"].steps == 1
assert runs["refunds"].ended == "awaiting approval" and not LEDGER  # nothing moved
assert runs["no calls"].ended == "bad reply" and not runs["no calls"].answer
# --8<-- [end:endings]


# --8<-- [start:approval]
def execute_approved(pending: dict, *, fresh_key_per_attempt: bool = False) -> int:
    """Run a side effect a person approved, retrying a lost reply up to 3 times.
    Returns how many refunds the payment system holds for it afterwards."""
    tool, args = TOOLS[pending["tool"]], dict(pending["args"])
    before = len(LEDGER)
    for attempt in (1, 2, 3):
        if fresh_key_per_attempt:  # what a retry that rebuilds the request does
            args["idempotency_key"] = f"{pending['args']['idempotency_key']}-{attempt}"
        try:
            print(f"  attempt {attempt}: {call_with_timeout(tool, args)}")
            break
        except ConnectionError as exc:
            print(f"  attempt {attempt}: {exc}; retrying")
    return len(LEDGER) - before


pending = runs["refunds"].pending
print("parked for approval:", pending)
print("a person approves; the reply to the first attempt is lost:")
FLAKY["drop_next_response"] = True
with_key = execute_approved(pending)
print(f"refunds applied, one key for every attempt: {with_key}")
print("the same, but each retry builds a new key:")
FLAKY["drop_next_response"] = True
without_key = execute_approved(pending, fresh_key_per_attempt=True)
print(f"refunds applied, a new key per attempt: {without_key}")

# What the page says of this output, checked on every build:
assert with_key == 1  # the retry was deduplicated
assert without_key == 2  # the customer was refunded twice
# --8<-- [end:approval]
