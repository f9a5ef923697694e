# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   volatile: ["p50", "p95", "latency_ms"]
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Project: from notebook to service
#
# **What you will build:** the whole life of one model in a single notebook. You train a
# churn-risk `Pipeline`, save it as a versioned artifact with a JSON sidecar, serve it over
# HTTP with FastAPI and uvicorn, call it with real requests (good and bad), log every
# prediction, receive a batch of production traffic that has shifted, detect the drift,
# score the model once the real outcomes arrive, and decide with written-down rules whether
# to retrain. At the end the server shuts down cleanly.
#
# **The backend concept it maps to:** this is a deploy pipeline and its runbook. The
# artifact plus sidecar is a release with a manifest; the API is an ordinary service with
# input validation and structured logs; drift checks are monitoring; delayed labels are the
# equivalent of an error budget you can only compute after the fact; the retrain policy is
# the runbook that says when a human, or a job, acts.
#
# Everything runs locally: the server binds to `127.0.0.1` on a free port, files go to a
# temporary directory that is deleted at the end, and nothing is fetched from the network.
#
# **One helper from this site.** Every comparison below is reported as a difference with a
# 95% bootstrap interval, and every promote-or-keep decision goes through `decide`, never a
# point estimate. Both come from `snippets/skills/evaluation/model_comparison.py` in this
# site's repository, taught on the model evaluation page (section "Is the challenger really
# better, or is it noise?"). If you downloaded this notebook, copy that file into
# `snippets/skills/evaluation/` next to it, or paste its functions into the first cell.

# %%
import hashlib
import itertools
import json
import logging
import platform
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Literal

import httpx2
import joblib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import sklearn
import uvicorn
from fastapi import FastAPI
from IPython.display import display
from pydantic import BaseModel, ConfigDict, Field
from scipy import stats
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from snippets.skills.evaluation.model_comparison import (
    decide,
    independent_difference,
    paired_difference,
)

SEED = 2024
pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)
plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})

workdir = tempfile.TemporaryDirectory()  # every file this notebook writes lives here
ROOT = Path(workdir.name)

# %% [markdown]
# ## 1. Training data and the model
#
# A subscription product wants a daily churn-risk score per customer so the retention team
# can reach out before people leave. Five inputs, one label ("cancelled within 30 days"):
#
# | Field | Meaning |
# |---|---|
# | `tenure_months` | months since sign-up |
# | `monthly_spend` | current monthly bill in EUR |
# | `support_tickets_90d` | support tickets opened in the last 90 days |
# | `logins_30d` | logins in the last 30 days |
# | `plan` | `basic`, `pro` or `enterprise` |
#
# The generator takes a `world` argument so that we can later produce "production" traffic
# from a world that has moved on: a price rise, a sign-up campaign, a rough month for
# support, and an app change that quietly altered what a "login" means.

# %%
FEATURES_NUMERIC = [
    "tenure_months",
    "monthly_spend",
    "support_tickets_90d",
    "logins_30d",
]
FEATURES_CATEGORICAL = ["plan"]
PLANS = ["basic", "pro", "enterprise"]

WORLD_TRAINING = {
    "plan_mix": [0.45, 0.40, 0.15],
    "tenure_scale": 14.0,
    "spend_factor": 1.0,
    "ticket_rate": 0.8,
    "login_rate": 18.0,
    "ticket_effect": 0.45,
    "login_effect": 0.06,
    "intercept": -1.2,
}
WORLD_PRODUCTION = {
    "plan_mix": [
        0.62,
        0.30,
        0.08,
    ],  # a discount campaign brought in basic-plan sign-ups
    "tenure_scale": 8.0,  # ... so many customers are new
    "spend_factor": 1.15,  # prices went up 15%
    "ticket_rate": 1.6,  # a bad release doubled support tickets
    "login_rate": 15.0,
    "ticket_effect": 0.45,
    # The new mobile app keeps sessions alive and logs in in the background, so a login no
    # longer means an engaged customer. Same field name, different meaning.
    "login_effect": 0.0,
    "intercept": -2.0,
}


def make_customers(n: int, world: dict, rng: np.random.Generator) -> pd.DataFrame:
    plan = rng.choice(PLANS, size=n, p=world["plan_mix"])
    base_spend = (
        pd.Series(plan).map({"basic": 19, "pro": 49, "enterprise": 149}).to_numpy()
    )
    tenure = np.round(rng.gamma(1.5, world["tenure_scale"], n)).astype(int)
    spend = base_spend * world["spend_factor"] * rng.lognormal(0, 0.15, n)
    tickets = rng.poisson(world["ticket_rate"], n)
    logins = rng.poisson(world["login_rate"] * rng.lognormal(0, 0.6, n))
    logit = (
        world["intercept"]
        - 0.05 * np.minimum(tenure, 48)
        + world["ticket_effect"] * tickets
        - world["login_effect"] * logins
        + 0.012 * (spend - base_spend)  # paying more than the list price hurts
        + pd.Series(plan).map({"basic": 0.6, "pro": 0.0, "enterprise": -0.9}).to_numpy()
    )
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "customer_id": [
                f"c-{i:06d}" for i in rng.choice(900_000, n, replace=False)
            ],
            "tenure_months": tenure,
            "monthly_spend": spend.round(2),
            "support_tickets_90d": tickets,
            "logins_30d": logins,
            "plan": plan,
            "churned_30d": churned.astype(int),
        }
    )


rng = np.random.default_rng(SEED)
history = make_customers(10_000, WORLD_TRAINING, rng)
print(f"{len(history):,} customers, churn rate {history['churned_30d'].mean():.1%}")
display(history.head())

# %% [markdown]
# Train a deliberately simple pipeline: scale the numbers, one-hot the plan, logistic
# regression. The point of this notebook is the path to production, and a model you can
# explain is easier to operate. Holdout metrics are recorded because they become the
# baseline that production performance is compared with later.

# %%
X = history[FEATURES_NUMERIC + FEATURES_CATEGORICAL]
y = history["churned_30d"]
X_train, X_hold, y_train, y_hold = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=SEED
)


def build_pipeline() -> Pipeline:
    features = ColumnTransformer(
        [
            ("num", StandardScaler(), FEATURES_NUMERIC),
            (
                "cat",
                OneHotEncoder(categories=[PLANS], handle_unknown="ignore"),
                ["plan"],
            ),
        ]
    )
    return Pipeline(
        [("features", features), ("model", LogisticRegression(max_iter=1000))]
    )


def evaluate(model: Pipeline, X: pd.DataFrame, y: pd.Series) -> dict:
    proba = model.predict_proba(X)[:, 1]
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4),
        "pr_auc": round(float(average_precision_score(y, proba)), 4),
        "brier": round(float(brier_score_loss(y, proba)), 4),
        "observed_rate": round(float(np.mean(y)), 4),
        "mean_predicted": round(float(proba.mean()), 4),
        "rows": len(y),
    }


model_v1 = build_pipeline().fit(X_train, y_train)
holdout_metrics = evaluate(model_v1, X_hold, y_hold)
print(json.dumps(holdout_metrics, indent=2))

# %% [markdown]
# ## 2. Persist the model as a release: artifact + sidecar
#
# A pickled model on its own is an unlabelled binary. Ship it with a manifest that answers
# the questions you will be asked during an incident:
#
# * **Which version is this, and what was it trained on?** A version string and a
#   *fingerprint* of the training data (a hash of its rows), so "same data?" is a string
#   comparison.
# * **How good was it?** The holdout metrics, which are the baseline for monitoring.
# * **Can I load it safely?** The artifact's SHA-256 and the library versions. Pickles are
#   tied to library versions and can run arbitrary code when loaded, so only load artifacts
#   you produced and whose hash you can check.
# * **What does normal input look like?** A reference profile of the training features,
#   which the drift check uses later without needing the training data.
# * **Does it still behave the same?** A few "golden" inputs with their expected outputs: a
#   contract test that runs on every load.


# %%
def fingerprint(df: pd.DataFrame) -> str:
    row_hashes = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return hashlib.sha256(row_hashes.tobytes()).hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reference_profile(df: pd.DataFrame) -> dict:
    """Decile bin edges and bin shares per numeric feature; category shares for the plan."""
    profile = {}
    for col in FEATURES_NUMERIC:
        edges = np.unique(np.quantile(df[col], np.linspace(0.1, 0.9, 9)))
        counts = np.bincount(
            np.searchsorted(edges, df[col], side="right"), minlength=len(edges) + 1
        )
        profile[col] = {
            "edges": edges.round(4).tolist(),
            "shares": (counts / counts.sum()).round(5).tolist(),
        }
    shares = df["plan"].value_counts(normalize=True).reindex(PLANS, fill_value=0)
    profile["plan"] = {"categories": PLANS, "shares": shares.round(5).tolist()}
    return profile


GOLDEN = pd.DataFrame(
    {
        "tenure_months": [1, 36, 6],
        "monthly_spend": [19.0, 149.0, 55.0],
        "support_tickets_90d": [4, 0, 1],
        "logins_30d": [2, 40, 12],
        "plan": ["basic", "enterprise", "pro"],
    }
)


def save_release(
    model: Pipeline,
    version: str,
    train_df: pd.DataFrame,
    metrics: dict,
    registry: Path,
    parent: str | None = None,
) -> Path:
    release_dir = registry / "churn-risk" / version
    release_dir.mkdir(
        parents=True, exist_ok=False
    )  # a version is immutable: never overwrite
    artifact = release_dir / "model.joblib"
    joblib.dump(model, artifact)
    sidecar = {
        "model_name": "churn-risk",
        "version": version,
        "parent_version": parent,
        "artifact": artifact.name,
        "artifact_sha256": sha256_file(artifact),
        "training_data": {
            "rows": len(train_df),
            "fingerprint_sha256": fingerprint(train_df),
            "label_rate": round(float(train_df["churned_30d"].mean()), 4),
        },
        "features": {"numeric": FEATURES_NUMERIC, "categorical": {"plan": PLANS}},
        "decision_threshold": 0.35,
        "holdout_metrics": metrics,
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "golden": {
            "inputs": GOLDEN.to_dict(orient="records"),
            "expected_proba": model.predict_proba(GOLDEN)[:, 1].round(6).tolist(),
        },
        "reference_profile": reference_profile(train_df),
    }
    (release_dir / "model.json").write_text(json.dumps(sidecar, indent=2))
    return release_dir


REGISTRY = ROOT / "registry"
train_df = pd.concat([X_train, y_train], axis=1)
release_v1 = save_release(model_v1, "1.0.0", train_df, holdout_metrics, REGISTRY)

for path in sorted(release_v1.iterdir()):
    print(f"{path.relative_to(REGISTRY)}  ({path.stat().st_size / 1024:.1f} KiB)")
sidecar_v1 = json.loads((release_v1 / "model.json").read_text())
shown = {
    k: v for k, v in sidecar_v1.items() if k not in ("reference_profile", "golden")
}
shown["artifact_sha256"] = shown["artifact_sha256"][:16] + "..."
shown["training_data"]["fingerprint_sha256"] = (
    shown["training_data"]["fingerprint_sha256"][:16] + "..."
)
print(json.dumps(shown, indent=2))

# %% [markdown]
# Loading is where the checks run, like verifying a checksum before installing a package.
# If any check fails the service refuses to start with that model, which is much better
# than serving wrong answers with a healthy status code.


# %%
def load_release(release_dir: Path) -> tuple[Pipeline, dict]:
    meta = json.loads((release_dir / "model.json").read_text())
    artifact = release_dir / meta["artifact"]
    if sha256_file(artifact) != meta["artifact_sha256"]:
        raise RuntimeError("artifact hash mismatch: refusing to load")
    if meta["libraries"]["scikit-learn"] != sklearn.__version__:
        raise RuntimeError("trained with a different scikit-learn version")
    model = joblib.load(artifact)
    golden = pd.DataFrame(meta["golden"]["inputs"])
    got = model.predict_proba(golden)[:, 1]
    if not np.allclose(got, meta["golden"]["expected_proba"], atol=1e-6):
        raise RuntimeError("golden predictions changed")
    return model, meta


loaded_model, loaded_meta = load_release(release_v1)
print(
    f"loaded churn-risk {loaded_meta['version']}: hash, library version and "
    f"{len(GOLDEN)} golden predictions verified"
)

# %% [markdown]
# ## 3. Serve it: FastAPI + uvicorn in a background thread
#
# The API has three parts a backend engineer will recognise:
#
# * **A request schema** (pydantic) that rejects bad input with a `422` before it reaches
#   the model. A model will happily score `tenure_months = -5`; validation is your job.
#   `extra="forbid"` also rejects unknown fields, which catches client typos early.
# * **A response** that always carries the model version, so every answer can be traced to
#   a release.
# * **A structured prediction log**: one JSON line per prediction with a request id, the
#   inputs, the output, the version and the latency. This log is the raw material for
#   monitoring, debugging and, once outcomes are known, evaluation.
#
# The predict endpoint is a plain `def`, not `async def`: scikit-learn is CPU-bound and
# blocking, so FastAPI runs it in its worker thread pool instead of stalling the event loop.


# %%
class CustomerFeatures(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(min_length=1, max_length=64)
    tenure_months: int = Field(ge=0, le=600)
    monthly_spend: float = Field(ge=0, le=10_000)
    support_tickets_90d: int = Field(ge=0, le=500)
    logins_30d: int = Field(ge=0, le=10_000)
    plan: Literal["basic", "pro", "enterprise"]


class ChurnPrediction(BaseModel):
    request_id: str
    customer_id: str
    churn_probability: float
    at_risk: bool
    model_version: str


class ModelSlot:
    """Holds the live model; swapping it is atomic for readers (one lock, one reference)."""

    def __init__(self, model: Pipeline, meta: dict):
        self._lock = threading.Lock()
        self.swap(model, meta)

    def swap(self, model: Pipeline, meta: dict) -> None:
        with self._lock:
            self._current = (model, meta)

    def get(self) -> tuple[Pipeline, dict]:
        with self._lock:
            return self._current


LOG_PATH = ROOT / "logs" / "predictions.jsonl"
LOG_PATH.parent.mkdir()
prediction_log = logging.getLogger("churn.predictions")
prediction_log.setLevel(logging.INFO)
prediction_log.propagate = False
log_handler = logging.FileHandler(LOG_PATH)
log_handler.setFormatter(logging.Formatter("%(message)s"))
prediction_log.addHandler(log_handler)


def create_app(slot: ModelSlot) -> FastAPI:
    app = FastAPI(title="churn-risk")
    counter = itertools.count(1)
    counter_lock = threading.Lock()

    @app.get("/health")
    def health() -> dict:
        _, meta = slot.get()
        return {
            "status": "ok",
            "model": meta["model_name"],
            "model_version": meta["version"],
        }

    @app.post("/predict", response_model=ChurnPrediction)
    def predict(features: CustomerFeatures) -> ChurnPrediction:
        started = time.perf_counter()
        model, meta = slot.get()
        row = pd.DataFrame([features.model_dump(exclude={"customer_id"})])
        proba = float(model.predict_proba(row)[0, 1])
        with counter_lock:
            request_id = f"req-{next(counter):06d}"
        result = ChurnPrediction(
            request_id=request_id,
            customer_id=features.customer_id,
            churn_probability=round(proba, 4),
            at_risk=proba >= meta["decision_threshold"],
            model_version=meta["version"],
        )
        record = {
            "event": "prediction",
            **result.model_dump(),
            "features": features.model_dump(exclude={"customer_id"}),
            "latency_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        prediction_log.info(json.dumps(record))
        return result

    return app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


slot = ModelSlot(loaded_model, loaded_meta)
app = create_app(slot)
port = free_port()
config = uvicorn.Config(
    app,
    host="127.0.0.1",
    port=port,
    log_level="warning",
    access_log=False,
    log_config=None,
)
server = uvicorn.Server(config)
server_thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
server_thread.start()

deadline = time.monotonic() + 15
while not server.started and time.monotonic() < deadline:
    time.sleep(0.05)
print("server started:", server.started, "| bound to 127.0.0.1 on a free port")

client = httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=5.0)
print(client.get("/health").json())

# %% [markdown]
# ## 4. Real HTTP requests: valid and invalid
#
# First a valid request. Then the requests an integration test should always include:
# a missing field, a wrong type, an out-of-range value, an unknown category, an unexpected
# field and a body that is not JSON. Each must fail with a clear `4xx`, never a `500` and
# never a silent prediction.

# %%
valid = {
    "customer_id": "c-demo-1",
    "tenure_months": 3,
    "monthly_spend": 19.0,
    "support_tickets_90d": 3,
    "logins_30d": 4,
    "plan": "basic",
}
response = client.post("/predict", json=valid)
print(response.status_code, response.json())

invalid_cases = {
    "missing field": {k: v for k, v in valid.items() if k != "plan"},
    "wrong type": {**valid, "tenure_months": "ten"},
    "out of range": {**valid, "monthly_spend": -20},
    "unknown plan": {**valid, "plan": "platinum"},
    "unexpected field": {**valid, "discount_code": "SPRING"},
}
rows = []
for case, body in invalid_cases.items():
    r = client.post("/predict", json=body)
    first = r.json()["detail"][0]
    rows.append(
        {
            "case": case,
            "status": r.status_code,
            "field": ".".join(str(p) for p in first["loc"][1:]),
            "message": first["msg"],
        }
    )
r = client.post(
    "/predict", content=b"{not json", headers={"content-type": "application/json"}
)
rows.append(
    {
        "case": "malformed JSON",
        "status": r.status_code,
        "field": "(body)",
        "message": r.json()["detail"][0]["msg"],
    }
)
display(pd.DataFrame(rows))

# What the text says of this output, checked on every build: every bad request is a 422
# naming what is wrong, and the valid one got a prediction with its model version.
assert response.status_code == 200 and response.json()["model_version"] == "1.0.0"
assert all(row["status"] == 422 for row in rows), rows

# %% [markdown]
# ### Latency
#
# Send a few hundred valid requests one after another and look at percentiles, not the
# mean: an SLO is usually written as "p95 below X ms". Compare with the time the model alone
# takes: the difference is HTTP, JSON, validation and logging overhead. The timings below
# were measured on the machine that built this page, with whatever else it was running;
# they and the logged `latency_ms` change from run to run, so no sentence here depends on
# them. Two hundred requests say little about a p99 (two samples lie beyond it), so the
# table stops at p95.

# %%
sample = make_customers(200, WORLD_TRAINING, np.random.default_rng(SEED + 1))
payloads = sample.drop(columns="churned_30d").to_dict(orient="records")

latencies = []
for body in payloads:
    started = time.perf_counter()
    client.post("/predict", json=body).raise_for_status()
    latencies.append((time.perf_counter() - started) * 1000)

one_row = sample[FEATURES_NUMERIC + FEATURES_CATEGORICAL].head(1)
model_only = []
for _ in range(200):
    started = time.perf_counter()
    loaded_model.predict_proba(one_row)
    model_only.append((time.perf_counter() - started) * 1000)

timing = pd.DataFrame(
    {
        "HTTP round trip (ms)": np.percentile(latencies, [50, 95]),
        "model only (ms)": np.percentile(model_only, [50, 95]),
    },
    index=["p50", "p95"],
).round(2)
print(timing.to_string())

# %% [markdown]
# Each prediction left one JSON line in the log. This is what a log pipeline would ship to
# your search or warehouse system:

# %%
log_lines = LOG_PATH.read_text().splitlines()
print(f"{len(log_lines)} log lines so far; the first one:")
print(json.dumps(json.loads(log_lines[0]), indent=2))

# %% [markdown]
# ## 5. Production traffic shifts
#
# A month later the world has changed (see `WORLD_PRODUCTION` above). We send 2,400 requests
# from that world through the running service, exactly as clients would. The true outcomes
# (did the customer cancel within 30 days?) are kept aside: in reality they arrive a month
# after the prediction.
#
# Why 2,400 and not a few hundred? Every comparison below is reported with a 95% interval,
# and an interval's width shrinks only with the square root of the row count. With 600
# labelled rows the intervals of sections 7 and 8 are too wide to decide anything (change
# `N_PRODUCTION` and rerun to see it). Sending them costs a few seconds.

# %%
N_PRODUCTION = 2_400
production = make_customers(
    N_PRODUCTION, WORLD_PRODUCTION, np.random.default_rng(SEED + 2)
)
outcomes_later = production[["customer_id", "churned_30d"]]  # arrives with a delay

for body in production.drop(columns="churned_30d").to_dict(orient="records"):
    client.post("/predict", json=body).raise_for_status()

logged = pd.DataFrame([json.loads(line) for line in LOG_PATH.read_text().splitlines()])
prod_log = logged[logged["customer_id"].isin(production["customer_id"])].reset_index(
    drop=True
)
prod_features = pd.json_normalize(prod_log["features"].tolist())
print(
    f"{len(prod_log)} production predictions logged, "
    f"model versions seen: {sorted(prod_log['model_version'].unique())}"
)
print(f"share flagged at risk: {prod_log['at_risk'].mean():.1%}")

# %% [markdown]
# ## 6. Detect drift: PSI per feature and a KS test
#
# Two complementary checks, computed from the prediction log and the reference profile
# stored in the sidecar:
#
# * **PSI (population stability index)** compares the share of rows in each reference bin:
#   `sum((prod - ref) * ln(prod / ref))`. It is a size-of-change number. A widely used rule
#   of thumb, inherited from credit scoring and not a statistical law: below 0.1 stable,
#   0.1 to 0.25 worth a look, above 0.25 a major shift.
# * **KS test (Kolmogorov-Smirnov)** compares two samples of a numeric feature and returns a
#   p-value. With large samples it flags even tiny, harmless differences, so read its
#   statistic (the largest gap between the two cumulative distributions) together with PSI.
#   It assumes continuous data; on counts with many ties it is only approximate. For the
#   categorical `plan` we use a chi-square test instead.
#
# The same two checks are run on the model's *output* scores: a shift in predictions is
# often the first visible symptom.
#
# The rule that turns these numbers into a status is fixed here, before looking at them:
# **the size of a shift decides** (PSI at or above 0.1 is worth a look, at or above 0.25 is
# major). The KS p-value is shown but does not decide anything. It answers "is there any
# difference at all?", and with thousands of rows the answer is nearly always yes: a
# p-value shrinks as the sample grows even when the shift stays the same size.


# %%
def psi(ref_shares: np.ndarray, cur_shares: np.ndarray, eps: float = 1e-4) -> float:
    ref = np.clip(np.asarray(ref_shares, dtype=float), eps, None)
    cur = np.clip(np.asarray(cur_shares, dtype=float), eps, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def shares_in_bins(values: pd.Series, edges: list[float]) -> np.ndarray:
    counts = np.bincount(
        np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1
    )
    return counts / counts.sum()


def psi_status(value: float) -> str:
    return "stable" if value < 0.1 else ("moderate" if value < 0.25 else "major")


profile = loaded_meta["reference_profile"]
reference = train_df  # the KS test needs the raw reference sample, not just bins
drift_rows = []
for col in FEATURES_NUMERIC:
    value = psi(
        profile[col]["shares"],
        shares_in_bins(prod_features[col], profile[col]["edges"]),
    )
    ks = stats.ks_2samp(reference[col], prod_features[col])
    drift_rows.append(
        {
            "feature": col,
            "psi": value,
            "status": psi_status(value),
            "test": "KS",
            "statistic": ks.statistic,
            "p_value": ks.pvalue,
        }
    )

prod_plan = (
    prod_features["plan"].value_counts(normalize=True).reindex(PLANS, fill_value=0)
)
plan_psi = psi(profile["plan"]["shares"], prod_plan.to_numpy())
observed = prod_features["plan"].value_counts().reindex(PLANS, fill_value=0).to_numpy()
ref_plan = np.array(profile["plan"]["shares"])
chi = stats.chisquare(observed, ref_plan / ref_plan.sum() * observed.sum())
drift_rows.append(
    {
        "feature": "plan",
        "psi": plan_psi,
        "status": psi_status(plan_psi),
        "test": "chi-square",
        "statistic": chi.statistic,
        "p_value": chi.pvalue,
    }
)

ref_scores = loaded_model.predict_proba(
    reference[FEATURES_NUMERIC + FEATURES_CATEGORICAL]
)[:, 1]
score_edges = np.quantile(ref_scores, np.linspace(0.1, 0.9, 9))
score_psi = psi(
    shares_in_bins(pd.Series(ref_scores), score_edges),
    shares_in_bins(prod_log["churn_probability"], score_edges),
)
ks_scores = stats.ks_2samp(ref_scores, prod_log["churn_probability"])
drift_rows.append(
    {
        "feature": "(model score)",
        "psi": score_psi,
        "status": psi_status(score_psi),
        "test": "KS",
        "statistic": ks_scores.statistic,
        "p_value": ks_scores.pvalue,
    }
)

drift = pd.DataFrame(drift_rows).set_index("feature")
display(drift.round(3).assign(p_value=drift["p_value"].map(lambda p: f"{p:.1e}")))

# %% alt="Four pairs of overlaid histograms comparing training data with production traffic: months since sign-up, support tickets in 90 days, monthly spend and predicted churn probability."
fig, axes = plt.subplots(1, 4, figsize=(13, 3.2))
panels = [
    ("tenure_months", "months since sign-up"),
    ("support_tickets_90d", "tickets in 90 days"),
    ("monthly_spend", "EUR per month"),
    ("churn_probability", "predicted churn probability"),
]
reference_scored = reference.assign(churn_probability=ref_scores)
production_scored = prod_features.assign(
    churn_probability=prod_log["churn_probability"]
)
for ax, (col, unit) in zip(axes, panels, strict=True):
    ref_values, prod_values = reference_scored[col], production_scored[col]
    bins = np.histogram_bin_edges(np.concatenate([ref_values, prod_values]), bins=25)
    ax.hist(ref_values, bins=bins, density=True, alpha=0.5, label="training")
    ax.hist(prod_values, bins=bins, density=True, alpha=0.5, label="production")
    ax.set(title=col, xlabel=unit, ylabel="density")
axes[0].legend(fontsize=8)
fig.suptitle("Training reference vs production traffic", y=1.02)
fig.tight_layout()
plt.show()

# %% [markdown]
# Tenure, spend and tickets shifted a lot (PSI above 0.25), the plan mix moderately, and the
# scores shifted a lot too. Two things to notice:
#
# * **Drift alone does not prove the model is wrong.** If the relationship between inputs
#   and outcome were unchanged, a shifted population would simply get different, still
#   correct, scores.
# * **The field whose meaning changed shifted the least.** `logins_30d` has the smallest
#   PSI, under the 0.1 line, and the smallest KS statistic of the four numeric inputs:
#   logins fell by about 15% on average. Its KS p-value is still tiny, because with about
#   7,500 reference rows and 2,400 production rows the test detects even a small shift with
#   near certainty: "significant" means "detectable", not "large". By the size rule fixed
#   above, logins are stable. Yet this is the one input the app change broke: the numbers
#   look much the same, they just mean something else now. Distribution checks cannot see a
#   change in meaning. Only outcomes can.

# %%
# What the text says of this output, checked on every build:
numeric = drift.loc[FEATURES_NUMERIC]
assert (
    drift.loc[["tenure_months", "monthly_spend", "support_tickets_90d"], "psi"] > 0.25
).all()
assert 0.1 <= drift.loc["plan", "psi"] < 0.25  # moderate
assert drift.loc["(model score)", "psi"] > 0.25
assert (
    numeric["psi"].idxmin() == "logins_30d" and numeric.loc["logins_30d", "psi"] < 0.1
)
assert numeric["statistic"].idxmin() == "logins_30d"
assert numeric.loc["logins_30d", "p_value"] < 0.001  # significant, yet small
assert len(reference) == 7_500 and len(prod_features) == 2_400
login_fall = 1 - prod_features["logins_30d"].mean() / reference["logins_30d"].mean()
assert 0.10 < login_fall < 0.20, login_fall  # "about 15%"
print(
    f"logins fell by {login_fall:.0%} on average; PSI {numeric.loc['logins_30d', 'psi']:.3f}"
)

# %% [markdown]
# ## 7. Delayed labels: how good is the model on production traffic?
#
# A month later the outcomes arrive. Join them to the prediction log by `customer_id` (in a
# real system, by request id or an entity key plus the prediction date) and compute the
# same metrics that are in the sidecar.

# %%
scored = prod_log.merge(
    outcomes_later, on="customer_id", how="inner", validate="one_to_one"
)
proba = scored["churn_probability"].to_numpy()
labels = scored["churned_30d"].to_numpy()
production_metrics = {
    "roc_auc": round(float(roc_auc_score(labels, proba)), 4),
    "pr_auc": round(float(average_precision_score(labels, proba)), 4),
    "brier": round(float(brier_score_loss(labels, proba)), 4),
    "observed_rate": round(float(labels.mean()), 4),
    "mean_predicted": round(float(proba.mean()), 4),
    "rows": len(labels),
}
comparison = pd.DataFrame(
    {
        "holdout at training time": loaded_meta["holdout_metrics"],
        "production, 1 month later": production_metrics,
    }
)
display(comparison)


def roc_auc(y_true, score) -> float:
    """ROC-AUC as the Mann-Whitney statistic: the value roc_auc_score gives, about ten
    times faster, which counts inside a bootstrap that recomputes it 1,000 times."""
    y_true = np.asarray(y_true, dtype=bool)
    ranks = stats.rankdata(score)
    positives = y_true.sum()
    return float(
        (ranks[y_true].sum() - positives * (positives + 1) / 2)
        / (positives * (len(y_true) - positives))
    )


assert np.isclose(roc_auc(labels, proba), roc_auc_score(labels, proba))

# Holdout and production are different customers, so each side is resampled on its own
# (independent_difference). The statistic receives row numbers into one combined table,
# which lets one function compute ROC-AUC for either side.
hold_proba = loaded_model.predict_proba(X_hold)[:, 1]
all_labels = np.r_[y_hold.to_numpy(), labels]
all_proba = np.r_[hold_proba, proba]
hold_rows = np.arange(len(y_hold))
prod_rows = np.arange(len(y_hold), len(all_labels))


def roc_auc_of_rows(rows: np.ndarray) -> float:
    return roc_auc(all_labels[rows], all_proba[rows])


auc_drop = independent_difference(
    roc_auc_of_rows, prod_rows, hold_rows, name="ROC-AUC drop (holdout - production)"
)
# Calibration gap: observed churn minus mean predicted probability, from per-row residuals.
residuals = labels - proba
gap_ci = stats.bootstrap(
    (residuals,), np.mean, n_resamples=1000, rng=np.random.default_rng(0)
).confidence_interval
gap = {"estimate": residuals.mean(), "low": gap_ci.low, "high": gap_ci.high}
print(auc_drop)
print(
    f"calibration gap (observed - predicted) {gap['estimate']:+.4f} "
    f"(95% CI {gap['low']:+.4f} to {gap['high']:+.4f}, {len(labels):,} rows)"
)

# What the text says of this output, checked on every build:
holdout_meta = loaded_meta["holdout_metrics"]
assert auc_drop.low > 0  # ROC-AUC dropped, beyond noise
assert production_metrics["pr_auc"] > holdout_meta["pr_auc"]
assert production_metrics["observed_rate"] > 2 * holdout_meta["observed_rate"]
assert gap["low"] > 0  # the model under-predicts, beyond noise

# %% [markdown]
# How to read the comparison:
#
# * **ROC-AUC dropped**, and the whole interval of the drop is above zero: the model ranks
#   customers by risk less well than at training time. Why is the next question.
# * **PR-AUC went up, and that is not good news.** PR-AUC depends on the share of
#   positives, and churn more than doubled. Compare PR-AUC only between populations with
#   similar base rates; ROC-AUC is less sensitive to that.
# * **The model under-predicts**: the observed churn rate is above the average predicted
#   probability, and the interval of the gap is above zero. A threshold chosen at training
#   time now flags too few people.
#
# ### Is the drop the broken logins signal? An ablation
#
# Suspecting a feature is cheap; showing it takes one experiment you can run on the
# labelled production rows. Score the same rows twice: once with the model as it is, once
# with `logins_30d` replaced by its training median for every customer. A constant input
# cannot change the ranking, so the second run is the same model with logins ignored. Do
# the same on the training-time holdout. If logins lost their meaning, ignoring them should
# **help** in production and **hurt** on the holdout, where they still meant something.

# %%
login_median = float(X_train["logins_30d"].median())


def without_logins(frame: pd.DataFrame) -> np.ndarray:
    """The same model with logins_30d held constant: it no longer affects the ranking."""
    return loaded_model.predict_proba(frame.assign(logins_30d=login_median))[:, 1]


prod_inputs = prod_features[FEATURES_NUMERIC + FEATURES_CATEGORICAL]
ablation_prod = paired_difference(
    roc_auc,
    labels,
    proba,
    without_logins(prod_inputs),
    name="ROC-AUC, logins ignored minus as is, production",
)
ablation_hold = paired_difference(
    roc_auc,
    y_hold,
    hold_proba,
    without_logins(X_hold),
    name="ROC-AUC, logins ignored minus as is, holdout",
)
print(ablation_prod)
print(ablation_hold)

# What the text says of this output, checked on every build:
assert ablation_prod.low > 0  # ignoring logins helps in production ...
assert ablation_hold.high < 0  # ... and hurts where logins still meant something
assert (
    ablation_prod.estimate < auc_drop.estimate
)  # it explains part of the drop, not all

# %% [markdown]
# That is the effect of the broken signal, shown rather than asserted: on production
# traffic the model does better with `logins_30d` switched off, while on the holdout the
# same switch costs accuracy. The field turned from signal into noise that the model still
# trusts. Switching it off recovers part of the drop, not all of it: the population
# changed too (more new customers, more tickets, a higher base rate), and this experiment
# does not apportion the rest.
#
# ## 8. Decide: retrain or not, by written rules
#
# Retraining on every drift alert wastes effort and can bake a temporary blip into the
# model; never retraining lets quality decay silently. Write the policy down, as you would an
# alerting policy, and let the notebook (later: a scheduled job) evaluate it.
#
# The quality checks read intervals, not point estimates. A check is **breached** when the
# whole 95% interval is past its limit, **within** when the whole interval is inside it, and
# **possible** when the interval straddles the limit. A retrain only produces a challenger,
# and the promotion gate below decides whether it ships, so the trigger may be sensitive: a
# breach the interval cannot rule out is enough. The gate is the strict part.

# %%
POLICY = {
    "min_labelled_rows": 300,  # do not judge on a handful of outcomes
    "max_roc_auc_drop": 0.03,  # vs the holdout value in the sidecar
    "max_calibration_gap": 0.05,  # |observed churn rate - mean predicted probability|
    "max_feature_psi": 0.25,  # above this, drift alone opens an investigation ticket
}


def status(low: float, high: float, limit: float) -> str:
    """Where a 95% interval sits against a limit that must not be exceeded."""
    if low > limit:
        return "breached"
    return "within" if high <= limit else "possible"


max_psi = drift["psi"].drop("(model score)").max()
gap_bounds = sorted((abs(gap["low"]), abs(gap["high"])))
checks = pd.DataFrame(
    [
        (
            "labelled rows",
            len(labels),
            "",
            POLICY["min_labelled_rows"],
            "enough" if len(labels) >= POLICY["min_labelled_rows"] else "too few",
        ),
        (
            "ROC-AUC drop",
            auc_drop.estimate,
            f"{auc_drop.low:.3f} to {auc_drop.high:.3f}",
            POLICY["max_roc_auc_drop"],
            status(auc_drop.low, auc_drop.high, POLICY["max_roc_auc_drop"]),
        ),
        (
            "calibration gap",
            abs(gap["estimate"]),
            f"{gap_bounds[0]:.3f} to {gap_bounds[1]:.3f}",
            POLICY["max_calibration_gap"],
            status(*gap_bounds, POLICY["max_calibration_gap"]),
        ),
        (
            "max feature PSI",
            max_psi,
            "(a size, not an estimate)",
            POLICY["max_feature_psi"],
            "breached" if max_psi > POLICY["max_feature_psi"] else "within",
        ),
    ],
    columns=["check", "value", "95% interval", "limit", "status"],
).set_index("check")
display(checks.round(3))

quality = checks.loc[["ROC-AUC drop", "calibration gap"], "status"]
if checks.loc["labelled rows", "status"] == "too few":
    decision = "WAIT: not enough labelled outcomes to judge"
elif quality.eq("breached").any():
    decision = "RETRAIN: quality dropped past a limit on labelled production data"
elif quality.eq("possible").any():
    decision = "RETRAIN: quality may have dropped past a limit; the gate decides"
elif checks.loc["max feature PSI", "status"] == "breached":
    decision = "INVESTIGATE: inputs drifted but quality holds"
else:
    decision = "KEEP: no action"
print("decision:", decision)

# What the text says of this output, checked on every build:
assert quality.tolist() == ["possible", "possible"], quality
assert decision.startswith("RETRAIN: quality may have dropped")

# %% [markdown]
# Both quality checks come out **possible**: the whole interval of the ROC-AUC drop is above
# zero, but it still reaches below the 0.03 limit; the calibration gap's interval reaches
# past 0.05. Neither breach is proven, neither is ruled out, so the written rule says: build
# a challenger and let the gate decide.
#
# ### Retrain, then let the challenger prove itself
#
# The retrain uses the original training data plus the *older* half of the labelled
# production rows, and both models are compared on the *newer* half, which neither has seen.
# That mimics time: you always evaluate on data that comes after the training data. The
# recent rows get a higher weight, so that recent examples can outvote thousands of old ones
# where the world has changed, without throwing history away.
#
# The promotion rule is written down before the comparison, with margins fixed in advance:
#
# * **Ranking:** the challenger must beat the champion on ROC-AUC by at least **0.01**
#   across the whole 95% interval of the paired difference (`decide` says PROMOTE).
# * **Calibration:** it must also be better calibrated: the whole interval of the Brier
#   score difference (lower is better) on the better side of **0**.
#
# Both models score the same rows, so the difference is paired: resampling rows together
# cancels the noise of rows that are hard for both.

# %%
prod_labelled = (
    production.set_index("customer_id").loc[scored["customer_id"]].reset_index()
)
half = len(prod_labelled) // 2
older, newer = prod_labelled.iloc[:half], prod_labelled.iloc[half:]
cols = FEATURES_NUMERIC + FEATURES_CATEGORICAL

retrain_df = pd.concat([train_df, older[cols + ["churned_30d"]]], ignore_index=True)
RECENT_WEIGHT = 5.0  # one recent row counts as much as five old ones
weights = np.r_[np.ones(len(train_df)), np.full(len(older), RECENT_WEIGHT)]
challenger = build_pipeline().fit(
    retrain_df[cols], retrain_df["churned_30d"], model__sample_weight=weights
)

evaluation = pd.DataFrame(
    {
        "champion 1.0.0": evaluate(loaded_model, newer[cols], newer["churned_30d"]),
        "challenger 1.1.0": evaluate(challenger, newer[cols], newer["churned_30d"]),
    }
)
display(evaluation)

MARGIN_ROC_AUC = 0.01  # the smallest ranking gain worth a release, fixed in advance
MARGIN_BRIER = 0.0
champion_proba = loaded_model.predict_proba(newer[cols])[:, 1]
challenger_proba = challenger.predict_proba(newer[cols])[:, 1]
auc_gain = paired_difference(
    roc_auc,
    newer["churned_30d"],
    champion_proba,
    challenger_proba,
    name="ROC-AUC",
)
brier_gain = paired_difference(
    brier_score_loss,
    newer["churned_30d"],
    champion_proba,
    challenger_proba,
    name="Brier score",
    higher_is_better=False,
)
auc_verdict = decide(auc_gain, MARGIN_ROC_AUC)
brier_verdict = decide(brier_gain, MARGIN_BRIER)
print(auc_gain, "->", auc_verdict)
print(brier_gain, "->", brier_verdict)
promote = auc_verdict.verdict == "promote" and brier_verdict.verdict == "promote"
print("promote challenger 1.1.0:", promote)

# The same two models judged on only 300 of those rows:
few = slice(0, 300)
auc_gain_few = paired_difference(
    roc_auc,
    newer["churned_30d"].iloc[few],
    champion_proba[few],
    challenger_proba[few],
    name="ROC-AUC",
)
print("on 300 rows:", auc_gain_few, "->", decide(auc_gain_few, MARGIN_ROC_AUC))

# What the text says of this output, checked on every build:
assert auc_verdict.verdict == "promote" and brier_verdict.verdict == "promote"
assert auc_gain.estimate < auc_drop.estimate  # recovers part of the drop, not all
assert decide(auc_gain_few, MARGIN_ROC_AUC).verdict == "tie"

# %% [markdown]
# The challenger clears both bars on 1,200 unseen rows: the pessimistic end of the ROC-AUC
# interval is above the 0.01 margin, and its Brier score is lower across the whole
# interval. It does not win back all of the drop (the gain is smaller than the drop
# measured in section 7). On 300 of the same rows the comparison is a tie: the interval
# straddles the margin, and `decide` says how many rows would settle it. With the few
# hundred labels a first week gives you, the honest answer is "not yet", which is why
# this notebook waited for 2,400.
#
# The rule says promote, so save the challenger as a new immutable release (pointing at its
# parent) and swap it into the running service without a restart. In production you would
# not flip 100% of traffic at once: run the new version in shadow (score, log, do not act)
# or as a canary on a slice of traffic first, and keep the old release on disk for a
# one-command rollback.

# %%
if promote:
    release_v2 = save_release(
        challenger,
        "1.1.0",
        retrain_df,
        evaluation["challenger 1.1.0"].to_dict(),
        REGISTRY,
        parent="1.0.0",
    )
    model_v2, meta_v2 = load_release(release_v2)
    slot.swap(model_v2, meta_v2)

print(client.get("/health").json())
after = client.post("/predict", json=valid).json()
print(after)
print("releases on disk:", sorted(p.name for p in (REGISTRY / "churn-risk").iterdir()))

# What the text says of this output, checked on every build:
assert after["model_version"] == "1.1.0"  # swapped without a restart

# %% [markdown]
# ## 9. Shut down cleanly
#
# Close the client, ask uvicorn to exit, wait for the thread, confirm the port no longer
# answers, close the log file and delete the temporary directory. A notebook that leaves a
# server running is the notebook version of a leaked goroutine.

# %%
client.close()
server.should_exit = True
server_thread.join(timeout=10)
print("server thread alive:", server_thread.is_alive())
try:
    httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1.0)
    port_closed = False
    print("port still answering")
except httpx2.ConnectError:
    port_closed = True
    print("port closed: connection refused")
prediction_log.removeHandler(log_handler)
log_handler.close()
workdir.cleanup()
print("temporary files removed:", not ROOT.exists())

# What the text says of this output, checked on every build:
assert not server_thread.is_alive() and port_closed and not ROOT.exists()

# %% [markdown]
# ## Conclusions
#
# * A model release is more than a pickle: version, data fingerprint, metrics, library
#   versions, golden examples and a reference profile make it auditable, verifiable on load
#   and monitorable.
# * Serving a model is ordinary API work: schema validation, versioned responses,
#   structured logs, latency percentiles, graceful shutdown.
# * Drift detection tells you that the inputs moved; only labelled outcomes tell you whether
#   the model got worse, and an ablation on those outcomes tells you which input broke. Here
#   the inputs moved and the model got worse, and the written policy turned that into a
#   decision anyone can audit.
# * Retraining is a release like any other: a challenger, an evaluation on newer data, a
#   promotion rule with margins fixed in advance, an interval rather than a point estimate,
#   and a rollback path.
#
# ## What to try next
#
# * Change `WORLD_PRODUCTION` so that only the inputs move (keep `ticket_effect` and
#   `intercept` as in training) and check that the policy answers "INVESTIGATE", not
#   "RETRAIN".
# * Add a `/predict/batch` endpoint and compare throughput with the one-at-a-time loop.
# * Run the server with `workers=2` in a subprocess and load-test it with concurrent httpx2
#   requests; watch p95 rather than the mean.
# * Turn the drift and policy cells into a scheduled job that writes its decision to a
#   table, and alert on "RETRAIN" like any other failed health check.

# %% [markdown]
# ## 10. A model card for the release you just shipped
#
# A model card (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019) is the
# release notes a reviewer, an auditor or the retention team reads before trusting the
# score: what the model is for, what it is not for, what it was trained and evaluated on,
# how well it works overall **and for each group of customers**, and what is known to be
# wrong with it. Typed by hand, a card drifts from the model within a release or two, so
# this one is built from the notebook's own variables: the sidecar of the served
# release, the evaluation rows neither model saw, and the findings of sections 6 to 8.
#
# The groups here are plan and tenure, the factors this product's decisions differ by.
# The data holds no protected attribute (age, sex, ethnic origin), so this card cannot
# say anything about fairness between such groups: that needs the attribute, collected
# lawfully for that purpose, and the checks on the responsible-AI page of this site.

# %%
served_model = model_v2 if promote else loaded_model
served_meta = meta_v2 if promote else loaded_meta
threshold = served_meta["decision_threshold"]
card_rows = newer.assign(
    score=served_model.predict_proba(newer[cols])[:, 1],
    tenure_band=np.where(newer["tenure_months"] < 6, "under 6 months", "6 months +"),
)


def auc_interval(y: np.ndarray, score: np.ndarray, seed: int = 0) -> tuple:
    """ROC-AUC with a 95% percentile bootstrap interval (rows resampled together)."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(1000):
        pick = rng.integers(0, len(y), len(y))
        if 0 < y[pick].sum() < len(y):  # a resample needs both classes
            values.append(roc_auc(y[pick], score[pick]))
    low, high = np.quantile(values, [0.025, 0.975])
    return roc_auc(y, score), low, high


def group_row(name: str, frame: pd.DataFrame) -> dict:
    y, score = frame["churned_30d"].to_numpy(), frame["score"].to_numpy()
    auc, low, high = auc_interval(y, score)
    flagged = score >= threshold
    return {
        "group": name,
        "rows": len(frame),
        "churners": int(y.sum()),
        "ROC-AUC": auc,
        "low": low,
        "high": high,
        "flagged": flagged.mean(),
        "recall": flagged[y == 1].mean(),
        "observed": y.mean(),
        "predicted": score.mean(),
    }


by_group = pd.DataFrame(
    [group_row("all customers", card_rows)]
    + [group_row(f"plan: {p}", g) for p, g in card_rows.groupby("plan")]
    + [group_row(f"tenure: {t}", g) for t, g in card_rows.groupby("tenure_band")]
).set_index("group")
by_group["width"] = by_group["high"] - by_group["low"]
display(by_group.round(3))

# %% [markdown]
# The card is assembled from those numbers. A group whose interval is wider than 0.15 is
# named under limitations as too small to judge, rather than ranked against the others.

# %%
from IPython.display import Markdown

overall = by_group.loc["all customers"]
thin = by_group[by_group["width"] > 0.15].index.tolist()
group_lines = "\n".join(
    f"| {name} | {int(r.rows):,} | {int(r.churners)} | {r['ROC-AUC']:.3f} "
    f"({r.low:.3f} to {r.high:.3f}) | {r.flagged:.0%} | {r.recall:.0%} "
    f"| {r.observed:.1%} / {r.predicted:.1%} |"
    for name, r in by_group.iterrows()
)
limitations = [
    "Trained and evaluated on synthetic data generated in this notebook; "
    "re-run the evaluation on your own outcomes before any real use.",
    f"Evaluated on {len(card_rows):,} labelled rows from one period; the interval says "
    "how uncertain each figure is, not how the next period will look.",
]
if ablation_prod.low > 0:  # the ablation of section 7
    limitations.append(
        "`logins_30d` lost its meaning after the app change (section 7): on production "
        "rows the model ranks better with it held constant. Fix or drop the field "
        "before the next retrain."
    )
never = by_group[(by_group["flagged"] == 0) & (by_group["churners"] > 0)]
for name, r in never.iterrows():
    limitations.append(
        f"At the threshold of {threshold}, no customer in {name} is flagged, so its "
        f"{int(r.churners)} churners in the evaluation were never contacted. A separate "
        "review list or threshold for that group is a product decision; record it here."
    )
if thin:
    limitations.append(
        "Too few rows to judge separately (interval wider than 0.15): "
        + ", ".join(thin)
        + ". Do not compare these groups with the others until more outcomes arrive."
    )
card = f"""## Model card: {served_meta["model_name"]} {served_meta["version"]}

**Model.** Logistic regression in a scikit-learn {served_meta["libraries"]["scikit-learn"]}
pipeline; parent version {served_meta["parent_version"]}; artifact SHA-256
`{served_meta["artifact_sha256"][:16]}...`; decision threshold {threshold}.

**Intended use.** A daily churn-risk score per customer, so that the retention team
chooses whom to contact first. A person decides what to offer; the score alone triggers
nothing a customer can see.

**Out of scope.** Pricing, credit, refusing or degrading service, or any decision with
legal or similarly significant effects on a person; customers on plans other than
{", ".join(PLANS)}; use after a change to what an input means without re-evaluation.

**Data.** Trained on {served_meta["training_data"]["rows"]:,} rows (training fingerprint
`{served_meta["training_data"]["fingerprint_sha256"][:16]}...`): the original history
plus the older half of one month's labelled production rows, weighted {RECENT_WEIGHT:g}x.
Evaluated on the newer half ({len(card_rows):,} rows), which it never saw. Inputs:
{", ".join(cols)}. No protected attributes are collected.

**Metrics.** ROC-AUC {overall["ROC-AUC"]:.3f} (95% CI {overall.low:.3f} to
{overall.high:.3f}). By group, at the decision threshold:

| Group | Rows | Churners | ROC-AUC (95% CI) | Flagged | Recall | Churn observed / predicted |
|---|---|---|---|---|---|---|
{group_lines}

**Limitations.**

{chr(10).join(f"- {line}" for line in limitations)}
"""
display(Markdown(card))

# What the text says of this output, checked on every build:
for heading in ("Intended use", "Out of scope", "Data", "Metrics", "Limitations"):
    assert f"**{heading}.**" in card, heading
assert served_meta["version"] == after["model_version"]  # the card of what is served
assert (by_group["low"] <= by_group["ROC-AUC"]).all()
assert (by_group["ROC-AUC"] <= by_group["high"]).all()
assert len(by_group) == 1 + len(PLANS) + 2  # overall, every plan, both tenure bands
assert thin and all(name in card for name in thin)  # small groups named, not ranked
# two of the three plans are too thin to judge, the smallest among them
assert sorted(n for n in thin if n.startswith("plan")) == [
    "plan: enterprise",
    "plan: pro",
]
assert never.index.tolist() == ["plan: enterprise"]  # ... and is never flagged
assert "never contacted" in card

# %% [markdown]
# What the card shows that the overall metric hid: at the shared threshold, no enterprise
# customer is flagged at all, so the retention team never hears about the enterprise
# customers who leave. Enterprise and pro are also too small in this evaluation for
# their ROC-AUC to be compared with the others: their intervals are wider than the
# limit the card sets. Both findings go to the people who own the decision, in the card,
# instead of staying in a notebook cell. The checks above fail the build if the card
# loses a section, stops matching the version being served, or stops naming these
# groups.
#
# The responsible-AI page of this site goes further: group fairness metrics with
# intervals, what permutation importance and partial dependence can and cannot tell you,
# privacy, and the EU AI Act in outline.
