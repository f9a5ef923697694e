"""Behaviour tests for a model, written like the unit tests you already write.

Accuracy on a test set says how often the model is right on average. It does not say
whether the model does something absurd on inputs you care about, e.g. lowering an
applicant's score because their income went up. Those are properties you can state and
assert, like any spec. Each test also runs once against a deliberately broken model, to
show that it can fail.
"""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder
from threadpoolctl import threadpool_limits

# --8<-- [start:setup]
# Setup: a loan model trained on past decisions. Every column below is a model input.
threadpool_limits(1)  # tiny data: OpenMP threads only add start-up overhead
rng = np.random.default_rng(8)
n = 4_000
AREAS = ["north", "east", "south", "west"]
area = rng.choice(AREAS, n)
loans = pd.DataFrame(
    {
        # Incomes are lower in the east: area is a proxy, as it often is in real data.
        "income": (rng.lognormal(11.0, 0.4, n) * np.where(area == "east", 0.85, 1)),
        "loan_amount": rng.uniform(2_000, 60_000, n).round(0),
        "credit_score": rng.integers(300, 851, n),
        "home_ownership": rng.choice(["rent", "own", "mortgage"], n),
        "postcode_area": area,
    }
)
loans["income"] = loans["income"].round(0)
logit = (
    2.5 * (loans["credit_score"] - 600) / 100
    + 1.5 * np.log(loans["income"] / loans["loan_amount"])
    - 2.5
)
# Past decisions followed the lending policy: area played no part in them.
approved = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
CATEGORICAL = ["home_ownership", "postcode_area"]


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    # Client apps send "Own", " own" or "OWN"; the model saw only "own".
    return df.assign(**{c: df[c].str.strip().str.lower() for c in CATEGORICAL})


def loan_model(normalise: bool = True, monotonic: bool = True) -> Pipeline:
    encode = ColumnTransformer(
        [
            ("num", "passthrough", ["income", "loan_amount", "credit_score"]),
            (
                "cat",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value", unknown_value=np.nan
                ),
                CATEGORICAL,
            ),
        ],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    clf = HistGradientBoostingClassifier(
        max_iter=80,
        categorical_features=CATEGORICAL,
        # +1: approval may only rise with the feature; -1: only fall.
        monotonic_cst=(
            {"income": 1, "loan_amount": -1, "credit_score": 1} if monotonic else None
        ),
        random_state=0,
    )
    steps = [("tidy", FunctionTransformer(tidy))] if normalise else []
    return Pipeline([*steps, ("encode", encode), ("clf", clf)])


release = loan_model().fit(loans, approved)  # the candidate the tests must pass


def approval(model: Pipeline, df: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(df)[:, 1]


# The test fixtures: 300 real-looking applicants.
applicants = loans.sample(300, random_state=1).reset_index(drop=True)
# --8<-- [end:setup]


# --8<-- [start:invariance]
# Invariance: change an input the model uses, in a way that must not matter, and bound
# how far the answer may move. Bounds are fixed in advance and reviewed like any SLO.
# In tests/, `model` is a pytest fixture that loads the candidate from the registry.


def flipped(before: np.ndarray, after: np.ndarray) -> float:
    """Share of applicants whose decision (approve at 0.5) changed."""
    return float(np.mean((before >= 0.5) != (after >= 0.5)))


def test_formatting_does_not_change_prediction(model):
    messy = applicants.assign(
        home_ownership=" " + applicants["home_ownership"].str.upper(),
        postcode_area=applicants["postcode_area"].str.title(),
    )
    moved = np.abs(approval(model, messy) - approval(model, applicants)).max()
    assert moved == 0, f"formatting moved a score by {moved:.3f}"


def test_postcode_area_does_not_decide_the_loan(model):
    # Policy: area must not decide a loan (where people live can stand in for ethnicity)
    # Moving everyone to one area may shift approval by at most 0.03 on average and
    # flip at most 1 decision in 30.
    base = approval(model, applicants)
    for name in AREAS:
        after = approval(model, applicants.assign(postcode_area=name))
        shift, flips = np.abs(after - base).mean(), flipped(base, after)
        assert shift <= 0.03 and flips <= 1 / 30, (
            f"moving to {name}: mean shift {shift:.3f}, {flips:.1%} of decisions flip"
        )


def test_income_within_rounding_barely_moves_approval(model):
    # Stated income is rounded by applicants: +-2% is measurement error, not news.
    # 95% of applicants may move by at most 0.03.
    base = approval(model, applicants)
    for factor in (0.98, 1.02):
        after = approval(model, applicants.assign(income=applicants["income"] * factor))
        p95 = np.quantile(np.abs(after - base), 0.95)
        assert p95 <= 0.03, f"income x{factor}: 95th percentile shift {p95:.3f}"


# --8<-- [end:invariance]


# --8<-- [start:directional]
# Directional expectations: moving a feature one way may only move the score one way.
# Tolerance 0, because the monotonic constraints make this a guarantee, not a tendency.


def test_higher_income_never_lowers_approval(model):
    richer = applicants.assign(income=applicants["income"] * 1.5)
    lower = approval(model, richer) < approval(model, applicants)
    assert not lower.any(), f"{lower.sum()} applicants scored lower"


def test_higher_credit_score_never_lowers_approval(model):
    better = applicants.assign(
        credit_score=(applicants["credit_score"] + 50).clip(upper=850)
    )
    lower = approval(model, better) < approval(model, applicants)
    assert not lower.any(), f"{lower.sum()} applicants scored lower"


def test_bigger_loan_never_raises_approval(model):
    bigger = applicants.assign(loan_amount=applicants["loan_amount"] * 2)
    higher = approval(model, bigger) > approval(model, applicants)
    assert not higher.any(), f"{higher.sum()} applicants scored higher"


def test_obvious_cases(model):
    # Minimum functionality: cases any reviewer would call right away. The constraints
    # hold for any model, even one trained on noise, so the directional tests above
    # cannot tell a useful model from a useless one. This test can.
    columns = ["income", "loan_amount", "credit_score", "home_ownership"]
    cases = pd.DataFrame(
        [[150_000.0, 5_000.0, 820, "own"], [20_000.0, 55_000.0, 380, "rent"]],
        columns=columns,
    )
    for name in AREAS:
        strong, weak = approval(model, cases.assign(postcode_area=name))
        assert strong > 0.9, f"strong applicant in {name} scored {strong:.2f}"
        assert weak < 0.1, f"weak applicant in {name} scored {weak:.2f}"


# --8<-- [end:directional]


# --8<-- [start:run]
# A small test runner. In a repository these functions live in tests/, pytest collects
# them, and CI blocks the release when one fails, like any other build.
TESTS = [
    test_formatting_does_not_change_prediction,
    test_postcode_area_does_not_decide_the_loan,
    test_income_within_rounding_barely_moves_approval,
    test_higher_income_never_lowers_approval,
    test_higher_credit_score_never_lowers_approval,
    test_bigger_loan_never_raises_approval,
    test_obvious_cases,
]


def run(test, model) -> str | None:
    """None if the test passes, else its failure message."""
    try:
        test(model)
    except AssertionError as exc:
        return str(exc) or "assertion failed"
    return None


failures = 0
for test in TESTS:
    error = run(test, release)
    failures += error is not None
    print(f"FAIL  {test.__name__}: {error}" if error else f"PASS  {test.__name__}")
print(f"{len(TESTS) - failures} passed, {failures} failed")
if failures:
    raise SystemExit(1)  # non-zero exit: the pipeline stops here
# --8<-- [end:run]


# --8<-- [start:can-fail]
# A test that cannot fail proves nothing. Each test gets a broken twin of the release
# model, with the one defect the test exists to catch; the test must fail on it.
biased_past = (  # past underwriters who marked down the east, against policy
    rng.random(n) < 1 / (1 + np.exp(-(logit - 1.5 * (area == "east"))))
).astype(int)
broken = {
    "no input normalisation": loan_model(normalise=False).fit(loans, approved),
    "trained on biased decisions": loan_model().fit(loans, biased_past),
    "no monotonic constraints": loan_model(monotonic=False).fit(loans, approved),
    "trained on shuffled labels": loan_model().fit(loans, rng.permutation(approved)),
}
TWIN = {
    test_formatting_does_not_change_prediction: "no input normalisation",
    test_postcode_area_does_not_decide_the_loan: "trained on biased decisions",
    test_income_within_rounding_barely_moves_approval: "no monotonic constraints",
    test_higher_income_never_lowers_approval: "no monotonic constraints",
    test_higher_credit_score_never_lowers_approval: "no monotonic constraints",
    test_bigger_loan_never_raises_approval: "no monotonic constraints",
    test_obvious_cases: "trained on shuffled labels",
}
caught = {}
for test, twin in TWIN.items():
    error = caught[test] = run(test, broken[twin])
    print(f"{test.__name__}\n  model {twin}: {f'FAIL, {error}' if error else 'PASS'}")

# What the page says of this output, checked on every build:
assert set(TWIN) == set(TESTS)  # every test has a twin
assert all(run(test, release) is None for test in TESTS)  # all pass on the release
assert all(error is not None for error in caught.values())  # each fails on its twin
noise_model = broken["trained on shuffled labels"]
assert all(run(test, noise_model) is None for test in TESTS[3:6])  # directional: blind
assert all(  # the biased model is caught by the area test alone
    (run(test, broken["trained on biased decisions"]) is None)
    == (test is not test_postcode_area_does_not_decide_the_loan)
    for test in TESTS
)
# --8<-- [end:can-fail]
