# /// snippet
# timeout = 30
# ///
"""One data contract (pandera) checked before batch scoring and at the API edge."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# --8<-- [start:contract]
OWNERSHIP = ["rent", "own", "mortgage"]
# Credit bureau outages happen; more missing scores than this is a bug upstream.
MAX_NULL_RATE = 0.02
# An application older than this is stale: the applicant may have gone elsewhere.
MAX_AGE_HOURS = 48
# A caller's clock may run a little ahead of ours; further ahead is a bug.
CLOCK_SKEW = pd.Timedelta(minutes=5)
NO_SKEW = pd.Timedelta(0)  # a batch's cut-off is exact


def null_rate_at_most(limit: float) -> pa.Check:
    # A column-level check: it sees the whole column, so it can judge a rate, and
    # ignore_na=False so the missing values reach it instead of being skipped.
    return pa.Check(
        lambda s: s.isna().mean() <= limit,
        ignore_na=False,
        error=f"null rate above {limit}",
    )


def loan_contract(
    as_of: pd.Timestamp, *, rates: bool = True, skew: pd.Timedelta = NO_SKEW
) -> pa.DataFrameSchema:
    """What the training data, the batch scorer and the API all agree a row is.

    `as_of` is the batch's cut-off, or the moment a request arrived. `rates=False` drops
    the checks that judge a whole column (the null rate): one request is too few rows to
    have a rate, so the API leaves it to the batch check and to monitoring.
    """
    oldest, newest = as_of - pd.Timedelta(hours=MAX_AGE_HOURS), as_of + skew
    credit_checks = [pa.Check.in_range(300, 850)]
    if rates:
        credit_checks.append(null_rate_at_most(MAX_NULL_RATE))
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
                credit_checks,
                nullable=True,
            ),
            "home_ownership": pa.Column(str, pa.Check.isin(OWNERSHIP)),
            "submitted_at": pa.Column(
                "datetime64[ns, UTC]",
                pa.Check(
                    lambda t: (t >= oldest) & (t <= newest),
                    error=f"submitted before {oldest:%Y-%m-%d %H:%M} or after "
                    f"{newest:%Y-%m-%d %H:%M}",
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


# The nightly export's cut-off. A batch has one; a live request does not (see the API).
AS_OF = pd.Timestamp("2026-12-03 06:00", tz="UTC")
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
impute = SimpleImputer(strategy="median")
model = Pipeline(
    [
        (
            "prep",
            ColumnTransformer(
                [
                    # The contract lets a few scores be missing, so the model must
                    # score a row without one: fill it with the training median.
                    ("num", make_pipeline(impute, StandardScaler()), FEATURES[:3]),
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


def score_batch(
    batch: pd.DataFrame, schema: pa.DataFrameSchema = contract
) -> pd.DataFrame:
    """The batch scorer: validate the whole file first, score only if all of it passes."""
    try:
        valid = schema.validate(batch, lazy=True)  # lazy: collect every failure
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


def utc_now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


def rows_to_frame(rows: list[dict], schema: pa.DataFrameSchema) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    if "submitted_at" in frame:
        # JSON has no datetime: parse the text (unparseable -> NaT, which the contract
        # refuses) at the precision the contract names, whatever precision was sent.
        stamps = pd.to_datetime(frame["submitted_at"], utc=True, errors="coerce")
        frame["submitted_at"] = stamps.dt.as_unit("ns")
    for name, column in schema.columns.items():
        # A JSON null is None; a column of nothing but None is not yet a float column.
        if (
            name in frame
            and str(column.dtype) == "float64"
            and frame[name].isna().all()
        ):
            frame[name] = frame[name].astype("float64")
    return frame


def make_app(clock: Callable[[], pd.Timestamp] = utc_now) -> FastAPI:
    app = FastAPI()

    @app.post("/score")
    def score(batch: Batch):
        # Built per request: "fresh" means fresh now, not when the process started.
        # The null rate is left out: one request is too few rows to judge a rate.
        checks = loan_contract(clock(), rates=False, skew=CLOCK_SKEW)
        frame = rows_to_frame(batch.rows, checks)
        try:
            scored = score_batch(frame, checks)
            return {"scores": scored.to_dict(orient="records")}
        except ContractViolation as violation:
            # Name the column, the rule and the rows; never echo the values: they may
            # be personal data, and an error body ends up in client logs.
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

    return app


app = make_app()  # what `uvicorn data_contract:app` serves: the real clock


def as_json(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype({"submitted_at": str}).astype(object)
    return out.where(out.notna(), None).to_dict(orient="records")


# The demo's clock: the process started at the batch's cut-off, and it is now 09:00.
now = AS_OF + pd.Timedelta(hours=3)
client = TestClient(make_app(clock=lambda: now))
ok = client.post("/score", json={"rows": as_json(tonight.head(3))})
print("good rows:", ok.status_code, ok.json()["scores"][0])
just_in = tonight.head(1).assign(submitted_at=now - pd.Timedelta(minutes=2))
fresh = client.post("/score", json={"rows": as_json(just_in)})
print("submitted 2 min ago, after the process started:", fresh.status_code)
no_score = client.post(
    "/score", json={"rows": as_json(just_in.assign(credit_score=np.nan))}
)
print("one application, credit score missing:", no_score.status_code)
refused = client.post("/score", json={"rows": as_json(bad.head(120))})
print("bad rows:", refused.status_code)
for problem in refused.json()["detail"]:
    print("  ", problem)
# The rate rule still runs where there are enough rows to have a rate: the batch.
outage = tonight.head(120).copy()
outage.loc[outage.index[100:], "credit_score"] = np.nan  # 20 of 120 missing
try:
    score_batch(outage)
    raise AssertionError("the batch with 20 of 120 scores missing was scored")
except ContractViolation as violation:
    batch_rules = set(violation.problems["check"])
    print("nightly batch, 20 of 120 scores missing: refused,", sorted(batch_rules))

# What the page says of this output, checked on every build:
assert ok.status_code == 200 and len(ok.json()["scores"]) == 3
assert just_in["submitted_at"].iloc[0] > AS_OF  # after the process started
assert fresh.status_code == 200  # fresh at request time, not at start-up
assert no_score.status_code == 200  # a missing score is not a 100 % null rate
assert refused.status_code == 422
body = refused.text
assert "shared_ownership" not in body  # the rule is named, the value is not echoed
numbers = {v for p in refused.json()["detail"] for v in [p["rows"], *p["first_rows"]]}
assert not numbers & set(bad["loan_amount_cents"].head(120))  # no amount either
assert {p["column"] for p in refused.json()["detail"]} == {
    "loan_amount_cents",
    "home_ownership",
}
assert batch_rules == {f"null rate above {MAX_NULL_RATE}"}  # the batch keeps the rate
# --8<-- [end:api]
