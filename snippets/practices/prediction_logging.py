"""Log every prediction as one structured JSON line, then query the log like any access log.

Prediction logs are the ML version of access/audit logs: they answer "what did the model say
to whom, and which version said it" long after the request is gone. They are also where the
training data for the next model and the inputs for drift monitoring come from.
"""

import hashlib
import io
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# --8<-- [start:setup]
# Setup: two versions of a churn model; 1.5.0 is rolling out as a 20% canary.
rng = np.random.default_rng(5)
n = 4_000
customers = pd.DataFrame(
    {
        "tenure_months": rng.integers(1, 73, n),
        "monthly_spend": rng.gamma(4, 15, n).round(2),
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
# --8<-- [end:setup]


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

NAMESPACE = uuid.UUID("12345678-1234-5678-1234-567812345678")
CLOCK_START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def features_hash(features: dict) -> str:
    # Hash of the canonical feature payload: lets you join a complaint ("why was I flagged?")
    # to the exact input without storing raw personal data in every log line.
    canonical = json.dumps(features, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def predict_and_log(i: int, features: dict) -> float:
    request_id = str(
        uuid.uuid5(NAMESPACE, f"request-{i}")
    )  # deterministic for the docs
    # Sticky canary routing: the same request id always goes to the same version.
    version = "1.5.0" if int(request_id.replace("-", ""), 16) % 100 < 20 else "1.4.0"
    row = np.array([[features[name] for name in FEATURES[version]]], dtype=float)
    score = float(models[version].predict_proba(row)[0, 1])
    log.info(
        "prediction",
        extra={
            "fields": {
                "ts": (CLOCK_START + timedelta(seconds=3 * i)).isoformat(),
                "request_id": request_id,
                "model": "churn",
                "model_version": version,
                "features_sha": features_hash(features),
                "features": features,  # fine for non-personal features; hash-only otherwise
                "score": round(score, 4),
                "prediction": int(score >= 0.5),
            }
        },
    )
    return score


traffic = customers.sample(800, random_state=9).to_dict("records")
for i, features in enumerate(traffic):
    predict_and_log(i, features)

lines = stream.getvalue().splitlines()
print(f"{len(lines)} log lines; the first one:")
print(lines[0])

# Operational question: "Since the canary started, does 1.5.0 flag more customers than 1.4.0?"
logs = pd.read_json(io.StringIO(stream.getvalue()), lines=True)
summary = logs.groupby("model_version").agg(
    requests=("request_id", "count"),
    flagged_rate=("prediction", "mean"),
    mean_score=("score", "mean"),
    p90_score=("score", lambda s: s.quantile(0.9)),
)
print()
print(summary.round(3).to_string())
assert logs["request_id"].is_unique and summary["requests"].sum() == len(traffic)
# --8<-- [end:log]
