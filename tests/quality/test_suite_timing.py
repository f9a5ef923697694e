"""The verdicts of `make benchmark`'s test timings (scripts/quality/suite_timing.py)."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import pytest

from scripts.quality import suite_timing
from scripts.quality.suite_timing import Run, interval, summarise, verdict


@pytest.mark.parametrize(
    ("summary", "returncode", "passed"),
    [
        ("1163 passed in 79.50s (0:01:19)", 0, True),
        ("1160 passed, 3 skipped, 2 xfailed, 1 xpassed, 4 warnings in 80.1s", 0, True),
        ("2 failed, 1161 passed in 81.0s", 1, False),
        ("1162 passed, 1 error in 80.0s", 1, False),
        ("1161 passed, 2 errors in 80.0s", 1, False),
        ("1163 passed in 80.0s\nFAILED tests/test_build.py::test_x - assert 0", 1, False),
        ("1163 passed in 80.0s", 2, False),  # pytest passed, make failed after it
        ("exit status 2: make: *** [Makefile:46: test] Error 2", 2, False),
        ("no tests ran in 0.01s", 5, False),
    ],
)
def test_a_run_counts_as_passed_only_without_failures_or_errors(summary, returncode, passed):
    assert Run(80.0, summary, returncode).passed is passed


def test_a_run_counts_the_cpu_of_what_make_test_started(tmp_path):
    # A grandchild of make (make -> sh -> python) spends 0.3 s of CPU: the run counts it.
    # (The machine's busy time: anything else running adds to it, never takes away.)
    burn = "import time; t = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    (tmp_path / "burn.py").write_text(burn, encoding="utf-8")
    (tmp_path / "Makefile").write_text(
        f"test:\n\t{sys.executable} burn.py && echo '== 1 passed in 0.3s =='\n", encoding="utf-8"
    )
    run = suite_timing.timed_make_test(dict(os.environ), tmp_path)
    assert run.passed, run.summary
    assert run.cpu_seconds >= 0.3, run


def test_a_failed_run_keeps_its_whole_output_and_names_the_file(tmp_path):
    # The summary keeps only FAILED lines; the traceback is what tells a flaky test's cause.
    (tmp_path / "Makefile").write_text(
        "test:\n\t@echo 'Traceback: the cause'; echo '== 1 failed in 0.1s =='; exit 1\n", encoding="utf-8"
    )
    run = suite_timing.timed_make_test(dict(os.environ), tmp_path, failures=tmp_path / "failures")
    assert not run.passed
    closing, named = run.summary.splitlines()
    assert closing == "1 failed in 0.1s"
    log = Path(named.removeprefix("whole output: "))
    assert log.parent == tmp_path / "failures"
    assert "Traceback: the cause" in log.read_text(encoding="utf-8")
    # A run that passed leaves no file.
    (tmp_path / "Makefile").write_text("test:\n\t@echo '== 1 passed in 0.1s =='\n", encoding="utf-8")
    assert suite_timing.timed_make_test(dict(os.environ), tmp_path, failures=tmp_path / "failures").passed
    assert list((tmp_path / "failures").iterdir()) == [log]


def test_the_summary_is_pytests_closing_line_and_what_failed():
    stdout = (
        "........F.                                               [100%]\n"
        "=================================== FAILURES ===================================\n"
        "FAILED tests/test_build.py::test_x - assert 0\n"
        "========================= 1 failed, 9 passed in 3.21s ==========================\n"
    )
    assert (
        summarise(stdout, "", 1)
        == "1 failed, 9 passed in 3.21s\nFAILED tests/test_build.py::test_x - assert 0"
    )
    # No pytest line at all (make failed before it): the status and the last line of stderr.
    failed = summarise("", "No rule to make target\nmake: *** [Makefile:46: test] Error 2\n", 2)
    assert failed == "exit status 2: make: *** [Makefile:46: test] Error 2"


def test_the_verdict_rests_on_the_interval_of_the_pairs_not_on_one_pair():
    # Warm: 60 s of 123 s, a ratio of 0.488.
    assert "; within the target ratio 0.488" in verdict("warm", [0.44, 0.45, 0.46])
    assert "; outside the target ratio 0.488" in verdict("warm", [0.55, 0.56, 0.57])
    # Every pair under the target, but two pairs this far apart leave the typical ratio open.
    assert "undecided: the interval straddles the target ratio 0.488" in verdict("warm", [0.40, 0.48])
    # One pair above the target, but eight pairs place the typical ratio under it.
    many = verdict("warm", [0.44, 0.45, 0.43, 0.46, 0.44, 0.45, 0.49, 0.44])
    assert many.startswith("ratio 0.450 (geometric mean of 8 pair(s): 0.430-0.490; 95% interval 0.435-0.465)")
    assert many.endswith("; within the target ratio 0.488 (60 s of 123 s at 475b9569d)")
    # One pair, however good, decides nothing.
    assert "undecided: one pair gives no interval" in verdict("cold", [0.5])
    # Just above the target is outside, however it would round.
    assert "outside" in verdict("warm", [0.4879, 0.4879])


def test_the_interval_is_students_t_on_the_logs_of_the_ratios():
    mean, low, high = interval([0.5, 2.0])
    assert mean == pytest.approx(1.0)
    # t(0.975, 1 degree of freedom) = 12.706; the logs' standard deviation is ln(4)/sqrt(2).
    half = 12.7062 * math.log(4) / math.sqrt(2) / math.sqrt(2)
    assert (low, high) == pytest.approx((math.exp(-half), math.exp(half)), rel=1e-4)


def test_a_pair_with_a_failed_run_is_left_out_and_named_and_the_pairs_go_on():
    seconds = {"here": 60.0, "there": 150.0}
    broken = {("there", 2)}  # the earlier commit's flaky test, in the second pair
    calls = []

    def timed(kind, name):
        calls.append((kind, name))
        pair = (len(calls) + 1) // 2
        summary = "1 failed, 9 passed in 1.0s" if (name, pair) in broken else "10 passed in 1.0s"
        return Run(seconds[name], summary, 1 if (name, pair) in broken else 0, cpu_seconds=2 * seconds[name])

    ratios, cpu_ratios, here, failed = suite_timing.run_pairs(
        ["cold", "warm", "warm"], ["here", "there"], timed
    )
    assert ratios == cpu_ratios == {"cold": [0.4], "warm": [0.4]}
    assert here == {"cold": [60.0], "warm": [60.0]}  # this checkout's seconds, complete pairs only
    assert failed == ["there, warm pair 2"]
    # Each pair alternates which commit runs first.
    assert [name for _, name in calls] == ["here", "there", "there", "here", "here", "there"]


def test_warm_pairs_without_a_cold_pair_first_fill_the_caches_untimed():
    calls = []

    def timed(kind, name):
        calls.append((kind, name))
        seconds = 100.0 if len(calls) <= 2 else {"here": 60.0, "there": 120.0}[name]  # cold, then warm
        return Run(seconds, "10 passed in 1.0s", cpu_seconds=seconds)

    ratios, _, _, failed = suite_timing.run_pairs(["warm", "warm"], ["here", "there"], timed)
    assert calls[:2] == [("warm", "here"), ("warm", "there")]  # the filling runs
    assert len(calls) == 6 and ratios == {"cold": [], "warm": [0.5, 0.5]} and failed == []


def test_this_checkouts_seconds_are_counted_against_the_issues_seconds():
    # The reading the ratio hides: every run over 60 s, whatever the earlier commit did.
    said = suite_timing.seconds_against_target("warm", [60.2, 65.04, 71.96])
    assert "60.2-72.0 s in 3 run(s), 0 at or under the issue's 60 s" in said
    said = suite_timing.seconds_against_target("cold", [180.0, 147.0, 181.0])
    assert "147.0-181.0 s in 3 run(s), 2 at or under the issue's 180 s" in said
    assert "not a verdict" in said


def test_an_unknown_commit_fails_naming_it():
    with pytest.raises(SystemExit, match="no-such-commit.*Needed a single revision"):
        suite_timing.print_against("no-such-commit", pairs=1)
