"""The Lighthouse report's arithmetic (scripts/quality/lighthouse.py), without running Lighthouse.

Scores themselves are machine-dependent and only reported; what is tested here is that a
report reads Lighthouse's JSON correctly, keeps the median run and marks budget misses.
"""

from scripts.quality.lighthouse import Result, format_findings, format_table, median_run, read_result


def lhr(perf: float, a11y: float = 1.0, total_bytes: int = 300_000) -> dict:
    """A minimal Lighthouse result: four categories, one audit that cost points."""
    categories = {
        "performance": {"score": perf, "auditRefs": [{"id": "total-blocking-time", "weight": 30}]},
        "accessibility": {"score": a11y, "auditRefs": [{"id": "color-contrast", "weight": 7}]},
        "best-practices": {"score": 1.0, "auditRefs": []},
        "seo": {"score": 1.0, "auditRefs": []},
    }
    audits = {
        "total-blocking-time": {"score": 0.5, "displayValue": "600 ms", "title": "Total Blocking Time"},
        "color-contrast": {"score": a11y, "title": "Contrast"},
        "total-byte-weight": {"numericValue": total_bytes},
    }
    return {"categories": categories, "audits": audits, "environment": {"benchmarkIndex": 2000}}


def test_read_result_scores_lost_points_and_weight():
    result = read_result("Home", "", "mobile", lhr(0.934, a11y=0.96, total_bytes=350_123))
    assert result.scores == {"performance": 93, "accessibility": 96, "best-practices": 100, "seo": 100}
    assert result.total_bytes == 350_123
    assert result.below_budget() == ["performance", "accessibility"]
    assert result.lost == [
        "perf: total-blocking-time 0.50 (600 ms) - Total Blocking Time",
        "a11y: color-contrast 0.96 - Contrast",
    ]


def test_runtime_error_is_kept():
    data = lhr(0.9)
    data["runtimeError"] = {"code": "NO_FCP", "message": "The page did not paint"}
    assert read_result("Home", "", "mobile", data).error == "NO_FCP: The page did not paint"


def test_median_run_is_kept_with_the_range():
    runs = [read_result("Roles", "roles/", "mobile", lhr(p)) for p in (0.99, 0.81, 0.96)]
    chosen = median_run(runs)
    assert chosen.scores["performance"] == 96
    assert chosen.perf_range == (81, 99)


def test_median_of_an_even_number_of_runs_is_the_lower_middle():
    runs = [read_result("Roles", "roles/", "mobile", lhr(p)) for p in (0.90, 0.97, 0.95, 0.99)]
    assert median_run(runs).scores["performance"] == 95


def test_failed_runs_are_ignored_unless_all_failed():
    failed = Result("Roles", "roles/", "mobile", error="timed out")
    good = read_result("Roles", "roles/", "mobile", lhr(0.97))
    assert median_run([failed, good, failed]) is good
    assert median_run([failed, failed]).error == "timed out"


def test_table_marks_misses_and_home_page_weight():
    home = median_run(
        [read_result("Home", "", "mobile", lhr(p, total_bytes=410_000)) for p in (0.9, 0.96, 1)]
    )
    page = read_result("FAQ", "faq/", "desktop", lhr(1.0))
    table = format_table([home, page]).splitlines()
    assert table[2] == "| / | mobile | 96 (90-100) | 100 | 100 | 100 | 410 KB! |"
    assert table[3] == "| /faq/ | desktop | 100 | 100 | 100 | 100 | 300 KB |"
    findings = format_findings([home, page])
    assert "Home page transferred (mobile): 410 KB (OVER the 400 KB budget)" in findings
    assert "Every audited page is within budget." not in findings


def test_findings_say_when_every_page_is_within_budget():
    page = read_result("FAQ", "faq/", "mobile", lhr(0.99))
    page.lost = []
    assert "Every audited page is within budget." in format_findings([page])


def held(perf: float, held_ms: float | None) -> Result:
    result = read_result("Trends", "trends/", "mobile", lhr(perf))
    result.paint_held_ms = held_ms
    return result


def test_runs_with_a_held_first_paint_are_set_aside_but_kept_in_the_range():
    runs = [held(0.97, None), held(0.84, 958), held(0.93, None), held(0.82, 1003), held(0.98, None)]
    chosen = median_run(runs)
    # The median of 93, 97 and 98; of all five runs it would be 93.
    assert chosen.scores["performance"] == 97
    assert chosen.perf_range == (82, 98)
    assert chosen.set_aside == 2
    assert "| /trends/ | mobile | 97 (82-98, 2 set aside) |" in format_table([chosen])
    findings = format_findings([chosen])
    assert "2 run(s) set aside: Chrome held the first paint back" in findings
    assert "every run's first paint was held back" not in findings


def test_when_every_run_was_held_back_none_is_set_aside():
    chosen = median_run([held(0.84, 958), held(0.82, 1003), held(0.88, 990)])
    assert chosen.scores["performance"] == 84
    assert chosen.set_aside == 0
    assert "/trends/ (mobile): every run's first paint was held back" in format_findings([chosen])
