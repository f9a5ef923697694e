# /// snippet
# timeout = 30
# ///
"""The serving app the Dockerfile next to this file packages: verify, load, serve.

In the container: `uvicorn app:app`, with MODEL_PATH naming the release to serve (a mounted,
signed file such as /models/loan-approval-1.5.0.skops; there is no default) and
MODEL_SIGNING_KEY injected by the platform's secrets store, never baked in.
"""

import hashlib
import hmac
import os
import re
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
import skops.io as sio
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

# --8<-- [start:app]
# Types a reviewer approved for this model family (see safe_artifacts.py), in the repo.
TRUSTED_TYPES = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]
MODEL_NAME = "loan-approval"
RELEASE_FILE = re.compile(rf"{MODEL_NAME}-([0-9]+\.[0-9]+\.[0-9]+)\.skops")
state: dict = {}


@dataclass(frozen=True)
class Loaded:
    model: object
    version: str


def release_tag(version: str, blob: bytes, key_hex: str) -> str:
    # Name and version are signed with the bytes (as in CI's signing step), so a tag
    # vouches for "loan-approval 1.5.0": an older signed release copied over the files of
    # the one configured does not verify. HMAC is symmetric, so this key could sign too;
    # with an asymmetric signature (cosign, Ed25519) the server would hold only a public key.
    signed = f"{MODEL_NAME}/{version}\n".encode() + blob
    return hmac.new(bytes.fromhex(key_hex), signed, hashlib.sha256).hexdigest()


def load_verified(path: Path, key_hex: str) -> Loaded:
    # The version to serve comes from the deployment's config (MODEL_PATH), never the file.
    release = RELEASE_FILE.fullmatch(path.name)
    if release is None:
        raise RuntimeError(
            f"{path.name}: MODEL_PATH must name {MODEL_NAME}-<version>.skops"
        )
    version = release[1]
    blob = path.read_bytes()
    tag = Path(f"{path}.hmac").read_text().strip()
    if not hmac.compare_digest(release_tag(version, blob, key_hex), tag):
        raise RuntimeError(
            f"{path}: HMAC mismatch for {MODEL_NAME} {version}, refusing to load"
        )
    unreviewed = set(sio.get_untrusted_types(data=blob)) - set(TRUSTED_TYPES)
    if unreviewed:
        raise RuntimeError(f"{path}: unreviewed types {sorted(unreviewed)}")
    return Loaded(sio.loads(blob, trusted=TRUSTED_TYPES), version)


def load_model() -> None:
    try:
        # No default path: the deployment names the release it serves.
        path = Path(os.environ["MODEL_PATH"])
        loaded = load_verified(path, os.environ["MODEL_SIGNING_KEY"])
        # One assignment publishes model and version together: a request on another
        # thread sees both or neither (two writes once let /readyz see only the model).
        state["loaded"] = loaded
    except Exception as error:  # stay alive and unready: the orchestrator sees why
        state["error"] = f"{type(error).__name__}: {error}"


@asynccontextmanager
async def lifespan(app: FastAPI):
    threading.Thread(target=load_model, name="model-loader", daemon=True).start()
    yield
    state.clear()


app = FastAPI(title="loan-approval", lifespan=lifespan)


class LoanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    income: float = Field(ge=0, le=10_000_000)
    loan_amount: float = Field(gt=0, le=1_000_000)
    home_ownership: Literal["rent", "own", "mortgage"]


@app.get("/livez")
def livez():
    return {"status": "alive"}


@app.get("/readyz")  # what the Dockerfile's HEALTHCHECK and a readiness probe call
def readyz():
    loaded = state.get("loaded")
    if loaded is None:
        body = {"status": "failed" if "error" in state else "loading"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
    return {"status": "ready", "model_version": loaded.version}


@app.post("/predict")
def predict(request: LoanRequest):
    loaded = state.get("loaded")  # one read: the model and version of one release
    if loaded is None:
        raise HTTPException(503, "model not loaded", headers={"Retry-After": "1"})
    frame = pd.DataFrame([request.model_dump()])
    probability = float(loaded.model.predict_proba(frame)[0, 1])
    return {"probability": round(probability, 4), "model_version": loaded.version}


# --8<-- [end:app]


# --8<-- [start:smoke-test]
# What `docker run` does, in-process: a signed model in a "mounted" folder, the key in
# the environment, then the probes the HEALTHCHECK would send.
if __name__ == "__main__":
    import secrets
    import tempfile
    import time

    import numpy as np
    from fastapi.testclient import TestClient
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(3)
    X = pd.DataFrame(
        {
            "income": rng.lognormal(11.0, 0.4, 800).round(0),
            "loan_amount": rng.uniform(2_000, 60_000, 800).round(0),
            "home_ownership": rng.choice(["rent", "own", "mortgage"], 800),
        }
    )
    noise = rng.normal(0, 0.7, 800)
    y = (np.log(X["income"] / X["loan_amount"]) + noise > 1.0).astype(int)
    prep = ColumnTransformer(
        [("cat", OneHotEncoder(), ["home_ownership"])], remainder="passthrough"
    )
    model = Pipeline([("prep", prep), ("model", HistGradientBoostingClassifier())])
    model.fit(X, y)

    with tempfile.TemporaryDirectory() as models:
        key = secrets.token_hex(32)
        path = Path(models) / "loan-approval-1.5.0.skops"
        sio.dump(model, path)  # CI's signing step, as in safe_artifacts.py:
        Path(f"{path}.hmac").write_text(release_tag("1.5.0", path.read_bytes(), key))
        os.environ.update(MODEL_PATH=str(path), MODEL_SIGNING_KEY=key)

        with TestClient(app) as client:  # runs the lifespan, like the server's start
            deadline = time.monotonic() + 10
            while (ready := client.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, state.get("error", "never ready")
                time.sleep(0.02)
            print("readyz:", ready.status_code, ready.json())
            body = {"income": 72_000, "loan_amount": 15_000, "home_ownership": "rent"}
            answer = client.post("/predict", json=body)
            print("predict:", answer.status_code, answer.json())

        # A replay: a genuine tag for an older release (here the same bytes, signed as
        # 1.4.0) copied over the configured release's tag. And a path with no version.
        Path(f"{path}.hmac").write_text(release_tag("1.4.0", path.read_bytes(), key))
        refusals = []
        for candidate in (path, Path(models) / "model.skops"):
            try:
                load_verified(candidate, key)
                refusals.append("")
            except RuntimeError as refused:
                refusals.append(str(refused).split(": ", 1)[1])
                print(f"{candidate.name}: refused: {refusals[-1]}")

    # What the page says of this output, checked on every build:
    assert answer.status_code == 200
    assert answer.json()["model_version"] == "1.5.0"
    assert refusals[0].startswith("HMAC mismatch for loan-approval 1.5.0")
    assert refusals[1].startswith("MODEL_PATH must name loan-approval-<version>.skops")
# --8<-- [end:smoke-test]
