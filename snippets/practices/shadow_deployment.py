"""Shadow deployment: the candidate model sees real traffic, but only the live model answers.

Backend analogy: a dark launch. New code runs on production requests, its results are logged
and compared, and users never see them until the numbers say it is safe to switch.
"""

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

# --8<-- [start:setup]
# Setup: loan data where approval depends non-linearly on debt-to-income. The live model is
# linear; the candidate is gradient boosting, which can learn that shape.
rng = np.random.default_rng(17)
# One thread per model call. Row-at-a-time scoring gains nothing from OpenMP, and on a
# small box the thread start-up per call costs more than the maths (the same reason you cap
# BLAS/OpenMP threads per worker process in a serving fleet).
threadpool_limits(1)


def applications(n: int) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "income": rng.lognormal(11.0, 0.4, n),
            "debt_to_income": rng.uniform(0, 0.8, n),
            "credit_score": rng.normal(680, 60, n).clip(300, 850),
        }
    )
    # Repayment collapses past ~45% debt-to-income: a threshold a linear model blurs.
    logit = (
        3 * (df["credit_score"] - 680) / 100 - 4 * (df["debt_to_income"] > 0.45) + 1.5
    )
    df["repaid"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return df


FEATURES = ["income", "debt_to_income", "credit_score"]
history = applications(4_000)
X_hist, y_hist = history[FEATURES].to_numpy(), history["repaid"]
live_model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_hist, y_hist)
candidate_model = HistGradientBoostingClassifier(max_iter=60, random_state=0).fit(
    X_hist, y_hist
)
traffic = applications(800)  # production requests; "repaid" only becomes known later
# --8<-- [end:setup]


# --8<-- [start:shadow]
shadow_log: list[dict] = []


def handle(request_id: int, payload: dict) -> float:
    features = np.array([[payload[name] for name in FEATURES]])
    live_score = float(live_model.predict_proba(features)[0, 1])
    try:
        # In production this runs off the request path (a queue or a mirrored request), with
        # its own timeout, so a slow or broken candidate cannot hurt the live SLO.
        shadow_score = float(candidate_model.predict_proba(features)[0, 1])
        error = None
    except Exception as exc:  # a shadow failure is data, not an outage
        shadow_score, error = None, type(exc).__name__
    shadow_log.append(
        {
            "request_id": request_id,
            "live": live_score,
            "shadow": shadow_score,
            "error": error,
        }
    )
    return live_score  # the only thing the caller ever sees


for i, payload in enumerate(traffic[FEATURES].to_dict("records")):
    handle(i, payload)

log = pd.DataFrame(shadow_log)
# Delayed labels: weeks later we learn who repaid, and join on request id.
log["repaid"] = traffic["repaid"].to_numpy()[log["request_id"]]

print(log.head(3).round(3).to_string(index=False))
print()

live_ok, shadow_ok = log["live"] >= 0.5, log["shadow"] >= 0.5
delta = (log["shadow"] - log["live"]).abs()
report = {
    "requests": len(log),
    "shadow errors": int(log["error"].notna().sum()),
    "decision agreement": (live_ok == shadow_ok).mean(),
    "mean |score delta|": delta.mean(),
    "p95 |score delta|": delta.quantile(0.95),
    "approval rate live": live_ok.mean(),
    "approval rate shadow": shadow_ok.mean(),
    "ROC AUC live (labels)": roc_auc_score(log["repaid"], log["live"]),
    "ROC AUC shadow (labels)": roc_auc_score(log["repaid"], log["shadow"]),
}
for name, value in report.items():
    print(
        f"{name:<24} {value:.3f}" if isinstance(value, float) else f"{name:<24} {value}"
    )

# Promotion criteria, written down BEFORE looking at the numbers (like a canary's SLO gates):
auc_gain = report["ROC AUC shadow (labels)"] - report["ROC AUC live (labels)"]
approval_move = abs(report["approval rate shadow"] - report["approval rate live"])
criteria = {
    "no shadow errors": report["shadow errors"] == 0,
    "AUC gain >= 0.01": auc_gain >= 0.01,  # better at ranking who repays
    "approval rate moves < 5 pts": approval_move
    < 0.05,  # business impact stays predictable
    "agreement >= 80%": report["decision agreement"] >= 0.80,  # not a different product
}
print()
for name, passed in criteria.items():
    print(f"[{'x' if passed else ' '}] {name}")
decision = "PROMOTE" if all(criteria.values()) else "DO NOT PROMOTE"
print("decision:", decision)
assert decision == "PROMOTE"
# --8<-- [end:shadow]
