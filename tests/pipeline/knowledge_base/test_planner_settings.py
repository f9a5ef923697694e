"""downloads/planner.json: the facts the skill-gap planner's JavaScript shares with Python,
published once by exports.planner_settings (the planner reads them; it repeats none)."""

from __future__ import annotations

import json
from typing import get_args

from kb_helpers import valid_kb

from scripts.pipeline.knowledge_base import downloads, load
from scripts.pipeline.knowledge_base.schema import REQUIRED_NEED_ROLES, SKILL_CATEGORIES, Skill


def published(kb) -> dict:
    return json.loads(downloads(kb)["downloads/planner.json"])


def test_target_roles_are_the_roles_every_skill_states_a_need_for_with_their_names():
    kb = valid_kb()
    names = {role.id: role.name for role in kb.items("roles")}
    assert published(kb)["target_roles"] == [{"id": r, "name": names[r]} for r in REQUIRED_NEED_ROLES]


def test_the_planner_gets_every_skill_category_the_schema_allows_with_its_label():
    labels = {c["id"]: c["label"] for c in published(load())["categories"]}
    allowed = get_args(Skill.model_fields["category"].annotation)
    assert list(labels) == list(allowed) == list(SKILL_CATEGORIES)
    assert labels == SKILL_CATEGORIES and all(label.strip() for label in labels.values())


def test_every_transfers_value_has_a_start_depth_on_the_need_scale():
    start = published(load())["start_depth"]
    assert set(start) == set(get_args(Skill.model_fields["transfers"].annotation))
    assert all(0 <= depth <= 3 for depth in start.values())
    # Backend work that builds a skill starts it higher than work that only partly does.
    assert start["yes"] > start["partly"] > start["no"]
