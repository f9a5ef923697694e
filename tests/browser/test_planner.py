"""The skill-gap planner (roadmap/planner/) in a real browser, against the real data.

The expected plan comes from a small Python implementation of the algorithm documented on
docs/roadmap/planner.md, fed from data/ through scripts.pipeline.knowledge_base.load(); the page
computes its plan in JavaScript from the published downloads/*.json. Agreement between the
two checks the algorithm, the published data and the page at once. The plan logic on its
own, case by case, is tested under Node (tests/javascript/).
"""

from __future__ import annotations

import json
import math
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from browser.fixtures import goto_armed
from scripts.pipeline import knowledge_base
from scripts.pipeline.knowledge_base.exports import START_DEPTH as PREMARK
from scripts.pipeline.knowledge_base.schema import REQUIRED_NEED_ROLES as TARGET_ROLES

pytestmark = pytest.mark.browser

STORAGE_KEY = "/guide/.skill-planner"
FORMAT = "skill-gap-plan"


# --- reference implementation ------------------------------------------------------------


def expected_plan(skills, role: str, ratings: dict[str, int]) -> list[tuple[str, int]]:
    """[(skill id, hours)] in plan order, as docs/roadmap/planner.md describes it."""
    by_id = {s.id: s for s in skills}
    position = {s.id: i for i, s in enumerate(skills)}
    have = {s.id: ratings.get(s.id, PREMARK[s.transfers]) for s in skills}
    gaps = {s.id: s.need[role] - have[s.id] for s in skills if s.need[role] > have[s.id]}

    def ancestors(skill_id: str) -> set[str]:
        found, todo = set(), list(by_id[skill_id].prerequisites)
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(by_id[current].prerequisites)
        return found

    waits_for = {sid: ancestors(sid) & gaps.keys() for sid in gaps}
    plan: list[tuple[str, int]] = []
    while len(plan) < len(gaps):
        placed = {sid for sid, _ in plan}
        ready = [sid for sid in gaps if sid not in placed and waits_for[sid] <= placed]
        best = min(ready, key=lambda sid: (-by_id[sid].need[role], -gaps[sid], position[sid]))
        plan.append((best, math.ceil(by_id[best].effort_hours * gaps[best] / 2)))
    return plan


@pytest.fixture(scope="session")
def skills():
    return knowledge_base.load().items("skills")


def all_prerequisites(skills, skill_id: str) -> set[str]:
    by_id = {s.id: s for s in skills}
    found, todo = set(), list(by_id[skill_id].prerequisites)
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(by_id[current].prerequisites)
    return found


# --- driving the page -------------------------------------------------------------------


def open_planner(page, site_url: str) -> None:
    page.goto(site_url + "roadmap/planner/")
    page.wait_for_selector("#skill-planner[data-ready='true']")


def shown_plan(page) -> list[tuple[str, int]]:
    rows = page.eval_on_selector_all(
        "#planner-steps > li",
        """items => items.map(li => [
            li.dataset.skillId,
            Number(li.dataset.hours),
            li.querySelector('.planner-step__hours').textContent,
        ])""",
    )
    for skill_id, hours, label in rows:
        assert label == f"{hours} h", f"{skill_id}: shows {label!r} but carries {hours} hours"
    return [(skill_id, hours) for skill_id, hours, _ in rows]


def shown_summary(page) -> dict:
    summary = page.locator("#planner-summary")
    return {
        "text": summary.inner_text(),
        "total": int(summary.get_attribute("data-total-hours")),
        "weeks": int(summary.get_attribute("data-weeks")),
    }


def stored(page) -> dict | None:
    text = page.evaluate("key => localStorage.getItem(key)", STORAGE_KEY)
    return None if text is None else json.loads(text)


def seed_storage(page, site_url: str, state: dict) -> None:
    """Save planner state as an earlier visit would have, from a page the planner is not on."""
    page.goto(site_url)
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORAGE_KEY, json.dumps(state)])


def rate(page, skill_id: str, level: str) -> None:
    page.check(f"#planner-rating-{skill_id}-{level}")


def checked_level(page, skill_id: str) -> str:
    return page.eval_on_selector(
        f"fieldset[data-skill-id='{skill_id}']", "f => f.querySelector('input:checked').value"
    )


def import_file(page, tmp_path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.set_input_files("#planner-import-file", str(path))


def assert_plan_matches(page, skills, role: str, ratings: dict[str, int], hours_per_week: float) -> None:
    expected = expected_plan(skills, role, ratings)
    assert shown_plan(page) == expected
    summary = shown_summary(page)
    total = sum(hours for _, hours in expected)
    weeks = math.ceil(total / hours_per_week)
    assert summary["total"] == total
    assert summary["weeks"] == weeks
    if expected:
        assert f"about {total} hours" in summary["text"]
        assert f"about {weeks} week" in summary["text"]


# --- the plan ---------------------------------------------------------------------------


def test_default_plans_follow_the_documented_algorithm_for_each_role(page, site_url, skills):
    open_planner(page, site_url)
    plans = {}
    for role in TARGET_ROLES:
        page.select_option("#planner-role", role)
        assert_plan_matches(page, skills, role, {}, 6)
        plans[role] = shown_plan(page)
    # Role weights apply: the three roles do not all get the same plan.
    assert len({tuple(plan) for plan in plans.values()}) > 1, plans


def test_prerequisites_always_come_first(page, site_url, skills):
    # Everything at "not yet": the longest plan, with every prerequisite chain in it.
    nothing = {s.id: 0 for s in skills}
    seed_storage(
        page,
        site_url,
        {
            "format": FORMAT,
            "schema": 1,
            "role": "mlops-engineer",
            "hours_per_week": 6,
            "ratings": dict.fromkeys(nothing, "not-yet"),
        },
    )
    open_planner(page, site_url)
    assert_plan_matches(page, skills, "mlops-engineer", nothing, 6)
    order = [skill_id for skill_id, _ in shown_plan(page)]
    assert any(all_prerequisites(skills, sid) for sid in order), "no planned skill has prerequisites"
    for i, skill_id in enumerate(order):
        later = set(order[i + 1 :])
        assert not (all_prerequisites(skills, skill_id) & later), (
            f"{skill_id} is planned before its prerequisites {all_prerequisites(skills, skill_id) & later}"
        )


def test_rating_a_prerequisite_high_enough_drops_it_and_updates_the_plan(page, site_url, skills):
    role = "ml-engineer"
    default_plan = dict(expected_plan(skills, role, {}))
    # A planned skill whose direct prerequisite is also planned.
    skill = next(s for s in skills if s.id in default_plan and set(s.prerequisites) & default_plan.keys())
    prerequisite = sorted(set(skill.prerequisites) & default_plan.keys())[0]

    open_planner(page, site_url)
    rate(page, prerequisite, "strong")
    ratings = {prerequisite: 3}
    assert_plan_matches(page, skills, role, ratings, 6)
    assert prerequisite not in dict(shown_plan(page))
    step = page.locator(f"#planner-steps > li[data-skill-id='{skill.id}']")
    expect(step).to_contain_text("(no gap)")

    # Lowering the prerequisite puts it back, ahead of the skill that builds on it.
    rate(page, prerequisite, "not-yet")
    ratings = {prerequisite: 0}
    assert_plan_matches(page, skills, role, ratings, 6)
    order = [sid for sid, _ in shown_plan(page)]
    assert order.index(prerequisite) < order.index(skill.id)


def test_hours_per_week_sets_the_weeks(page, site_url, skills):
    open_planner(page, site_url)
    assert page.input_value("#planner-hours") == "6"
    page.fill("#planner-hours", "10")
    assert_plan_matches(page, skills, "ml-engineer", {}, 10)
    # An impossible pace is flagged and ignored.
    page.fill("#planner-hours", "0")
    expect(page.locator("#planner-hours")).to_have_attribute("aria-invalid", "true")
    assert_plan_matches(page, skills, "ml-engineer", {}, 10)


def test_the_form_is_labelled_for_assistive_technology(page, site_url, skills):
    open_planner(page, site_url)
    expect(page.get_by_label("Target role")).to_be_visible()
    expect(page.get_by_label("Hours per week")).to_be_visible()
    assert page.locator("fieldset.planner-skill").count() == len(skills)
    first = skills[0]
    group = page.get_by_role("group", name=first.name)
    expect(group.get_by_role("radio", name="Working")).to_be_visible()
    expect(page.locator("#planner-summary")).to_have_attribute("aria-live", "polite")
    premarked = [s for s in skills if PREMARK[s.transfers] > 0]
    assert page.locator("fieldset.planner-skill .planner-badge:visible").count() == len(premarked)


# --- state ------------------------------------------------------------------------------


def some_skill(skills, transfers: str):
    return next(s for s in skills if s.transfers == transfers)


def test_state_survives_a_reload(page, site_url, skills):
    changed = some_skill(skills, "yes")
    open_planner(page, site_url)
    page.select_option("#planner-role", "hybrid-engineer")
    page.fill("#planner-hours", "9")
    rate(page, changed.id, "not-yet")
    badge = page.locator(f"fieldset[data-skill-id='{changed.id}'] .planner-badge")
    expect(badge).to_be_hidden()

    page.reload()
    page.wait_for_selector("#skill-planner[data-ready='true']")
    assert page.input_value("#planner-role") == "hybrid-engineer"
    assert page.input_value("#planner-hours") == "9"
    assert checked_level(page, changed.id) == "not-yet"
    expect(badge).to_be_hidden()
    assert_plan_matches(page, skills, "hybrid-engineer", {changed.id: 0}, 9)
    assert stored(page) == {
        "format": FORMAT,
        "schema": 1,
        "role": "hybrid-engineer",
        "hours_per_week": 9,
        "ratings": {changed.id: "not-yet"},
    }


def test_clicking_a_pre_marked_level_confirms_it(page, site_url, skills):
    skill = some_skill(skills, "partly")
    open_planner(page, site_url)
    badge = page.locator(f"fieldset[data-skill-id='{skill.id}'] .planner-badge")
    expect(badge).to_be_visible()
    assert checked_level(page, skill.id) == "basics"
    page.click(f"label[for='planner-rating-{skill.id}-basics']")
    expect(badge).to_be_hidden()
    assert stored(page)["ratings"] == {skill.id: "basics"}
    assert_plan_matches(page, skills, "ml-engineer", {skill.id: 1}, 6)


def test_saved_ratings_survive_a_change_in_the_skills_data(page, site_url, skills):
    # Saved by an earlier version of the guide that had a skill this one no longer has.
    kept = some_skill(skills, "no")
    saved = {
        "format": FORMAT,
        "schema": 1,
        "role": "hybrid-engineer",
        "hours_per_week": 7,
        "ratings": {"a-retired-skill": "strong", kept.id: "working"},
    }
    seed_storage(page, site_url, saved)
    open_planner(page, site_url)
    message = page.locator(".planner-message[data-kind='warning']")
    expect(message).to_contain_text("a-retired-skill")
    assert checked_level(page, kept.id) == "working"
    assert_plan_matches(page, skills, "hybrid-engineer", {kept.id: 2}, 7)
    assert stored(page)["ratings"] == {kept.id: "working"}
    # The note is shown once: the cleaned state was saved.
    open_planner(page, site_url)
    expect(page.locator(".planner-message")).to_have_count(0)
    assert checked_level(page, kept.id) == "working"


def test_export_clear_import_restores_the_same_state(page, site_url, skills, tmp_path):
    first, second = skills[0], some_skill(skills, "no")
    open_planner(page, site_url)
    page.select_option("#planner-role", "mlops-engineer")
    page.fill("#planner-hours", "4.5")
    rate(page, first.id, "strong")
    rate(page, second.id, "basics")
    before_state, before_plan = stored(page), shown_plan(page)

    with page.expect_download() as download:
        page.click("#planner-export")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["ratings"] == {first.id: "strong", second.id: "basics"}
    assert (data["format"], data["schema"], data["role"], data["hours_per_week"]) == (
        FORMAT,
        1,
        "mlops-engineer",
        4.5,
    )

    page.click("#planner-clear")
    assert stored(page) is None
    assert page.input_value("#planner-role") == "ml-engineer"
    assert page.input_value("#planner-hours") == "6"
    assert_plan_matches(page, skills, "ml-engineer", {}, 6)

    page.set_input_files("#planner-import-file", str(exported))
    expect(page.locator(".planner-message[data-kind='success']")).to_contain_text("Imported 2 ratings")
    assert stored(page) == before_state
    assert shown_plan(page) == before_plan
    assert page.input_value("#planner-role") == "mlops-engineer"
    assert page.input_value("#planner-hours") == "4.5"
    assert checked_level(page, first.id) == "strong"
    assert checked_level(page, second.id) == "basics"

    # And the restored state is the saved state: it survives a reload too.
    page.reload()
    page.wait_for_selector("#skill-planner[data-ready='true']")
    assert shown_plan(page) == before_plan


# File name (shown in the message) -> content, and what the refusal says about it.
MALFORMED_IMPORTS = {
    "not-json": ("this is { not JSON", "not valid JSON"),
    "array": ("[1, 2, 3]", "not a planner export"),
    "no-format": ('{"ratings": {"python": "strong"}}', "not a planner export"),
    "ratings-not-object": (
        f'{{"format": "{FORMAT}", "schema": 1, "ratings": ["python"]}}',
        "not a planner export",
    ),
    "newer-schema": (f'{{"format": "{FORMAT}", "schema": 99, "ratings": {{}}}}', "newer planner"),
}


def test_a_malformed_import_says_why_and_changes_nothing(page, site_url, skills, tmp_path):
    # Every file imported into one page, one after another: the message names each file, so
    # the refusal on screen is that file's, and every refusal leaves the same state behind.
    # (A fresh page per file cost four more page loads and checked nothing more.)
    open_planner(page, site_url)
    page.select_option("#planner-role", "hybrid-engineer")
    rate(page, skills[0].id, "not-yet")
    before_state, before_plan = stored(page), shown_plan(page)
    message = page.locator(".planner-message[data-kind='failure']")

    for name, (content, says) in MALFORMED_IMPORTS.items():
        import_file(page, tmp_path, f"{name}.json", content)
        expect(message).to_contain_text(f"{name}.json: ")
        expect(message).to_contain_text("Nothing was imported")
        expect(message).to_contain_text(says)
        expect(message).to_contain_text("Your ratings have not changed")
        assert stored(page) == before_state, name
        assert shown_plan(page) == before_plan, name
        assert page.input_value("#planner-role") == "hybrid-engineer", name


def test_an_import_with_unknown_skills_reports_them_and_keeps_the_rest(page, site_url, skills, tmp_path):
    kept, badly_rated = skills[0], skills[1]
    content = json.dumps(
        {
            "format": FORMAT,
            "schema": 1,
            "role": "mlops-engineer",
            "hours_per_week": 12,
            "ratings": {
                "no-such-skill": "strong",
                kept.id: "strong",
                badly_rated.id: "expert",
                "removed-long-ago": "basics",
            },
        }
    )
    open_planner(page, site_url)
    import_file(page, tmp_path, "old-plan.json", content)
    message = page.locator(".planner-message[data-kind='warning']")
    expect(message).to_contain_text("Imported 1 rating")
    expect(message).to_contain_text("no-such-skill")
    expect(message).to_contain_text("removed-long-ago")
    expect(message).to_contain_text(f'{badly_rated.id} ("expert")')
    assert stored(page)["ratings"] == {kept.id: "strong"}
    assert page.input_value("#planner-role") == "mlops-engineer"
    assert page.input_value("#planner-hours") == "12"
    assert_plan_matches(page, skills, "mlops-engineer", {kept.id: 3}, 12)


# --- loading, navigation, privacy ------------------------------------------------------


def test_only_the_planner_page_loads_its_assets_even_after_instant_navigations(
    instant_page, site_url, skills
):
    page = instant_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    goto_armed(page, site_url + "roadmap/")
    planner_assets = ("/assets/javascripts/planner", "/assets/stylesheets/planner")
    assert not [p for p in requested if any(a in p for a in planner_assets)], (
        "another page loaded the planner"
    )
    page.evaluate("window.sameDocument = true")
    categories = len({skill.category for skill in skills})

    def shown_once() -> None:
        page.wait_for_url("**/roadmap/planner/")
        page.wait_for_selector("#skill-planner[data-ready='true']")
        assert page.locator("#planner-steps > li").count() > 0
        # One planner in the container, not one per arrival.
        assert page.locator("#skill-planner .planner-category").count() == categories
        # planner.css arrives with the page (it gives off-screen categories this property);
        # on instant navigation the stylesheet may apply a moment after the planner is ready.
        page.wait_for_function(
            "getComputedStyle(document.querySelector('.planner-category')).contentVisibility === 'auto'",
            timeout=5000,
        )
        assert page.evaluate("window.sameDocument === true"), "that was a full page load, not instant"

    page.locator("article a[href$='planner/']").first.click()
    shown_once()
    page.go_back()
    expect(page.locator("#skill-planner")).to_have_count(0)
    expect(page.locator("link[href$='planner.css']")).to_have_count(0)  # left with its page
    # Count how often the planner starts loading on the way back (the window survives
    # instant navigation, and so does this observer).
    page.evaluate(
        """() => {
            window.plannerStarts = 0;
            new MutationObserver((records) => {
                for (const record of records)
                    for (const node of record.addedNodes)
                        if (node.classList?.contains("planner-loading")) window.plannerStarts++;
            }).observe(document.body, { childList: true, subtree: true });
        }"""
    )
    page.go_forward()
    shown_once()
    assert page.evaluate("window.plannerStarts") == 1
    assert {"planner-logic.js", "planner.js"} <= {path.rsplit("/", 1)[-1] for path in requested}


def test_a_full_load_of_the_planner_then_an_instant_return_shows_it_again(instant_page, site_url):
    page = instant_page
    goto_armed(page, site_url + "roadmap/planner/")
    page.wait_for_selector("#skill-planner[data-ready='true']")
    page.evaluate("window.sameDocument = true")
    page.locator("article a[href$='/guide/roadmap/']").first.click()
    expect(page.locator("#skill-planner")).to_have_count(0)
    page.go_back()
    page.wait_for_selector("#skill-planner[data-ready='true']")
    assert page.locator("#planner-steps > li").count() > 0
    assert page.evaluate("window.sameDocument === true"), "that was a full page load, not instant"


def test_a_data_failure_is_shown_in_the_container(page, site_url):
    page.route("**/downloads/skills.json", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(site_url + "roadmap/planner/")
    message = page.locator("#skill-planner .admonition.failure")
    expect(message).to_contain_text("could not load the skills data")
    expect(message).to_contain_text("HTTP 404")
    expect(message.get_by_role("link", name="Open the skills matrix")).to_have_attribute(
        "href", "/guide/skills/"
    )


def test_no_request_leaves_the_site(page, site_url, skills, tmp_path):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + "roadmap/")
    page.locator("article a[href$='planner/']").first.click()
    page.wait_for_selector("#skill-planner[data-ready='true']")
    page.select_option("#planner-role", "mlops-engineer")
    rate(page, skills[0].id, "basics")
    page.fill("#planner-hours", "8")
    with page.expect_download() as download:
        page.click("#planner-export")
    exported = tmp_path / "plan.json"
    download.value.save_as(exported)
    page.click("#planner-clear")
    page.set_input_files("#planner-import-file", str(exported))
    expect(page.locator(".planner-message[data-kind='success']")).to_be_visible()
    page.reload()
    page.wait_for_selector("#skill-planner[data-ready='true']")

    fetched = [urlsplit(url) for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    outside = [u.geturl() for u in fetched if u.hostname != "127.0.0.1"]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    data = {u.path for u in fetched if "/downloads/" in u.path}
    assert data <= {f"/guide/downloads/{name}.json" for name in ("skills", "resources", "planner")}, data
    assert "/guide/downloads/skills.json" in data


def test_the_planner_starts_when_its_logic_arrives_after_it(instant_page, site_url, hold_until_ran):
    # Instant navigation inserts a page's scripts at once, so planner.js can run before
    # planner-logic.js; hold the logic back until planner.js has run to make that order certain.
    page = instant_page
    goto_armed(page, site_url + "roadmap/")
    held = hold_until_ran("**/planner-logic.js", "planner.js")
    page.evaluate("window.sameDocument = true")
    page.locator("article a[href$='planner/']").first.click()
    page.wait_for_url("**/roadmap/planner/")
    page.wait_for_selector("#skill-planner[data-ready='true']")
    assert held == [True], f"planner-logic.js was not held until planner.js had run: {held}"
    assert page.evaluate("window.sameDocument === true"), "that was a full page load, not instant"
