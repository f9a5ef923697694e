# /// snippet
# timeout = 30
# ///
"""One data contract (pandera) checked before batch scoring and at the API edge."""

import numpy as np
import pandas as pd
import pandera.pandas as pa
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# --8<-- [start:contract]
OWNERSHIP = ["rent", "own", "mortgage"]
# Credit bureau outages happen; more missing scores than this is a bug upstream.
MAX_NULL_RATE = 0.02
# An application older than this is stale: the applicant may have gone elsewhere.
MAX_AGE_HOURS = 48


def null_rate_at_most(limit: float) -> pa.Check:
    # A column-level check: it sees the whole column, so it can judge a rate, and
    # ignore_na=False so the missing values reach it instead of being skipped.
    return pa.Check(
        lambda s: s.isna().mean() <= limit,
        ignore_na=False,
        error=f"null rate above {limit}",
    )


def loan_contract(as_of: pd.Timestamp) -> pa.DataFrameSchema:
    """What the training data, the batch scorer and the API all agree a row is."""
    return pa.DataFrameSchema(
        {
            "application_id": pa.Column(str, unique=True),
            # Amounts in integer cents, like the ledger: 1,000.00 to 100,000.00.
            "loan_amount_cents": pa.Column(
                "int64", pa.Check.in_range(100_000, 10_000_000)
            ),
            "annual_income_cents": pa.Column(
                "int64", pa.Check.in_range(0, 1_000_000_000)
            ),
            "credit_score": pa.Column(
                float,  # float: pandas stores a missing value in a number column as NaN
                [pa.Check.in_range(300, 850), null_rate_at_most(MAX_NULL_RATE)],
                nullable=True,
            ),
            "home_ownership": pa.Column(str, pa.Check.isin(OWNERSHIP)),
            "submitted_at": pa.Column(
                "datetime64[ns, UTC]",
                pa.Check(
                    lambda t: (
                        (t <= as_of) & (t >= as_of - pd.Timedelta(hours=MAX_AGE_HOURS))
                    ),
                    error=f"submitted over {MAX_AGE_HOURS} h before {as_of:%Y-%m-%d %H:%M}",
                ),
            ),
        },
        strict=True,  # an unexpected column is a producer change worth hearing about
        coerce=False,  # a string where a number belongs is an error, not a cast
    )


def failures(err: pa.errors.SchemaErrors) -> pd.DataFrame:
    """One line per broken rule: column, rule, how many rows, the first row labels."""
    cases = err.failure_cases
    return (
        cases.assign(index=cases["index"].astype("object"))
        .groupby(["column", "check"], sort=False)["index"]
        .agg(
            rows=lambda ix: int(ix.notna().sum()) or "whole column",
            first_rows=lambda ix: sorted(int(i) for i in ix.dropna())[:4],
        )
        .reset_index()
    )


AS_OF = pd.Timestamp("2026-12-03 06:00", tz="UTC")  # the batch's cut-off, fixed
contract = loan_contract(AS_OF)
print(
    f"contract: {len(contract.columns)} columns, strict, as of {AS_OF:%Y-%m-%d %H:%M}"
)
# --8<-- [end:contract]


# --8<-- [start:good-batch]
def applications(n: int, seed: int) -> pd.DataFrame:
    """A nightly export, as the upstream service writes it today."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "application_id": [f"app-{seed}-{i:05d}" for i in range(n)],
            "loan_amount_cents": rng.integers(200_000, 6_000_000, n),
            "annual_income_cents": (rng.lognormal(11.0, 0.4, n) * 100).astype("int64"),
            "credit_score": rng.integers(300, 851, n).astype(float),
            "home_ownership": rng.choice(OWNERSHIP, n),
            "submitted_at": AS_OF - pd.to_timedelta(rng.uniform(0, 40, n), unit="h"),
        }
    )


train = applications(2_000, seed=1)
FEATURES = [
    "loan_amount_cents",
    "annual_income_cents",
    "credit_score",
    "home_ownership",
]
logit = (train["credit_score"] - 600) / 60 + np.log(
    train["annual_income_cents"] / train["loan_amount_cents"]
)
labels = (
    np.random.default_rng(2).random(len(train)) < 1 / (1 + np.exp(-logit))
).astype(int)
model = Pipeline(
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
).fit(contract.validate(train)[FEATURES], labels)  # the contract guards training too


class ContractViolation(Exception):
    def __init__(self, problems: pd.DataFrame):
        super().__init__(problems.to_string(index=False))
        self.problems = problems


def score_batch(batch: pd.DataFrame) -> pd.DataFrame:
    """The batch scorer: validate the whole file first, score only if all of it passes."""
    try:
        valid = contract.validate(batch, lazy=True)  # lazy: collect every failure
    except pa.errors.SchemaErrors as err:
        raise ContractViolation(failures(err)) from None
    scores = model.predict_proba(valid[FEATURES])[:, 1].round(4)
    return pd.DataFrame({"application_id": valid["application_id"], "score": scores})


tonight = applications(500, seed=7)
scored = score_batch(tonight)
print(f"tonight's batch: {len(scored)} rows passed the contract and were scored")

# What the page says of this output, checked on every build:
assert len(scored) == len(tonight)
# --8<-- [end:good-batch]


# --8<-- [start:bad-batch]
# The upstream team ships a "small refactor": amounts now leave their service in euros,
# a new product adds an ownership category, and a bureau outage blanks credit scores for
# an hour. Half of yesterday's retry queue is replayed with the batch.
bad = applications(500, seed=8)
bad["loan_amount_cents"] = (
    bad["loan_amount_cents"] // 100
)  # euros, column name unchanged
bad.loc[bad.index[::25], "home_ownership"] = "shared_ownership"
bad.loc[bad.index[100:160], "credit_score"] = np.nan  # a burst, not a sprinkle
bad.loc[bad.index[-30:], "submitted_at"] = AS_OF - pd.Timedelta(hours=70)

try:
    score_batch(bad)
    raise AssertionError("the bad batch was scored")
except ContractViolation as violation:
    report = str(violation)
    print("batch refused, nothing scored:")
    print(report)

# What the page says of this output, checked on every build:
for column in ("loan_amount_cents", "home_ownership", "credit_score", "submitted_at"):
    assert column in report, column  # every broken column is named in one run
assert "null rate above 0.02" in report and "in_range(100000, 10000000)" in report
assert (
    bad["loan_amount_cents"] < 100_000
).all()  # every euro amount is below the range
# --8<-- [end:bad-batch]


# --8<-- [start:api]
class Batch(BaseModel):
    # Loose on purpose: the contract, not this model, decides what a valid row is, so
    # the API and the batch scorer cannot drift apart.
    rows: list[dict[str, str | int | float | None]]


app = FastAPI()


@app.post("/score")
def score(batch: Batch):
    frame = pd.DataFrame(batch.rows)
    if "submitted_at" in frame:
        frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    try:
        return {"scores": score_batch(frame).to_dict(orient="records")}
    except ContractViolation as violation:
        # Name the column, the rule and the rows; never echo the values: they may be
        # personal data, and an error body ends up in client logs.
        detail = [
            {
                "column": r.column,
                "rule": r.check,
                "rows": r.rows,
                "first_rows": r.first_rows,
            }
            for r in violation.problems.itertuples()
        ]
        return JSONResponse({"detail": detail}, status_code=422)


def as_json(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype({"submitted_at": str}).astype(object)
    return out.where(out.notna(), None).to_dict(orient="records")


client = TestClient(app)
ok = client.post("/score", json={"rows": as_json(tonight.head(3))})
print("good rows:", ok.status_code, ok.json()["scores"][0])
refused = client.post("/score", json={"rows": as_json(bad.head(120))})
print("bad rows: ", refused.status_code)
for problem in refused.json()["detail"]:
    print("  ", problem)

# What the page says of this output, checked on every build:
assert ok.status_code == 200 and len(ok.json()["scores"]) == 3
assert refused.status_code == 422
body = refused.text
assert "shared_ownership" not in body  # the rule is named, the value is not echoed
numbers = {v for p in refused.json()["detail"] for v in [p["rows"], *p["first_rows"]]}
assert not numbers & set(bad["loan_amount_cents"].head(120))  # no amount either
assert {p["column"] for p in refused.json()["detail"]} == {
    "loan_amount_cents",
    "home_ownership",
    "credit_score",
}
# --8<-- [end:api]
