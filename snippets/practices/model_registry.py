# /// snippet
# timeout = 40
# volatile = ["registered at"]
# ///
"""Track training runs, register models and serve by alias with MLflow (SQLite store).

Everything lives in a temporary folder the snippet creates and removes: the tracking
database, the artefacts and the downloaded models. No MLflow server: the client talks to
the SQLite file directly.
"""

import os

# Before MLflow is imported: no usage telemetry (MLflow 3.2+ sends it by default).
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"
os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"

import atexit
import logging
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
import sklearn
import skops.io as sio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from mlflow import MlflowClient
from mlflow.models import infer_signature
from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import rankdata
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snippets.practices.release_signing import sign, verify
from snippets.skills.evaluation.model_comparison import (
    decide,
    paired_difference,
)

for noisy in ("mlflow", "alembic", "sqlalchemy"):  # their INFO lines go to stderr
    logging.getLogger(noisy).setLevel(logging.WARNING)

pd.set_option("display.width", 88)
workdir = Path(tempfile.mkdtemp(prefix="mlflow-demo-"))
atexit.register(shutil.rmtree, workdir, ignore_errors=True)  # even if a section fails


def roc_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC from ranks: sklearn's roc_auc_score, fast enough to bootstrap."""
    ranks = rankdata(scores)
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def loan_applications(
    n: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """Synthetic loan book: default risk bends with debt and loan size (not a line)."""
    income = rng.lognormal(10.8, 0.45, n)
    debt_to_income = rng.beta(2, 5, n)
    credit_score = rng.normal(680, 60, n).clip(300, 850)
    years_employed = rng.exponential(5, n).round(1)
    loan_amount = rng.uniform(2_000, 60_000, n).round(0)
    risk = (
        -2.0
        + 9.0 * np.maximum(debt_to_income - 0.35, 0)  # safe until about a third
        - 0.015 * (credit_score - 680)
        + 1.6 * (loan_amount / income > 0.5)  # a cliff, not a slope
        - 0.5 * np.log1p(years_employed) * (credit_score < 640)
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    X = pd.DataFrame(
        {
            "income": income.round(0),
            "loan_amount": loan_amount,
            "debt_to_income": debt_to_income.round(3),
            "credit_score": credit_score.round(0),
            "years_employed": years_employed,
        }
    )
    return X, y


# --8<-- [start:runs]
mlflow.set_tracking_uri(f"sqlite:///{workdir / 'mlflow.db'}")  # a server URL in a team
experiment = mlflow.set_experiment(  # artefacts next to the database, not in ./mlruns
    experiment_id=mlflow.create_experiment(
        "loan-default", artifact_location=(workdir / "artifacts").as_uri()
    )
)
NAME = "loan-default"  # the registered model: one name, many versions

rng = np.random.default_rng(7)
X, y = loan_applications(16_000, rng)
X_train, y_train = X[:6_000], y[:6_000]
X_val, y_val = X[6_000:8_000], y[6_000:8_000]  # for choosing among runs
X_hold, y_hold = X[8_000:], y[8_000:]  # for the release decision only
DATA_VERSION = "loans-2026-11-30"  # e.g. a DVC hash or a table snapshot id
REQUIREMENTS = [f"scikit-learn=={sklearn.__version__}", "skops"]  # skips pip inference
# Types a reviewer approved for these model families (see the page on pickles), in git.
TRUSTED_TYPES = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]


def train_and_log(run_name, model, params, commit):
    tags = {
        "git_commit": commit,
        "data_version": DATA_VERSION,
        "mlflow.user": "ci-train",
    }
    with mlflow.start_run(run_name=run_name, tags=tags) as run:
        mlflow.log_params(params)
        model.fit(X_train, y_train)
        metrics = {
            "train_auc": roc_auc(y_train, model.predict_proba(X_train)[:, 1]),
            "val_auc": roc_auc(y_val, model.predict_proba(X_val)[:, 1]),
        }
        mlflow.log_metrics(metrics)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            serialization_format="skops",  # the default outside Databricks in 3.18
            skops_trusted_types=TRUSTED_TYPES,
            signature=infer_signature(X_val, model.predict_proba(X_val)[:, 1]),
            pyfunc_predict_fn="predict_proba",
            pip_requirements=REQUIREMENTS,
        )
    return run.info.run_id, info.model_uri


logged = {}
logged["baseline"] = train_and_log(
    "baseline-logreg",
    make_pipeline(StandardScaler(), LogisticRegression(C=1.0)),
    {"model": "logistic_regression", "C": 1.0},
    commit="3f9c2e1",
)
for depth, rate in [(2, 0.1), (4, 0.1), (8, 0.3)]:
    params = {"model": "hist_gbt", "max_depth": depth, "learning_rate": rate}
    logged[f"hgb-d{depth}"] = train_and_log(
        f"hgb-depth{depth}-lr{rate}",
        HistGradientBoostingClassifier(
            max_depth=depth, learning_rate=rate, max_iter=100, random_state=0
        ),
        params,
        commit="a41d07b",
    )

runs = mlflow.search_runs(
    experiment_ids=[experiment.experiment_id],
    filter_string=f"tags.data_version = '{DATA_VERSION}'",
    order_by=["metrics.val_auc DESC"],
)
columns = {
    "tags.mlflow.runName": "run",
    "params.max_depth": "depth",
    "params.learning_rate": "rate",
    "metrics.train_auc": "train_auc",
    "metrics.val_auc": "val_auc",
    "tags.git_commit": "commit",
}
print(runs[list(columns)].rename(columns=columns).round(4).to_string(index=False))
best = runs.iloc[0]

# What the page says of this output, checked on every build:
assert len(runs) == 4 and runs["tags.data_version"].eq(DATA_VERSION).all()
ranked = list(runs["tags.mlflow.runName"])
assert ranked[:2] == ["hgb-depth4-lr0.1", "hgb-depth2-lr0.1"]  # shallow boosting first
assert ranked[2:] == ["baseline-logreg", "hgb-depth8-lr0.3"]  # deep and fast: last
gap = runs["metrics.train_auc"] - runs["metrics.val_auc"]
assert gap.idxmax() == 3 and gap[3] > 2 * gap[:3].max()  # it learnt the training rows
# --8<-- [end:runs]


# --8<-- [start:register]
client = MlflowClient()
# The training job's private key (in CI: from the secrets store, never logged) and the
# app's public key, which verifies and cannot sign (release_signing.py).
TRAINING_KEY = Ed25519PrivateKey.generate()
SERVING_KEY = TRAINING_KEY.public_key()
SIGNATURE_TAG = "ed25519_signature"


def register(run_name: str, description: str) -> str:
    """Register a logged model; the training job signs its file (signature in a tag)."""
    _, model_uri = logged[run_name]
    version = mlflow.register_model(model_uri, NAME, tags={"run_name": run_name})
    # Read back here for brevity; a real job signs the bytes it wrote, before upload.
    local = Path(
        mlflow.artifacts.download_artifacts(model_uri, dst_path=workdir / "ci")
    )
    # Name and version are signed with the bytes: an older version's file and signature
    # copied onto a newer version do not verify.
    blob = (local / "model.skops").read_bytes()
    signature = sign(TRAINING_KEY, NAME, str(version.version), blob)
    client.set_model_version_tag(NAME, version.version, SIGNATURE_TAG, signature)
    client.update_model_version(NAME, version.version, description=description)
    return str(version.version)


def load_verified(version: str):
    """Fetch ONE version, check its signature and types, then load it (no pickle)."""
    mv = client.get_model_version(NAME, version)
    local = mlflow.artifacts.download_artifacts(
        f"models:/{NAME}/{version}", dst_path=workdir / "serving" / f"v{version}"
    )
    blob = (Path(local) / "model.skops").read_bytes()
    signature = mv.tags.get(SIGNATURE_TAG, "")
    if not verify(SERVING_KEY, NAME, version, blob, signature):
        raise RuntimeError(f"{NAME} v{version}: signature mismatch, not loaded")
    unreviewed = set(sio.get_untrusted_types(data=blob)) - set(TRUSTED_TYPES)
    if unreviewed:  # our list, from the repository, not the one stored in the model
        raise RuntimeError(f"{NAME} v{version}: unreviewed types {sorted(unreviewed)}")
    return sio.loads(blob, trusted=TRUSTED_TYPES)


def move_alias(alias: str, version: str, reason: str) -> None:
    """Point an alias at a version, and write down the move: MLflow keeps no history."""
    events = client.get_registered_model(NAME).tags
    client.set_registered_model_alias(NAME, alias, version)
    client.set_registered_model_tag(
        NAME, f"alias_event_{len(events) + 1:03d}", f"{alias} -> v{version}: {reason}"
    )


champion_v = register("baseline", "last quarter's model, serving today")
move_alias("champion", champion_v, "first release")
best_key = "hgb-d" + best["params.max_depth"]
challenger_v = register(best_key, f"best val_auc among {len(runs)} runs")
move_alias("challenger", challenger_v, "best run on validation")

# The decision: both aliases scored on the SAME held-out rows, never the logged number.
scores = {}
for alias in ("champion", "challenger"):
    version = str(client.get_model_version_by_alias(NAME, alias).version)
    scores[alias] = load_verified(version).predict_proba(X_hold)[:, 1]
MARGIN = 0.005  # smallest AUC gain worth a release, fixed before looking
diff = paired_difference(
    roc_auc, y_hold, scores["champion"], scores["challenger"], name="ROC AUC", seed=0
)
verdict = decide(diff, MARGIN)
print(f"champion = v{champion_v}, challenger = v{challenger_v} ({best_key})")
print(diff)
print(verdict)

# What the page says of this output, checked on every build:
assert (champion_v, challenger_v) == ("1", "2")
assert verdict.verdict == "promote"  # the whole interval clears the margin
# --8<-- [end:register]


# --8<-- [start:serve-by-alias]
state: dict = {}


def load_champion() -> None:
    """Resolve the alias ONCE, then load that exact version: no race with a move."""
    version = str(client.get_model_version_by_alias(NAME, "champion").version)
    state["serving"] = (version, load_verified(version))  # one swap: never half-updated


app = FastAPI(title=NAME)


class Application(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    income: float = Field(gt=0)
    loan_amount: float = Field(gt=0)
    debt_to_income: float = Field(ge=0, le=5)
    credit_score: float = Field(ge=300, le=850)
    years_employed: float = Field(ge=0, le=70)


@app.post("/predict")
def predict(application: Application):
    version, model = state["serving"]
    risk = float(model.predict_proba(pd.DataFrame([application.model_dump()]))[0, 1])
    return {"default_risk": round(risk, 3), "model_version": version}


@app.post("/admin/reload")  # behind auth in real life; or a rolling restart
def reload():
    try:
        load_champion()
    except RuntimeError as error:  # keep serving the model already loaded
        return JSONResponse({"error": str(error), "serving": state["serving"][0]}, 409)
    return {"serving": state["serving"][0]}


applicant = X_hold.iloc[[0]].to_dict("records")[0]
served = []
try:
    load_champion()  # at start-up
    with TestClient(app) as http:

        def show(step: str) -> None:
            answer = http.post("/predict", json=applicant).json()
            served.append(answer["model_version"])
            print(f"{step:<32} {answer}")

        show("start-up, champion alias -> v1")
        if verdict.verdict == "promote":  # the gate's answer, not a hunch
            move_alias(
                "champion",
                challenger_v,
                f"promoted, AUC gain {diff.low:+.3f} to {diff.high:+.3f}",
            )
        http.post("/admin/reload")
        show("promoted, reloaded")
        move_alias("champion", champion_v, "rollback: v2 approval-rate alarm")
        http.post("/admin/reload")
        show("rolled back, reloaded")

        # Someone with write access to the artefact store swaps v2's file for theirs.
        v2 = client.get_model_version(NAME, challenger_v)
        model_id = v2.source.removeprefix("models:/")  # the logged model behind v2
        stored = client.get_logged_model(model_id).artifact_location
        swap = HistGradientBoostingClassifier(max_iter=5).fit(X_train, 1 - y_train)
        (Path(urlparse(stored).path) / "model.skops").write_bytes(sio.dumps(swap))
        move_alias("champion", challenger_v, "re-promotion after the fix")
        refused = http.post("/admin/reload")
        print(
            f"{'v2 file swapped, reload:':<32} {refused.status_code} {refused.json()}"
        )
        show("still serving")
        move_alias("champion", champion_v, "revert: v2 failed its signature check")
finally:
    state.clear()

# What the page says of this output, checked on every build:
assert served == ["1", "2", "1", "1"]
assert refused.status_code == 409 and "signature mismatch" in refused.json()["error"]
# --8<-- [end:serve-by-alias]


# --8<-- [start:what-the-registry-records]
try:
    lineage, signed_all = {}, []
    for mv in client.search_model_versions(
        f"name='{NAME}'", order_by=["version_number"]
    ):
        run = client.get_run(mv.run_id)  # version -> run -> params, metrics, commit
        lineage[str(mv.version)] = run.data.tags["git_commit"]
        when = pd.Timestamp(mv.creation_timestamp, unit="ms").strftime("%Y-%m-%d %H:%M")
        print(
            f"v{mv.version}: run {run.info.run_name!r} by {run.info.user_id}, "
            f"commit {lineage[str(mv.version)]}, data {run.data.tags['data_version']}"
        )
        print(f"    params {run.data.params}")
        print(f"    val_auc {run.data.metrics['val_auc']:.4f}; {mv.description}")
        signed = len(mv.tags.get(SIGNATURE_TAG, "")) == 128  # 64 bytes as hex
        signed_all.append(signed)
        print(f"    registered at {when} UTC; signature tag present: {signed}")
    model = client.get_registered_model(NAME)
    aliases = {alias: str(v) for alias, v in sorted(model.aliases.items())}
    print("aliases now:", aliases)
    print("alias history (written by move_alias, not by MLflow):")
    for key in sorted(model.tags):
        print(f"    {key}: {model.tags[key]}")
finally:
    shutil.rmtree(workdir)  # the whole store: database, artefacts, downloads

# What the page says of this output, checked on every build:
assert lineage == {"1": "3f9c2e1", "2": "a41d07b"}  # each version back to its commit
assert signed_all == [True, True]
assert aliases == {"challenger": "2", "champion": "1"}  # after the rollback
assert sum(tag.startswith("alias_event_") for tag in model.tags) == 6
assert not workdir.exists()
# --8<-- [end:what-the-registry-records]
