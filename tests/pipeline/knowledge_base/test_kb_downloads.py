"""Downloads: one CSV and one JSON per dataset plus everything in one file, matching the data."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from kb_helpers import valid_kb

from scripts.pipeline.knowledge_base import downloads, load
from scripts.pipeline.knowledge_base.load import ROOT
from scripts.pipeline.knowledge_base.schema import DATASETS


@pytest.fixture(scope="module")
def kb():
    return valid_kb()


@pytest.fixture(scope="module")
def files(kb):
    return downloads(kb)


def test_a_csv_and_a_json_per_dataset_plus_the_bundle_and_the_planner_settings(files):
    expected = {f"downloads/{name}.{ext}" for name in DATASETS for ext in ("csv", "json")}
    assert set(files) == expected | {"downloads/knowledge-base.json", "downloads/planner.json"}
    assert all(isinstance(content, bytes) for content in files.values())


def test_downloads_are_deterministic(kb, files):
    assert downloads(kb) == files
    assert downloads(valid_kb()) == files


@pytest.mark.parametrize("name", list(DATASETS))
def test_json_round_trips_to_the_loaded_records(kb, files, name):
    records = json.loads(files[f"downloads/{name}.json"])
    assert records == [r.model_dump(mode="json") for r in kb.items(name)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("name", list(DATASETS))
def test_csv_round_trips_to_the_loaded_records(kb, files, name):
    table = pd.read_csv(io.BytesIO(files[f"downloads/{name}.csv"]), dtype=str, keep_default_na=False)
    rows = table.to_dict(orient="records")
    assert len(rows) == len(kb.items(name))
    for row, record in zip(rows, kb.items(name), strict=True):
        expected: dict[str, str] = {}
        for field, value in record.model_dump(mode="json").items():
            if isinstance(value, list) and any(isinstance(v, list | dict) for v in value):
                expected[field] = json.dumps(value, ensure_ascii=False)
            elif isinstance(value, list):
                expected[field] = "; ".join(value)
            elif isinstance(value, dict):
                expected |= {f"{field}.{key}": _cell(v) for key, v in value.items()}
            else:
                expected[field] = _cell(value)
        assert {k: v for k, v in row.items() if v != "" or k in expected} == expected


def test_bundle_holds_every_dataset_and_the_status_meanings(files):
    bundle = json.loads(files["downloads/knowledge-base.json"])
    assert set(bundle) == {"verification_statuses", "datasets"}
    for name in DATASETS:
        assert bundle["datasets"][name] == json.loads(files[f"downloads/{name}.json"])
    assert list(bundle["verification_statuses"]) == ["primary", "secondary", "uncertain", "not-found"]


def test_published_salaries_csv_reads_like_the_repository_file():
    # The reader-facing snippet on about-data/downloads.md reads data/salaries.csv and says
    # it is the same as downloads/salaries.csv; keep that true.
    published = pd.read_csv(io.BytesIO(downloads(load())["downloads/salaries.csv"]))
    repository = pd.read_csv(ROOT / "data" / "salaries.csv")
    pd.testing.assert_frame_equal(published, repository)
