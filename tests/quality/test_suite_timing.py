"""The verdicts of `make benchmark`'s test timings (scripts/quality/suite_timing.py)."""

from __future__ import annotations

import pytest

from scripts.quality import suite_timing
from scripts.quality.suite_timing import Run, summarise, verdict


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


def test_the_target_is_met_only_when_every_pair_is_within_it():
    # Warm: 60 s of 123 s, a ratio of 0.488.
    assert "; within the target ratio 0.488" in verdict("warm", [0.44, 0.47, 0.48])
    assert "; outside the target ratio 0.488" in verdict("warm", [0.50, 0.52])
    straddles = verdict("warm", [0.47, 0.50])
    assert "undecided: the pairs straddle the target ratio 0.488" in straddles
    assert straddles.startswith("ratio 0.470-0.500 over 2 pair(s)")
    # Just above the target is outside, however it would round.
    assert "outside" in verdict("warm", [0.4879])
    assert "(180 s of 256 s at 475b9569d)" in verdict("cold", [0.6])


def test_an_unknown_commit_fails_naming_it():
    with pytest.raises(SystemExit, match="no-such-commit.*Needed a single revision"):
        suite_timing.print_against("no-such-commit", pairs=1)
