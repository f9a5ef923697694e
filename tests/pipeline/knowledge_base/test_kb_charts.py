"""Charts: deterministic, accessible inline SVG that follows the page's colour scheme."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from kb_helpers import HERE, copy_fixture, valid_kb

from scripts import ROOT
from scripts.pipeline.knowledge_base import CHART_NAMES, UnknownDirective, render_chart

PAGE = "guide/page.md"


@pytest.fixture(scope="module")
def kb():
    return valid_kb()


@pytest.fixture(scope="module")
def charts(kb):
    return {name: render_chart(kb, name, page=PAGE) for name in CHART_NAMES}


# Renders every chart in a fresh interpreter and prints them as JSON.
RENDER_ALL = f"""
import json, sys
sys.path.insert(0, {str(HERE)!r})
from kb_helpers import valid_kb
from scripts.pipeline.knowledge_base import CHART_NAMES, render_chart
kb = valid_kb()
print(json.dumps({{name: render_chart(kb, name, page={PAGE!r}) for name in CHART_NAMES}}))
"""


def render_in_two_processes() -> list[dict[str, str]]:
    """Every chart rendered by two separate interpreters with different hash seeds, in parallel.

    Within one process a random or hash-ordered choice repeats itself; across processes
    (two builds of the site) it does not, so only this comparison can see it.
    """
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RENDER_ALL],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2")
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        outputs.append(json.loads(out))
    return outputs


def test_every_chart_is_deterministic(charts):
    # One test for every chart, not one per chart: under xdist each worker that ran one of
    # them started its own two interpreters (3.6 s of CPU each time, 2026-12-04).
    first, second = render_in_two_processes()
    assert sorted(first) == sorted(second) == sorted(CHART_NAMES)
    differ = [
        f"{name} ({where})"
        for name in CHART_NAMES
        for where, other in (("hash seed 2", second[name]), ("this process", charts[name]))
        if other != first[name]
    ]
    assert differ == [], f"charts that differ from a fresh interpreter's with hash seed 1: {differ}"


@pytest.mark.parametrize("name", CHART_NAMES)
def test_chart_is_accessible_inline_svg(charts, name):
    out = charts[name]
    figure, caption = out.split("</figure>\n\n")
    assert figure.startswith('<figure class="kb-chart">\n<svg ')
    svg_tag = re.search(r"<svg [^>]*>", figure)[0]
    assert 'role="img"' in svg_tag
    assert f'aria-labelledby="kb-{name}-title kb-{name}-desc"' in svg_tag
    assert re.search(
        rf'<title id="kb-{name}-title">[^<]+</title><desc id="kb-{name}-desc">[^<]+</desc>', figure
    )
    assert "width=" not in svg_tag and "viewBox=" in svg_tag
    # No blank line inside the raw HTML block, or Markdown would end it early.
    assert "\n\n" not in figure
    # The caption is Markdown (links are checked and rewritten by MkDocs), naming files read.
    assert caption.startswith("*") and "generated from `data/" in caption


@pytest.mark.parametrize("name", CHART_NAMES)
def test_chart_follows_the_page_colours(charts, name):
    svg = charts[name]
    assert "currentColor" in svg
    assert "#000000" not in svg and "#010203" not in svg  # black and the drawing colour are replaced
    assert "font-family: inherit" in svg
    assert "<metadata>" not in svg and "<dc:date>" not in svg and "<?xml" not in svg


def test_chart_ids_are_prefixed_so_charts_can_share_a_page(charts):
    ids = [i for svg in charts.values() for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))
    for name, svg in charts.items():
        assert all(i.startswith(f"kb-{name}-") for i in re.findall(r'\bid="([^"]+)"', svg))


def test_salary_ranges_chart_describes_one_panel_per_source(charts):
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", charts["salary-ranges"])[1]
    assert desc == (
        "Horizontal range bars in US dollars per year. Vendor article (data year 2024, not found — "
        "unverified): Hybrid roles, senior, $150,000–$250,000."
    )
    assert "[Vendor article](../about-data/sources.md)" not in charts["salary-ranges"]
    assert "sources: Example Courses Ltd ([details](../about-data/sources.md))" in charts["salary-ranges"]


def test_skills_transfer_chart_counts_skills(charts):
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", charts["skills-transfer"])[1]
    assert desc == (
        "Stacked bars, one per skill area. Programming: 1 carry over, 0 partly, 0 new. Mathematics: 0 carry "
        "over, 1 partly, 0 new. ML concepts: 0 carry over, 0 partly, 1 new."
    )


def test_us_vs_global_chart_shows_both_geographies(charts):
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", charts["salaries-us-vs-global"])[1]
    assert desc == (
        "Grouped bars from the Stack Overflow Developer Survey 2024. Developer, back-end: US $170,000, "
        "worldwide $67,227. Developer, AI: US $160,000, worldwide $70,888."
    )
    assert "$170,000 (n=776)" in charts["salaries-us-vs-global"]


def test_us_vs_global_chart_needs_both_geographies(tmp_path):
    kb = copy_fixture(tmp_path)
    kb.replace("salaries.csv", "all,Global,USD,median,total,67227", "all,EU,USD,median,total,67227")
    kb.replace("salaries.csv", "all,Global,USD,median,total,70888", "all,EU,USD,median,total,70888")
    with pytest.raises(UnknownDirective, match="needs Stack Overflow medians for US and Global"):
        render_chart(kb.load(), "salaries-us-vs-global", page=PAGE)


def test_us_vs_global_chart_uses_the_latest_survey_with_both(tmp_path):
    kb = copy_fixture(tmp_path)
    # 2024 keeps only its US rows; 2023 has both geographies, so the chart must show 2023.
    kb.replace("salaries.csv", "all,Global,USD,median,total,67227", "all,EU,USD,median,total,67227")
    kb.replace("salaries.csv", "all,Global,USD,median,total,70888", "all,EU,USD,median,total,70888")
    rows = [
        'so-us-2023,backend-engineer,"Developer, back-end",all,US,USD,median,total,165000,,,2023,,dev-survey,,primary,',
        'so-global-2023,backend-engineer,"Developer, back-end",all,Global,USD,median,total,76034,,,2023,,dev-survey,,primary,',
    ]
    kb.append("salaries.csv", "\n".join(rows) + "\n")
    svg = render_chart(kb.load(), "salaries-us-vs-global", page=PAGE)
    assert "Stack Overflow Developer Survey 2023. Developer, back-end: US $165,000, worldwide $76,034." in svg
