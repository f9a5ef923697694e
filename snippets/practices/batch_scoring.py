"""Score a large file in chunks with a persisted pipeline, as an idempotent batch job.

Backend analogy: a nightly job or backfill. It reads a snapshot, writes partitioned output
whose location is derived from its inputs, and can be re-run safely after a crash.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# --8<-- [start:setup]
# Setup: train and persist a model, and write a 50,000-row input snapshot.
FEATURES = ["income", "loan_amount", "credit_score", "home_ownership"]


def make_applications(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "application_id": [f"app-{seed}-{i:06d}" for i in range(n)],
            "income": rng.lognormal(11.0, 0.4, n).round(0),
            "loan_amount": rng.uniform(2_000, 60_000, n).round(0),
            "credit_score": rng.integers(300, 851, n),
            "home_ownership": rng.choice(["rent", "own", "mortgage"], n),
        }
    )


train = make_applications(3_000, seed=1)
logit = (train["credit_score"] - 600) / 60 + 1.2 * np.log(
    train["income"] / train["loan_amount"]
)
labels = (
    np.random.default_rng(2).random(len(train)) < 1 / (1 + np.exp(-logit + 2))
).astype(int)
pipeline = Pipeline(
    [
        (
            "prep",
            ColumnTransformer(
                [
                    ("num", StandardScaler(), FEATURES[:3]),
                    ("cat", OneHotEncoder(handle_unknown="ignore"), ["home_ownership"]),
                ]
            ),
        ),
        ("model", LogisticRegression(max_iter=1_000)),
    ]
).fit(train[FEATURES], labels)

workdir = tempfile.TemporaryDirectory()
root = Path(workdir.name)
joblib.dump(pipeline, root / "loan-approval-1.4.0.joblib")
(root / "input").mkdir()
make_applications(50_000, seed=42).to_csv(
    root / "input" / "applications.csv", index=False
)
# --8<-- [end:setup]


# --8<-- [start:score]
CHUNK_ROWS = (
    12_000  # bounded memory: the job never holds the whole file's features at once
)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_batch(root: Path, model_file: str, input_file: str) -> Path:
    model = joblib.load(root / model_file)
    source = root / input_file
    # The output location is a pure function of (model, input snapshot). Re-running the job
    # overwrites the same partitions with the same bytes: idempotent, safe to retry.
    out_dir = (
        root
        / "scores"
        / f"model={Path(model_file).stem}"
        / f"input={file_sha256(source)[:12]}"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    reader = pd.read_csv(
        source, chunksize=CHUNK_ROWS, dtype={"home_ownership": "string"}
    )
    for part, chunk in enumerate(reader):
        scored = pd.DataFrame(
            {
                "application_id": chunk["application_id"],
                "score": model.predict_proba(chunk[FEATURES])[:, 1],
            }
        )
        final = out_dir / f"part-{part:05d}.csv"
        tmp = final.with_suffix(".tmp")
        # Write-then-rename: a crash mid-write never leaves a half-written partition that a
        # downstream reader could mistake for a complete one.
        scored.to_csv(tmp, index=False, float_format="%.6f")
        os.replace(tmp, final)
    (
        out_dir / "_SUCCESS"
    ).touch()  # marker downstream jobs wait for, as in Hadoop/Spark
    return out_dir


def output_checksum(out_dir: Path) -> str:
    digest = hashlib.sha256()
    for part in sorted(out_dir.glob("part-*.csv")):
        digest.update(part.read_bytes())
    return digest.hexdigest()


out_dir = run_batch(root, "loan-approval-1.4.0.joblib", "input/applications.csv")
parts = sorted(out_dir.glob("part-*.csv"))
scores = pd.concat(pd.read_csv(p) for p in parts)
source = pd.read_csv(root / "input" / "applications.csv")
assert len(scores) == len(source) and scores["application_id"].is_unique
# Chunking is an implementation detail: it must not change a single score.
one_pass = pipeline.predict_proba(source[FEATURES])[:, 1]
assert np.allclose(scores["score"].to_numpy(), one_pass, atol=1e-6)

print("output:", out_dir.relative_to(root))
print(f"rows in: {len(source):,}  rows out: {len(scores):,}  partitions: {len(parts)}")
print(f"approval rate at 0.5: {(scores['score'] >= 0.5).mean():.3f}")
print("score quantiles:")
print(scores["score"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).round(3).to_string())
first = output_checksum(out_dir)
print("output sha256:", first[:16])

# Retry the whole job (as a scheduler would after a failure): same location, same bytes.
again = run_batch(root, "loan-approval-1.4.0.joblib", "input/applications.csv")
assert again == out_dir and output_checksum(again) == first
print(
    "re-run: identical output, no duplicates ->",
    len(list(again.glob("part-*.csv"))),
    "parts",
)

# What the page says of this output, checked on every build:
# rows in = rows out, each application exactly once
assert len(scores) == len(source) and scores["application_id"].is_unique
assert set(scores["application_id"]) == set(source["application_id"])
assert len(parts) == -(-len(source) // CHUNK_ROWS)  # one partition per chunk
assert not list(out_dir.glob("*.tmp")) and (out_dir / "_SUCCESS").exists()
assert again == out_dir and output_checksum(again) == first  # rerun: same place, bytes
assert sorted(again.glob("part-*.csv")) == parts  # and no extra partitions
workdir.cleanup()
# --8<-- [end:score]
