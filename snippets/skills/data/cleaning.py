"""Cleaning a messy orders export with pandas: types, missing values, duplicates,
outliers and structural fixes, printing evidence before and after each step.

Run from the repo root: python snippets/skills/data/cleaning.py
"""

import io
import textwrap

import numpy as np
import pandas as pd

pd.set_option("display.width", 100)

# --8<-- [start:load]
# A CSV export as it really arrives: currency symbols, thousands separators, blank
# cells, "N/A", a bad date, a replayed row, inconsistent spellings, mixed weight units.
RAW_CSV = """order_id,order_date,country,amount,quantity,weight
1001,2024-03-01,UK,19.99,1,0.5kg
1002,2024-03-01,uk ,"1,250.00",2,800g
1003,2024-03-02,United Kingdom,$45.50,1,1.2kg
1004,2024-03-02,Germany,38.00,,0.3kg
1005,2024-03-03,DE,N/A,3,2kg
1006,not a date,germany,27.25,1,450g
1007,2024-03-04,France,52.10,2,1.1kg
1007,2024-03-04,France,52.10,2,1.1kg
1008,2024-03-05,FR,33.00,1,0.7kg
1009,2024-03-05, france,41.80,1,950g
1010,2024-03-06,U.K.,24.99,1,0.4kg
1011,2024-03-06,Deutschland,$61.00,2,1.5kg
1012,2024-03-07,UK,36.40,one,0.6kg
1013,2024-03-07,FR,29.90,1,0.5kg
1014,2024-03-08,DE,47.00,2,1.0kg
1015,2024-03-08,uk,39.50,1,0.8kg
1016,,UK,44.00,1,0.9kg
1017,2024-03-09,Germany,31.75,1,600g
1017,2024-03-09,Germany,31.75,1,600g
1018,2024-03-10,France,55.20,2,1.3kg
"""
# dtype=str keeps every cell as text on purpose: decide each type explicitly instead
# of letting the parser guess (the reason an API validates input rather than trust it).
orders = pd.read_csv(io.StringIO(RAW_CSV), dtype=str)
print(f"{len(orders)} rows x {orders.shape[1]} columns")
print(orders.head(6).to_string())
# --8<-- [end:load]

# --8<-- [start:types]
dtypes_before = orders.dtypes.astype(str)

# Strip "$" and "," before converting; errors="coerce" turns unparseable text into
# NaN, so bad cells become countable instead of crashing the job (or staying text).
amount_text = orders["amount"].str.replace(r"[$,]", "", regex=True)
orders["amount"] = pd.to_numeric(amount_text, errors="coerce")
quantity = pd.to_numeric(orders["quantity"], errors="coerce")
orders["quantity"] = quantity.astype("Int64")  # Int64 (capital I) allows missing values
# An explicit format rejects ambiguous dates (03/04: March or April?), no guessing.
dates = orders["order_date"]
orders["order_date"] = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
orders["order_id"] = orders["order_id"].astype(int)

dtypes_after = orders.dtypes.astype(str)
print(pd.DataFrame({"before": dtypes_before, "after": dtypes_after}).to_string())
print(f"\namount sum is now arithmetic, not text: {orders['amount'].sum():.2f}")
# Cells that were present but failed to parse are data-quality bugs to report upstream.
print("\ncells that were filled in but failed to parse:")
raw = pd.read_csv(io.StringIO(RAW_CSV), dtype=str)
for col in ["order_date", "amount", "quantity"]:
    failed = raw[col].notna() & orders[col].isna()
    for idx in orders.index[failed]:
        order_id, value = raw.loc[idx, "order_id"], raw.loc[idx, col]
        print(f"  row {idx}, order {order_id}: {col}={value!r}")
# --8<-- [end:types]

# --8<-- [start:missing]
print("missing values per column:")
print(orders.isna().sum().to_string())

# Different columns deserve different policies - write each one down like an SLO.
# 1. No amount: we cannot invent revenue, so drop the row (and report the count).
no_amount = orders["amount"].isna()
# 2. No quantity: fill with the median (1) and keep a flag, so a model can learn from
#    the fact that the value was missing. A median is learned from data: for a model,
#    fit it on the training rows only and reuse it at serving time (SimpleImputer inside
#    the pipeline, further down the page). Here it describes the whole table.
orders["quantity_was_missing"] = orders["quantity"].isna()
orders["quantity"] = orders["quantity"].fillna(int(orders["quantity"].median()))
# 3. No date: the row cannot be placed in time; drop it.
no_date = orders["order_date"].isna()

before = len(orders)
orders = orders[~no_amount & ~no_date].copy()
print(
    f"\ndropped {before - len(orders)} rows",
    f"(no amount: {no_amount.sum()}, no date: {no_date.sum()})",
)
print(f"imputed quantity in {orders['quantity_was_missing'].sum()} rows")
print(f"missing values left: {int(orders.isna().sum().sum())}")
assert orders.isna().sum().sum() == 0
# --8<-- [end:missing]

# --8<-- [start:duplicates]
# At-least-once delivery (retries, replayed messages) produces exact duplicate rows.
exact = orders.duplicated()
print(f"exact duplicate rows: {exact.sum()}")
all_copies = orders[orders.duplicated(keep=False)]
print(all_copies[["order_id", "order_date", "amount"]].to_string())

orders = orders.drop_duplicates()
# Also check the business key: two *different* rows with the same order_id would need
# an upsert rule (e.g. keep the latest), just like a primary-key conflict.
key_dupes = orders["order_id"].duplicated().sum()
print(f"\nafter drop_duplicates: {len(orders)} rows, repeated order_id: {key_dupes}")
assert orders["order_id"].is_unique
# --8<-- [end:duplicates]

# --8<-- [start:outliers]
# IQR rule: anything beyond 1.5 * IQR outside the middle 50% is suspicious.
q1, q3 = orders["amount"].quantile([0.25, 0.75])
iqr = q3 - q1
low, high = q1 - 1.5 * iqr, q3 + 1.5 * iqr
print(f"amount Q1={q1:.2f} Q3={q3:.2f} IQR={iqr:.2f}")
print(f"allowed range: [{low:.2f}, {high:.2f}]")

is_outlier = (orders["amount"] < low) | (orders["amount"] > high)
print("\nflagged rows:")
print(orders.loc[is_outlier, ["order_id", "amount", "quantity"]].to_string())

# Flag, don't silently delete: 1,250.00 may be a real bulk order or a typo for 12.50.
# Keep the row, cap the value, keep the original for the audit trail. The bounds are
# learned from data too: for a model, take them from the training rows and save them
# with the model, as for the median above.
orders["amount_is_outlier"] = is_outlier
orders["amount_capped"] = orders["amount"].clip(lower=low, upper=high).round(2)
print(f"\nmean amount raw:    {orders['amount'].mean():.2f}")
print(f"mean amount capped: {orders['amount_capped'].mean():.2f}")
median = orders["amount"].median()
print(f"median amount raw:  {median:.2f}  (the median shrugs off the outlier)")
assert is_outlier.sum() == 1 and orders.loc[is_outlier, "order_id"].item() == 1002
assert q1 <= median <= q3 < orders["amount"].mean()  # one row drags the mean, not it
# --8<-- [end:outliers]

# --8<-- [start:structural]
spellings = sorted(orders["country"].unique())
print(textwrap.fill(f"{len(spellings)} country spellings: {spellings}", width=80))
# Normalise whitespace and case first, then map synonyms to one code (ISO 3166).
COUNTRY_CODES = {
    "uk": "GB",
    "u.k.": "GB",
    "united kingdom": "GB",
    "germany": "DE",
    "deutschland": "DE",
    "de": "DE",
    "france": "FR",
    "fr": "FR",
}
cleaned = orders["country"].str.strip().str.lower()
orders["country"] = cleaned.map(COUNTRY_CODES)
# An unmapped spelling becomes NaN: fail loudly rather than ship an unknown category.
assert orders["country"].notna().all(), "unmapped country spelling"
print(f"country codes after: {sorted(orders['country'].unique())}")
print(orders["country"].value_counts().to_string())

# Units: one column mixes kg and g. Parse number and unit, convert everything to kg.
parts = orders["weight"].str.extract(r"^\s*([\d.]+)\s*(kg|g)\s*$")
assert parts.notna().all().all(), "unknown weight format"
to_kg = parts[1].map({"kg": 1.0, "g": 0.001})
orders["weight_kg"] = parts[0].astype(float) * to_kg
print("\nweight before -> after:")
sample = orders[["order_id", "weight", "weight_kg"]].groupby(parts[1]).head(2)
print(sample.to_string(index=False))
orders = orders.drop(columns="weight")
assert np.all(orders["weight_kg"].between(0.1, 5))  # sanity range for a parcel
print(f"\nclean table: {len(orders)} rows x {orders.shape[1]} columns")
# Every row removed traces to a named step: unusable (no amount or date), or duplicate.
assert len(orders) == len(raw) - (no_amount | no_date).sum() - exact.sum()
shown = ["order_id", "order_date", "country", "amount_capped", "weight_kg"]
print(orders[shown].head(3).to_string())
# --8<-- [end:structural]
