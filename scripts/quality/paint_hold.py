"""Spot Lighthouse runs whose first paint Chrome held back, from the run's trace.

In headless Chrome the display compositor (viz) can stop offering frames to a page for up to
a second: when the page's compositor has submitted frames that were never drawn, or has
not answered earlier ones, viz throttles it to one frame a second
(``CompositorFrameSinkSupport::ShouldSendBeginFrame``; reported as
https://github.com/GoogleChrome/lighthouse/issues/17148, reproduced on PageSpeed Insights).
A page whose first frame is ready at 0.2 s is then drawn at about 1.2 s. Lighthouse
measures that late paint, and its simulation counts every request finished by then
(the search index, all scripts) as needed for the first paint: the run loses 10 to 20
points. It is not the page's doing: plain loads of the same pages in the same Chromium,
without Lighthouse, painted at 0.1-0.3 s every time we tried.

The mark it leaves in the trace is specific: the page's main thread committed its first
content, and then the renderer drew nothing for about a second, until the frame with
that content was drawn at the first contentful paint. A page that is really slow commits
its content late, so its commit comes just before its paint and it is never flagged here.

Only the trace categories Lighthouse records by default are needed.
"""

from __future__ import annotations

import json
from pathlib import Path

# The viz throttle allows one frame a second; a gap this long before the first contentful
# frame, after the page had committed, is that throttle and not the page.
MIN_GAP_MS = 900
# The page's content must have waited at least this long between commit and draw.
MIN_HELD_MS = 500


def load_events(trace_path: Path) -> list[dict]:
    """The events of a trace file as Lighthouse saves it (an object or a bare list)."""
    data = json.loads(trace_path.read_text(encoding="utf-8"))
    return data["traceEvents"] if isinstance(data, dict) else data


def _main_navigation(events: list[dict]) -> dict | None:
    """The navigationStart of the audited page: the first main-frame load of an http(s) URL."""
    for event in sorted(events, key=lambda e: e.get("ts", 0)):
        data = event.get("args", {}).get("data", {})
        if (
            event.get("name") == "navigationStart"
            and data.get("isLoadingMainFrame")
            and str(data.get("documentLoaderURL", "")).startswith(("http://", "https://"))
        ):
            return event
    return None


def held_first_paint_ms(events: list[dict]) -> float | None:
    """How long Chrome held back a first paint the page had already committed, in ms.

    None when the trace shows no such hold (the usual case), or lacks the events to tell.
    """
    navigation = _main_navigation(events)
    if navigation is None:
        return None
    pid, start = navigation["pid"], navigation["ts"]
    navigation_id = navigation["args"]["data"].get("navigationId")
    fcp_times = [
        e["ts"]
        for e in events
        if e.get("name") == "firstContentfulPaint"
        and e.get("pid") == pid
        and e.get("args", {}).get("data", {}).get("navigationId") == navigation_id
    ]
    if not fcp_times:
        return None
    fcp = min(fcp_times)
    threads = {
        e["tid"]: e.get("args", {}).get("name")
        for e in events
        if e.get("name") == "thread_name" and e.get("pid") == pid
    }

    def on_thread(name: str, event_name: str, phase: str) -> list[float]:
        return sorted(
            e["ts"]
            for e in events
            if e.get("name") == event_name
            and e.get("ph") == phase
            and e.get("pid") == pid
            and threads.get(e.get("tid")) == name
            and start <= e["ts"] <= fcp
        )

    draws = on_thread("Compositor", "DrawFrame", "I")
    if not draws:
        return None
    paint_draw = draws[-1]  # the frame presented as the first contentful paint
    previous_draw = draws[-2] if len(draws) > 1 else start
    commits = [t for t in on_thread("CrRendererMain", "Commit", "X") if t < paint_draw]
    if not commits:
        return None
    held = (paint_draw - commits[-1]) / 1000
    gap = (paint_draw - previous_draw) / 1000
    return held if held >= MIN_HELD_MS and gap >= MIN_GAP_MS else None
