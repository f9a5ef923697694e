# /// snippet
# depends = ["data/salaries.csv"]
# ///
"""Load the published salary data with pandas and compare US and worldwide medians.

On the site the file is downloads/salaries.csv (downloads/salaries.json holds the same
rows). It has the same columns as data/salaries.csv in the repository, which is read here
so the example runs without a network connection.
"""

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]

# --8<-- [start:load]
salaries = pd.read_csv(ROOT / "data" / "salaries.csv")  # or the downloaded file

# One source, one year, one statistic: Stack Overflow's 2024 medians.
is_survey = salaries["source"].eq("so-survey-2024") & salaries["statistic"].eq("median")
medians = salaries[is_survey].pivot_table(
    index="label", columns="geography", values="value"
)
medians["US / Global"] = medians["US"] / medians["Global"]
medians = medians.sort_values("US", ascending=False)
dollars = "{:,.0f}".format
print(
    medians.to_string(
        formatters={"Global": dollars, "US": dollars, "US / Global": "{:.2f}".format}
    )
)

# Every figure carries its verification status; count them.
print()
print(salaries["verification"].value_counts().to_string())
# --8<-- [end:load]
