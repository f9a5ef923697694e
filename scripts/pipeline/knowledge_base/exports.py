"""Everything the site publishes besides tables and charts: downloads, abbreviations, stale figures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scripts.pipeline.knowledge_base.formatting import is_stale, market_value, pay_amount, pay_measure
from scripts.pipeline.knowledge_base.load import KnowledgeBase
from scripts.pipeline.knowledge_base.schema import (
    DATASETS,
    REQUIRED_NEED_ROLES,
    SKILL_CATEGORIES,
    VERIFICATION_LABELS,
    VERIFICATION_MEANINGS,
)

DOWNLOADS_DIR = "downloads"
# Where the skill-gap planner starts a skill the reader has not rated, on the need scale
# (0-3): backend work that builds it starts it at working (2), work that partly does at basics (1).
START_DEPTH = {"yes": 2, "partly": 1, "no": 0}


@dataclass(frozen=True)
class StaleFigure:
    """A salary or market figure whose data year is older than the staleness limit."""

    file: str
    line: int
    id: str
    data_year: int
    source: str
    description: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}  {self.id}  data year {self.data_year}  ({self.description}; source {self.source})"


def stale_figures(kb: KnowledgeBase) -> list[StaleFigure]:
    """Figures whose data year is more than three years before the build year, in file order."""
    found = []
    for name in ("salaries", "market"):
        for record, loc in zip(kb.items(name), kb.locations[name], strict=True):
            if not is_stale(kb, record.data_year):
                continue
            if name == "salaries":
                description = (
                    f"{record.label}, {pay_measure(record).lower()}: {pay_amount(record)}, {record.geography}"
                )
            else:
                description = f"{record.figure}: {market_value(record)}"
            found.append(
                StaleFigure(kb.file(name), loc.line, record.id, record.data_year, record.source, description)
            )
    return found


def records(kb: KnowledgeBase, name: str) -> list[dict[str, Any]]:
    """A dataset as JSON-ready dicts; whole-number amounts become integers."""
    out = []
    for record in kb.items(name):
        row = record.model_dump(mode="json")
        for key, value in row.items():
            if isinstance(value, float) and value.is_integer():
                row[key] = int(value)
        out.append(row)
    return out


def flat_frame(kb: KnowledgeBase, name: str) -> pd.DataFrame:
    """A dataset flattened for CSV: lists joined with '; ', mappings spread over 'key.sub' columns."""
    rows = []
    for row in records(kb, name):
        flat: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, list) and any(isinstance(v, list | dict) for v in value):
                flat[key] = json.dumps(value, ensure_ascii=False)  # e.g. a comparison's rows
            elif isinstance(value, list):
                flat[key] = "; ".join(str(v) for v in value)
            elif isinstance(value, dict):
                for sub, sub_value in value.items():
                    flat[f"{key}.{sub}"] = sub_value
            else:
                flat[key] = value
        rows.append(flat)
    columns = list(dict.fromkeys(c for row in rows for c in row)) or list(DATASETS[name].model.model_fields)
    return pd.DataFrame(rows, columns=columns, dtype=object)  # object: whole numbers stay whole


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def planner_settings(kb: KnowledgeBase) -> dict[str, Any]:
    """What the skill-gap planner (docs/assets/javascripts/) shares with Python, published once."""

    names = {role.id: role.name for role in kb.items("roles")}
    return {
        # The roles every skill states a need for (schema.Skill.need), so the ones a plan can target.
        "target_roles": [{"id": role, "name": names[role]} for role in REQUIRED_NEED_ROLES],
        "categories": [{"id": key, "label": label} for key, label in SKILL_CATEGORIES.items()],
        "start_depth": START_DEPTH,
    }


def downloads(kb: KnowledgeBase) -> dict[str, bytes]:
    """Site path -> bytes: a CSV and a JSON file per dataset, plus one JSON with everything."""
    files: dict[str, bytes] = {}
    everything: dict[str, Any] = {}
    for name in DATASETS:
        data = records(kb, name)
        everything[name] = data
        csv_text = flat_frame(kb, name).to_csv(index=False, lineterminator="\n")
        files[f"{DOWNLOADS_DIR}/{name}.csv"] = csv_text.encode("utf-8")
        files[f"{DOWNLOADS_DIR}/{name}.json"] = _json(data)
    files[f"{DOWNLOADS_DIR}/knowledge-base.json"] = _json(
        {
            "verification_statuses": {
                key: {"label": VERIFICATION_LABELS[key], "meaning": VERIFICATION_MEANINGS[key]}
                for key in VERIFICATION_LABELS
            },
            "datasets": everything,
        }
    )
    files[f"{DOWNLOADS_DIR}/planner.json"] = _json(planner_settings(kb))
    return files


def abbreviations(kb: KnowledgeBase) -> str:
    """Markdown abbreviation definitions (``*[ML]: ...``) for every glossary abbreviation."""
    entries = sorted(
        (g for g in kb.items("glossary") if g.abbreviation), key=lambda g: g.abbreviation.lower()
    )
    lines = [
        f"*[{g.abbreviation}]: {g.term} — {' '.join(g.definition.split())}".replace('"', "'") for g in entries
    ]
    return "\n".join(lines) + "\n" if lines else ""
