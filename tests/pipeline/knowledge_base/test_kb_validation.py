"""Every validation rule, proven on a small broken copy of the valid fixture.

Each test breaks one thing and asserts the exact message: the file, the line, the entry and
what to do about it.
"""

from __future__ import annotations

import dataclasses
import shutil
from typing import Annotated

import pytest
from kb_helpers import BUILD_YEAR, copy_fixture, valid_kb
from pydantic import Field

from scripts import ROOT
from scripts.pipeline.knowledge_base import DataError, load
from scripts.pipeline.knowledge_base.schema import DATASETS, Page, Ref, Slug, SnippetRef, Tool


@pytest.fixture
def kb(tmp_path):
    return copy_fixture(tmp_path)


def test_valid_fixture_loads():
    loaded = valid_kb()
    assert {name: len(items) for name, items in loaded.records.items()} == {
        "sources": 4,
        "roles": 4,
        "skills": 3,
        "salaries": 9,
        "market": 3,
        "trends": 2,
        "tools": 2,
        "concepts": 2,
        "challenges": 1,
        "comparisons": 1,
        "practices": 2,
        "questions": 2,
        "glossary": 3,
        "resources": 2,
        "llm_models": 1,
        "llm_prices": 1,
    }
    assert loaded.line("salaries", "vendor-hybrid-range") == 5
    assert loaded.line("skills", "supervised") == 22


# --- one record at a time ---------------------------------------------------------------


def test_unknown_yaml_field(kb):
    kb.replace(
        "tools.yaml",
        "  learning_curve: low\n  backend_analogue: Any",
        "  colour: blue\n  learning_curve: low\n  backend_analogue: Any",
    )
    line = kb.line_of("tools.yaml", "colour")
    assert kb.problems() == [
        f"data/tools.yaml line {line} (fastapi): unknown field 'colour' — remove it or fix the spelling "
        "(fields: id, name, category, when_to_use, learning_curve, backend_analogue, url, example)"
    ]


def test_unknown_csv_column(kb):
    kb.replace("market.csv", ",note\n", ",notes\n")
    assert kb.problems() == [
        "data/market.csv line 1: unknown column 'notes' — remove or rename it (columns: id, figure, value, "
        "qualifier, unit, geography, period, data_year, source, via, verification, note)"
    ]


def test_missing_required_csv_column(kb):
    kb.replace("market.csv", "id,figure,value,qualifier,unit,", "id,figure,value,qualifier,")
    problems = kb.problems()
    assert "data/market.csv line 1: required column 'unit' is missing from the header — add it" in problems


def test_csv_row_with_wrong_number_of_cells(kb):
    line = kb.replace(
        "market.csv",
        "office-dev-growth,Software developers: projected job growth,15,",
        "office-dev-growth,Software developers, projected job growth,15,",
    )
    assert kb.problems() == [
        f"data/market.csv line {line}: has 13 cells but the header has 12 — check for a missing comma or "
        "an unquoted comma inside a cell"
    ]


def test_wrong_type(kb):
    line = kb.replace("skills.yaml", "effort_hours: 30", "effort_hours: a month")
    assert kb.problems() == [
        f"data/skills.yaml line {line} (statistics): effort_hours must be a whole number, got 'a month'"
    ]


def test_impossible_literal_value(kb):
    line = kb.replace("practices.yaml", "area: monitoring", "area: observability")
    (problem,) = kb.problems()
    assert problem.startswith(
        f"data/practices.yaml line {line} (log-predictions): area is 'observability' — use one of "
    )
    assert "'monitoring'" in problem


def test_negative_pay(kb):
    line = kb.replace("salaries.csv", "base,130000,", "base,-130000,")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): value is -130000 but "
        "must be above 0 — fix the figure or its sign"
    ]


def test_low_above_high(kb):
    line = kb.replace("salaries.csv", ",,150000,250000,", ",,250000,150000,")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (vendor-hybrid-range: hybrid-engineer, senior, US): low 250000 is "
        "above high 150000 — swap them or fix the figure"
    ]


def test_range_needs_both_ends(kb):
    line = kb.replace("salaries.csv", ",,150000,250000,", ",,150000,,")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (vendor-hybrid-range: hybrid-engineer, senior, US): statistic range "
        "needs both low and high — fill both"
    ]


def test_single_value_statistic_rejects_range_columns(kb):
    line = kb.replace("salaries.csv", "base,130000,,,2024", "base,130000,1,2,2024")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): statistic median takes "
        "a single value; clear low/high or use statistic range"
    ]


def test_data_year_after_build_year(kb):
    line = kb.replace("market.csv", "percent,US,2024–2034,2024,", "percent,US,2024–2034,2026,")
    assert kb.problems() == [
        f"data/market.csv line {line} (office-dev-growth): data_year 2026 is after the build year 2025 — a "
        "figure cannot describe the future; use the year the data was collected (for a projection, its base year)"
    ]


def test_data_year_after_the_source_was_published(kb):
    line = kb.replace("salaries.csv", "base,130000,,,2024,1200", "base,130000,,,2025,1200")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): data_year 2025 is after "
        "'stats-office' was published (2024-05-01) — check the year, or cite the edition that has this figure"
    ]


def test_build_year_is_injectable(kb):
    kb.load(build_year=2024)  # the newest figure describes 2024: fine
    assert any("after the build year 2023" in p for p in kb.problems(build_year=2023))


def test_empty_source(kb):
    line = kb.replace("salaries.csv", "1200,stats-office,,primary", "1200,,,primary")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): missing required field "
        "'source' — add it"
    ]


def test_empty_url_only_for_seed_articles(kb):
    kb.replace("sources.yaml", "url: https://news.example.org/pay", 'url: ""')
    line = kb.line_of("sources.yaml", "- id: news-site")  # a rule across fields points at the entry
    assert kb.problems() == [
        f"data/sources.yaml line {line} (news-site): url is empty — add the document's address; only a seed "
        "article (kind vendor-article) may leave it empty, and its notes must say the URL is unknown"
    ]


def test_need_must_cover_core_roles(kb):
    kb.replace("skills.yaml", "{ml-engineer: 3, hybrid-engineer: 1, mlops-engineer: 1}", "{ml-engineer: 3}")
    line = kb.line_of("skills.yaml", "- id: statistics")
    assert kb.problems() == [
        f"data/skills.yaml line {line} (statistics): need has no value for mlops-engineer, hybrid-engineer — "
        "add a 0-3 depth for each of ml-engineer, mlops-engineer, hybrid-engineer"
    ]


def test_need_depth_out_of_range(kb):
    line = kb.replace(
        "skills.yaml", "{ml-engineer: 3, hybrid-engineer: 1,", "{ml-engineer: 4, hybrid-engineer: 1,"
    )
    assert kb.problems() == [
        f"data/skills.yaml line {line} (statistics): need ml-engineer is 4 but must be at most 3 — fix the figure "
        "or its sign"
    ]


def test_bad_id_format(kb):
    line = kb.replace("resources.yaml", "id: ml-book", "id: ML_Book")
    assert kb.problems() == [
        f"data/resources.yaml line {line} (ML_Book): id 'ML_Book' must be a lowercase kebab-case id such as 'ml-engineer'"
    ]


def test_bad_page_path_format(kb):
    line = kb.replace("challenges.yaml", "page: practices.md", "page: /practices")
    assert kb.problems() == [
        f"data/challenges.yaml line {line} (silent-decay): page '/practices' must be a page path relative to docs/, "
        "such as 'skills/mlops.md'"
    ]


# --- file level -------------------------------------------------------------------------


def test_yaml_syntax_error(kb):
    line = kb.replace(
        "tools.yaml", "backend_analogue: CI build history", "backend_analogue: CI: build history"
    )
    assert kb.problems() == [
        f"data/tools.yaml line {line}: is not valid YAML (mapping values are not allowed in this context) — fix the syntax"
    ]


def test_top_level_must_be_a_list(kb):
    (kb.data / "trends.yaml").write_text("id: more-ml\n", encoding="utf-8")
    problems = kb.problems()
    assert "data/trends.yaml line 1: top level must be a list of entries ('- key: value')" in problems


def test_duplicate_key_in_one_entry(kb):
    kb.replace(
        "tools.yaml",
        "  learning_curve: low\n  backend_analogue: CI",
        "  learning_curve: low\n  learning_curve: high\n  backend_analogue: CI",
    )
    line = kb.line_of("tools.yaml", "learning_curve: high")
    assert kb.problems() == [
        f"data/tools.yaml line {line}: field 'learning_curve' appears twice in one entry (first on line {line - 1}) — keep one"
    ]


def test_missing_file(kb):
    (kb.data / "glossary.yaml").unlink()
    assert kb.problems() == ["data/glossary.yaml: file is missing — create it (Terms and abbreviations.)"]


def test_yaml_dates_and_yes_no_stay_text(kb):
    # YAML 1.1 would turn `yes` into True and 2024-05-01 into a date; the loader keeps both as written.
    loaded = kb.load()
    assert loaded.by_key("skills")["python"].transfers == "yes"
    assert loaded.by_key("sources")["stats-office"].published == "2024-05-01"


# --- across records and files -----------------------------------------------------------


def test_duplicate_id(kb):
    line = kb.replace("resources.yaml", "id: ml-book", "id: stats-course")
    assert kb.problems() == [
        f"data/resources.yaml line {line} (stats-course): duplicate id 'stats-course' (also on line 1) — make it unique"
    ]


def test_duplicate_abbreviation(kb):
    line = kb.replace("glossary.yaml", "abbreviation: SLO", "abbreviation: ML")
    assert kb.problems() == [
        f"data/glossary.yaml line {line} (Service-level objective): abbreviation 'ML' is already defined on line 1 "
        "— one tooltip per abbreviation"
    ]


def test_unknown_role(kb):
    line = kb.replace("salaries.csv", "office-ml-median,ml-engineer,", "office-ml-median,astronaut,")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-ml-median: astronaut, all, US): role 'astronaut' is not a known "
        "role — add it to data/roles.yaml or fix the id"
    ]


def test_unknown_role_in_need(kb):
    line = kb.replace("skills.yaml", "need: {backend-engineer: 2,", "need: {astronaut: 2,")
    assert kb.problems() == [
        f"data/skills.yaml line {line} (python): need 'astronaut' is not a known role — add it to data/roles.yaml "
        "or fix the id"
    ]


def test_leads_to_unknown_role_id(kb):
    line = kb.replace(
        "roles.yaml", "leads_to: [ml-engineer, Staff engineer]", "leads_to: [ml-engineers, Staff engineer]"
    )
    assert kb.problems() == [
        f"data/roles.yaml line {line} (backend-engineer): leads_to 'ml-engineers' looks like a role id but no such "
        "role exists — use a role id or a free-text title with spaces"
    ]


def test_unknown_source_and_via(kb):
    line = kb.replace("market.csv", "stats-office,news-site,secondary", "stats-offices,news,secondary")
    assert kb.problems() == [
        f"data/market.csv line {line} (news-openings): source 'stats-offices' is not a known source — add it to "
        "data/sources.yaml or fix the id",
        f"data/market.csv line {line} (news-openings): via 'news' is not a known source — add it to "
        "data/sources.yaml or fix the id",
    ]


def test_primary_verification_needs_the_publishers_own_data(kb):
    line = kb.replace("salaries.csv", "stats-office,news-site,secondary", "stats-office,news-site,primary")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (news-dev-median: backend-engineer, all, US): verification is primary but "
        "the figure was read in 'news-site', which is not the publisher's own data — use secondary (or uncertain "
        "/ not-found)"
    ]


def test_via_must_differ_from_source(kb):
    line = kb.replace(
        "salaries.csv", "stats-office,news-site,secondary", "stats-office,stats-office,secondary"
    )
    assert kb.problems() == [
        f"data/salaries.csv line {line} (news-dev-median: backend-engineer, all, US): via repeats source — clear "
        "via when the figure was read at the source"
    ]


def test_unknown_skill_prerequisite(kb):
    line = kb.replace(
        "skills.yaml", "prerequisites: [python, statistics]", "prerequisites: [python, calculus]"
    )
    assert kb.problems() == [
        f"data/skills.yaml line {line} (supervised): prerequisites 'calculus' is not a known skill — add it to "
        "data/skills.yaml or fix the id"
    ]


def test_unknown_resource(kb):
    line = kb.replace(
        "skills.yaml",
        "  resources: [stats-course]\n  page: skills.md\n  snippets",
        "  resources: [missing-course]\n  page: skills.md\n  snippets",
    )
    assert kb.problems() == [
        f"data/skills.yaml line {line} (supervised): resources 'missing-course' is not a known resource — add it "
        "to data/resources.yaml or fix the id"
    ]


def test_unknown_practice(kb):
    line = kb.replace(
        "challenges.yaml", "related_practice: log-predictions", "related_practice: log-everything"
    )
    assert kb.problems() == [
        f"data/challenges.yaml line {line} (silent-decay): related_practice 'log-everything' is not a known "
        "practice — add it to data/practices.yaml or fix the id"
    ]


def test_unknown_evidence_figure(kb):
    line = kb.replace(
        "trends.yaml",
        "evidence: [office-dev-growth, office-ml-median]",
        "evidence: [office-dev-growth, nope]",
    )
    assert kb.problems() == [
        f"data/trends.yaml line {line} (more-ml): evidence 'nope' is not a figure id in market.csv or salaries.csv "
        "— fix the id"
    ]


def test_missing_page(kb):
    line = kb.replace("questions.yaml", "related_page: practices.md", "related_page: interviews/design.md")
    assert kb.problems() == [
        f"data/questions.yaml line {line} (design-fraud): related_page 'interviews/design.md' does not exist under "
        "docs/ — create the page or fix the path"
    ]


def test_missing_snippet_file(kb):
    line = kb.replace(
        "practices.yaml", "snippet: snippets/demo/model.py:serve", "snippet: snippets/demo/serve.py:serve"
    )
    assert kb.problems() == [
        f"data/practices.yaml line {line} (log-predictions): snippet file 'snippets/demo/serve.py' does not exist "
        "— create it or fix the path"
    ]


def test_missing_snippet_section(kb):
    line = kb.replace(
        "concepts.yaml", "snippet: snippets/demo/model.py:serve", "snippet: snippets/demo/model.py:predict"
    )
    assert kb.problems() == [
        f"data/concepts.yaml line {line} (serving-api): 'snippets/demo/model.py' has no section 'predict' "
        "(sections: fit, serve) — add the '# --8<-- [start:predict]' marker or fix the name"
    ]


def test_prerequisite_cycle(kb):
    line = kb.replace(
        "skills.yaml",
        "  transfer_note: Percentiles help.\n",
        "  transfer_note: Percentiles help.\n  prerequisites: [supervised]\n",
    )
    problems = kb.problems()
    assert len(problems) == 1
    assert problems[0].startswith(
        f"data/skills.yaml line {line + 1} (statistics): prerequisites form a cycle: "
    )
    assert "statistics -> supervised -> statistics" in problems[0]
    assert problems[0].endswith("— remove one of these links")


def test_self_prerequisite(kb):
    line = kb.replace(
        "skills.yaml", "prerequisites: [python, statistics]", "prerequisites: [python, supervised]"
    )
    assert kb.problems() == [
        f"data/skills.yaml line {line} (supervised): a skill cannot be its own prerequisite — remove it"
    ]


def test_a_new_reference_field_is_checked_with_no_other_code_change(kb, monkeypatch):
    # A field declared as a reference in the model is all it takes: no per-field check to add.
    class OwnedTool(Tool):
        owner: Annotated[Slug, Ref("roles", what="role")] | None = Field(default=None, description="Owner.")
        see_also: list[Page] = Field(default=[], description="Pages about it.")
        demo: dict[str, SnippetRef] = Field(default={}, description="Snippets by name.")

    monkeypatch.setitem(DATASETS, "tools", dataclasses.replace(DATASETS["tools"], model=OwnedTool))
    kb.load()  # the new fields are optional: the fixture still loads
    line = kb.replace(
        "tools.yaml",
        "  learning_curve: low\n  backend_analogue: CI",
        "  owner: astronaut\n  see_also: [skills.md, nowhere.md]\n  demo: {fit: snippets/demo/model.py:predict}\n"
        "  learning_curve: low\n  backend_analogue: CI",
    )
    assert kb.problems() == [
        f"data/tools.yaml line {line} (mlflow): owner 'astronaut' is not a known role — add it to "
        "data/roles.yaml or fix the id",
        f"data/tools.yaml line {line + 1} (mlflow): see_also 'nowhere.md' does not exist under docs/ — create "
        "the page or fix the path",
        f"data/tools.yaml line {line + 2} (mlflow): 'snippets/demo/model.py' has no section 'predict' "
        "(sections: fit, serve) — add the '# --8<-- [start:predict]' marker or fix the name",
    ]


def test_invalid_entries_are_not_reported_again_as_unknown_references(kb):
    # `statistics` fails validation; `supervised` lists it as a prerequisite. One problem, not two.
    line = kb.replace("skills.yaml", "effort_hours: 30", "effort_hours: -1")
    assert kb.problems() == [
        f"data/skills.yaml line {line} (statistics): effort_hours is -1 but must be above 0 — fix the figure or its sign"
    ]


def test_unreadable_file_does_not_cascade(kb):
    kb.replace("practices.yaml", "  why: Reproducibility.", "  why: [Reproducibility.")
    problems = kb.problems()
    assert len(problems) == 1 and problems[0].startswith("data/practices.yaml line ")


def test_all_problems_are_collected_in_one_error(kb):
    kb.replace("salaries.csv", "base,130000,", "base,-130000,")
    kb.replace("tools.yaml", "category: tracking", "category: tracing")
    kb.replace("questions.yaml", "related_page: practices.md", "related_page: nowhere.md")
    with pytest.raises(DataError) as caught:
        kb.load()
    message = str(caught.value)
    assert message.startswith("3 problem(s) in the knowledge base:\n  - data/questions.yaml line ")
    assert [p.file for p in caught.value.problems] == [
        "data/questions.yaml",
        "data/salaries.csv",
        "data/tools.yaml",
    ]


def test_default_build_year_is_this_year(kb, monkeypatch):
    import datetime as dt
    import sys

    class Frozen(dt.date):
        @classmethod
        def today(cls):
            return cls(2030, 1, 1)

    # The package exports a function named `load`, so reach the module through sys.modules.
    monkeypatch.setattr(sys.modules["scripts.pipeline.knowledge_base.load"], "date", Frozen)
    loaded = load(kb.data, docs_dir=kb.root / "docs", snippets_dir=kb.root)
    assert loaded.build_year == 2030 != BUILD_YEAR


# --- comparisons ------------------------------------------------------------------------


def test_comparison_row_with_missing_cell(kb):
    line = kb.line_of("comparisons.yaml", "- id: release-strategies")
    kb.replace("comparisons.yaml", "    - A small share\n", "")
    problems = kb.problems()
    assert len(problems) == 1
    assert problems[0].startswith(f"data/comparisons.yaml line {line} (release-strategies):")
    assert "row 2 has 2 cells but there are 3 columns" in problems[0]


def test_comparison_on_a_missing_page(kb):
    line = kb.replace("comparisons.yaml", "page: practices.md", "page: practices/releases.md")
    assert kb.problems() == [
        f"data/comparisons.yaml line {line} (release-strategies): page 'practices/releases.md' does not exist "
        "under docs/ — create the page or fix the path"
    ]


def test_comparison_shows_only_on_its_own_page(kb):
    from scripts.pipeline.knowledge_base import UnknownDirective, render_table

    loaded = kb.load()
    assert "| Shadow" in render_table(loaded, "comparison", page="practices.md", id="release-strategies")
    with pytest.raises(UnknownDirective, match="belongs to practices.md"):
        render_table(loaded, "comparison", page="roles.md", id="release-strategies")
    with pytest.raises(UnknownDirective, match="id=nope is not valid"):
        render_table(loaded, "comparison", page="practices.md", id="nope")


# --- implausible figures ----------------------------------------------------------------


def test_an_extra_zero_is_caught_against_the_figures_peers(kb):
    line = kb.replace("salaries.csv", "base,130000,,,2024", "base,1300000,,,2024")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): value 1,300,000 is "
        "7.6× the median 170,000 of the 3 median figures for backend-engineer in US (this one and "
        "129,500 (line 4), 170,000 (line 7)) — check for a missing or extra digit; if the figure is right, "
        "say why in outlier_reason"
    ]


def test_of_two_figures_far_apart_the_pair_is_reported_once(kb):
    kb.replace("salaries.csv", "base,140000,,,2024", "base,1400000,,,2024")
    line = kb.line_of("salaries.csv", "so-us-ai,")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (so-us-ai: ml-engineer, all, US): value 160,000 and 1,400,000 on line 3, "
        "the only two median figures for ml-engineer in US, are 8.8× apart: one of them probably has a "
        "missing or extra digit — fix it; if both are right, say why in the outlier's outlier_reason"
    ]


def test_the_ends_of_a_range_are_compared_with_the_same_end_of_their_peers(kb):
    kb.append(
        "salaries.csv",
        "other-hybrid-range,hybrid-engineer,Hybrid roles,all,US,USD,range,total,,140000,260000,2024,,"
        "seed-vendor,,not-found,Other.\n"
        "third-hybrid-range,hybrid-engineer,Hybrid roles,mid,US,USD,range,base,,130000,2300000,2024,,"
        "seed-vendor,,not-found,Typo in the high end.\n",
    )
    (problem,) = kb.problems()
    assert problem.startswith(
        "data/salaries.csv line 12 (third-hybrid-range: hybrid-engineer, mid, US): high "
        "2,300,000 is 8.8× the median 260,000 of the 3 range figures"
    )


def test_a_note_quoting_an_hourly_rate_must_agree_with_the_annual_value(kb):
    kb.replace(
        "salaries.csv", "primary,Proxy for back-end.", "primary,Proxy for back-end (about $62.50 an hour)."
    )
    kb.load()  # 62.50 × 2,080 = 130,000: agrees
    line = kb.replace("salaries.csv", "(about $62.50 an hour)", "(about $6.25 an hour)")
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): value 130,000 disagrees "
        "with its note's '$6.25 an hour' (6.25 × 2,080 = 13,000 a year; 10.0× apart) — fix the figure or the note"
    ]


def test_a_monthly_rate_in_the_note_is_checked_too(kb):
    line = kb.replace("salaries.csv", "primary,Proxy for back-end.", 'primary,"Proxy ($108,333 per month)."')
    (problem,) = kb.problems()
    assert problem.startswith(
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): "
        "value 130,000 disagrees with its note's '$108,333 per month'"
    )


def test_a_genuine_outlier_passes_when_its_reason_is_given(kb):
    rows = (kb.data / "salaries.csv").read_text(encoding="utf-8").splitlines()
    rows[0] += ",outlier_reason"
    rows = [rows[0]] + [row + "," for row in rows[1:]]
    (kb.data / "salaries.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    line = kb.replace(
        "salaries.csv",
        "base,130000,,,2024,1200,stats-office,,primary,Proxy for back-end.,",
        "base,1300000,,,2024,1200,stats-office,,primary,Proxy for back-end.,Staff engineers at one firm "
        "only; the survey reports it as published.",
    )
    kb.load()
    kb.replace(
        "salaries.csv", "Staff engineers at one firm only; the survey reports it as published.", "typo"
    )
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): outlier_reason 'typo' "
        "does not say why the figure is right — write a sentence, e.g. 'Bay Area total pay including stock; "
        "the other US figures are base pay.'"
    ]
    kb.replace(
        "salaries.csv",
        "1300000,,,2024,1200,stats-office,,primary,Proxy for back-end.,typo",
        "130000,,,2024,1200,stats-office,,primary,Proxy for back-end.,A reason that is no longer true.",
    )
    assert kb.problems() == [
        f"data/salaries.csv line {line} (office-dev-median: backend-engineer, all, US): outlier_reason is set, "
        "but no amount is more than 3× its peers' — clear it"
    ]


def test_the_real_data_is_plausible_and_the_reported_typo_is_caught(tmp_path):
    # The case that prompted the check: a 2024 median of $140,910 typed as 1409100.
    load()  # the real data passes
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "salaries.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(",base,140910,") == 1
    path.write_text(text.replace(",base,140910,", ",base,1409100,"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(data, docs_dir=ROOT / "docs", snippets_dir=ROOT)
    assert [p.entry for p in caught.value.problems] == ["bls-cirs-median-2024: ml-engineer, all, US"] * 2
    assert "disagrees with its note's '$67.74 an hour'" in caught.value.problems[0].message
    assert "1,409,100 is 8.8× the median 160,000 of the 3 median figures" in caught.value.problems[1].message
