"""The server and the batch job on practices/deployment.md fail the way the page says.

The server: a model fetch that fails and then succeeds ends ready; one that always fails
turns liveness to 503, so Kubernetes restarts the pod instead of keeping it alive but never
ready. The batch job: it refuses an unverified artefact, keys its output on the artefact's
bytes, and a rerun (with other chunk sizes, or one that crashes) never leaves a mix of two
runs next to `_SUCCESS`, even when two runs of one output overlap.

Each snippet runs once (with its own asserts), then its functions are reused here with
injected failures and on fresh directories.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import runpy
import sys
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor

import joblib
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from conftest import ROOT
from snippets.practices.release_signing import new_key_pair

LOADER_SETTINGS = ("retry_s", "load_attempts")
SERVE = ROOT / "snippets/practices/serve_fastapi.py"
BATCH = ROOT / "snippets/practices/batch_scoring.py"


# --- the server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def serve():
    # Everything before the latency measurement: the app, `running` and the load demos.
    text = SERVE.read_text(encoding="utf-8").split("# --8<-- [start:measure]")[0]
    # A registered module: pydantic resolves the request model's annotations through it.
    module = types.ModuleType("deployment_serve_fastapi")
    sys.modules[module.__name__] = module
    exec(compile(text, str(SERVE), "exec"), module.__dict__)
    yield module.__dict__
    sys.modules.pop(module.__name__)


class Registry:
    """Stands in for the artefact fetch: raises `failures` times (None: always), then returns.

    Closed until the server is up: `running` waits for /livez to answer 200, so a loader that
    gave up before then (a busy machine, short retry waits) would look like a server that never
    started. The snippet's own demo gates its fetch the same way.
    """

    def __init__(self, failures: int | None):
        self.failures, self.calls = failures, 0
        self.opened = threading.Event()

    def wait(self) -> None:
        self.opened.wait(timeout=30)
        self.calls += 1
        if self.failures is None or self.calls <= self.failures:
            raise ConnectionError("registry unreachable")


def probe_until(serve, registry: Registry, done, seconds: float = 5.0):
    """Serve with `registry` behind the fetch; probe until done(livez, readyz) or time runs out."""
    app = serve["app"]
    state = app.state
    saved = [serve["artifact_fetched"], *(getattr(state, k, None) for k in LOADER_SETTINGS)]
    serve["artifact_fetched"] = registry  # the fetch waits on it, so it decides the outcome
    state.retry_s, state.load_attempts = 0.01, 3
    try:
        with serve["running"](app) as client:
            registry.opened.set()
            deadline = time.monotonic() + seconds
            while True:
                live, ready = client.get("/livez"), client.get("/readyz")
                if done(live, ready) or time.monotonic() > deadline:
                    return live, ready
                time.sleep(0.01)
    finally:
        serve["artifact_fetched"] = saved[0]
        for key, value in zip(LOADER_SETTINGS, saved[1:], strict=True):
            setattr(state, key, value)


@pytest.mark.waits  # its server fixture runs the page's demos, mostly waiting on the server
def test_a_load_that_always_fails_turns_liveness_to_503(serve):
    live, ready = probe_until(serve, Registry(None), lambda live, ready: live.status_code != 200)
    assert live.status_code == 503, "a pod whose model can never load must fail liveness"
    assert ready.status_code == 503
    assert "ConnectionError: registry unreachable" in ready.json()["last_error"]
    assert "ConnectionError: registry unreachable" in live.json()["error"]


def test_a_transient_fetch_failure_is_retried(serve):
    registry = Registry(2)
    live, ready = probe_until(serve, registry, lambda live, ready: ready.status_code == 200)
    assert ready.status_code == 200, "two failed fetches must not leave the pod unready"
    assert live.status_code == 200 and registry.calls == 3


# --- the batch job ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch():
    with pytest.MonkeyPatch.context() as env:
        # The page's loader module sets a demo key pair on its first import only, and a worker
        # that leaves this file and comes back sets this fixture up again: set them every time.
        use_new_key_pair(env)
        namespace = runpy.run_path(str(BATCH), run_name="batch_scoring")
        # Functions see the module's real globals (run_path returns a copy).
        yield namespace["run_batch"].__globals__


@pytest.fixture
def job(batch, tmp_path, monkeypatch):
    """A fresh root holding a signed loan-approval 1.4.0 and a 5,000-row input."""
    use_new_key_pair(monkeypatch)
    monkeypatch.setitem(batch, "CHUNK_ROWS", batch["CHUNK_ROWS"])  # restored afterwards
    (tmp_path / "registry").mkdir()
    publish(batch, tmp_path, batch["pipeline"])
    (tmp_path / "input").mkdir()
    batch["make_applications"](5_000, seed=3).to_csv(tmp_path / "input/a.csv", index=False)
    return tmp_path


def use_new_key_pair(env: pytest.MonkeyPatch) -> None:
    """CI's private key and the loaders' public key, as the secrets store and the
    deployment configuration would provide them."""
    private, public = new_key_pair()
    env.setenv("MODEL_SIGNING_KEY", private)
    env.setenv("MODEL_VERIFY_KEY", public)


def publish(batch, root, model):
    train = batch["train"]
    # The old job did not sign or verify; the helper still comes from the page's loader.
    save_artifact = batch.get("save_artifact") or persist_pipeline().save_artifact
    save_artifact(
        model,
        root / "registry",
        "loan-approval",
        "1.4.0",
        X=train[batch["FEATURES"]],
        y=batch["labels"],
        metrics={},
        git_sha="abc1234",
    )
    joblib.dump(model, root / "loan-approval-1.4.0.joblib")  # where the old job read it


def persist_pipeline():
    import importlib

    with contextlib.redirect_stdout(io.StringIO()):
        return importlib.import_module("snippets.practices.persist_pipeline")


def score(batch, root, chunk_rows: int):
    batch["CHUNK_ROWS"] = chunk_rows
    run_batch = batch["run_batch"]
    if "version" in inspect.signature(run_batch).parameters:
        return run_batch(root, "loan-approval", "1.4.0", "input/a.csv")
    return run_batch(root, "loan-approval-1.4.0.joblib", "input/a.csv")  # the old job


def rows(out_dir) -> pd.DataFrame:
    parts = sorted(out_dir.glob("part-*.csv"))
    return pd.concat([pd.read_csv(p) for p in parts], ignore_index=True)


def beside(out_dir) -> list[str]:
    """What lies next to the output, apart from the lock file runs take turns on."""
    return sorted(p.name for p in out_dir.parent.iterdir() if p.name != f"{out_dir.name}.lock")


def test_a_rerun_with_bigger_chunks_leaves_no_stale_partition(batch, job):
    first = score(batch, job, 1_000)
    before = rows(first)
    again = score(batch, job, 2_500)
    assert again == first
    assert sorted(p.name for p in again.iterdir()) == [
        "_SUCCESS",
        "part-00000.csv",
        "part-00001.csv",
    ]
    pd.testing.assert_frame_equal(rows(again), before)
    assert beside(again) == [again.name]


def test_a_rerun_that_crashes_leaves_the_previous_output_whole(batch, job, monkeypatch):
    first = score(batch, job, 1_000)
    before, files = rows(first), sorted(p.name for p in first.iterdir())
    real, calls = Pipeline.predict_proba, []

    def crash_on_second_chunk(self, X):
        calls.append(len(X))
        if len(calls) == 2:
            raise MemoryError("worker killed mid-job")
        return real(self, X)

    monkeypatch.setattr(Pipeline, "predict_proba", crash_on_second_chunk)
    with pytest.raises(MemoryError):
        score(batch, job, 2_500)
    assert sorted(p.name for p in first.iterdir()) == files
    pd.testing.assert_frame_equal(rows(first), before)
    monkeypatch.setattr(Pipeline, "predict_proba", real)
    again = score(batch, job, 2_500)  # the next run clears what the crash left
    pd.testing.assert_frame_equal(rows(again), before)
    assert beside(again) == [again.name]


@pytest.mark.waits  # a 1 s wait for the other run, which times out once
def test_two_runs_of_one_output_at_once_take_turns(batch, job, monkeypatch):
    # A scheduler's retry while the first run still writes, or an overlapping backfill.
    alone = rows(score(batch, job, 1_000))
    real, both_writing = Pipeline.predict_proba, threading.Barrier(2)

    def meet_the_other_run(self, X):
        # Each chunk waits, up to 1 s, until the other run is writing too: runs that did
        # not take turns would share one staging folder. Taking turns, the other run
        # never comes, the wait times out once, and every later wait returns at once.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_writing.wait(timeout=1)
        return real(self, X)

    monkeypatch.setattr(Pipeline, "predict_proba", meet_the_other_run)
    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(score, batch, job, 1_000) for _ in range(2)]
        first, second = (run.result() for run in runs)
    assert first == second
    pd.testing.assert_frame_equal(rows(first), alone)
    assert beside(first) == [first.name]


def test_an_artefact_that_fails_verification_is_not_loaded(batch, job):
    other = clone(batch["pipeline"]).set_params(model__C=0.001)
    other.fit(batch["train"][batch["FEATURES"]], batch["labels"])
    for path in (job / "registry/loan-approval-1.4.0.joblib", job / "loan-approval-1.4.0.joblib"):
        joblib.dump(other, path)  # swapped without re-signing
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        score(batch, job, 1_000)


def test_a_rebuilt_artefact_under_the_same_version_writes_elsewhere(batch, job):
    first = score(batch, job, 1_000)
    other = clone(batch["pipeline"]).set_params(model__C=0.001)
    publish(batch, job, other.fit(batch["train"][batch["FEATURES"]], batch["labels"]))
    second = score(batch, job, 1_000)
    assert second != first, "two different models' scores must not share one location"
    assert (first / "_SUCCESS").exists() and (second / "_SUCCESS").exists()
