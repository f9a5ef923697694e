# /// snippet
# timeout = 60
# ///
"""Shadow deployment: the candidate sees real traffic, but only the live model answers.

Backend analogy: a dark launch. New code runs on production requests, its results are
logged and compared, and users never see them until the numbers say switching is safe.

The trap this simulation keeps: a lender learns whether a loan was repaid only for loans
it made. Applicants the live model refuses never get a label (selective labels), and
they are exactly where a better model differs most.

Run from the repo root: python -m snippets.practices.shadow_deployment
"""

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from snippets.skills.evaluation.model_comparison import decide, paired_difference

# --8<-- [start:setup]
# Setup: a simulated lender. The world decides who repays; the lender sees features,
# and learns the outcome of a loan only if it made the loan.
rng = np.random.default_rng(17)
# One thread per model call. Row-at-a-time scoring gains nothing from OpenMP, and on a
# small box the thread start-up per call costs more than the maths (the same reason you
# cap BLAS/OpenMP threads per worker process in a serving fleet).
threadpool_limits(1)


def applicants(n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """n applications, and whether each applicant would repay (the hidden truth)."""
    thin = rng.random(n) < 0.4  # "thin file": too little credit history to score well
    df = pd.DataFrame(
        {
            "income": rng.lognormal(11.0, 0.4, n),
            "debt_to_income": rng.uniform(0, 0.8, n),
            # A thin file gets a low bureau score that says little about the person.
            "credit_score": np.where(
                thin, rng.normal(585, 35, n), rng.normal(700, 50, n)
            ).clip(300, 850),
            "thin_file": thin.astype(int),
            "rent_on_time": rng.beta(
                6, 2, n
            ),  # share of rent paid on time (new source)
        }
    )
    df["dti_over_45"] = (df["debt_to_income"] > 0.45).astype(int)
    # Repayment collapses past 45% debt-to-income. With a thick file the credit score
    # predicts the rest; with a thin file, the rent record does.
    cliff = 2.5 * df["dti_over_45"]
    thick = 1.6 + 3 * (df["credit_score"] - 700) / 100 - cliff
    thin_ = 1.0 + 14 * (df["rent_on_time"] - 0.75) - cliff
    logit = np.where(thin, thin_, thick)
    repaid = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return df, repaid


LIVE_FEATURES = ["income", "dti_over_45", "credit_score"]
CANDIDATE_FEATURES = [
    "income",
    "debt_to_income",
    "credit_score",
    "thin_file",
    "rent_on_time",
]
LIVE_CUTOFF = 0.7  # approve when the live model gives P(repay) >= 0.7
EXPLORE = 0.05  # the live policy also approves 5% of would-be refusals, at random

# The live model was trained years ago on the loans an older rule made (credit score >=
# 620), with the features of the time: nothing tells it that a file is thin.
old, old_repaid = applicants(12_000)
made = old["credit_score"].to_numpy() >= 620
live_model = make_pipeline(StandardScaler(), LogisticRegression()).fit(
    old[LIVE_FEATURES].to_numpy()[made], old_repaid[made]
)

# Last year under the live policy: labels exist for approved loans and the exploration
# slice only. The candidate learns from those, each weighted by 1 / P(loan was made).
last_year, last_year_repaid = applicants(20_000)
p_live = live_model.predict_proba(last_year[LIVE_FEATURES].to_numpy())[:, 1]
approved = p_live >= LIVE_CUTOFF
explored = ~approved & (rng.random(len(last_year)) < EXPLORE)
made = approved | explored
# What the page says of this policy, checked on every build: it refuses almost every
# thin file.
assert approved[last_year["thin_file"] == 1].mean() < 0.05
candidate_model = HistGradientBoostingClassifier(max_iter=60, random_state=0).fit(
    last_year[CANDIDATE_FEATURES].to_numpy()[made],
    last_year_repaid[made],
    sample_weight=np.where(approved, 1.0, 1 / EXPLORE)[made],
)
# The candidate approves as many applicants as the live model did last year, so a swap
# changes WHO gets a loan, not how many (the cut-off needs scores only, no labels).
p_candidate = candidate_model.predict_proba(last_year[CANDIDATE_FEATURES].to_numpy())
CANDIDATE_CUTOFF = float(np.quantile(p_candidate[:, 1], 1 - approved.mean()))

# Production requests. _TRUTH belongs to the simulated world: the lender reads it only
# through loan_book_labels() below, which returns the outcomes of loans it made.
traffic, _TRUTH = applicants(4_000)
# --8<-- [end:setup]


# --8<-- [start:shadow]
explore_rng = np.random.default_rng(7)  # the exploration draw, logged with its odds
shadow_log: list[dict] = []


def features(payload: dict, names: list[str]) -> np.ndarray:
    return np.array([[payload[name] for name in names]])


def handle(request_id: int, payload: dict) -> bool:
    live = float(live_model.predict_proba(features(payload, LIVE_FEATURES))[0, 1])
    # The live policy: approve above the cut-off; below it, approve a random 5% anyway
    # and log the chance the loan had of being made (1 above the cut-off).
    if live >= LIVE_CUTOFF:
        fund, p_fund = True, 1.0
    else:
        fund, p_fund = bool(explore_rng.random() < EXPLORE), EXPLORE
    try:
        # In production this runs off the request path (a queue or a mirrored request),
        # with its own timeout, so a slow or broken candidate cannot hurt the live SLO.
        x = features(payload, CANDIDATE_FEATURES)
        shadow, error = float(candidate_model.predict_proba(x)[0, 1]), None
    except Exception as exc:  # a shadow failure is data, not an outage
        shadow, error = None, type(exc).__name__
    shadow_log.append(
        {
            "request_id": request_id,
            "live": live,
            "shadow": shadow,
            "error": error,
            "funded": fund,
            "p_funded": p_fund,
        }
    )
    return fund  # the only thing the caller ever sees


for i, payload in enumerate(traffic.to_dict("records")):
    handle(i, payload)

log = pd.DataFrame(shadow_log)
# A refusal the candidate would approve, an approved loan, and an exploration loan:
print(log.iloc[[3, 4, 10]].round(3).to_string(index=False))
print()

# Gates that need no labels, fixed in the rollout plan before the shadow started.
live_yes = (log["live"] >= LIVE_CUTOFF).to_numpy()
shadow_yes = (log["shadow"] >= CANDIDATE_CUTOFF).to_numpy()
errors = int(log["error"].notna().sum())
same = binomtest(int((live_yes == shadow_yes).sum()), len(log))
agreement = same.proportion_ci(confidence_level=0.95)
approval_move = paired_difference(
    lambda _, approve: np.mean(approve),  # approval rate; no labels needed
    np.zeros(len(log)),
    live_yes,
    shadow_yes,
    name="approval rate",
)
print(f"requests {len(log):,}, shadow errors {errors}")
print(
    f"decision agreement {same.statistic:.3f} "
    f"(95% CI {agreement.low:.3f} to {agreement.high:.3f})"
)
print(approval_move)
gates = {
    "no shadow errors": errors == 0,
    "agreement >= 70% (whole interval)": agreement.low >= 0.70,
    "approval rate moves < 5 pts (whole interval)": (
        -0.05 < approval_move.low and approval_move.high < 0.05
    ),
}
for name, passed in gates.items():
    print(f"[{'x' if passed else ' '}] {name}")

# What the page says of this output, checked on every build:
assert all(gates.values())
assert 0.75 < same.statistic < 0.85  # same decision on about four requests in five
assert -0.02 < approval_move.low and approval_move.high < 0.02  # within 2 points
# --8<-- [end:shadow]


# --8<-- [start:labels]
def loan_book_labels(log: pd.DataFrame) -> pd.Series:
    """Months later: repayment outcomes, which exist for loans that were made, only."""
    made = log.loc[log["funded"], "request_id"].to_numpy()
    return pd.Series(_TRUTH[made], index=made, name="repaid")


labelled = log.join(loan_book_labels(log), on="request_id")
refused = ~labelled["funded"]
assert labelled.loc[refused, "repaid"].isna().all()  # a refusal never gets a label

rows = labelled[labelled["funded"]]
weight = 1 / rows["p_funded"].to_numpy()  # an explored loan stands for 1/0.05 = 20
y = rows["repaid"].to_numpy().astype(int)
print(
    f"labelled loans: {len(rows):,} of {len(log):,} requests "
    f"({int((rows['p_funded'] < 1).sum())} from the exploration slice)"
)


def roc_auc(y: np.ndarray, scores: np.ndarray, w: np.ndarray | None = None) -> float:
    """ROC AUC, each row counting w times: the chance that a repaid loan outscores a
    defaulted one, a tie counting half. Same number as sklearn's roc_auc_score(y,
    scores, sample_weight=w), without its input checks, which dominate 2,000 calls."""
    w = np.ones(len(y)) if w is None else w
    repaid, defaulted = y == 1, y == 0
    order = np.argsort(scores[defaulted])
    cut, weight_below = scores[defaulted][order], np.cumsum(w[defaulted][order])
    weight_below = np.concatenate([[0.0], weight_below])  # [i]: the i lowest defaults
    lower = weight_below[np.searchsorted(cut, scores[repaid], side="left")]
    lower_or_tied = weight_below[np.searchsorted(cut, scores[repaid], side="right")]
    wins = (lower + lower_or_tied) / 2  # defaulted weight each repaid loan outscores
    return float(w[repaid] @ wins / (w[repaid].sum() * w[defaulted].sum()))


def weighted_auc(row_ids: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC with each loan weighted by 1 / P(it was made): the bootstrap resamples
    row ids, and the metric looks up each row's label and weight."""
    ids = row_ids.astype(int)
    return roc_auc(y[ids], scores, weight[ids])


auc = paired_difference(
    weighted_auc,
    np.arange(len(rows)),
    rows["live"].to_numpy(),
    rows["shadow"].to_numpy(),
    name="ROC AUC, weighted",
)
MARGIN = 0.01  # the smallest AUC gain worth a release, fixed before looking
verdict = decide(auc, MARGIN)
print(auc)
print(verdict)
auc_gate = verdict.verdict == "promote"
gates["AUC gain >= 0.01 (whole interval)"] = auc_gate
print(f"[{'x' if auc_gate else ' '}] AUC gain >= 0.01 (whole interval)")
decision = "PROMOTE TO CANARY" if all(gates.values()) else "KEEP THE LIVE MODEL"
print(f"decision ({sum(gates.values())} of {len(gates)} gates pass): {decision}")

# What the page says of this output, checked on every build:
assert verdict.verdict == "promote" and decision == "PROMOTE TO CANARY"
# ...and roc_auc is scikit-learn's weighted ROC AUC, checked against it on both models:
for model in ("live", "shadow"):
    reference = roc_auc_score(y, rows[model], sample_weight=weight)
    assert np.isclose(roc_auc(y, rows[model].to_numpy(), weight), reference)
# --8<-- [end:labels]


# --8<-- [start:selective-labels]
# Naive: the same comparison on the loans the live model approved, without the slice.
approved_only = rows[rows["p_funded"] == 1]
naive = paired_difference(
    roc_auc,
    approved_only["repaid"].to_numpy().astype(int),
    approved_only["live"].to_numpy(),
    approved_only["shadow"].to_numpy(),
    name="ROC AUC, approved only",
)
print(naive)
print(decide(naive, MARGIN))

# Simulation only: the outcome of EVERY applicant, which production never sees.
truth = roc_auc_score(_TRUTH, log["shadow"]) - roc_auc_score(_TRUTH, log["live"])
print(f"ROC AUC difference on everyone (simulation only): {truth:+.4f}")

# Where the two models disagree, and what the lender can know about it.
swap_in = ~live_yes & shadow_yes  # the candidate would lend, the live model refuses
explored = (log["p_funded"] < 1) & log["funded"]
defaults = 1 - rows.groupby(rows["p_funded"] < 1)["repaid"].mean()
print(
    f"swap-ins: {swap_in.sum():,} applicants the candidate would approve and the live"
    f" model refuses; {int((swap_in & explored).sum())} have a label"
)
print(
    f"cost of the slice: {int(explored.sum())} loans the live model refused, "
    f"{defaults[True]:.0%} defaulted (approved loans: {defaults[False]:.0%})"
)

# What the page says of this output, checked on every build:
assert decide(naive, MARGIN).verdict == "keep"  # approved-only says: keep the old model
assert truth > 0.05  # ...while on everyone the candidate is far better
assert auc.low <= truth <= auc.high  # the weighted estimate covers the truth
assert naive.high < truth  # the approved-only interval misses it entirely
assert (swap_in & explored).sum() < 0.1 * swap_in.sum()  # few swap-ins have labels
assert not (swap_in & log["funded"] & ~explored).any()  # ...all from the slice
assert auc.high - auc.low > 2 * (naive.high - naive.low)  # the slice's price: width
assert defaults[True] > 2 * defaults[False]  # exploration loans default far more often
# --8<-- [end:selective-labels]
