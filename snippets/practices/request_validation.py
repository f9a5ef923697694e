"""Validate model inputs at the API boundary: bad requests are the client's fault (4xx), never 500s.

A model will happily score garbage (a negative income, a NaN, a typo'd field that silently
falls back to a default), so the schema is the model's first line of defence.
"""

import json
from typing import Literal

import numpy as np
import pandas as pd
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# --8<-- [start:schema]
Purpose = Literal["car", "home_improvement", "debt_consolidation", "education"]


class LoanApplication(BaseModel):
    model_config = ConfigDict(
        extra="forbid",  # a misspelt field ("incom") is rejected, not silently ignored
        allow_inf_nan=False,  # NaN and inf are valid floats in Python, never valid incomes
    )

    applicant_id: str = Field(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$")
    annual_income: float = Field(ge=0, le=5_000_000)
    loan_amount: float = Field(gt=0, le=500_000)
    # strict: the string "720" is refused instead of being coerced to 720, so a client
    # that sends the wrong type finds out now rather than after a silent conversion.
    credit_score: int = Field(ge=300, le=850, strict=True)
    purpose: Purpose


schema = LoanApplication.model_json_schema()
for name, spec in schema["properties"].items():
    rules = {k: v for k, v in spec.items() if k not in {"title", "type"}}
    required = "required" if name in schema["required"] else "optional"
    print(f"{name:<14} {spec.get('type', ''):<8} {required:<9} {rules}")
print("additionalProperties:", schema["additionalProperties"])

# What the page says of this output, checked on every build: types, ranges, allowed
# values and "no unknown fields" are all in the published schema.
assert schema["additionalProperties"] is False
assert set(schema["required"]) == set(schema["properties"])
assert "enum" in schema["properties"]["purpose"]
assert schema["properties"]["credit_score"]["maximum"] == 850
# --8<-- [end:schema]

# --8<-- [start:setup]
# Setup: a tiny model so /predict does real work. The feature order is fixed by the schema.
rng = np.random.default_rng(3)
X = pd.DataFrame(
    {
        "annual_income": rng.lognormal(11, 0.4, 1_000),
        "loan_amount": rng.uniform(1_000, 50_000, 1_000),
        "credit_score": rng.integers(300, 851, 1_000),
    }
)
y = (X["credit_score"] - 600) / 100 + np.log(
    X["annual_income"] / X["loan_amount"]
) > 1.0
model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y.astype(int))
# --8<-- [end:setup]


# --8<-- [start:endpoint]
app = FastAPI()


@app.exception_handler(RequestValidationError)
async def validation_error(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    # One stable error envelope for every 422. Deliberately NOT echoing the submitted values
    # back (FastAPI's default does): request bodies may hold personal data that then ends up
    # in client logs.
    details = [
        {"field": ".".join(str(p) for p in err["loc"]), "error": err["msg"]}
        for err in exc.errors()
    ]
    return JSONResponse(
        {"error": "invalid_request", "details": details}, status_code=422
    )


@app.post("/predict")
def predict(application: LoanApplication) -> dict:
    row = pd.DataFrame([application.model_dump(include=set(X.columns))])[X.columns]
    return {"approval_probability": round(float(model.predict_proba(row)[0, 1]), 4)}


# raise_server_exceptions=False makes a crash show up as a 500 response instead of an
# exception, which is what a real client would see.
client = TestClient(app, raise_server_exceptions=False)
# --8<-- [end:endpoint]


# --8<-- [start:bad-requests]
valid = {
    "applicant_id": "a-1001",
    "annual_income": 85_000,
    "loan_amount": 20_000,
    "credit_score": 720,
    "purpose": "car",
}
missing = {k: v for k, v in valid.items() if k != "credit_score"}
# Raw bodies for what json.dumps would refuse to produce or what is not JSON at all.
nan_body = json.dumps(valid).replace("85000", "NaN")
inf_body = json.dumps(valid).replace("20000", "Infinity")

cases = [
    ("valid", {"json": valid}),
    ("missing field", {"json": missing}),
    ("wrong type", {"json": dict(valid, annual_income="a lot")}),
    ("number as string", {"json": dict(valid, credit_score="720")}),
    ("out of range", {"json": dict(valid, credit_score=900)}),
    ("unknown enum value", {"json": dict(valid, purpose="holiday")}),
    ("unknown field", {"json": dict(valid, incom=85_000)}),
    ("NaN", {"content": nan_body}),
    ("Infinity", {"content": inf_body}),
    ("empty body", {}),
    ("not JSON", {"content": "{annual_income: 85000"}),
    ("JSON array", {"json": [valid]}),
]

headers = {"content-type": "application/json"}
# The field each mistake should be blamed on; None: the body as a whole (no field to name).
blamed = {
    "missing field": "body.credit_score",
    "wrong type": "body.annual_income",
    "number as string": "body.credit_score",
    "out of range": "body.credit_score",
    "unknown enum value": "body.purpose",
    "unknown field": "body.incom",
    "NaN": "body.annual_income",
    "Infinity": "body.loan_amount",
    "empty body": None,
    "not JSON": None,
    "JSON array": None,
}
responses = {}
for label, kwargs in cases:
    response = client.post("/predict", headers=headers, **kwargs)
    responses[label] = response
    if response.status_code == 200:
        print(f"{label:<19} {response.status_code}  {response.json()}")
    elif response.status_code == 422:
        first = response.json()["details"][0]
        print(f"{label:<19} {response.status_code}  {first['field']}: {first['error']}")
    else:  # a contract breach: show it, the asserts below fail on it
        print(f"{label:<19} {response.status_code}  {response.text[:60]}")

# What the page says of this output, checked on every build. The contract, as a test:
# the valid request gets 200; every client mistake gets a 422 naming the field at fault,
# never a 5xx that would page the on-call engineer; submitted values are not echoed.
assert responses.pop("valid").status_code == 200
assert set(responses) == set(blamed), "every bad case needs its expected field"
for label, response in responses.items():
    assert response.status_code == 422, (label, response.status_code, response.text)
    details = response.json()["details"]
    assert all(set(d) == {"field", "error"} for d in details), (label, details)
    field = details[0]["field"]
    assert field == blamed[label] or (
        blamed[label] is None and field.startswith("body")
    )
    for submitted in ("a-1001", "85000", "a lot", "holiday", "NaN", "Infinity"):
        assert submitted not in response.text, (label, submitted, response.text)
# --8<-- [end:bad-requests]
