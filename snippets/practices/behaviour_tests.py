"""Behaviour tests for a model, written like the unit tests you already write.

Accuracy on a test set says how often the model is right on average. It does not say whether
the model does something absurd on inputs you care about, e.g. lowering an applicant's score
because their income went up. Those are properties you can state and assert, like any spec.
"""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

# --8<-- [start:setup]
# Setup: a loan model with monotonic constraints, so the directional rules hold by design.
threadpool_limits(1)  # tiny data: OpenMP threads only add start-up overhead
rng = np.random.default_rng(8)
n = 4_000
loans = pd.DataFrame(
    {
        "customer_id": [f"CUST-{i:05d}" for i in range(n)],
        "name": rng.choice(
            ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"], n
        ),
        "income": rng.lognormal(11.0, 0.4, n).round(0),
        "loan_amount": rng.uniform(2_000, 60_000, n).round(0),
        "credit_score": rng.integers(300, 851, n),
        "home_ownership": rng.choice(["rent", "own", "mortgage"], n),
    }
)
logit = (
    2.5 * (loans["credit_score"] - 600) / 100
    + 1.5 * np.log(loans["income"] / loans["loan_amount"])
    - 2.5
)
loans["approved"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)

NUMERIC = ["income", "loan_amount", "credit_score"]
prep = ColumnTransformer(
    [
        ("num", "passthrough", NUMERIC),
        ("cat", OrdinalEncoder(), ["home_ownership"]),
    ],
    remainder="drop",  # customer_id and name never reach the model
    verbose_feature_names_out=False,
).set_output(transform="pandas")
model = Pipeline(
    [
        ("prep", prep),
        (
            "clf",
            HistGradientBoostingClassifier(
                max_iter=80,
                categorical_features=["home_ownership"],
                # +1: probability may only rise with the feature; -1: only fall.
                monotonic_cst={"income": 1, "loan_amount": -1, "credit_score": 1},
                random_state=0,
            ),
        ),
    ]
)
X_train, y_train = loans.drop(columns="approved"), loans["approved"]
model.fit(X_train, y_train)


def approval(df: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(df)[:, 1]


# The test fixtures: 300 real-looking applicants.
applicants = X_train.sample(300, random_state=1).reset_index(drop=True)
# --8<-- [end:setup]


# --8<-- [start:invariance]
# Invariance: changing something that must not matter must not change the answer.


def test_name_casing_does_not_change_prediction():
    changed = applicants.assign(name=applicants["name"].str.upper())
    np.testing.assert_array_equal(approval(changed), approval(applicants))


def test_customer_id_does_not_change_prediction():
    changed = applicants.assign(customer_id=applicants["customer_id"].str.lower())
    np.testing.assert_array_equal(approval(changed), approval(applicants))


def test_column_order_does_not_change_prediction():
    # Clients send JSON objects; key order is not part of the contract.
    shuffled = applicants[list(reversed(applicants.columns))]
    np.testing.assert_array_equal(approval(shuffled), approval(applicants))


# The pipeline drops identifiers by construction; these tests keep it that way when someone
# later adds "just one more column".
print("model inputs:", list(model[:-1].get_feature_names_out()))
# --8<-- [end:invariance]


# --8<-- [start:directional]
# Directional expectations: moving a feature one way may only move the score one way.
# Tolerance 0, because the monotonic constraints make this a guarantee, not a tendency.


def test_higher_income_never_lowers_approval():
    richer = applicants.assign(income=applicants["income"] * 1.5)
    lower = approval(richer) < approval(applicants)
    assert not lower.any(), f"{lower.sum()} applicants scored lower"


def test_higher_credit_score_never_lowers_approval():
    better = applicants.assign(
        credit_score=(applicants["credit_score"] + 50).clip(upper=850)
    )
    lower = approval(better) < approval(applicants)
    assert not lower.any(), f"{lower.sum()} applicants scored lower"


def test_bigger_loan_never_raises_approval():
    bigger = applicants.assign(loan_amount=applicants["loan_amount"] * 2)
    higher = approval(bigger) > approval(applicants)
    assert not higher.any(), f"{higher.sum()} applicants scored higher"


def test_obvious_cases():
    # Minimum functionality: cases any reviewer would call right away.
    strong = pd.DataFrame(
        [["c1", "A", 150_000.0, 5_000.0, 820, "own"]], columns=applicants.columns
    )
    weak = pd.DataFrame(
        [["c2", "B", 20_000.0, 55_000.0, 380, "rent"]], columns=applicants.columns
    )
    assert approval(strong)[0] > 0.9, (
        f"strong applicant scored {approval(strong)[0]:.2f}"
    )
    assert approval(weak)[0] < 0.1, f"weak applicant scored {approval(weak)[0]:.2f}"


# Why the constraints matter: the same model without them, the same income check.
unconstrained = clone(model).set_params(clf__monotonic_cst=None).fit(X_train, y_train)
base = unconstrained.predict_proba(applicants)[:, 1]
richer = unconstrained.predict_proba(
    applicants.assign(income=applicants["income"] * 1.5)
)[:, 1]
print(
    f"unconstrained model: income x1.5 lowers approval for {(richer < base).sum()} of "
    f"{len(applicants)} applicants (worst drop {(base - richer).max():.2f})"
)
# --8<-- [end:directional]


# --8<-- [start:run]
# A ten-line test runner. In a repository these functions live in tests/, pytest collects
# them, and CI blocks the model from being released when one fails, like any other build.
TESTS = [
    test_name_casing_does_not_change_prediction,
    test_customer_id_does_not_change_prediction,
    test_column_order_does_not_change_prediction,
    test_higher_income_never_lowers_approval,
    test_higher_credit_score_never_lowers_approval,
    test_bigger_loan_never_raises_approval,
    test_obvious_cases,
]
failures = 0
for test in TESTS:
    try:
        test()
        print(f"PASS  {test.__name__}")
    except AssertionError as exc:
        failures += 1
        print(f"FAIL  {test.__name__}: {exc or 'assertion failed'}")
print(f"{len(TESTS) - failures} passed, {failures} failed")
if failures:
    raise SystemExit(1)  # non-zero exit: the pipeline stops here
# --8<-- [end:run]
