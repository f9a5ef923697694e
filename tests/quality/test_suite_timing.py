"""The verdicts of `make benchmark`'s test timings (scripts/quality/suite_timing.py)."""

from __future__ import annotations

import pytest

from scripts.quality import suite_timing
from scripts.quality.suite_timing import Run, verdict


@pytest.mark.parametrize(
    ("summary", "passed"),
    [
        ("1163 passed in 79.50s (0:01:19)", True),
        ("1160 passed, 3 skipped, 2 xfailed, 4 warnings in 80.1s", True),
        ("2 failed, 1161 passed in 81.0s", False),
        ("1162 passed, 1 error in 80.0s", False),
        ("1161 passed, 2 errors in 80.0s", False),
        ("1163 passed in 80.0s\nFAILED tests/test_build.py::test_x - assert 0", False),
        ("exit status 2: make: *** [Makefile:49: test] Error 2", False),
        ("no tests ran in 0.01s", False),
    ],
)
def test_a_run_counts_as_passed_only_without_failures_or_errors(summary, passed):
    assert Run(80.0, summary).passed is passed


def test_the_target_is_met_only_when_every_pair_is_within_it():
    # Warm: 60 s of 123 s, a ratio of 0.49.
    assert "; within the target ratio 0.49" in verdict("warm", [0.44, 0.47, 0.48])
    assert "; outside the target ratio 0.49" in verdict("warm", [0.50, 0.52])
    straddles = verdict("warm", [0.47, 0.50])
    assert "undecided: the pairs straddle the target ratio 0.49" in straddles
    assert straddles.startswith("ratio 0.47-0.50 over 2 pair(s)")
    assert "(180 s of 256 s)" in verdict("cold", [0.6])


def test_an_unknown_commit_fails_naming_it():
    with pytest.raises(SystemExit, match="no-such-commit"):
        suite_timing.print_against("no-such-commit", pairs=1)
