"""The held-first-paint check (scripts/quality/paint_hold.py) on small hand-made traces.

Each trace has the events the check reads: the page's navigationStart and first contentful
paint, the renderer's main-thread commits and its compositor's draws (times in ms here).
"""

import json

from scripts.quality.paint_hold import held_first_paint_ms, load_events

RENDERER, MAIN, COMPOSITOR = 7, 71, 72
NAVIGATION_ID = "nav-1"


def trace(commits: list[float], draws: list[float], fcp: float | None) -> list[dict]:
    """A renderer that navigates at t=0 to the audited page."""
    events = [
        {"name": "thread_name", "ph": "M", "pid": RENDERER, "tid": MAIN, "args": {"name": "CrRendererMain"}},
        {
            "name": "thread_name",
            "ph": "M",
            "pid": RENDERER,
            "tid": COMPOSITOR,
            "args": {"name": "Compositor"},
        },
        # Lighthouse first loads about:blank; that navigation has no http(s) URL.
        {
            "name": "navigationStart",
            "ph": "R",
            "pid": RENDERER,
            "tid": MAIN,
            "ts": -500_000,
            "args": {"data": {"documentLoaderURL": "", "isLoadingMainFrame": True, "navigationId": "blank"}},
        },
        {
            "name": "navigationStart",
            "ph": "R",
            "pid": RENDERER,
            "tid": MAIN,
            "ts": 0,
            "args": {
                "data": {
                    "documentLoaderURL": "http://127.0.0.1:8000/guide/trends/",
                    "isLoadingMainFrame": True,
                    "navigationId": NAVIGATION_ID,
                }
            },
        },
    ]
    events += [
        {"name": "Commit", "ph": "X", "pid": RENDERER, "tid": MAIN, "ts": t * 1000, "dur": 1000}
        for t in commits
    ]
    events += [
        {"name": "DrawFrame", "ph": "I", "pid": RENDERER, "tid": COMPOSITOR, "ts": t * 1000} for t in draws
    ]
    if fcp is not None:
        events.append(
            {
                "name": "firstContentfulPaint",
                "ph": "R",
                "pid": RENDERER,
                "tid": MAIN,
                "ts": fcp * 1000,
                "args": {"data": {"navigationId": NAVIGATION_ID}},
            }
        )
    return events


def test_a_prompt_first_paint_is_not_flagged():
    # Committed at 191 ms, drawn at 218 ms, presented at 225 ms: the usual run.
    assert held_first_paint_ms(trace(commits=[191], draws=[210, 218], fcp=225)) is None


def test_a_paint_held_a_second_after_its_commit_is_flagged():
    # Committed at 230 ms; the renderer drew at 183 ms, then nothing until 1188 ms.
    events = trace(commits=[230], draws=[108, 133, 150, 166, 183, 1188], fcp=1195)
    assert held_first_paint_ms(events) == 958


def test_a_page_that_commits_late_is_slow_not_held():
    # Nothing committed until 1180 ms (long scripts, say): the late paint is the page's own.
    assert held_first_paint_ms(trace(commits=[1180], draws=[183, 1188], fcp=1195)) is None


def test_a_short_wait_after_commit_is_not_flagged():
    # A 300 ms wait for raster after a long gap in drawing is not the one-second throttle.
    assert held_first_paint_ms(trace(commits=[888], draws=[183, 1188], fcp=1195)) is None


def test_draws_and_commits_of_other_navigations_are_ignored():
    events = trace(commits=[230], draws=[1188], fcp=1195)
    # about:blank drew and committed before the audited page started loading.
    events.append({"name": "DrawFrame", "ph": "I", "pid": RENDERER, "tid": COMPOSITOR, "ts": -400_000})
    events.append({"name": "Commit", "ph": "X", "pid": RENDERER, "tid": MAIN, "ts": -450_000, "dur": 1000})
    assert held_first_paint_ms(events) == 958  # gap measured from the navigation's start


def test_a_trace_without_the_needed_events_gives_no_verdict():
    assert held_first_paint_ms(trace(commits=[230], draws=[1188], fcp=None)) is None
    assert held_first_paint_ms(trace(commits=[], draws=[1188], fcp=1195)) is None
    assert held_first_paint_ms([]) is None


def test_load_events_reads_both_trace_shapes(tmp_path):
    events = trace(commits=[191], draws=[218], fcp=225)
    as_object, as_list = tmp_path / "a.json", tmp_path / "b.json"
    as_object.write_text(json.dumps({"traceEvents": events}))
    as_list.write_text(json.dumps(events))
    assert load_events(as_object) == load_events(as_list) == events
