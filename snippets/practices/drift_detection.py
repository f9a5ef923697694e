"""Input drift: the request schema still validates, but the data means something else.

Schema checks (types, ranges) catch a field that disappears or changes type. They do not
catch an upstream service that starts sending monthly instead of annual income: still a
positive number, still valid, and now every prediction is wrong. Distribution checks do.
"""

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

# --8<-- [start:setup]
# Setup: a reference sample (what the model was trained on) and two production batches.
rng = np.random.default_rng(21)


def applications(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "annual_income": rng.lognormal(11.0, 0.4, n),
            "loan_amount": rng.uniform(2_000, 60_000, n),
            "credit_score": rng.normal(680, 60, n).clip(300, 850).round(),
            "employment_years": rng.poisson(6, n),
        }
    )


reference = applications(5_000, rng)
stable = applications(2_000, rng)  # same process, new sample
shifted = applications(2_000, rng)
# Upstream bug: a partner API sends *monthly* income for ~30% of requests.
monthly = rng.random(len(shifted)) < 0.3
shifted.loc[monthly, "annual_income"] /= 12
# Real-world shift: a marketing campaign brings in applicants with lower scores.
shifted["credit_score"] = (shifted["credit_score"] - 20).clip(300, 850)
# --8<-- [end:setup]


# --8<-- [start:psi]
def psi(
    expected: np.ndarray, actual: np.ndarray, bins: int = 10, eps: float = 1e-4
) -> float:
    """Population stability index of `actual` against the `expected` (reference)."""
    # Bin edges come from the reference's quantiles, so each bin holds ~10% of it.
    edges = np.unique(np.quantile(expected, np.linspace(0, 1, bins + 1)))
    edges[0], edges[-1] = (
        -np.inf,
        np.inf,
    )  # production values outside the training range count
    e = np.histogram(expected, edges)[0] / len(expected)
    a = np.histogram(actual, edges)[0] / len(actual)
    # An empty bin would make log(a / e) infinite; clip to a small epsilon instead.
    e, a = np.clip(e, eps, None), np.clip(a, eps, None)
    return float(np.sum((a - e) * np.log(a / e)))


# Common rule of thumb: < 0.1 stable, 0.1-0.25 worth a look, > 0.25 significant shift.
# Alerting analogy: the middle band opens a ticket, the top band pages someone.
def status(value: float) -> str:
    return "ALERT" if value > 0.25 else "warn" if value >= 0.1 else "ok"


rows = []
for feature in reference.columns:
    p_stable = psi(reference[feature].to_numpy(), stable[feature].to_numpy())
    p_shifted = psi(reference[feature].to_numpy(), shifted[feature].to_numpy())
    rows.append((feature, p_stable, status(p_stable), p_shifted, status(p_shifted)))
columns = ["feature", "psi_stable", "stable", "psi_shifted", "shifted"]
table = pd.DataFrame(rows, columns=columns).set_index("feature")
print(table.round(3).to_string())

# What the page says of this output, checked on every build:
assert (table["stable"] == "ok").all(), "a stable batch must not alert"
assert table.loc["annual_income", "shifted"] == "ALERT"  # the monthly-income bug
assert table.loc["credit_score", "shifted"] == "warn"  # the campaign: worth a look
assert (table.loc[["loan_amount", "employment_years"], "shifted"] == "ok").all()
# --8<-- [end:psi]


# --8<-- [start:ks-test]
ALPHA = 0.01 / len(reference.columns)  # Bonferroni: four tests per batch share 1%

print(f"KS test per feature, flag if p < {ALPHA:.4f}")
flags, effect = {}, {}
for feature in reference.columns:
    line = [f"{feature:<17}"]
    for name, batch in [("stable", stable), ("shifted", shifted)]:
        result = ks_2samp(reference[feature], batch[feature])
        flags[name, feature] = result.pvalue < ALPHA
        effect[name, feature] = result.statistic
        flag = "DRIFT" if flags[name, feature] else "ok"
        line.append(f"{name}: D={result.statistic:.3f} p={result.pvalue:.1e} {flag:<5}")
    print("  ".join(line).rstrip())

# Why not alert on the p-value alone: KS asks "is this exactly the same distribution?".
# With enough rows the answer is almost always "no", because a tiny difference becomes
# statistically significant. Here income rises 1% (think inflation) in 200k rows:
big_ref = rng.lognormal(11.0, 0.4, 200_000)
big_now = rng.lognormal(11.0, 0.4, 200_000) * 1.01
tiny = ks_2samp(big_ref, big_now)
tiny_psi = psi(big_ref, big_now)
# So pair the test with an effect size and a threshold agreed before looking. D is the
# largest gap between the two cumulative distributions: 0.1 means that, at some income,
# the share of applicants below it moved by 10 points.
D_ALERT = 0.1
alert = tiny.pvalue < ALPHA and tiny.statistic >= D_ALERT
print()
print(
    f"1% income rise, n=200,000: KS p={tiny.pvalue:.1e}, D={tiny.statistic:.3f}, "
    f"PSI={tiny_psi:.4f} -> {'ALERT' if alert else 'no alert'} "
    f"(the rule: p < {ALPHA:.4f} and D >= {D_ALERT})"
)

# What the page says of this output, checked on every build:
assert not any(flags["stable", f] for f in reference.columns)  # stable stays quiet
assert flags["shifted", "annual_income"] and flags["shifted", "credit_score"]
assert not flags["shifted", "loan_amount"] and not flags["shifted", "employment_years"]
assert tiny.pvalue < ALPHA / 1_000  # significant, by far...
assert tiny.statistic < D_ALERT / 5 and tiny_psi < 0.1 / 10  # ...yet a tiny effect
assert not alert  # so the paired rule stays quiet
# The same rule still catches both real shifts, and only those:
changed = {"annual_income", "credit_score"}
assert all(
    (flags["shifted", f] and effect["shifted", f] >= D_ALERT) == (f in changed)
    for f in reference.columns
)
# --8<-- [end:ks-test]
