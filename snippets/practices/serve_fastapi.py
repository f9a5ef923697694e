# /// snippet
# timeout = 30
# volatile = ["p50", "p95", "p99"]
# ///
"""Serve a model behind FastAPI, then measure it the way you would measure any HTTP service."""

import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Literal

import httpx
import numpy as np
import pandas as pd
import uvicorn
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# --8<-- [start:setup]
# Setup: train a small loan-approval pipeline. In production the app would load a versioned
# artifact from the model registry at startup instead.
rng = np.random.default_rng(11)
n = 2_000
train = pd.DataFrame(
    {
        "income": rng.lognormal(11.0, 0.4, n).round(0),
        "loan_amount": rng.uniform(2_000, 60_000, n).round(0),
        "credit_score": rng.integers(300, 851, n),
        "home_ownership": rng.choice(["rent", "own", "mortgage"], n),
    }
)
logit = (
    1.5 * (train["credit_score"] - 600) / 100
    + 1.2 * np.log(train["income"] / train["loan_amount"])
    - 2.0
)
y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
trained_pipeline = Pipeline(
    [
        (
            "prep",
            ColumnTransformer(
                [
                    (
                        "num",
                        StandardScaler(),
                        ["income", "loan_amount", "credit_score"],
                    ),
                    ("cat", OneHotEncoder(handle_unknown="ignore"), ["home_ownership"]),
                ]
            ),
        ),
        ("model", LogisticRegression(max_iter=1_000)),
    ]
).fit(train, y)
MODEL_VERSION = "loan-approval:1.4.0"
# --8<-- [end:setup]


# --8<-- [start:app]
class LoanRequest(BaseModel):
    # Unknown fields are a client bug: reject them (422). NaN/inf would poison the model: reject.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    income: float = Field(ge=0, le=10_000_000, description="Annual income, USD")
    loan_amount: float = Field(gt=0, le=1_000_000)
    credit_score: int = Field(ge=300, le=850)
    home_ownership: Literal["rent", "own", "mortgage"]


class LoanResponse(BaseModel):
    approved: bool
    probability: float = Field(ge=0, le=1)
    model_version: str


state: dict = {}  # what the process has loaded; readiness depends on it


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Load the model once at startup, not per request (like opening a DB pool).
    state["model"] = trained_pipeline
    yield
    state.clear()


app = FastAPI(title="loan-approval", lifespan=lifespan)


@app.get("/healthz")
def healthz():
    # Readiness, not liveness: only report ready once the model is in memory, so the load
    # balancer does not route traffic to a pod that would fail every request.
    if "model" not in state:
        return JSONResponse({"status": "loading"}, status_code=503)
    return {"status": "ready", "model_version": MODEL_VERSION}


# A plain `def` endpoint: FastAPI runs it in a worker thread, so CPU-bound predict()
# does not block the event loop that accepts other connections.
@app.post("/predict", response_model=LoanResponse)
def predict(request: LoanRequest, response: Response) -> LoanResponse:
    frame = pd.DataFrame([request.model_dump()])
    probability = float(state["model"].predict_proba(frame)[0, 1])
    # Version in body AND header: logs, caches and clients can all see which model answered.
    response.headers["X-Model-Version"] = MODEL_VERSION
    return LoanResponse(
        approved=probability >= 0.5,
        probability=round(probability, 4),
        model_version=MODEL_VERSION,
    )


for route in app.routes:
    if route.path in {"/healthz", "/predict"}:
        print(f"{','.join(sorted(route.methods)):<5} {route.path}")
# --8<-- [end:app]


# --8<-- [start:serve-and-measure]
def percentile_ms(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1000


def report(label: str, latencies: list[float], elapsed: float) -> None:
    p50, p95, p99 = (percentile_ms(latencies, q) for q in (50, 95, 99))
    print(
        f"{label:<14} n={len(latencies)}  p50={p50:.1f} ms  p95={p95:.1f} ms  "
        f"p99={p99:.1f} ms  throughput={len(latencies) / elapsed:.0f} req/s"
    )


# Port 0 lets the OS pick a free port; handing the bound socket to uvicorn avoids the race
# of "find a free port, close it, hope nobody grabs it before the server binds".
# Pass IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP,
# and without it Nagle + delayed ACKs add ~40 ms to every response.
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]
server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
thread.start()

payload = {
    "income": 72_000,
    "loan_amount": 15_000,
    "credit_score": 710,
    "home_ownership": "rent",
}
with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5.0) as client:
    deadline = time.monotonic() + 10
    while True:  # wait for readiness the way an orchestrator's probe would
        try:
            if client.get("/healthz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "server never became ready"
        time.sleep(0.05)
    print("healthz:", client.get("/healthz").json())

    first = client.post("/predict", json=payload)
    print("predict:", first.status_code, first.json())
    print("X-Model-Version:", first.headers["x-model-version"])

    def timed_call(body: dict) -> float:
        start = time.perf_counter()
        r = client.post("/predict", json=body)
        assert r.status_code == 200 and r.json()["model_version"] == MODEL_VERSION
        return time.perf_counter() - start

    for _ in range(
        10
    ):  # warm-up: first calls pay for lazy imports and connection setup
        timed_call(payload)

    # Vary the inputs a little so we are not timing one cached code path.
    bodies = [dict(payload, income=40_000 + 500 * i) for i in range(200)]
    start = time.perf_counter()
    sequential = [timed_call(b) for b in bodies]
    report("sequential", sequential, time.perf_counter() - start)

    # 8 concurrent clients: latency rises as requests queue for the same CPU (and the GIL).
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(timed_call, bodies[:64]))
    report("8 concurrent", concurrent, time.perf_counter() - start)

# Shut down like a SIGTERM would: stop accepting, finish in-flight requests, run lifespan exit.
server.should_exit = True
thread.join(timeout=5)
assert not thread.is_alive() and "model" not in state
print("server stopped cleanly:", not thread.is_alive())
# SLO mapping: an SLO such as "99% of /predict calls under 50 ms" is judged on p99 measured at
# the load balancer under production traffic; a laptop loop like this only sets a baseline.
# --8<-- [end:serve-and-measure]
