# /// snippet
# timeout = 40
# ///
"""Group fairness metrics for a loan-approval model in plain pandas and numpy, with
bootstrap intervals, and what moving per-group thresholds does to the other metrics.

Run from the repo root: python -m snippets.practices.fairness_metrics
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snippets.skills.evaluation.model_comparison import (
    independent_difference,
    paired_difference,
)

pd.set_option("display.width", 100)
pd.set_option("display.max_columns", 10)

# --8<-- [start:data]
# Loan applications over three quarters. "group" is a protected attribute (think ethnic
# origin): the model never sees it, but the postcode score, a neighbourhood index,
# is strongly correlated with it, and incomes differ between the groups, so the share
# of applicants who would repay (the base rate) differs too.
rng = np.random.default_rng(18)
N = 24_000
FEATURES = ["income_k", "debt_to_income", "years_of_history", "postcode_score"]


def applicants(n: int, rng: np.random.Generator) -> pd.DataFrame:
    group = np.where(rng.random(n) < 0.25, "B", "A")
    is_b = group == "B"
    income = np.exp(rng.normal(np.where(is_b, 3.3, 3.75), 0.4))  # thousands a year
    dti = rng.beta(2, 5, n) + 0.05 * is_b
    history = rng.gamma(2.0, np.where(is_b, 3.0, 4.0))
    postcode = rng.normal(np.where(is_b, 1.3, 0.0), 1.0)  # the proxy
    logit = (
        1.8 + 2.5 * np.log(income / 35) - 7.0 * dti + 0.08 * history - 0.15 * postcode
    )
    repays = rng.random(n) < 1 / (1 + np.exp(-logit))
    # The past process approved on a rule that leaned on the postcode. Outcomes exist
    # only for approved loans: a rejected applicant never gets the chance to repay.
    old_score = np.log(income / 35) - 2.0 * dti - 0.5 * postcode
    approved_before = old_score + rng.normal(0, 0.4, n) > -1.2
    return pd.DataFrame(
        {
            "group": group,
            "income_k": income.round(1),
            "debt_to_income": dti.round(3),
            "years_of_history": history.round(1),
            "postcode_score": postcode.round(2),
            "repays": np.where(approved_before, repays.astype(float), np.nan),
            "repays_truth": repays.astype(int),  # known only in a simulation
        }
    )


data = applicants(N, rng)
data["quarter"] = np.array(["Q1", "Q2", "Q3"])[np.arange(N) * 3 // N]
summary = data.groupby("group").agg(
    applicants=("repays_truth", "size"),
    base_rate_truth=("repays_truth", "mean"),
    share_with_outcome=("repays", lambda s: s.notna().mean()),
    base_rate_observed=("repays", "mean"),
)
print(summary.round(3))
proxy_auc = roc_auc_score(data["group"] == "B", data["postcode_score"])
print(f"postcode score alone separates group B from A with ROC AUC {proxy_auc:.2f}")

# What the page says of this output, checked on every build:
truth = summary["base_rate_truth"]
observed_share = summary["share_with_outcome"]
assert truth["A"] - truth["B"] > 0.05  # base rates differ between the groups
assert observed_share["B"] < observed_share["A"] - 0.15  # B's outcomes seen far less
assert proxy_auc > 0.8  # the proxy carries the protected attribute
# --8<-- [end:data]


# --8<-- [start:group-metrics]
# Train on Q1's labelled rows, without the protected attribute; evaluate on Q2's
# labelled rows (in real life those are the only outcomes you have). Approve when
# the predicted probability of repayment is at least 0.7: with the gain and loss in
# the thresholds section below, that is where approving starts to pay.
train = data[(data["quarter"] == "Q1") & data["repays"].notna()]
test = data[(data["quarter"] == "Q2") & data["repays"].notna()].copy()
model = make_pipeline(StandardScaler(), LogisticRegression())
model.fit(train[FEATURES], train["repays"].astype(int))
test["score"] = model.predict_proba(test[FEATURES])[:, 1]
test["y"] = test["repays"].astype(int)
THRESHOLD = 0.7
test["approve"] = (test["score"] >= THRESHOLD).astype(int)


def group_metrics(frame: pd.DataFrame, decision: str = "approve") -> pd.DataFrame:
    """One row per group: what fairlearn's MetricFrame(...).by_group would show."""
    rows = {}
    for name, g in frame.groupby("group"):
        d, y = g[decision], g["y"]
        rows[name] = {
            "n": len(g),
            "base_rate": y.mean(),
            "selection_rate": d.mean(),
            "tpr": d[y == 1].mean(),  # of those who repay, share approved
            "fpr": d[y == 0].mean(),  # of those who default, share approved
            "precision": y[d == 1].mean(),  # of those approved, share who repay
            "mean_score": g["score"].mean(),
        }
    return pd.DataFrame(rows).T


def disparities(by_group: pd.DataFrame) -> dict:
    sel, tpr, fpr = by_group["selection_rate"], by_group["tpr"], by_group["fpr"]
    return {
        "dp_difference": sel.max() - sel.min(),
        "dp_ratio": sel.min() / sel.max(),
        "eo_difference": max(tpr.max() - tpr.min(), fpr.max() - fpr.min()),
    }


by_group = group_metrics(test)
gaps = disparities(by_group)
print(by_group.astype({"n": int}).round(3))
print(", ".join(f"{name} {value:.3f}" for name, value in gaps.items()))

# What the page says of this output, checked on every build:
assert by_group.loc["B", "selection_rate"] < by_group.loc["A", "selection_rate"]
assert gaps["dp_ratio"] < 0.8  # B is approved at under four fifths of A's rate
assert by_group.loc["B", "tpr"] < by_group.loc["A", "tpr"]  # fewer good payers approved
# right on average in each group (calibration in the large): mean score ~ observed rate
assert (by_group["mean_score"] - by_group["base_rate"]).abs().max() < 0.03
# --8<-- [end:group-metrics]


# --8<-- [start:intervals]
# Q2 has a few hundred labelled rows from group B. Are the gaps real or noise? Each
# group is resampled on its own (different people), 1,000 times.
a, b = test[test["group"] == "A"], test[test["group"] == "B"]
selection_gap = independent_difference(
    np.mean, a["approve"], b["approve"], name="selection rate, B minus A"
)
tpr_gap = independent_difference(
    np.mean,
    a.loc[a["y"] == 1, "approve"],
    b.loc[b["y"] == 1, "approve"],
    name="true positive rate, B minus A",
)
print(selection_gap)
print(tpr_gap)

# The same TPR comparison on the first 60 labelled B applicants of the quarter,
# as a dashboard would show it after a week or two:
few_b = b.iloc[:60]
tpr_gap_few = independent_difference(
    np.mean,
    a.loc[a["y"] == 1, "approve"],
    few_b.loc[few_b["y"] == 1, "approve"],
    name="true positive rate, B minus A",
)
print("first 60 B rows:", tpr_gap_few)

# What the page says of this output, checked on every build:
assert selection_gap.high < 0 and tpr_gap.high < 0  # both gaps hold beyond noise
width = tpr_gap.high - tpr_gap.low
width_few = tpr_gap_few.high - tpr_gap_few.low
assert width_few > 2 * width  # a small group gives a much wider interval
# --8<-- [end:intervals]


# --8<-- [start:thresholds]
# Three policies. One threshold for everyone; per-group thresholds that equalise
# selection rates (demographic parity); per-group thresholds that equalise true
# positive rates (equal opportunity, half of equalised odds). The per-group thresholds
# are chosen on Q2's labelled rows and every policy is judged on Q3's, which none of
# them has seen: thresholds judged on the rows that chose them look better than they are.
# Using the protected attribute at decision time may itself be unlawful in some
# settings: this is an experiment, not a recommendation.
# The lender earns 3 on a repaid loan and loses 7 on a default, so approving pays
# when P(repay) >= 0.7: the single threshold above is the profit-maximising one.
GAIN, LOSS = 3.0, 7.0


def profit(y, approve) -> float:
    """Mean profit per applicant (a metric the comparison helper can resample)."""
    y, approve = np.asarray(y), np.asarray(approve)
    return float(np.mean(approve * np.where(y == 1, GAIN, -LOSS)))


def threshold_for_rate(scores: pd.Series, rate: float) -> float:
    return float(np.quantile(scores, 1 - rate))


target_rate = test["approve"].mean()
t_dp = {
    name: threshold_for_rate(g["score"], target_rate)
    for name, g in test.groupby("group")
}
target_tpr = test.loc[test["y"] == 1, "approve"].mean()
t_eop = {
    name: threshold_for_rate(g.loc[g["y"] == 1, "score"], target_tpr)
    for name, g in test.groupby("group")
}
later = data[(data["quarter"] == "Q3") & data["repays"].notna()].copy()
later["score"] = model.predict_proba(later[FEATURES])[:, 1]
later["y"] = later["repays"].astype(int)
later["approve"] = (later["score"] >= THRESHOLD).astype(int)
later["approve_dp"] = (later["score"] >= later["group"].map(t_dp)).astype(int)
later["approve_eop"] = (later["score"] >= later["group"].map(t_eop)).astype(int)

policies = {}
for label, column in [
    ("single threshold", "approve"),
    ("equal selection", "approve_dp"),
    ("equal TPR", "approve_eop"),
]:
    m = group_metrics(later, column)
    policies[label] = {
        "profit": profit(later["y"], later[column]),
        **disparities(m),
        "tpr_gap": m.loc["A", "tpr"] - m.loc["B", "tpr"],
        "fpr_gap": m.loc["A", "fpr"] - m.loc["B", "fpr"],
        "precision_gap": m.loc["A", "precision"] - m.loc["B", "precision"],
    }
table = pd.DataFrame(policies).T
print(table.drop(columns="dp_ratio").round(3))


POLICY = {
    "approve": "single",
    "approve_dp": "equal selection",
    "approve_eop": "equal TPR",
}


def rate_gap(column: str, repayers_only: bool) -> object:
    """A minus B of the approval rate (among repayers: the TPR), with an interval."""
    approved = {
        n: g.loc[g["y"] == 1 if repayers_only else g.index, column]
        for n, g in later.groupby("group")
    }
    what = "TPR" if repayers_only else "selection rate"
    return independent_difference(
        np.mean, approved["B"], approved["A"], name=f"{what} A-B, {POLICY[column]}"
    )


def precision_gap(column: str) -> object:
    repaid = {n: g.loc[g[column] == 1, "y"] for n, g in later.groupby("group")}
    return independent_difference(
        np.mean, repaid["B"], repaid["A"], name=f"precision A-B, {POLICY[column]}"
    )


parity_left = rate_gap("approve_dp", repayers_only=False)
tpr_left = rate_gap("approve_dp", repayers_only=True)
tpr_eop = rate_gap("approve_eop", repayers_only=True)
rate_left = rate_gap("approve_eop", repayers_only=False)
prec_eop = precision_gap("approve_eop")
costs = {
    column: paired_difference(
        profit,
        later["y"],
        later["approve"],
        later[column],
        name=f"profit, {POLICY[column]} - single",
    )
    for column in ("approve_dp", "approve_eop")
}
between = paired_difference(
    profit,
    later["y"],
    later["approve_dp"],
    later["approve_eop"],
    name="profit, equal TPR - equal selection",
)
for d in (
    parity_left,
    tpr_left,
    tpr_eop,
    rate_left,
    prec_eop,
    *costs.values(),
    between,
):
    print(d)

# What the page says of this output, checked on every build (on Q3, unseen):
single, dp, eop = (policies[k] for k in policies)
# equal selection: no selection gap left beyond noise, but B's repayers are now
# approved MORE often than A's
assert parity_left.low < 0 < parity_left.high and tpr_left.high < 0
# equal TPR: no TPR gap beyond noise; the selection gap shrinks from the single
# threshold's, and this quarter cannot tell whether any is left
assert tpr_eop.low < 0 < tpr_eop.high
assert eop["dp_difference"] < single["dp_difference"] / 3
assert rate_left.low < 0 < rate_left.high
# the precision gap widens: even the low end is above the single threshold's gap,
# which already favoured A (approved B applicants repay less often)
assert prec_eop.low > single["precision_gap"] > 0
assert costs["approve_dp"].high < 0 and costs["approve_eop"].high < 0  # both cost
assert between.low > 0  # equal TPR costs less than equal selection, beyond noise
# --8<-- [end:thresholds]
