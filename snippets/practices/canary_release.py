# /// snippet
# timeout = 30
# ///
"""Canary release: a stable slice of users gets the candidate; decide on a fast outcome.

Backend analogy: a canary deployment judged against a same-size baseline, with users
(not requests) pinned to a version, and roll forward / roll back / keep waiting decided
from an interval, not from one day's point estimate.

Run from the repo root: python -m snippets.practices.canary_release
"""

import hashlib
import hmac

import numpy as np
import pandas as pd

from snippets.skills.evaluation.model_comparison import decide, independent_difference

# --8<-- [start:canary]
# The routing key comes from the secret store in production (a constant here so the
# example repeats). Without the key nobody can work out, or choose, which users are in
# the canary; the rollout name in the message gives each rollout its own split.
ROUTING_KEY = b"example-only-read-me-from-the-secret-store"
CANARY, BASELINE = 0.05, 0.05  # 5% of users get the candidate, 5% a fresh copy of live


def version_for(user_id: str, rollout: str = "loan-model-v8") -> str:
    digest = hmac.new(ROUTING_KEY, f"{rollout}:{user_id}".encode(), hashlib.sha256)
    bucket = int.from_bytes(digest.digest()[:8], "big") / 2**64  # uniform in [0, 1)
    if bucket < CANARY:
        return "candidate"
    return "baseline" if bucket < CANARY + BASELINE else "live"


# A week of traffic from 100,000 users; each request is routed by its user's id.
rng = np.random.default_rng(5)
users = pd.DataFrame({"user_id": [f"u{n:06d}" for n in range(100_000)]})
users["slowness"] = rng.gamma(2.0, 0.5, len(users))  # some users sit on slow networks
n_requests = rng.poisson(0.3, (len(users), 7))  # requests per user per day
requests = users.loc[users.index.repeat(n_requests.sum(axis=1))].reset_index(drop=True)
requests["day"] = np.concatenate(
    [np.repeat(np.arange(1, 8), row) for row in n_requests]
)
requests["version"] = [version_for(u) for u in requests["user_id"]]

# Sticky routing: a user sees one version however many requests they make.
versions_per_user = requests.groupby("user_id")["version"].nunique()
assert versions_per_user.max() == 1
# Routing by request id instead: of the users who met the candidate, how many also met
# the old model (an applicant approved on one request and refused on the next)?
got_candidate = pd.Series(
    [version_for(f"request-{r}") == "candidate" for r in requests.index]
)
seen_by_user = got_candidate.groupby(requests["user_id"]).agg(["any", "all"])
mixed = (seen_by_user["any"] & ~seen_by_user["all"]).sum() / seen_by_user["any"].sum()

# The fast outcome: a response that failed or missed the 300 ms latency SLO. The
# candidate fetches one more feature (rent history), so it is a little slower.
BREACH = {"live": 0.010, "baseline": 0.010, "candidate": 0.011}
p = requests["version"].map(BREACH) * requests["slowness"]
requests["breach"] = rng.random(len(requests)) < p


MARGIN = -0.005  # absolute: half a point of breach share
FINAL_DAY = 7  # the one planned look that may roll forward


def canary_report(label: str, until_day: int, outcome: pd.Series) -> tuple[str, float]:
    seen = requests[requests["day"] <= until_day].assign(breach=outcome)
    # One number per user (the share of their responses that breached), since the user,
    # not the request, is what the router assigned.
    per_user = seen.groupby(["version", "user_id"])["breach"].mean()
    baseline_rate = float(per_user["baseline"].mean())
    diff = independent_difference(
        np.mean,
        per_user["baseline"].to_numpy(),
        per_user["candidate"].to_numpy(),
        name="SLO breach share per user",
        higher_is_better=False,
    )
    # Written in the rollout plan before the canary started: roll forward only if the
    # candidate is at most 0.5 points worse than the baseline over the whole interval,
    # and only at the final look. Each look is another chance for a lucky interval, and
    # these intervals are not widened for repeated looks, so an early look may only roll
    # back (a false alarm there costs a delay, not an outage).
    decision = decide(diff, margin=MARGIN)
    verdict, reason = decision.verdict, decision.reason
    if verdict == "promote" and until_day < FINAL_DAY:
        verdict, reason = (
            "tie",
            f"{reason}, but only the day-{FINAL_DAY} look may roll forward",
        )
    action = {"promote": "ROLL FORWARD", "keep": "ROLL BACK", "tie": "KEEP WAITING"}
    print(f"{label}, day {until_day}: {diff}")
    print(
        f"  baseline breach share per user {baseline_rate:.4f}: the margin is "
        f"{-MARGIN / baseline_rate:.0%} of it"
    )
    print(f"  {action[verdict]}: {reason}")
    return verdict, baseline_rate


shares = requests.drop_duplicates("user_id")["version"].value_counts(normalize=True)
print(f"users in canary {shares['candidate']:.1%}, baseline {shares['baseline']:.1%}")
print(f"routed by user id: {(versions_per_user > 1).mean():.0%} saw two versions")
print(f"routed by request id: {mixed:.0%} of candidate users also met the old model")
after_day_1, _ = canary_report("candidate", 1, requests["breach"])
after_day_7, baseline_rate = canary_report("candidate", FINAL_DAY, requests["breach"])

# A faulty build: the rent-history call times out for one request in twenty.
broken = requests["breach"] | (
    (requests["version"] == "candidate") & (rng.random(len(requests)) < 0.05)
)
broken_day_1, _ = canary_report("faulty build", 1, broken)

# What the page says of this output, checked on every build:
assert abs(shares["candidate"] - CANARY) < 0.005
assert mixed > 0.5
assert after_day_1 == "tie" and after_day_7 == "promote"
# The baseline breaches on about one response in a hundred, so the absolute margin lets
# the candidate breach about half as often again as the baseline does.
assert 0.008 < baseline_rate < 0.012, baseline_rate
assert 0.4 < -MARGIN / baseline_rate < 0.6
assert broken_day_1 == "keep"
# --8<-- [end:canary]
