# /// snippet
# timeout = 30
# ///
"""Unpickling runs code; skops loads only reviewed types; a signature proves CI built it."""

import shutil
import tempfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import skops.io as sio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from snippets.practices.release_signing import sign, verify

workdir = tempfile.TemporaryDirectory()
store = Path(workdir.name)  # stands in for the artefact bucket

# --8<-- [start:pickle-runs-code]
marker = store / "code-ran-during-load.txt"


class Payload:
    # pickle asks an object how to rebuild itself; the answer is "call this function with
    # these arguments", and the loader obeys. A real payload would name os.system; this
    # one names Path.write_text, so all it does is leave a note.
    def __reduce__(self):
        return (Path.write_text, (marker, "code ran inside joblib.load"))


joblib.dump({"model": "looks like a model", "extra": Payload()}, store / "model.joblib")
print("note exists before load:", marker.exists())
loaded = joblib.load(store / "model.joblib")
print("note exists after load: ", marker.exists(), "-", marker.read_text())

# What the page says of this output, checked on every build:
assert marker.read_text() == "code ran inside joblib.load"  # loading alone ran it
marker.unlink()
# --8<-- [end:pickle-runs-code]


# --8<-- [start:skops-audit]
rng = np.random.default_rng(5)
n = 1_000
X = pd.DataFrame(
    {
        "income": rng.lognormal(11.0, 0.4, n).round(0),
        "loan_amount": rng.uniform(2_000, 60_000, n).round(0),
        "home_ownership": rng.choice(["rent", "own", "mortgage"], n),
    }
)
y = (np.log(X["income"] / X["loan_amount"]) + rng.normal(0, 0.5, n) > 1.2).astype(int)


def loan_pipeline(estimator) -> Pipeline:
    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), ["income", "loan_amount"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["home_ownership"]),
        ]
    )
    return Pipeline([("prep", prep), ("model", estimator)]).fit(X, y)


model = loan_pipeline(HistGradientBoostingClassifier(max_iter=30, random_state=0))
sio.dump(model, store / "model.skops")

# 1. The payload again, this time in skops' format: the loader refuses it.
sio.dump({"extra": Payload()}, store / "payload.skops")
try:
    sio.load(store / "payload.skops")
    payload_refusal = ""
except sio.exceptions.UntrustedTypesFoundException as refused:
    payload_refusal = str(refused)
    print("payload.skops:", payload_refusal)

# 2. The real model: list the types skops does not trust by default, before loading.
unknown = sio.get_untrusted_types(file=store / "model.skops")
print("model.skops needs review for:", unknown)

# 3. A reviewer checks each name (here: scikit-learn's own tree predictor) and commits
#    the list to the repository, next to the code that loads the model.
REVIEWED_TYPES = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]
served = sio.load(store / "model.skops", trusted=REVIEWED_TYPES)
same = np.array_equal(served.predict_proba(X), model.predict_proba(X))
print("loaded with the reviewed list; same predictions as before saving:", same)

# What the page says of this output, checked on every build:
assert "Payload" in payload_refusal  # refused, naming the type
assert not marker.exists()  # skops never called Path.write_text
assert unknown == REVIEWED_TYPES and same
# --8<-- [end:skops-audit]


# --8<-- [start:signed-and-audited]
# CI signs with the private key, which stays in its secrets store; the servers verify with
# the public key, from their configuration, and cannot sign (release_signing.py reads both
# from the environment). One process plays both parts here.
CI_KEY = Ed25519PrivateKey.generate()
SERVER_KEY = CI_KEY.public_key()


def model_file(name: str, version: str) -> Path:
    return store / f"{name}-{version}.skops"


def publish(model, name: str, version: str) -> None:  # CI, after the evaluation gate
    path = model_file(name, version)
    sio.dump(model, path)
    # Name and version are signed with the bytes: "this is loan-approval 1.4.0".
    signature = sign(CI_KEY, name, version, path.read_bytes())
    path.with_name(path.name + ".sig").write_text(signature + "\n")


class ArtifactError(Exception):
    pass


def load_model(name: str, version: str, trusted: list[str]):
    """Verify who signed which release, then which types it holds, and only then load.

    name and version come from the deployment's configuration, never from the file.
    """
    path = model_file(name, version)
    blob = path.read_bytes()  # read once: check and load the same bytes
    sig_file = path.with_name(path.name + ".sig")
    signature = sig_file.read_text() if sig_file.exists() else ""
    if not verify(SERVER_KEY, name, version, blob, signature):
        raise ArtifactError(
            f"{name} {version}: signature does not verify as this release"
        )
    unreviewed = sorted(set(sio.get_untrusted_types(data=blob)) - set(trusted))
    if unreviewed:
        raise ArtifactError(f"{name} {version}: types nobody reviewed: {unreviewed}")
    return sio.loads(blob, trusted=trusted)


# 1.3.0 was rolled back for a defect; 1.4.0, the model above, is the one to serve.
publish(loan_pipeline(LogisticRegression()), "loan-approval", "1.3.0")
publish(model, "loan-approval", "1.4.0")
served = load_model("loan-approval", "1.4.0", REVIEWED_TYPES)
print("signed, audited, loaded loan-approval 1.4.0:", type(served[-1]).__name__)

# What the page says of this output, checked on every build:
assert np.array_equal(served.predict_proba(X), model.predict_proba(X))
# --8<-- [end:signed-and-audited]


# --8<-- [start:what-skops-misses]
# Someone with write access to the bucket swaps in a model of their own: a perfectly
# ordinary scikit-learn pipeline that approves more loans. Every type in it is one skops
# trusts by default, so skops alone loads it without a word.
current = model_file("loan-approval", "1.4.0")
swapped = loan_pipeline(LogisticRegression(class_weight={0: 1, 1: 5}))
sio.dump(swapped, current)  # same name, old .sig left in place
swapped_untrusted = sio.get_untrusted_types(file=current)
print("types to review in the swapped file:", swapped_untrusted)
rate = sio.load(current).predict(X).mean()
print(
    f"skops.io.load accepts it; approval rate {rate:.2f} vs {model.predict(X).mean():.2f}"
)


def refusal_of(name: str, version: str) -> str:
    """Why load_model refuses this release, or "" when it loads."""
    try:
        load_model(name, version, REVIEWED_TYPES)
    except ArtifactError as refused:
        return str(refused)
    return ""


refusal = refusal_of("loan-approval", "1.4.0")
print("load_model:", refusal or "loaded")

# Or they put back the genuine, signed 1.3.0 under 1.4.0's names: a replay. File and
# signature are CI's own and match each other as 1.3.0, and skops finds nothing to review.
older = model_file("loan-approval", "1.3.0")
shutil.copyfile(older, current)
shutil.copyfile(f"{older}.sig", f"{current}.sig")
replay_untrusted = sio.get_untrusted_types(file=current)
replay_genuine = verify(
    SERVER_KEY,
    "loan-approval",
    "1.3.0",
    current.read_bytes(),
    Path(f"{current}.sig").read_text(),
)
replay_refusal = refusal_of("loan-approval", "1.4.0")
print("1.3.0 copied over 1.4.0, load_model:", replay_refusal or "loaded")

# What the page says of this output, checked on every build:
assert swapped_untrusted == []
assert rate > 1.5 * model.predict(X).mean()  # "far more loans" approved
assert "signature does not verify" in refusal  # only the signature caught the swap
assert replay_genuine and replay_untrusted == []  # a valid 1.3.0 pair, no odd types
assert "signature does not verify" in replay_refusal  # signed as 1.3.0, not 1.4.0
workdir.cleanup()
# --8<-- [end:what-skops-misses]
