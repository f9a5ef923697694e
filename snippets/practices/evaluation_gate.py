# /// snippet
# timeout = 90
# ///
"""An evaluation gate CI can run: exit 0 only when the challenger clears the margin.

As a command (what the workflow runs, from the repository root):

    python -m snippets.practices.evaluation_gate --holdout holdout.csv \\
        --champion champion.csv --challenger challenger.csv --margin 0.005

Run with no arguments, it demonstrates itself on a worse, a tied and a better challenger.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from snippets.skills.evaluation.model_comparison import decide, paired_difference

# --8<-- [start:cli]
PROMOTE, BLOCK, BAD_INPUT = (
    0,
    1,
    2,
)  # exit statuses: CI fails the check on anything but 0


def roc_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC from ranks (the Mann-Whitney U statistic): the chance that a random
    positive row outranks a random negative one. Same number as scikit-learn's
    roc_auc_score, without its input checks, which dominate 2,000 bootstrap calls."""
    ranks = rankdata(scores)  # ties get the average rank, as in roc_auc_score
    positives = y == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


class BadInput(Exception):
    pass


def read_scores(path: Path, column: str) -> pd.DataFrame:
    """Read `id` and `column` from a CSV; any problem names the file and what to fix."""
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise BadInput(f"{path}: file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: not a readable CSV ({e})") from None
    missing = {"id", column} - set(frame.columns)
    if missing:
        raise BadInput(
            f"{path}: missing column(s) {sorted(missing)}; found {list(frame)}"
        )
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame.index[values.isna() | ~np.isfinite(values)]
    if len(bad):
        raise BadInput(
            f"{path} line {bad[0] + 2}: {column} must be a finite number "
            f"({len(bad)} bad row(s) in all)"  # +2: the header, and lines count from 1
        )
    if frame["id"].duplicated().any():
        raise BadInput(
            f"{path}: duplicate id {frame['id'][frame['id'].duplicated()].iloc[0]}"
        )
    return frame.assign(**{column: values})[["id", column]]


def load(args) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    holdout = read_scores(args.holdout, "label")
    if not set(holdout["label"].unique()) <= {0, 1}:
        raise BadInput(f"{args.holdout}: label must be 0 or 1")
    if holdout["label"].nunique() < 2:
        raise BadInput(f"{args.holdout}: needs both labels, 0 and 1, for a ROC AUC")
    merged = holdout
    for name, path in (("champion", args.champion), ("challenger", args.challenger)):
        scores = read_scores(path, "score").rename(columns={"score": name})
        unscored = len(set(holdout["id"]) - set(scores["id"]))
        if unscored:
            raise BadInput(
                f"{path}: {unscored} held-out id(s) have no score; score them all"
            )
        merged = merged.merge(scores, on="id", how="left")
    return (merged[c].to_numpy() for c in ("label", "champion", "challenger"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", type=Path, required=True, help="CSV: id,label")
    parser.add_argument("--champion", type=Path, required=True, help="CSV: id,score")
    parser.add_argument("--challenger", type=Path, required=True, help="CSV: id,score")
    parser.add_argument(
        "--margin",
        type=float,
        required=True,
        help="smallest ROC AUC gain worth a release",
    )
    args = parser.parse_args(argv)
    try:
        y, champion, challenger = load(args)
    except BadInput as problem:
        print(f"gate: bad input: {problem}", file=sys.stderr)
        return BAD_INPUT
    # Both models scored the same held-out rows: a paired interval on the difference.
    difference = paired_difference(
        roc_auc, y, champion, challenger, name="ROC AUC", resamples=1000, seed=0
    )
    decision = decide(difference, args.margin)
    print(difference)
    print(decision)
    return PROMOTE if decision.verdict == "promote" else BLOCK


if __name__ == "__main__" and len(sys.argv) > 1:  # called as a command: be the gate
    sys.exit(main())
# --8<-- [end:cli]


# --8<-- [start:demo]
# The demo: a held-out set, the champion's scores and three challengers, written as the
# training job would write them, then the gate run on each exactly as CI runs it.
rng = np.random.default_rng(17)
n = 2_000
signal = rng.normal(size=n)
label = (rng.random(n) < 1 / (1 + np.exp(-1.5 * signal))).astype(int)


def model_scores(noise: float, seed: int) -> np.ndarray:
    # A model sees the signal through its own noise: less noise, better ranking.
    return signal + np.random.default_rng(seed).normal(scale=noise, size=n)


workdir = Path(tempfile.mkdtemp(prefix="gate-"))
ids = [f"row-{i:05d}" for i in range(n)]
pd.DataFrame({"id": ids, "label": label}).to_csv(workdir / "holdout.csv", index=False)
challengers = {
    "worse": model_scores(1.4, seed=2),
    "tied": model_scores(1.0, seed=3),
    "better": model_scores(0.6, seed=4),
}
for name, scores in {"champion": model_scores(1.0, seed=1), **challengers}.items():
    pd.DataFrame({"id": ids, "score": scores}).to_csv(
        workdir / f"{name}.csv", index=False
    )
# A broken export: one score mangled into text by a hand edit.
broken = pd.read_csv(workdir / "better.csv").astype({"score": object})
broken.loc[41, "score"] = "0.7O"
broken.to_csv(workdir / "broken.csv", index=False)

MARGIN = 0.005  # fixed before looking, and kept in the workflow file, under review
repo_root = Path.cwd()
statuses, outputs = {}, {}
for name in [*challengers, "broken"]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snippets.practices.evaluation_gate",
            "--holdout",
            "holdout.csv",
            "--champion",
            "champion.csv",
            "--challenger",
            f"{name}.csv",
            "--margin",
            str(MARGIN),
        ],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(repo_root)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    statuses[name] = run.returncode
    outputs[name] = run.stdout + run.stderr
    print(f"$ python -m snippets.practices.evaluation_gate ... --challenger {name}.csv")
    print((run.stdout + run.stderr).strip())
    print(f"exit status {run.returncode}\n")

# What the page says of this output, checked on every build:
from sklearn.metrics import roc_auc_score  # noqa: E402  (the reference implementation)

assert np.isclose(
    roc_auc(label, challengers["better"]), roc_auc_score(label, challengers["better"])
)
assert statuses == {"worse": 1, "tied": 1, "better": 0, "broken": 2}, statuses
assert "KEEP: the whole interval falls short" in outputs["worse"]
assert "TIE: the interval straddles" in outputs["tied"] and "rows" in outputs["tied"]
assert "broken.csv line 43" in outputs["broken"]  # names the file and the line
shutil.rmtree(workdir)
# --8<-- [end:demo]
