# /// snippet
# timeout = 60
# volatile = ["p50", "p95", "p99", "req/s"]
# ///
"""Serve a model behind FastAPI, then measure it the way you would measure any HTTP service."""

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from typing import Literal

import httpx2
import numpy as np
import pandas as pd
import uvicorn
from fastapi import FastAPI, HTTPException, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import binom
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
artifact_fetched = (
    threading.Event()
)  # set by the demo below: it decides when loading ends


def fetch_artifact():
    # In production: fetch the artifact from the registry, verify it, unpickle it (for a
    # large model, seconds to minutes). Here the demo decides when the fetch completes,
    # so the "still loading" phase is there to observe on every run.
    artifact_fetched.wait()
    return trained_pipeline


def load_model(app: FastAPI) -> None:
    # A registry blip must not leave a pod that is alive but never ready: retry with
    # exponential backoff, keep the last error where /readyz shows it, and after the last
    # attempt fail liveness, so the orchestrator restarts the pod (CrashLoopBackOff if it
    # keeps failing) instead of keeping a process that will never serve.
    fetch, attempts = app.state.fetch_model, app.state.load_attempts
    wait_s = app.state.retry_s
    for attempt in range(1, attempts + 1):
        try:
            state["model"] = fetch()
            state.pop("load_error", None)
            return
        except Exception as err:  # the fetch, the verification or the unpickle
            error = f"{type(err).__name__}: {err}"
            state["load_error"] = f"attempt {attempt}/{attempts}: {error}"
        if attempt < attempts:
            time.sleep(wait_s)
            wait_s *= 2
    state["load_failed"] = True


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Code before `yield` runs before the server accepts a single connection. Loading the
    # model there would keep the port closed for the whole load, so /readyz could never
    # answer 503 and /livez could not answer at all. Load in the background instead.
    threading.Thread(
        target=load_model, args=(app,), name="model-loader", daemon=True
    ).start()
    yield
    state.clear()


FIRST_RETRY_S = 1.0  # then 2, 4, 8, 16 s between attempts:
LOAD_ATTEMPTS = 6  # liveness fails after about 30 s of waits plus the fetches
app = FastAPI(title="loan-approval", lifespan=lifespan)
app.state.fetch_model = fetch_artifact
app.state.retry_s, app.state.load_attempts = FIRST_RETRY_S, LOAD_ATTEMPTS


@app.get("/livez")
def livez():
    # Liveness: the process answers HTTP. It does not wait for the model, or a slow load
    # would look like a hung process and the orchestrator would restart it in a loop. It
    # fails only once the loader has given up: a restart is then the way to recover.
    if state.get("load_failed"):
        return JSONResponse(
            {"status": "model load failed", "error": state["load_error"]},
            status_code=503,
        )
    return {"status": "alive"}


@app.get("/readyz")
def readyz():
    # Readiness: send traffic here only once the model is in memory.
    if "model" not in state:
        body = {"status": "loading"}
        if "load_error" in state:  # a failed attempt: say why, while the loader retries
            body["last_error"] = state["load_error"]
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
    return {"status": "ready", "model_version": MODEL_VERSION}


# A plain `def` endpoint: FastAPI runs it in a worker thread, so CPU-bound predict()
# does not block the event loop that accepts other connections.
@app.post("/predict", response_model=LoanResponse)
def predict(request: LoanRequest, response: Response) -> LoanResponse:
    model = state.get("model")
    if model is None:  # a request that arrived before readiness: 503, not a crash
        raise HTTPException(503, "model is loading", headers={"Retry-After": "1"})
    frame = pd.DataFrame([request.model_dump()])
    probability = float(model.predict_proba(frame)[0, 1])
    # Version in body AND header: logs, caches and clients can all see which model answered.
    response.headers["X-Model-Version"] = MODEL_VERSION
    return LoanResponse(
        approved=probability >= 0.5,
        probability=round(probability, 4),
        model_version=MODEL_VERSION,
    )


for route in app.routes:
    if route.path in {"/livez", "/readyz", "/predict"}:
        print(f"{','.join(sorted(route.methods)):<5} {route.path}")
# --8<-- [end:app]


# --8<-- [start:readiness]
@contextmanager
def running(app: FastAPI) -> Iterator[httpx2.Client]:
    """Serve `app` on 127.0.0.1 from a thread; stop it on exit, even after a failure."""
    # Port 0 lets the OS pick a free port; handing the bound socket to uvicorn avoids the
    # race of "find a free port, close it, hope nobody takes it before the server binds".
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says
    # TCP, and without it Nagle + delayed ACKs add ~40 ms to every response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    try:
        with httpx2.Client(base_url=url, timeout=5.0) as client:
            deadline = time.monotonic() + 10
            while True:  # wait until the port answers, as a liveness probe would
                try:
                    if client.get("/livez").status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                assert time.monotonic() < deadline, "server never started"
                time.sleep(0.02)
            yield client
    finally:
        # Stop like a SIGTERM would: stop accepting, finish in-flight requests, run the
        # lifespan's exit code.
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
    assert not thread.is_alive(), "server did not stop within 5 s"


payload = {
    "income": 72_000,
    "loan_amount": 15_000,
    "credit_score": 710,
    "home_ownership": "rent",
}
readiness, liveness = [], []
with running(app) as client:

    def probe() -> httpx2.Response:
        liveness.append(client.get("/livez").status_code)
        ready = client.get("/readyz")
        readiness.append(ready.status_code)
        return ready

    loading = probe()
    print("readyz while loading:", loading.status_code, loading.json())
    early = client.post("/predict", json=payload)
    print("predict while loading:", early.status_code, early.json())

    artifact_fetched.set()  # the load completes
    deadline = time.monotonic() + 10
    while (ready := probe()).status_code != 200:
        assert time.monotonic() < deadline, "the model never became ready"
        time.sleep(0.01)
    print("readyz once loaded:  ", ready.status_code, ready.json())
    first = client.post("/predict", json=payload)
    print("predict once loaded: ", first.status_code, first.json())
    print("X-Model-Version:", first.headers["x-model-version"])

changes = [
    code for i, code in enumerate(readiness) if i == 0 or code != readiness[i - 1]
]
print("readyz codes, in order:", " -> ".join(map(str, changes)))
print("livez answered 200 to every probe:", set(liveness) == {200})
print("server stopped, model unloaded:", "model" not in state)

# What the page says of this output, checked on every build:
assert changes == [503, 200], changes
assert set(liveness) == {200}
assert early.status_code == 503 and early.headers["retry-after"] == "1"
assert first.status_code == 200 and first.json()["model_version"] == MODEL_VERSION
assert "model" not in state
# --8<-- [end:readiness]


# --8<-- [start:load-failure]
def registry(failures: int | None):
    """A fetch that fails `failures` times (None: every time) before it returns the model.

    It starts once the demo opens the gate, so the server is up before the first failure.
    """
    gate, calls = threading.Event(), []

    def fetch():
        gate.wait()
        calls.append(1)
        if failures is None or len(calls) <= failures:
            raise ConnectionError("model registry timed out")
        return trained_pipeline

    return fetch, gate, calls


def watch_load(failures: int | None, attempts: int = 4) -> dict:
    """Start a server whose model fetch fails as told; probe until it is ready or gives up."""
    fetch, gate, calls = registry(failures)
    app.state.fetch_model, app.state.load_attempts = fetch, attempts
    app.state.retry_s = 0.01  # short waits for the demo; the defaults above are seconds
    live, ready = [], []
    with running(app) as client:
        deadline = time.monotonic() + 10
        while True:
            live_r, ready_r = client.get("/livez"), client.get("/readyz")
            live.append(live_r.status_code)
            ready.append(ready_r.status_code)
            if ready_r.status_code == 200 or live_r.status_code == 503:
                break
            assert time.monotonic() < deadline, "the loader neither loaded nor gave up"
            gate.set()  # after the first probe, so every run starts from "loading"
            time.sleep(0.005)

    def changes(codes: list[int]) -> list[int]:
        return [c for i, c in enumerate(codes) if i == 0 or c != codes[i - 1]]

    return {
        "fetches": len(calls),
        "readyz": changes(ready),
        "livez": changes(live),
        "last_livez": live_r.json(),
        "last_readyz": ready_r.json(),
    }


blip = watch_load(failures=2)  # the registry fails twice, then answers
print(f"registry fails twice: {blip['fetches']} fetches")
print("  readyz:", " -> ".join(map(str, blip["readyz"])))
print("  livez: ", " -> ".join(map(str, blip["livez"])))
down = watch_load(failures=None)  # the registry never answers
print(f"registry down: {down['fetches']} fetches, then the loader gives up")
print("  readyz:", " -> ".join(map(str, down["readyz"])))
print("  livez: ", " -> ".join(map(str, down["livez"])), down["last_livez"])
app.state.fetch_model = fetch_artifact  # back to the real loader for the next section
app.state.retry_s, app.state.load_attempts = FIRST_RETRY_S, LOAD_ATTEMPTS

# What the page says of this output, checked on every build:
assert blip["fetches"] == 3 and blip["readyz"] == [503, 200] and blip["livez"] == [200]
assert down["fetches"] == 4 and down["readyz"] == [503] and down["livez"] == [200, 503]
error = "attempt 4/4: ConnectionError: model registry timed out"
assert down["last_livez"]["error"] == down["last_readyz"]["last_error"] == error
assert not state, "each server clears what it loaded when it stops"
# --8<-- [end:load-failure]


# --8<-- [start:measure]
def percentile_ci(samples: list[float], q: float, confidence: float = 0.95):
    """The q-quantile in ms, with a distribution-free interval from order statistics.

    The count of samples below the true quantile is Binomial(n, q), so the sorted samples
    at ranks lo and hi bracket it with at least `confidence` probability. It assumes
    independent samples; bursts of slowness on a shared machine make it optimistic.
    """
    x = np.sort(samples) * 1000
    n = len(x)
    alpha = 1 - confidence
    lo = max(int(binom.ppf(alpha / 2, n, q)), 1)  # 1-based ranks
    hi = int(binom.ppf(1 - alpha / 2, n, q)) + 1
    assert hi <= n, f"{n} samples are too few for a p{q * 100:g} interval"
    coverage = binom.cdf(hi - 1, n, q) - binom.cdf(lo - 1, n, q)
    assert coverage >= confidence, coverage
    return float(np.quantile(x, q)), float(x[lo - 1]), float(x[hi - 1]), (lo, hi)


def report(label: str, latencies: list[float], elapsed: float) -> dict:
    print(f"{label}: {len(latencies)} requests, {len(latencies) / elapsed:.0f} req/s")
    result = {}
    for q in (0.50, 0.95, 0.99):
        point, low, high, (lo, hi) = percentile_ci(latencies, q)
        name = f"p{q * 100:.0f}"
        print(
            f"  {name:<4} {point:6.1f} ms   95% CI {low:.1f} to {high:.1f} ms"
            f"   (sorted samples #{lo} to #{hi})"
        )
        assert low <= point <= high
        result[name] = (point, low, high)
    return result


N_REQUESTS = 1_000  # a p99 rests on the slowest 1% of samples: 10 here, 0.64 of 64
with running(app) as client:
    deadline = time.monotonic() + 10
    while client.get("/readyz").status_code != 200:  # a fresh server reloads the model
        assert time.monotonic() < deadline, "the model never became ready"
        time.sleep(0.01)

    def timed_call(body: dict) -> float:
        start = time.perf_counter()
        r = client.post("/predict", json=body)
        assert r.status_code == 200 and r.json()["model_version"] == MODEL_VERSION
        return time.perf_counter() - start

    for _ in range(
        20
    ):  # warm-up: first calls pay for lazy imports and connection setup
        timed_call(payload)

    # Vary the inputs a little so we are not timing one cached code path.
    bodies = [dict(payload, income=40_000 + 50 * i) for i in range(N_REQUESTS)]
    start = time.perf_counter()
    sequential = [timed_call(b) for b in bodies]
    one_at_a_time = report("1 client", sequential, time.perf_counter() - start)

    # 8 concurrent clients: requests queue for the same CPU (and the GIL).
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(timed_call, bodies))
    eight_at_a_time = report("8 clients", concurrent, time.perf_counter() - start)

# What the page says of this output, checked on every build (structure and the ordering
# of intervals, never absolute timings, which depend on the machine):
assert len(sequential) == len(concurrent) == N_REQUESTS
assert eight_at_a_time["p50"][1] > one_at_a_time["p50"][2], "p50 rose under concurrency"
# SLO mapping: an SLO such as "99% of /predict calls under 50 ms" is judged on p99 measured
# at the load balancer under production traffic; a laptop loop like this sets a baseline.
# --8<-- [end:measure]
