"""The artefact loaders on practices/deployment.md and skills/mlops.md refuse what the pages say.

Each snippet runs once (with its own asserts), then its functions are reused here on fresh
directories: a replayed older release, a relabelled training snapshot, a runtime whose NumPy
differs from the one that wrote the pickle, an unversioned model path.
"""

from __future__ import annotations

import json
import os
import runpy
import secrets
import shutil

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def persist():
    # The snippet puts its signing key in the environment, as the secrets store would;
    # keep it there while its functions are used, then restore the environment.
    saved = os.environ.get("MODEL_SIGNING_KEY")
    yield runpy.run_path(str(ROOT / "snippets/practices/persist_pipeline.py"))
    if saved is None:
        os.environ.pop("MODEL_SIGNING_KEY", None)
    else:
        os.environ["MODEL_SIGNING_KEY"] = saved


@pytest.fixture(scope="module")
def serving():
    # Not "__main__", so only the app is defined; its smoke test does not run.
    return runpy.run_path(str(ROOT / "snippets/practices/serving/app.py"), run_name="app")


def save(persist, directory, version, model=None, y=None):
    return persist["save_artifact"](
        model if model is not None else persist["pipeline"],
        directory,
        "loan-approval",
        version,
        X=persist["X_train"],
        y=persist["y_train"] if y is None else y,
        metrics={},
        git_sha="abc1234",
    )


def load(persist, directory, version):
    return persist["load_artifact"](directory, "loan-approval", version, persist["signing_key"]())


def test_a_replayed_older_release_is_refused(persist, tmp_path):
    save(persist, tmp_path, "1.3.0")
    save(persist, tmp_path, "1.4.0")
    assert load(persist, tmp_path, "1.4.0")[1]["version"] == "1.4.0"
    for suffix in (".json", ".json.hmac"):
        old, current = (tmp_path / f"loan-approval-{v}{suffix}" for v in ("1.3.0", "1.4.0"))
        shutil.copyfile(old, current)
    with pytest.raises(persist["ArtifactError"], match="signed as loan-approval 1.3.0"):
        load(persist, tmp_path, "1.4.0")


def test_the_data_hash_covers_the_labels(persist, tmp_path):
    relabelled = 1 - persist["y_train"]
    same = json.loads(save(persist, tmp_path, "1.4.0").read_text())["training_data_sha256"]
    other = json.loads(save(persist, tmp_path, "1.5.0", y=relabelled).read_text())
    assert other["training_data_sha256"] != same


def test_a_pickle_from_another_numpy_is_refused(persist, tmp_path):
    sidecar = save(persist, tmp_path, "1.4.0")
    meta = json.loads(sidecar.read_text())
    assert set(meta["library_versions"]) == {"scikit-learn", "numpy", "scipy", "joblib"}
    meta["library_versions"]["numpy"] = "1.26.4"
    sidecar.write_text(json.dumps(meta))
    (tmp_path / f"{sidecar.name}.hmac").write_text(
        persist["hmac_tag"](sidecar.read_bytes(), persist["signing_key"]())
    )
    with pytest.raises(persist["ArtifactError"], match="built with numpy 1.26.4"):
        load(persist, tmp_path, "1.4.0")


def test_the_serving_app_refuses_a_replay_and_an_unversioned_path(serving, tmp_path):
    key = secrets.token_hex(32)
    path = tmp_path / "loan-approval-1.5.0.skops"
    path.write_bytes(b"the bytes do not matter: the tag is checked first")
    older_tag = serving["release_tag"]("1.4.0", path.read_bytes(), key)
    (tmp_path / f"{path.name}.hmac").write_text(older_tag)
    with pytest.raises(RuntimeError, match="HMAC mismatch for loan-approval 1.5.0"):
        serving["load_verified"](path, key)
    unversioned = tmp_path / "model.skops"
    shutil.copyfile(path, unversioned)
    with pytest.raises(RuntimeError, match="MODEL_PATH must name"):
        serving["load_verified"](unversioned, key)
