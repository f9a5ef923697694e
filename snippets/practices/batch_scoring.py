"""Score a large file in chunks with a persisted pipeline, as an idempotent batch job.

Backend analogy: a nightly job or backfill. It reads a snapshot, writes partitioned output
whose location is derived from its inputs, and can be re-run safely after a crash.

Run from the repo root: python -m snippets.practices.batch_scoring
"""

import contextlib
import fcntl
import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# The signing and verifying loader shown on the same page. Importing it runs that example,
# whose output belongs to its own section, not to this one.
with contextlib.redirect_stdout(io.StringIO()):
    from snippets.practices.persist_pipeline import load_artifact, save_artifact
from snippets.practices.release_signing import verify_key

# --8<-- [start:setup]
# Setup: train a model, sign and store it as CI would (persist_pipeline.py), and write a
# 50,000-row input snapshot.
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
(root / "registry").mkdir()
save_artifact(
    pipeline,
    root / "registry",
    "loan-approval",
    "1.4.0",
    X=train[FEATURES],
    y=labels,
    metrics={},
    git_sha="abc1234",
)
(root / "input").mkdir()
make_applications(50_000, seed=42).to_csv(
    root / "input" / "applications.csv", index=False
)
# --8<-- [end:setup]


# --8<-- [start:score]
# Bounded memory: the job never holds the whole file's features at once.
CHUNK_ROWS = 12_000


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_batch(root: Path, name: str, version: str, input_file: str) -> Path:
    # Verify before unpickling, with the loader from the same page: a batch host runs a
    # tampered pickle's code just as a server would.
    model, metadata = load_artifact(root / "registry", name, version, verify_key())
    source = root / input_file
    # The output location is a pure function of (model bytes, input snapshot): the
    # artefact's signed SHA-256, not a file name that could be reused for another build.
    model_key = f"{name}-{version}-{metadata['artifact_sha256'][:12]}"
    input_key = file_sha256(source)[:12]
    out_dir = root / "scores" / f"model={model_key}" / f"input={input_key}"
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # One run per output at a time. A second run of the same output (a scheduler's
    # retry while the first still runs, an overlapping backfill) waits here, then does
    # the same work again: the staging and previous folders below belong to the output,
    # not to a run. The kernel drops the lock when the file closes, even on a crash.
    with out_dir.with_name(f"{out_dir.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        write_output(model, source, out_dir)
    return out_dir


def write_output(model, source: Path, out_dir: Path) -> None:
    # Write everything into a staging directory, then rename it into place. A reader sees
    # the old complete output, for a moment none, then the new one: never a mix of the two.
    # A crash leaves only staging (or .previous) behind, which the next run deletes first.
    staging = out_dir.with_name(f"{out_dir.name}.staging")
    previous = out_dir.with_name(f"{out_dir.name}.previous")
    for leftover in (staging, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    staging.mkdir(parents=True)
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
        part_file = staging / f"part-{part:05d}.csv"
        scored.to_csv(part_file, index=False, float_format="%.6f")
    # Last: the marker downstream jobs wait for, as in Hadoop/Spark.
    (staging / "_SUCCESS").touch()
    # A rerun replaces the previous output whole, so no stale partition survives.
    if out_dir.exists():
        os.replace(out_dir, previous)
    os.replace(staging, out_dir)
    shutil.rmtree(previous, ignore_errors=True)


def output_checksum(out_dir: Path) -> str:
    """SHA-256 of the scored rows, in order, without each partition's header line."""
    digest = hashlib.sha256()
    for part in sorted(out_dir.glob("part-*.csv")):
        digest.update(part.read_bytes().split(b"\n", 1)[1])
    return digest.hexdigest()


out_dir = run_batch(root, "loan-approval", "1.4.0", "input/applications.csv")
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
print("scored rows sha256:", first[:16])

# Retry the whole job (as a scheduler would after a failure): same location, same bytes.
again = run_batch(root, "loan-approval", "1.4.0", "input/applications.csv")
again_parts = sorted(again.glob("part-*.csv"))
same = again == out_dir and output_checksum(again) == first
print(f"re-run: same place and same rows: {same}, partitions: {len(again_parts)}")
# A rerun with bigger chunks writes fewer partitions; none of the old five may survive.
CHUNK_ROWS = 20_000
bigger = run_batch(root, "loan-approval", "1.4.0", "input/applications.csv")
bigger_files = sorted(p.name for p in bigger.iterdir())
same = bigger == out_dir and output_checksum(bigger) == first
print(f"re-run with {CHUNK_ROWS:,}-row chunks: same place and same rows: {same}")
print("  files:", ", ".join(bigger_files))
siblings = sorted(p.name for p in out_dir.parent.iterdir())
print("  next to it:", ", ".join(siblings))

# What the page says of this output, checked on every build:
# rows in = rows out, each application exactly once
assert len(scores) == len(source) and scores["application_id"].is_unique
assert set(scores["application_id"]) == set(source["application_id"])
assert len(parts) == -(-len(source) // 12_000) == 5  # one partition per chunk
assert (out_dir / "_SUCCESS").exists()
assert again == out_dir and output_checksum(again) == first  # rerun: same place, bytes
assert again_parts == parts  # and no extra partitions
assert bigger == out_dir and output_checksum(bigger) == first
parts_3 = [f"part-0000{i}.csv" for i in range(3)]
assert bigger_files == ["_SUCCESS", *parts_3], bigger_files  # no stale part survived
lock_file = f"{out_dir.name}.lock"
assert siblings == [out_dir.name, lock_file], siblings  # no staging folder left behind
workdir.cleanup()
# --8<-- [end:score]
