"""Sentences that interpret figures from data/, checked against the records they read.

The figures themselves are rendered from their records (see test_figure_directives.py);
these tests hold the words around them ("the order flips", "much smaller", "no sourced
figure") to the data, so a change to a record that stops supporting a sentence fails here,
naming the page to reword.
"""

from __future__ import annotations

import pytest

from scripts.pipeline import knowledge_base


@pytest.fixture(scope="module")
def kb():
    return knowledge_base.load()


def value(kb, dataset: str, key: str) -> float:
    return kb.by_key(dataset)[key].value


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_backend_versus_ml_order_flips_between_us_and_global(kb, year):
    """salaries/index.md, salaries/reading-the-figures.md and faq.md: US back-end developers
    report a higher median than data scientists and ML specialists; worldwide, lower."""
    us_backend, us_ml = (value(kb, "salaries", f"so-{year}-us-{t}") for t in ("backend", "ds-ml"))
    global_backend, global_ml = (value(kb, "salaries", f"so-{year}-global-{t}") for t in ("backend", "ds-ml"))
    assert us_backend > us_ml and global_backend < global_ml, (
        f"The Stack Overflow {year} order no longer flips; reword 'The order flips' on "
        "salaries/index.md, reading-the-figures.md and faq.md"
    )


def test_the_us_global_gap_dwarfs_the_gap_between_types(kb):
    """salaries/what-moves-pay.md: the gap between US and global medians for one developer
    type dwarfs the gap between types (taken as at least five times larger)."""
    s = {
        k: value(kb, "salaries", f"so-2024-{k}")
        for k in ("us-backend", "us-ds-ml", "global-backend", "global-ds-ml")
    }
    place = min(s["us-backend"] - s["global-backend"], s["us-ds-ml"] - s["global-ds-ml"])
    role = max(abs(s["us-backend"] - s["us-ds-ml"]), abs(s["global-backend"] - s["global-ds-ml"]))
    assert place >= 5 * role, f"US-global gap {place:,.0f} vs between types {role:,.0f}: reword 'dwarfs'"


def test_the_ml_group_is_much_smaller(kb):
    """faq.md: 'the ML group is much smaller' (US respondents; taken as under a third)."""
    salaries = kb.by_key("salaries")
    ml, backend = salaries["so-2024-us-ds-ml"].sample_size, salaries["so-2024-us-backend"].sample_size
    assert ml * 3 < backend, f"{ml} against {backend} respondents: reword 'much smaller' on faq.md"


def test_no_hybrid_role_figure_is_sourced(kb):
    """salaries/index.md: 'We have no sourced figure for hybrid backend-ML roles: every hybrid
    figure in our data is a band from a career article, and we could trace none of them'."""
    hybrid = [r for r in kb.items("salaries") if r.role == "hybrid-engineer"]
    assert hybrid, "no hybrid figures left: reword the hybrid section of salaries/index.md"
    traced = [r.id for r in hybrid if r.verification != "not-found"]
    assert not traced, (
        f"{traced} have a traced source now: give 'What do hybrid backend-ML roles pay?' on "
        "salaries/index.md a sourced answer instead of 'We have no sourced figure'"
    )


def test_levels_city_order(kb):
    """salaries/what-moves-pay.md: highest in the Bay Area, then Seattle, then New York."""
    bay, seattle, new_york = (
        value(kb, "salaries", f"levels-2023-{c}") for c in ("bay-area", "seattle", "new-york")
    )
    assert bay > seattle > new_york, "reword the Levels.fyi city order on what-moves-pay.md"


def test_remote_ai_engineer_roles_are_not_the_norm(kb):
    """salaries/what-moves-pay.md: 'Remote ML roles exist but are not the norm'."""
    remote = value(kb, "market", "linkedin-2026-ai-engineer-remote")
    assert 0 < remote < 50, f"{remote}% remote: reword 'not the norm' on what-moves-pay.md"


def test_the_closest_data_contradicts_the_data_engineer_claim(kb):
    """trends/index.md: the untraced claim has data engineer openings growing; Bloomberry
    reports them down, so 'the closest data we found contradicts part of it'."""
    claim = value(kb, "market", "aipathly-data-engineer-openings")
    measured = value(kb, "market", "bloomberry-data-engineer-openings")
    assert claim > 0 > measured, "reword 'contradicts part of it' on trends/index.md"


def test_the_edition_mix_on_reading_the_figures(kb):
    """salaries/reading-the-figures.md: the May 2024 wage belongs with the 2024–2034
    projection; the 36% growth figure belongs to the earlier 2023–2033 one."""
    wage = kb.by_key("salaries")["bls-ds-median-2024"]
    market = kb.by_key("market")
    assert market["bls-ds-growth-2024-34"].data_year == wage.data_year
    assert market["bls-ds-growth-2023-33"].data_year < wage.data_year


def test_the_bls_software_projections_on_the_trends_page(kb):
    """trends/index.md: neither BLS edition shows backend work shrinking; the 2023–2033
    projection is the newest read at the source ('calls much faster than average'), the
    2024–2034 one was seen only in secondary reports."""
    market = kb.by_key("market")
    older, newer = market["bls-swdev-group-growth-2023-33"], market["bls-swdev-group-growth-2024-34"]
    assert older.value > 0 and newer.value > 0, (
        "reword 'Nor do the sourced figures show backend work shrinking'"
    )
    assert older.verification == "primary" and "much faster than the average" in older.note
    assert newer.verification != "primary" and newer.via, "reword 'seen only in secondary reports'"
    newest_primary = max(
        (
            r
            for r in kb.items("market")
            if r.id.startswith("bls-swdev-group-growth-") and r.verification == "primary"
        ),
        key=lambda r: r.data_year,
    )
    assert newest_primary.id == older.id, (
        f"{newest_primary.id} is newer: reword 'the newest we read at the source'"
    )
