# /// snippet
# timeout = 40
# ///
"""Log every prediction as one structured JSON line, then query it like an access log.

Prediction logs are the ML version of access/audit logs: they answer "what did the model
say to whom, and which version said it" long after the request is gone. They are also
where the next model's training data and the inputs for drift monitoring come from.
Routing, the canary comparison and hashing for a wider log are shown along the way.

Run from the repo root: python -m snippets.practices.prediction_logging
"""

import hashlib
import hmac
import io
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from scipy.stats import binom
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from snippets.skills.evaluation.model_comparison import independent_difference

# --8<-- [start:setup]
# Setup: two versions of a churn model; 1.5.0 is rolling out as a 20% canary.
threadpool_limits(1)  # row-at-a-time scoring gains nothing from extra threads
rng = np.random.default_rng(5)
n = 4_000
customers = pd.DataFrame(
    {
        "customer_id": [f"C-{i:05d}" for i in range(n)],
        "tenure_months": rng.integers(1, 73, n),
        "monthly_spend": rng.gamma(4, 15, n).round().astype(int),  # whole euros
        "support_tickets": rng.poisson(1.2, n),
    }
)
churn_logit = (
    -0.04 * customers["tenure_months"] + 0.5 * customers["support_tickets"] - 0.5
)
churned = (rng.random(n) < 1 / (1 + np.exp(-churn_logit))).astype(int)
# 1.5.0 adds a feature; each version records the columns it expects, in order.
FEATURES = {
    "1.4.0": ["tenure_months", "monthly_spend"],
    "1.5.0": ["tenure_months", "monthly_spend", "support_tickets"],
}
models = {
    version: make_pipeline(StandardScaler(), LogisticRegression()).fit(
        customers[cols].to_numpy(), churned
    )
    for version, cols in FEATURES.items()
}
# Live traffic: 600 customers, each calling 1 to 8 times over about five weeks.
callers = customers.sample(600, random_state=9)
calls = rng.integers(1, 9, len(callers))
traffic = callers.loc[callers.index.repeat(calls)].sample(frac=1, random_state=3)
traffic = traffic.to_dict("records")
# --8<-- [end:setup]


# --8<-- [start:routing]
CANARY_SHARE = 0.20


def bucket(experiment: str, entity_id: str) -> float:
    """A number in [0, 1) fixed by (experiment, entity): the same on every replica and
    after every restart, unlike Python's hash(), which is salted per process."""
    digest = hashlib.sha256(f"{experiment}:{entity_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def route(customer_id: str, experiment: str = "churn-1.5.0-canary") -> str:
    # Route on the customer, not the request: one customer, one version, every call.
    return "1.5.0" if bucket(experiment, customer_id) < CANARY_SHARE else "1.4.0"


def route_by_request(request_id: str) -> str:
    # The tempting version: request ids are unique, so this is random per call.
    return "1.5.0" if int(request_id.replace("-", ""), 16) % 100 < 20 else "1.4.0"


NAMESPACE = uuid.UUID("12345678-1234-5678-1234-567812345678")


def request_id(i: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"request-{i}"))  # deterministic for the docs


# 1. Sticky: how many repeat callers see both versions under each scheme?
seen = {"customer": {}, "request id": {}}
for i, call in enumerate(traffic):
    customer = call["customer_id"]
    seen["customer"].setdefault(customer, set()).add(route(customer))
    seen["request id"].setdefault(customer, set()).add(route_by_request(request_id(i)))
repeat = [c for c, k in zip(callers["customer_id"], calls, strict=True) if k > 1]
both = {scheme: sum(len(v[c]) > 1 for c in repeat) for scheme, v in seen.items()}
for scheme, count in both.items():
    print(
        f"route by {scheme}: {count} of {len(repeat)} repeat callers saw both versions"
    )

# 2. The share: with a fair hash, the canary count over N ids is Binomial(N, 0.2). The
# range holding 99.9% of that distribution is the tolerance: a fair hash falls outside
# it once in 1,000 builds (never, here: the ids are fixed), a biased one far more often.
N = 100_000
ids = [f"C-{i:07d}" for i in range(N)]
in_a = np.array([bucket("churn-1.5.0-canary", c) < CANARY_SHARE for c in ids])
low, high = binom.interval(0.999, N, CANARY_SHARE)
print(
    f"canary share over {N:,} ids: {in_a.mean():.2%} "
    f"(99.9% range for a fair hash: {low / N:.2%} to {high / N:.2%})"
)

# 3. Independence: a second rollout must not pick the same customers. Salting with the
# experiment name makes the two assignments independent, so about 20% x 20% = 4% of ids
# land in both canaries. With one unsalted hash, every canary goes to the same fifth of
# customers: they carry the risk of every rollout, and B's effect is mixed with A's.
in_b = np.array([bucket("fraud-2.0-canary", c) < CANARY_SHARE for c in ids])
# Without a salt, both experiments compute the same hash of the same ids:
unsalted_a = np.array([bucket("", c) < CANARY_SHARE for c in ids])
unsalted_b = np.array([bucket("", c) < CANARY_SHARE for c in ids])
both_low, both_high = binom.interval(0.999, N, CANARY_SHARE**2)
print(
    f"ids in both canaries: {(in_a & in_b).mean():.2%} with a salt per experiment "
    f"(99.9% range {both_low / N:.2%} to {both_high / N:.2%}), "
    f"{(unsalted_a & unsalted_b).mean():.2%} without"
)

# What the page says of this output, checked on every build:
assert both["customer"] == 0  # sticky: one version per customer, on every call
assert both["request id"] > len(repeat) / 2  # per-request routing: most see both
assert low <= in_a.sum() <= high  # the share is 20% within the binomial tolerance
assert both_low <= (in_a & in_b).sum() <= both_high  # independent: about 4% in both
assert (unsalted_a & unsalted_b).sum() == unsalted_a.sum()  # the same fifth, twice
# --8<-- [end:routing]


# --8<-- [start:log]
class JsonFormatter(logging.Formatter):
    """One JSON object per line: greppable, and loadable by any log pipeline."""

    def format(self, record: logging.LogRecord) -> str:
        # Real services use record.created; the docs use a fixed logical clock so the
        # output is reproducible.
        return json.dumps(
            {"event": record.getMessage(), **record.fields}, sort_keys=True
        )


stream = io.StringIO()  # stands in for stdout/a file shipped to your log store
handler = logging.StreamHandler(stream)
handler.setFormatter(JsonFormatter())
log = logging.getLogger("predictions")
log.addHandler(handler)
log.setLevel(logging.INFO)
log.propagate = False  # keep prediction events out of the application log

CLOCK_START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
REQUIRED = {"ts", "request_id", "customer_id", "model", "model_version", "score"}


def predict_and_log(i: int, call: dict) -> float:
    version = route(call["customer_id"])
    features = {name: int(call[name]) for name in FEATURES["1.5.0"]}
    row = np.array([[features[name] for name in FEATURES[version]]], dtype=float)
    score = float(models[version].predict_proba(row)[0, 1])
    log.info(
        "prediction",
        extra={
            "fields": {
                "ts": (CLOCK_START + timedelta(minutes=20 * i)).isoformat(),
                "request_id": request_id(i),
                "customer_id": call["customer_id"],  # the join key for churn labels
                "model": "churn",
                "model_version": version,
                "features": features,  # personal data: this store gets the same
                "score": round(score, 4),  # access rules as the customer tables
                "prediction": int(score >= 0.5),
            }
        },
    )
    return score


for i, call in enumerate(traffic):
    predict_and_log(i, call)

lines = stream.getvalue().splitlines()
print(f"{len(lines)} log lines; the first one:")
print(lines[0])

# Operational question: "Since the canary started, does 1.5.0 flag more customers?"
logs = pd.read_json(io.StringIO(stream.getvalue()), lines=True)
summary = logs.groupby("model_version").agg(
    requests=("request_id", "count"),
    customers=("customer_id", "nunique"),
    flagged_rate=("prediction", "mean"),
    mean_score=("score", "mean"),
)
print()
print(summary.round(3).to_string())
# Customers, not requests, were assigned to versions, so customers are the unit to
# resample: one customer's eight calls are eight copies of one observation, and
# resampling calls instead gives an interval narrower than the evidence.
per_customer = logs.groupby(["model_version", "customer_id"])["prediction"].mean()
diff = independent_difference(
    np.mean, per_customer["1.4.0"], per_customer["1.5.0"], name="flagged share"
)
per_call = logs.groupby("model_version")["prediction"]
naive = independent_difference(
    np.mean, per_call.get_group("1.4.0"), per_call.get_group("1.5.0"), name="naive"
)
print(f"by customer: {diff}")
print(f"by request:  {naive}")

# What the page says of this output, checked on every build:
records = [json.loads(line) for line in lines]
assert all(REQUIRED <= record.keys() for record in records)  # the required fields
assert logs["request_id"].is_unique and len(logs) == len(traffic)
assert summary["customers"].sum() == logs["customer_id"].nunique()  # one arm each
assert diff.low < 0 < diff.high  # by customer: no answer yet, either way is possible
assert naive.high - naive.low < diff.high - diff.low  # by request: falsely precise
assert naive.high < 0  # ... and it would have "found" that 1.5.0 flags fewer
# --8<-- [end:log]


# --8<-- [start:hashing]
# A second, wider log (a shared log platform, a vendor's tool) gets no raw features and
# no raw customer id: only digests that let the owning team match a complaint to a
# record. The attacker has that log and this page, so knows the fields and their ranges.


def canonical(features: dict) -> bytes:
    return json.dumps(features, sort_keys=True, separators=(",", ":")).encode()


def sha256_digest(data: bytes) -> str:  # the tempting version: no key
    return hashlib.sha256(data).hexdigest()[:32]


# Keys live in a secrets manager, never in the repository or the log store; only the
# complaint-handling service may read them. Fixed here so the output is reproducible.
KEYRING = {
    "2026-11": hashlib.sha256(b"docs-only demo key, November").digest(),
    "2026-12": hashlib.sha256(b"docs-only demo key, December").digest(),
}  # rotated monthly; a retired key stays (verify-only) as long as its records do


def hmac_digest(data: bytes, key_id: str) -> str:
    return hmac.new(KEYRING[key_id], data, "sha256").hexdigest()[:32]  # 128 bits


def shared_record(record: dict) -> dict:
    key_id = record["ts"][:7]  # the key of the month the prediction was made
    return {
        "ts": record["ts"],
        "request_id": record["request_id"],
        "customer_ref": hmac_digest(record["customer_id"].encode(), key_id),
        "features_hmac": hmac_digest(canonical(record["features"]), key_id),
        "key_id": key_id,  # which key made these digests, so old ones stay checkable
        "model_version": record["model_version"],
        "score": record["score"],
    }


shared = [shared_record(record) for record in records]
print(json.dumps(shared[0], sort_keys=True))

# The attack: hash every plausible input once, then look each logged digest up.
# 120 x 20 x 300 = 720,000 guesses: seconds in pure Python, far less on a GPU.
table = {}
for tenure in range(120):
    for tickets in range(20):
        for spend in range(300):
            guess = f'{{"monthly_spend":{spend},"support_tickets":{tickets},'
            guess += f'"tenure_months":{tenure}}}'
            table[sha256_digest(guess.encode())] = guess.encode()
inputs = {canonical(record["features"]) for record in records}
unkeyed = {sha256_digest(data): data for data in inputs}  # what a SHA-256 log holds
recovered = sum(table.get(digest) == data for digest, data in unkeyed.items())
keyed = {record["features_hmac"] for record in shared}
matched = len(keyed & table.keys())
print(
    f"unkeyed SHA-256: {recovered} of {len(unkeyed)} distinct feature sets recovered "
    f"from {len(table):,} guesses"
)
print(f"HMAC-SHA256, no key: {matched} of {len(keyed)} logged digests matched a guess")


# The owner, who holds the key, can still answer a complaint about one decision.
def verify(record: dict, features: dict) -> bool:
    key_id = record["key_id"]
    if key_id not in KEYRING:
        raise LookupError(
            f"record {record['request_id']}: key_id {key_id!r} is not in the keyring; "
            "restore the retired key from the secrets manager, or treat the record "
            "as unverifiable"
        )
    expected = hmac_digest(canonical(features), key_id)
    return hmac.compare_digest(expected, record["features_hmac"])


complaint = records[100]  # "why was I flagged on this date?"
ok = verify(shared[100], complaint["features"])
print(
    f"complaint about request {complaint['request_id'][:8]}: the features on file "
    f"match the logged digest (key {shared[100]['key_id']}): {ok}"
)
try:  # a record whose key was deleted too early fails loudly, naming the record
    verify({**shared[100], "key_id": "2025-01"}, complaint["features"])
    refused = None
except LookupError as exc:
    refused = str(exc)
    print(f"LookupError: {refused}")

# What rotation costs: the same customer gets a new digest each month, so digests no
# longer join across key periods ("did this input come back in December?").
periods = pd.DataFrame(
    [
        (r["customer_id"], s["customer_ref"], s["key_id"])
        for r, s in zip(records, shared, strict=True)
    ],
    columns=["customer_id", "customer_ref", "key_id"],
)
nov = periods[periods["key_id"] == "2026-11"]
dec = periods[periods["key_id"] == "2026-12"]
in_both = set(nov["customer_id"]) & set(dec["customer_id"])
joined = set(nov["customer_ref"]) & set(dec["customer_ref"])
print(
    f"{len(in_both)} customers called in both months; digests that join across the "
    f"rotation: {len(joined)}"
)

# What the page says of this output, checked on every build:
assert recovered == len(unkeyed)  # every unkeyed feature set reversed by enumeration
assert matched == 0  # the same enumeration learns nothing from the keyed digests
assert ok  # the key holder can still tie a complaint to the exact input
assert refused and shared[100]["request_id"] in refused  # names the record
# more keyed digests than feature sets: one digest per feature set per key month
assert len(keyed) == len({(canonical(r["features"]), r["ts"][:7]) for r in records})
assert len(in_both) > 0 and len(joined) == 0  # rotation breaks joins across periods
assert not any(
    "features" in s or "customer_id" in s or "monthly_spend" in json.dumps(s)
    for s in shared
)  # nothing raw reached the shared log
# --8<-- [end:hashing]
