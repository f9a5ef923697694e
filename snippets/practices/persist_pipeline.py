"""Persist a fitted scikit-learn Pipeline like a build artifact, then load it defensively.

Backend analogy: the .joblib file is the binary you push to an artifact repository, the
JSON sidecar is its build metadata (name, version, commit, the versions of Python and of
the libraries the pickle depends on, checksum), and the .sig file is an Ed25519 signature
of that metadata, playing the part of SHA256SUMS.gpg next to SHA256SUMS on Ubuntu's
release servers: the checksum catches corruption, the signature catches changes by
anyone without CI's private key. Loaders hold only the public key, which cannot sign.
"""

import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from snippets.practices.release_signing import (
    new_key_pair,
    sign,
    signing_key,
    verify,
    verify_key,
)

# --8<-- [start:setup]
# Setup: a small generated loan-approval dataset and a fitted Pipeline (not the point here).
rng = np.random.default_rng(7)
n = 3_000
loans = pd.DataFrame(
    {
        "income": rng.lognormal(mean=11.0, sigma=0.4, size=n).round(0),
        "loan_amount": rng.uniform(2_000, 60_000, size=n).round(0),
        "credit_score": rng.integers(300, 851, size=n),
        "employment_years": rng.integers(0, 31, size=n),
        "home_ownership": rng.choice(["rent", "own", "mortgage"], size=n),
    }
)
logit = (
    1.5 * (loans["credit_score"] - 600) / 100
    + 1.2 * np.log(loans["income"] / loans["loan_amount"])
    + 0.03 * loans["employment_years"]
    + 0.4 * (loans["home_ownership"] == "own")
    - 2.0
)
loans["approved"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)

features = [
    "income",
    "loan_amount",
    "credit_score",
    "employment_years",
    "home_ownership",
]
X_train, X_test, y_train, y_test = train_test_split(
    loans[features],
    loans["approved"],
    test_size=0.25,
    random_state=7,
    stratify=loans["approved"],
)
pipeline = Pipeline(
    [
        (
            "prep",
            ColumnTransformer(
                [
                    ("num", StandardScaler(), features[:4]),
                    ("cat", OneHotEncoder(handle_unknown="ignore"), ["home_ownership"]),
                ]
            ),
        ),
        ("model", LogisticRegression(max_iter=1_000)),
    ]
).fit(X_train, y_train)
proba = pipeline.predict_proba(X_test)[:, 1]
metrics = {
    "accuracy": round(float(accuracy_score(y_test, proba >= 0.5)), 4),
    "roc_auc": round(float(roc_auc_score(y_test, proba)), 4),
}
workdir = tempfile.TemporaryDirectory()
# Stands in for an artifact store; only relative names are printed.
registry = Path(workdir.name) / "registry"
registry.mkdir()
# Stands in for the two places the keys live: CI gets the private key from the secrets
# store; the serving process gets the public key from its deployment configuration. One
# process plays both parts here. Neither key is ever written to the artifact store.
os.environ["MODEL_SIGNING_KEY"], os.environ["MODEL_VERIFY_KEY"] = new_key_pair()
# --8<-- [end:setup]


# --8<-- [start:save]
def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint_training_data(X: pd.DataFrame, y: pd.Series) -> str:
    # Hash features AND labels (a canonical CSV rendering of both) so anyone can later check
    # "was this model trained on exactly that snapshot?", like a lockfile hash. Hashing X
    # alone would give a relabelled snapshot the same hash.
    both = pd.concat([X, y], axis=1)
    return hashlib.sha256(both.to_csv(index=False).encode("utf-8")).hexdigest()


# A pickle stores objects by their import path and internal layout, so it depends on every
# library whose objects it holds: an estimator's NumPy arrays, SciPy sparse matrices, joblib.
PICKLE_DEPENDENCIES = ("scikit-learn", "numpy", "scipy", "joblib")


def runtime_versions() -> dict[str, str]:
    return {dist: importlib.metadata.version(dist) for dist in PICKLE_DEPENDENCIES}


def save_artifact(
    model, directory: Path, name: str, version: str, *, X, y, metrics, git_sha
):
    artifact = directory / f"{name}-{version}.joblib"
    joblib.dump(model, artifact)
    metadata = {
        "name": name,
        "version": version,  # semantic version: bump MAJOR when the input schema changes
        "git_sha": git_sha,  # commit of the training code, passed in by CI
        "training_data_sha256": fingerprint_training_data(X, y),  # features and labels
        "training_rows": len(X),
        "feature_names": list(model.feature_names_in_),
        "library_versions": runtime_versions(),  # the loader refuses any difference
        "python_version": ".".join(map(str, sys.version_info[:3])),
        "metrics": metrics,
        "artifact_file": artifact.name,
        "artifact_sha256": sha256_file(artifact),
        # No wall-clock "created_at": the same inputs should give a byte-identical sidecar,
        # and the registry already records when the upload happened.
    }
    sidecar = directory / f"{name}-{version}.json"
    sidecar.write_text(json.dumps(metadata, indent=2) + "\n")
    # Sign the manifest, which holds the artifact's SHA-256, so one signature covers both
    # files; the name and version are signed with it (release_signing.py). The signature
    # may sit next to them: only the private key, which stays in CI, can make a valid one.
    signature = sign(signing_key(), name, version, sidecar.read_bytes())
    (directory / f"{sidecar.name}.sig").write_text(signature + "\n")
    return sidecar


sidecar = save_artifact(
    pipeline,
    registry,
    "loan-approval",
    "1.4.0",
    X=X_train,
    y=y_train,
    metrics=metrics,
    git_sha="abc1234",  # placeholder; in CI pass the real commit, e.g. $GITHUB_SHA
)
for path in sorted(registry.iterdir()):
    print(path.name)
print()
print(sidecar.read_text())
# --8<-- [end:save]


# --8<-- [start:load-and-verify]
class ArtifactError(RuntimeError):
    """Refuse to serve an artifact we cannot vouch for (fail the deploy, not the request)."""


def load_artifact(directory: Path, name: str, version: str, key: Ed25519PublicKey):
    """Load the release the deployment asked for, or refuse.

    The name and version come from the deployment's configuration (a registry alias, a
    pinned value in the manifest), never from the files, which an attacker may have swapped.
    """
    # Every check runs BEFORE joblib.load: unpickling executes code chosen by whoever
    # wrote the file, so a check after loading would come too late.
    sidecar = directory / f"{name}-{version}.json"
    manifest = sidecar.read_bytes()
    sig_file = sidecar.with_name(f"{sidecar.name}.sig")
    signature = sig_file.read_text() if sig_file.exists() else ""
    # 1. Who wrote it, for which release: only CI's private key makes a signature that the
    #    public key accepts, and it is checked as the name and version asked for, so a
    #    genuine older release copied over this one's files (say, one rolled back for a
    #    defect) does not verify either.
    if not verify(key, name, version, manifest, signature):
        raise ArtifactError(
            f"signature of {sidecar.name} does not verify as {name} {version}: "
            "tampered, foreign or another release, refusing to unpickle"
        )
    metadata = json.loads(manifest)
    # 2. The manifest must describe the release it was signed as (a mismatch is CI's own
    #    bug, and still no reason to load).
    described = f"{metadata['name']} {metadata['version']}"
    if described != f"{name} {version}":
        raise ArtifactError(
            f"{sidecar.name} was signed as {name} {version} but describes {described}"
        )
    # 3. Runtime check. A pickle is only supported on the library versions that wrote it;
    #    a mismatch can load "fine" and predict differently.
    built = metadata["library_versions"]
    differ = [d for d, v in runtime_versions().items() if built.get(d) != v]
    if differ:
        raise ArtifactError(
            "built with "
            + ", ".join(f"{d} {built.get(d)}" for d in differ)
            + ", runtime has "
            + ", ".join(f"{d} {runtime_versions()[d]}" for d in differ)
            + ": deploy it with the image it was built for, or re-export it"
        )
    # 4. Corruption: the artifact's bytes must hash to what the signed manifest says.
    blob = (directory / metadata["artifact_file"]).read_bytes()
    actual = hashlib.sha256(blob).hexdigest()
    if actual != metadata["artifact_sha256"]:
        raise ArtifactError(
            f"checksum mismatch for {metadata['artifact_file']}: {actual[:12]}..."
        )
    # 5. Unpickle the very bytes we hashed, not the file again (it could change between).
    model = joblib.load(io.BytesIO(blob))
    # 6. Contract check: the model expects the columns the metadata promises.
    if list(model.feature_names_in_) != metadata["feature_names"]:
        raise ArtifactError("feature names differ from the metadata")
    return model, metadata


loaded, meta = load_artifact(registry, "loan-approval", "1.4.0", verify_key())
same = np.array_equal(loaded.predict_proba(X_test), pipeline.predict_proba(X_test))
print(
    f"loaded {meta['name']} {meta['version']}: identical predictions on {len(X_test)} rows"
)

# A genuine, signed build from an older scikit-learn must be refused too.
stale = registry / "loan-approval-1.3.0.json"
old_libraries = dict(meta["library_versions"], **{"scikit-learn": "1.2.2"})
stale.write_text(
    json.dumps(dict(meta, version="1.3.0", library_versions=old_libraries))
)
(registry / f"{stale.name}.sig").write_text(
    sign(signing_key(), "loan-approval", "1.3.0", stale.read_bytes())
)
try:
    load_artifact(registry, "loan-approval", "1.3.0", verify_key())
    raise AssertionError("an artifact built with another scikit-learn was loaded")
except ArtifactError as err:
    version_refusal = err
print(f"version mismatch: refused: {version_refusal}")

# What the page says of this output, checked on every build:
assert same, "round-trip changed predictions"
assert "scikit-learn 1.2.2" in str(version_refusal)
# --8<-- [end:load-and-verify]


# --8<-- [start:corruption-vs-tampering]
def sidecar_checksum_ok(sidecar: Path) -> bool:
    """The check a checksum next to the file gives you: do the two files agree?"""
    metadata = json.loads(sidecar.read_text())
    artifact = sidecar.parent / metadata["artifact_file"]
    return sha256_file(artifact) == metadata["artifact_sha256"]


def refusal(directory: Path) -> ArtifactError:
    # The deployment asks for loan-approval 1.4.0, whatever the store now holds.
    try:
        load_artifact(directory, "loan-approval", "1.4.0", verify_key())
    except ArtifactError as err:
        return err
    raise AssertionError(f"{directory.name}: a bad artifact was loaded")


def copy_of_registry(name: str) -> Path:
    return Path(shutil.copytree(registry, Path(workdir.name) / name))


# (a) Corruption: an upload cut off halfway. The sidecar's checksum catches it.
corrupted = copy_of_registry("corrupted")
blob = (corrupted / "loan-approval-1.4.0.joblib").read_bytes()
(corrupted / "loan-approval-1.4.0.joblib").write_bytes(blob[: len(blob) // 2])
corruption_ok = sidecar_checksum_ok(corrupted / "loan-approval-1.4.0.json")
corruption = refusal(corrupted)
print(f"corrupted:  sidecar checksum agrees: {corruption_ok}")
print(f"            loader refused: {corruption}")

# (b) Tampering: someone with write access to the store swaps in a file that runs their
# code when unpickled, then rewrites the sidecar so that its checksum matches again.
marker = Path(workdir.name) / "attacker-code-ran"


class Payload:
    def __reduce__(self):
        # A pickle may name any importable callable and its arguments; loading calls it.
        return (Path.touch, (marker,))


tampered = copy_of_registry("tampered")
joblib.dump(Payload(), tampered / "loan-approval-1.4.0.joblib")
forged = dict(
    meta, artifact_sha256=sha256_file(tampered / "loan-approval-1.4.0.joblib")
)
(tampered / "loan-approval-1.4.0.json").write_text(json.dumps(forged, indent=2) + "\n")
# They hold everything a serving host holds, the public key included, and still cannot
# sign with CI's private key, so they sign with a key pair of their own.
attackers_key = Ed25519PrivateKey.generate()
(tampered / "loan-approval-1.4.0.json.sig").write_text(
    sign(
        attackers_key,
        "loan-approval",
        "1.4.0",
        (tampered / "loan-approval-1.4.0.json").read_bytes(),
    )
)
tampering_ok = sidecar_checksum_ok(tampered / "loan-approval-1.4.0.json")
tampering = refusal(tampered)
print(f"tampered:   sidecar checksum agrees: {tampering_ok}")
print(f"            loader refused: {tampering}")
ran_before_load = marker.exists()
print(f"            attacker's code ran: {ran_before_load}")

# The same file loaded without the check, in this throwaway directory only:
joblib.load(tampered / "loan-approval-1.4.0.joblib")
print(f"unchecked joblib.load of that file: attacker's code ran: {marker.exists()}")

# (c) Replay: release 1.3.0 was rolled back for a defect, but its files are genuine and
# signed. Someone with write access copies them over 1.4.0's names: the checksum still
# matches, and the signature is CI's own, made for 1.3.0.
replayed = copy_of_registry("replayed")
defective = clone(pipeline).set_params(model__C=0.001).fit(X_train, y_train)
save_artifact(
    defective,
    replayed,
    "loan-approval",
    "1.3.0",
    X=X_train,
    y=y_train,
    metrics={},
    git_sha="0123abc",
)
for suffix in (".json", ".json.sig"):
    shutil.copyfile(
        replayed / f"loan-approval-1.3.0{suffix}",
        replayed / f"loan-approval-1.4.0{suffix}",
    )
replay_ok = sidecar_checksum_ok(replayed / "loan-approval-1.4.0.json")
replay = refusal(replayed)
print(f"replayed:   sidecar checksum agrees: {replay_ok}")
print(f"            loader refused: {replay}")

# What the page says of this output, checked on every build:
assert not corruption_ok and "checksum mismatch" in str(corruption)
assert tampering_ok, (
    "the sidecar checksum should be fooled when both files are rewritten"
)
assert "signature of loan-approval-1.4.0.json does not verify" in str(tampering)
assert not ran_before_load, "the loader must refuse before unpickling"
# The replayed pair is genuine: its checksum matches and its signature verifies as 1.3.0;
# checked as the release the deployment asked for, 1.4.0, it does not.
assert replay_ok
assert verify(
    verify_key(),
    "loan-approval",
    "1.3.0",
    (replayed / "loan-approval-1.4.0.json").read_bytes(),
    (replayed / "loan-approval-1.4.0.json.sig").read_text(),
)
assert "does not verify as loan-approval 1.4.0" in str(replay)
assert marker.exists(), "joblib.load of the forged file should have run its payload"
workdir.cleanup()
# --8<-- [end:corruption-vs-tampering]
