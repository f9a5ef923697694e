# /// snippet
# timeout = 30
# ///
"""The serving app the Dockerfile next to this file packages: verify, load, serve.

In the container: `uvicorn app:app`, with MODEL_PATH naming the release to serve (a mounted,
signed file such as /models/loan-approval-1.5.0.skops; there is no default) and
MODEL_VERIFY_KEY, the public half of CI's release-signing key, set by the deployment's
configuration. The server holds no key that can sign.
"""

import os
import re
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
import skops.io as sio
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
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


# The message CI signs (snippets/practices/release_signing.py): purpose, name/version, the
# file's bytes. The image holds only this file, so the format is repeated here; the smoke
# test below signs with CI's code and loads with this one, so the two cannot drift apart.
PURPOSE = b"model-release-signature-v1\n"


def public_key(key_hex: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
    except ValueError:
        raise RuntimeError(
            "MODEL_VERIFY_KEY must hold the release-signing public key, 64 hex digits"
        ) from None


def signed_as(version: str, blob: bytes, signature_hex: str, key_hex: str) -> bool:
    # Checked as the version the deployment asked for: an older signed release copied over
    # the files of the one configured does not verify.
    message = PURPOSE + f"{MODEL_NAME}/{version}\n".encode() + blob
    try:
        public_key(key_hex).verify(bytes.fromhex(signature_hex.strip()), message)
    except (ValueError, InvalidSignature):  # not hex, or not CI's signature of it
        return False
    return True


def load_verified(path: Path, key_hex: str) -> Loaded:
    # The version to serve comes from the deployment's config (MODEL_PATH), never the file.
    release = RELEASE_FILE.fullmatch(path.name)
    if release is None:
        raise RuntimeError(
            f"{path.name}: MODEL_PATH must name {MODEL_NAME}-<version>.skops"
        )
    version = release[1]
    public_key(key_hex)  # a misconfigured key says so, not "bad signature"
    blob = path.read_bytes()
    signature = Path(f"{path}.sig").read_text()
    if not signed_as(version, blob, signature, key_hex):
        raise RuntimeError(
            f"{path}: signature does not verify as {MODEL_NAME} {version}, "
            "refusing to load"
        )
    unreviewed = set(sio.get_untrusted_types(data=blob)) - set(TRUSTED_TYPES)
    if unreviewed:
        raise RuntimeError(f"{path}: unreviewed types {sorted(unreviewed)}")
    return Loaded(sio.loads(blob, trusted=TRUSTED_TYPES), version)


def load_model() -> None:
    try:
        # No default path: the deployment names the release it serves.
        path = Path(os.environ["MODEL_PATH"])
        loaded = load_verified(path, os.environ["MODEL_VERIFY_KEY"])
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
# What `docker run` does, in-process: a model signed by CI's code in a "mounted" folder,
# the public key in the environment, then the probes the HEALTHCHECK would send.
if __name__ == "__main__":
    import tempfile
    import time

    import numpy as np
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from fastapi.testclient import TestClient
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    from snippets.practices.release_signing import sign

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
        ci_key = Ed25519PrivateKey.generate()  # in CI: from the secrets store
        public = ci_key.public_key().public_bytes_raw().hex()
        path = Path(models) / "loan-approval-1.5.0.skops"
        sio.dump(model, path)  # CI's signing step, as in safe_artifacts.py:
        Path(f"{path}.sig").write_text(
            sign(ci_key, MODEL_NAME, "1.5.0", path.read_bytes())
        )
        # The server's environment: the release to serve and the public key, nothing secret.
        os.environ.update(MODEL_PATH=str(path), MODEL_VERIFY_KEY=public)

        with TestClient(app) as client:  # runs the lifespan, like the server's start
            deadline = time.monotonic() + 10
            while (ready := client.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, state.get("error", "never ready")
                time.sleep(0.02)
            print("readyz:", ready.status_code, ready.json())
            body = {"income": 72_000, "loan_amount": 15_000, "home_ownership": "rent"}
            answer = client.post("/predict", json=body)
            print("predict:", answer.status_code, answer.json())

        # A replay: CI's genuine signature of an older release (here the same bytes,
        # signed as 1.4.0) put in place of the configured release's. And a path with no
        # version.
        Path(f"{path}.sig").write_text(
            sign(ci_key, MODEL_NAME, "1.4.0", path.read_bytes())
        )
        refusals = []
        for candidate in (path, Path(models) / "model.skops"):
            try:
                load_verified(candidate, public)
                refusals.append("")
            except RuntimeError as refused:
                refusals.append(str(refused).split(": ", 1)[1])
                print(f"{candidate.name}: refused: {refusals[-1]}")

    # What the page says of this output, checked on every build:
    assert answer.status_code == 200
    assert answer.json()["model_version"] == "1.5.0"
    assert refusals[0].startswith("signature does not verify as loan-approval 1.5.0")
    assert refusals[1].startswith("MODEL_PATH must name loan-approval-<version>.skops")
# --8<-- [end:smoke-test]
