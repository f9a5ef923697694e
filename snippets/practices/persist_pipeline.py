"""Persist a fitted scikit-learn Pipeline like a build artifact, then load it defensively.

Backend analogy: the .joblib file is the binary you push to an artifact repository, and the
JSON sidecar is its build metadata (version, commit, dependency versions, checksums).
"""

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

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
registry = Path(
    workdir.name
)  # stands in for an artifact store; only relative names are printed
# --8<-- [end:setup]


# --8<-- [start:save]
def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint_frame(df: pd.DataFrame) -> str:
    # Hash the training data's bytes (a canonical CSV rendering) so anyone can later check
    # "was this model trained on exactly that snapshot?", like a lockfile hash.
    return hashlib.sha256(df.to_csv(index=False).encode("utf-8")).hexdigest()


def save_artifact(
    model, directory: Path, name: str, version: str, *, X, metrics, git_sha
):
    artifact = directory / f"{name}-{version}.joblib"
    joblib.dump(model, artifact)
    metadata = {
        "name": name,
        "version": version,  # semantic version: bump MAJOR when the input schema changes
        "git_sha": git_sha,  # commit of the training code, passed in by CI
        "training_data_sha256": fingerprint_frame(X),
        "training_rows": len(X),
        "feature_names": list(model.feature_names_in_),
        "sklearn_version": sklearn.__version__,
        "python_version": ".".join(map(str, sys.version_info[:3])),
        "metrics": metrics,
        "artifact_file": artifact.name,
        "artifact_sha256": sha256_file(artifact),
        # No wall-clock "created_at": the same inputs should give a byte-identical sidecar,
        # and the registry already records when the upload happened.
    }
    sidecar = directory / f"{name}-{version}.json"
    sidecar.write_text(json.dumps(metadata, indent=2) + "\n")
    return sidecar


sidecar = save_artifact(
    pipeline,
    registry,
    "loan-approval",
    "1.4.0",
    X=X_train,
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


def load_artifact(sidecar: Path):
    metadata = json.loads(sidecar.read_text())
    # 1. Dependency check. Pickled estimators are only supported on the scikit-learn version
    #    that wrote them; a mismatch can load "fine" and still predict differently.
    if metadata["sklearn_version"] != sklearn.__version__:
        raise ArtifactError(
            f"built with scikit-learn {metadata['sklearn_version']}, "
            f"runtime has {sklearn.__version__}: retrain or pin the runtime"
        )
    # 2. Integrity check BEFORE unpickling: loading a pickle can execute arbitrary code, so
    #    never load bytes whose checksum you have not verified.
    artifact = sidecar.parent / metadata["artifact_file"]
    actual = sha256_file(artifact)
    if actual != metadata["artifact_sha256"]:
        raise ArtifactError(f"checksum mismatch for {artifact.name}: {actual[:12]}...")
    model = joblib.load(artifact)
    # 3. Contract check: the model expects the columns the metadata promises.
    if list(model.feature_names_in_) != metadata["feature_names"]:
        raise ArtifactError("feature names differ from the metadata")
    return model, metadata


loaded, meta = load_artifact(sidecar)
same = np.array_equal(loaded.predict_proba(X_test), pipeline.predict_proba(X_test))
assert same, "round-trip changed predictions"
print(
    f"loaded {meta['name']} {meta['version']}: identical predictions on {len(X_test)} rows"
)


def expect_refusal(label: str, path: Path) -> None:
    try:
        load_artifact(path)
    except ArtifactError as err:
        print(f"{label:<20} refused: {err}")
    else:
        raise AssertionError(f"{label}: a bad artifact was loaded")


# A sidecar claiming an older scikit-learn must be refused.
old = dict(meta, sklearn_version="1.2.2")
stale = registry / "stale.json"
stale.write_text(json.dumps(old))
expect_refusal("version mismatch", stale)

# An artifact whose bytes changed after the build must be refused too.
tampered = registry / "tampered.joblib"
tampered.write_bytes((registry / meta["artifact_file"]).read_bytes() + b"\x00")
bad = registry / "tampered.json"
bad.write_text(json.dumps(dict(meta, artifact_file=tampered.name)))
expect_refusal("corrupted artifact", bad)
workdir.cleanup()
# --8<-- [end:load-and-verify]
