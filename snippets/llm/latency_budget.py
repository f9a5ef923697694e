# /// snippet
# timeout = 40
# volatile = ["waiting on the primary"]
# ///
"""A latency budget, a fallback chain and a circuit breaker, against the local stand-in."""

import time

from snippets.llm.local_server import serve
from snippets.llm.openai_client import OpenAIChatClient, RetryPolicy

# --8<-- [start:budget]
# The endpoint's end-to-end budget, split across the request path. Scaled down so the
# run below takes seconds; the arithmetic is the same for a 2-second budget.
BUDGET_S = 0.60
STEPS_S = {"auth and rate limit": 0.02, "retrieval": 0.08, "validate and render": 0.05}
FALLBACK_RESERVE_S = 0.20  # kept back so a fallback still fits after a failure
PRIMARY_DEADLINE_S = BUDGET_S - sum(STEPS_S.values()) - FALLBACK_RESERVE_S

for step, seconds in STEPS_S.items():
    print(f"{step:<22}{seconds:5.2f} s")
print(f"{'fallback reserve':<22}{FALLBACK_RESERVE_S:5.2f} s")
print(f"{'primary LLM call':<22}{PRIMARY_DEADLINE_S:5.2f} s  <- the client's deadline")

# What the page says of this output, checked on every build:
assert (
    abs(sum(STEPS_S.values()) + FALLBACK_RESERVE_S + PRIMARY_DEADLINE_S - BUDGET_S)
    < 1e-9
)
assert PRIMARY_DEADLINE_S > FALLBACK_RESERVE_S  # the primary gets the larger share
# --8<-- [end:budget]


# --8<-- [start:breaker]
class CircuitBreaker:
    """closed: calls pass; after `threshold` failures in a row, open: calls are refused
    at once for `cooldown_s`; then half-open: one trial call decides which way to go."""

    def __init__(self, threshold: int, cooldown_s: float, clock) -> None:
        self.threshold, self.cooldown_s, self.clock = threshold, cooldown_s, clock
        self.state, self.failures, self.opened_at = "closed", 0, 0.0

    def allow(self) -> bool:
        now = self.clock()
        # Open for a cool-down, or a half-open trial that never reported back for as
        # long: let one request through to test the waters.
        if self.state != "closed" and now - self.opened_at >= self.cooldown_s:
            self.state, self.opened_at = "half-open", now
            return True
        return self.state == "closed"

    def record(self, ok: bool) -> None:
        if ok:
            self.state, self.failures = "closed", 0
            return
        self.failures += 1
        if self.state == "half-open" or self.failures >= self.threshold:
            self.state, self.opened_at = "open", self.clock()


def answer(question, primary, fallback, breaker, stats) -> str:
    """Primary model if the breaker allows, else the cheaper model, else a canned reply."""
    allowed = breaker is None or breaker.allow()
    stats["state seen"] = breaker.state if breaker else "-"
    if allowed:
        started, ok = time.monotonic(), False
        try:
            primary.complete(question, deadline_s=PRIMARY_DEADLINE_S)
            ok = True
            return "primary"
        except Exception:  # any failure, not only LLMError: the user gets an answer
            stats["primary failures"] += 1
            stats["waiting on the primary"] += time.monotonic() - started
        finally:  # every call that was let through reports back, however it ended
            if breaker:
                breaker.record(ok=ok)
    try:
        fallback.complete(question, deadline_s=FALLBACK_RESERVE_S)
        return "small model"
    except Exception:
        return "canned reply"  # graceful degradation: never an error page


class ArrivalClock:
    """The breaker's clock: the time the current request arrived, on a fixed schedule."""

    t = 0.0

    def __call__(self) -> float:
        return self.t


QUESTION = [{"role": "user", "content": "Summarise my last three invoices"}]
INCIDENT = range(4, 12)  # requests during which the primary model hangs
SPACING_S = 0.25  # requests arrive every quarter second (on the breaker's clock)

runs = {}
for use_breaker in (False, True):
    with serve() as (base_url, server):
        server.down_delay_s = 0.6  # a hung dependency: far slower than the deadline
        once = RetryPolicy(max_attempts=1)  # no time in the budget for retries
        primary = OpenAIChatClient(base_url, model="large", retry=once)
        fallback = OpenAIChatClient(base_url, model="small", retry=once)
        clock = ArrivalClock()
        breaker = CircuitBreaker(2, 1.0, clock) if use_breaker else None
        stats = {"primary failures": 0, "waiting on the primary": 0.0}
        timeline = []
        for i in range(20):
            clock.t = i * SPACING_S
            if i == INCIDENT.start:
                server.down.add("large")
            if i == INCIDENT.stop:
                server.down.discard("large")
            path = answer(QUESTION, primary, fallback, breaker, stats)
            timeline.append((i, path, stats["state seen"]))
        calls_to_large = sum(1 for entry in server.log if entry["model"] == "large")
        primary.close()
        fallback.close()
    runs[use_breaker] = (timeline, stats, calls_to_large)

for i, path, state in runs[True][0]:
    mark = "incident" if i in INCIDENT else ""
    print(f"request {i:>2}  breaker {state:<9}  served by {path:<12} {mark}".rstrip())
for use_breaker, (_, stats, calls) in runs.items():
    label = "with breaker   " if use_breaker else "without breaker"
    print(
        f"{label}: {calls} calls to the primary, {stats['primary failures']} timed out, "
        f"{stats['waiting on the primary']:.2f} s waiting on the primary"
    )

# What the page says of this output, checked on every build:
timeline, stats, _ = runs[True]
_, stats_without, _ = runs[False]
assert all(path != "canned reply" for _, path, _ in timeline)  # every request answered
assert stats_without["primary failures"] == len(INCIDENT)  # each one waited it out
assert stats["primary failures"] < stats_without["primary failures"] / 2
states = [state for _, _, state in timeline]
assert states[4:7] == ["closed", "closed", "open"]  # opened after two failures in a row
assert states.count("half-open") == 2  # one failed trial, one that closed it again
assert timeline[-1] == (19, "primary", "closed")
# during the incident, the open breaker sent requests straight to the small model
assert any(s == "open" and p == "small model" for _, p, s in timeline)
# --8<-- [end:breaker]
