"""The artefact loaders on practices/deployment.md and skills/mlops.md refuse what the pages say.

Each snippet runs once (with its own asserts), then its functions are reused here on fresh
directories: a replayed older release, a relabelled training snapshot, a runtime whose NumPy
differs from the one that wrote the pickle, an unversioned model path.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import ROOT
from snippets.practices.release_signing import PURPOSE, sign

KEYS = ("MODEL_SIGNING_KEY", "MODEL_VERIFY_KEY")


@pytest.fixture(scope="module")
def persist():
    # The snippet puts its key pair in the environment, as the secrets store and the
    # deployment configuration would; keep them while its functions are used, then restore.
    saved = {name: os.environ.get(name) for name in KEYS}
    yield runpy.run_path(str(ROOT / "snippets/practices/persist_pipeline.py"))
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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
    return persist["load_artifact"](directory, "loan-approval", version, persist["verify_key"]())


def resign(persist, sidecar, version):
    """Sign a sidecar as CI would, with the real private key."""
    signature = persist["sign"](persist["signing_key"](), "loan-approval", version, sidecar.read_bytes())
    sidecar.with_name(f"{sidecar.name}.sig").write_text(signature)


def test_a_replayed_older_release_is_refused(persist, tmp_path):
    save(persist, tmp_path, "1.3.0")
    save(persist, tmp_path, "1.4.0")
    assert load(persist, tmp_path, "1.4.0")[1]["version"] == "1.4.0"
    for suffix in (".json", ".json.sig"):
        old, current = (tmp_path / f"loan-approval-{v}{suffix}" for v in ("1.3.0", "1.4.0"))
        shutil.copyfile(old, current)
    with pytest.raises(persist["ArtifactError"], match="does not verify as loan-approval 1.4.0"):
        load(persist, tmp_path, "1.4.0")


def test_a_manifest_that_names_another_release_is_refused_even_when_ci_signed_it(persist, tmp_path):
    # CI's own mistake: 1.3.0's manifest signed as 1.4.0. The signature verifies; the
    # manifest's own name and version still have to agree with it.
    sidecar = save(persist, tmp_path, "1.3.0")
    current = tmp_path / "loan-approval-1.4.0.json"
    shutil.copyfile(sidecar, current)
    resign(persist, current, "1.4.0")
    with pytest.raises(persist["ArtifactError"], match="signed as loan-approval 1.4.0 but describes"):
        load(persist, tmp_path, "1.4.0")


def test_a_loader_cannot_sign_and_a_key_of_its_own_does_not_verify(persist, tmp_path):
    # What a serving host holds is the public key: it verifies and has no way to sign.
    # Whatever key a host (or an attacker on it) signs with, CI's public key refuses it.
    public = persist["verify_key"]()
    assert not hasattr(public, "sign")
    sidecar = save(persist, tmp_path, "1.4.0")
    own = sign(Ed25519PrivateKey.generate(), "loan-approval", "1.4.0", sidecar.read_bytes())
    sidecar.with_name(f"{sidecar.name}.sig").write_text(own)
    with pytest.raises(persist["ArtifactError"], match="does not verify as loan-approval 1.4.0"):
        load(persist, tmp_path, "1.4.0")


def test_loading_without_the_public_key_configured_fails_naming_the_variable(persist, monkeypatch):
    monkeypatch.delenv("MODEL_VERIFY_KEY")
    with pytest.raises(RuntimeError, match="MODEL_VERIFY_KEY must hold the release-signing public key"):
        persist["verify_key"]()
    monkeypatch.setenv("MODEL_VERIFY_KEY", "not hex")
    with pytest.raises(RuntimeError, match="MODEL_VERIFY_KEY"):
        persist["verify_key"]()


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
    resign(persist, sidecar, "1.4.0")
    with pytest.raises(persist["ArtifactError"], match="built with numpy 1.26.4"):
        load(persist, tmp_path, "1.4.0")


def test_the_serving_app_refuses_a_replay_and_an_unversioned_path(serving, tmp_path):
    ci_key = Ed25519PrivateKey.generate()
    public = ci_key.public_key().public_bytes_raw().hex()
    path = tmp_path / "loan-approval-1.5.0.skops"
    path.write_bytes(b"the bytes do not matter: the signature is checked first")
    older = sign(ci_key, "loan-approval", "1.4.0", path.read_bytes())
    (tmp_path / f"{path.name}.sig").write_text(older)
    with pytest.raises(RuntimeError, match="signature does not verify as loan-approval 1.5.0"):
        serving["load_verified"](path, public)
    unversioned = tmp_path / "model.skops"
    shutil.copyfile(path, unversioned)
    with pytest.raises(RuntimeError, match="MODEL_PATH must name"):
        serving["load_verified"](unversioned, public)


def test_the_serving_app_verifies_what_ci_signs_and_names_a_bad_key(serving, tmp_path):
    # The image holds app.py alone, so it repeats the signed message's format: a signature
    # made by CI's code (release_signing.py) must verify there, and only as its release.
    ci_key = Ed25519PrivateKey.generate()
    public = ci_key.public_key().public_bytes_raw().hex()
    blob = b"model bytes"
    assert serving["PURPOSE"] == PURPOSE
    assert serving["signed_as"]("1.5.0", blob, sign(ci_key, "loan-approval", "1.5.0", blob), public)
    assert not serving["signed_as"]("1.5.1", blob, sign(ci_key, "loan-approval", "1.5.0", blob), public)
    path = tmp_path / "loan-approval-1.5.0.skops"
    path.write_bytes(blob)
    with pytest.raises(RuntimeError, match="MODEL_VERIFY_KEY must hold the release-signing public key"):
        serving["load_verified"](path, "ab" * 31)
