# /// snippet
# depends = ["data/*", "docs/**/*.md", "snippets/**/*.py", "scripts/pipeline/knowledge_base/*.py"]
# ///
"""What the data validator prints for bad rows. It works on a temporary copy of data/."""

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Lets `python snippets/about_data/validator_messages.py` import the validator.
sys.path.insert(0, str(ROOT))

from scripts.pipeline.knowledge_base import DataError, load  # noqa: E402

# --8<-- [start:bad-row]
bad_rows = [
    # A range written backwards.
    "example-range,ml-engineer,ML engineer,senior,US,USD,range,base,,"
    "200000,150000,2024,,so-survey-2024,,primary,",
    # A source id that does not exist, and "primary" for a figure read in a blog.
    "example-median,backend-engineer,Software developers,all,US,USD,median,base,"
    "133080,,,2024,,bls-2099,nopmark-2025,primary,",
]
with tempfile.TemporaryDirectory() as tmp:
    data = Path(tmp) / "data"
    shutil.copytree(ROOT / "data", data)
    with (data / "salaries.csv").open("a", encoding="utf-8") as csv_file:
        csv_file.write("\n".join(bad_rows) + "\n")
    try:
        load(data, docs_dir=ROOT / "docs", snippets_dir=ROOT)
    except DataError as error:
        print(error)
# --8<-- [end:bad-row]
