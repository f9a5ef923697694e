"""The interview question bank (interviews/question-bank/) in a real browser, against the real data.

The page holds the whole bank as HTML tables (one per topic, from data/questions.yaml), and
question-bank.js only hides and shows rows. These tests drive the filter with the keyboard,
compare what shows with what data/questions.yaml says should show (counted here, never typed
in), check the announced count, the reset, printing (chrome hidden, outlines optional),
instant navigation and the page with JavaScript off. The filter rules on their own are tested
under Node (tests/javascript/question_bank_logic.test.js).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from browser.fixtures import goto_armed
from scripts import ROOT

pytestmark = pytest.mark.browser

PAGE = "interviews/question-bank/"
DIFFICULTIES = ("easy", "medium", "hard")


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "questions.yaml").read_text(encoding="utf-8"))


def expected(questions, topic: str | None, difficulties) -> list[str]:
    """Ids the page should show for a topic (None: all) and a set of difficulties."""
    return sorted(
        q["id"]
        for q in questions
        if (topic is None or q["topic"] == topic) and q["difficulty"] in difficulties
    )


def open_bank(page, site_url: str) -> None:
    page.goto(site_url + PAGE)
    page.wait_for_selector("#question-bank-filter[data-ready='true']")


def shown_ids(page) -> list[str]:
    """Ids of the questions a reader can see (their row and section not hidden)."""
    ids = page.eval_on_selector_all(
        ".qb-question",
        "spans => spans.filter(s => s.checkVisibility()).map(s => s.id.replace(/^q-/, ''))",
    )
    return sorted(ids)


def status(page):
    return page.locator("#qb-status")


# --- filtering --------------------------------------------------------------------------


def test_every_question_is_on_the_page_and_shows_at_first(page, site_url, questions):
    open_bank(page, site_url)
    assert page.locator(".qb-question").count() == len(questions)
    assert shown_ids(page) == expected(questions, None, DIFFICULTIES)
    expect(status(page)).to_have_text(
        f"Showing {len(questions)} of {len(questions)} questions (all topics, any difficulty)."
    )
    # Every topic in the data has a radio, with its count.
    counts = Counter(q["topic"] for q in questions)
    radios = page.locator("input[name='qb-topic']")
    values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
    assert values[0] == "all"
    assert sorted(values[1:]) == sorted(counts)  # in the order of the page's sections
    for topic, n in counts.items():
        label = page.locator("label.qb-choice", has=page.locator(f"input[value='{topic}']"))
        expect(label.locator(".qb-count")).to_have_text(f"({n})")


def test_filter_by_topic_and_difficulty_with_the_keyboard_only(page, site_url, questions):
    open_bank(page, site_url)
    radios = page.locator("input[name='qb-topic']")
    topics = [radios.nth(i).get_attribute("value") for i in range(1, radios.count())]  # page order
    target = "deep-learning" if "deep-learning" in topics else topics[-1]
    # Tab order reaches the topic group on its checked radio, "All topics"; start there.
    page.get_by_role("radio", name="All topics").focus()
    for _ in range(topics.index(target) + 1):  # arrow keys move through a radio group
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name='qb-topic'][value='{target}']")).to_be_checked()
    want = expected(questions, target, DIFFICULTIES)
    expect(status(page)).to_contain_text(f"Showing {len(want)} of {len(questions)} questions")
    assert shown_ids(page) == want

    page.keyboard.press("Tab")  # out of the radio group, onto the first difficulty: easy
    assert page.evaluate("document.activeElement.value") == "easy"
    page.keyboard.press("Space")
    want = expected(questions, target, {"medium", "hard"})
    expect(status(page)).to_contain_text(f"Showing {len(want)} of {len(questions)} questions")
    expect(status(page)).to_contain_text("medium or hard")
    assert shown_ids(page) == want

    page.keyboard.press("Tab")  # medium
    page.keyboard.press("Space")
    want = expected(questions, target, {"hard"})
    expect(status(page)).to_contain_text(f"Showing {len(want)} of {len(questions)} questions")
    assert shown_ids(page) == want
    # Sections of other topics are hidden whole: heading, text, table.
    other = next(t for t in topics if t != target)
    heading = page.locator("h2", has=page.locator(f"xpath=following::span[@data-topic='{other}'][1]")).last
    expect(heading).to_be_hidden()
    # ...and so is its entry in the table of contents.
    toc = page.locator(f".md-sidebar--secondary a.md-nav__link[href$='#{heading.get_attribute('id')}']")
    expect(toc).to_be_hidden()
    page.get_by_role("button", name="Show all questions").click()
    expect(toc).to_be_visible()


def test_the_count_is_announced_politely_to_assistive_technology(page, site_url, questions):
    open_bank(page, site_url)
    live = status(page)
    expect(live).to_have_attribute("role", "status")
    expect(live).to_have_attribute("aria-live", "polite")
    form = page.get_by_role("form", name="Filter the question bank")
    expect(form.get_by_role("group", name="Topic")).to_be_visible()
    expect(form.get_by_role("group", name="Difficulty")).to_be_visible()
    for difficulty in DIFFICULTIES:
        expect(form.get_by_role("checkbox", name=difficulty)).to_be_checked()
    # Focus is visible on the form's controls.
    page.get_by_role("radio", name="All topics").focus()
    page.keyboard.press("ArrowRight")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused radio shows no focus outline"


def test_nothing_ticked_says_what_to_do(page, site_url, questions):
    open_bank(page, site_url)
    for difficulty in DIFFICULTIES:
        page.get_by_role("checkbox", name=difficulty).press("Space")
    expect(status(page)).to_have_text("No questions shown: tick at least one difficulty.")
    assert shown_ids(page) == []


def test_reset_shows_every_question_again(page, site_url, questions):
    open_bank(page, site_url)
    page.get_by_role("radio", name="All topics").focus()
    page.keyboard.press("ArrowRight")
    page.get_by_role("checkbox", name="easy").press("Space")
    assert len(shown_ids(page)) < len(questions)
    page.get_by_role("button", name="Show all questions").focus()
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text(
        f"Showing {len(questions)} of {len(questions)} questions (all topics, any difficulty)."
    )
    assert shown_ids(page) == expected(questions, None, DIFFICULTIES)
    expect(page.get_by_role("radio", name="All topics")).to_be_checked()


# --- printing -----------------------------------------------------------------------------


def test_print_shows_only_the_filtered_questions_without_the_site_chrome(page, site_url, questions):
    open_bank(page, site_url)
    page.locator("input[name='qb-topic'][value='behavioural']").check()
    want = expected(questions, "behavioural", DIFFICULTIES)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".qb-form"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator(".qb-print-summary")).to_contain_text(
        f"Behavioural, any difficulty; {len(want)} questions"
    )
    assert shown_ids(page) == want
    # "Print answer outlines" is unticked: the outline column is not printed.
    expect(
        page.locator("tr:has(.qb-question[data-topic='behavioural']) details.qb-outline").first
    ).to_be_hidden()
    # The intro sections are not part of the practice set.
    expect(page.locator("h2#how-should-i-use-this-bank")).to_be_hidden()


def test_print_with_outlines_opens_them_for_the_print_only(page, site_url, questions):
    open_bank(page, site_url)
    page.locator("input[name='qb-topic'][value='coding']").check()
    page.get_by_label("Print answer outlines").check()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    shown = page.locator("tr:has(.qb-question[data-topic='coding']) details.qb-outline")
    assert shown.count() == len(expected(questions, "coding", DIFFICULTIES))
    for i in range(shown.count()):
        expect(shown.nth(i)).to_have_attribute("open", "")
    expect(shown.first.locator("li").first).to_be_visible()
    # Rows the filter hid stay off the paper (Material opens every <details> for print too).
    expect(page.locator("tr:has(.qb-question[data-topic='behavioural'])").first).to_be_hidden()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator("details.qb-outline[open]").count() == 0


def test_the_print_button_prints(page, site_url):
    open_bank(page, site_url)
    # A string that reads as a function is called by evaluate(); wrap the assignment in one.
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name="Print this set").click()
    assert page.evaluate("window.printed") == 1


# --- without JavaScript, navigation, assets -------------------------------------------------


def test_without_javascript_every_question_shows(browser, site_url, questions):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + PAGE)
        assert page.locator(".qb-question").count() == len(questions)
        visible = page.eval_on_selector_all(
            ".qb-question", "spans => spans.filter(s => s.checkVisibility()).length"
        )
        assert visible == len(questions)
        expect(page.locator("#question-bank-filter")).to_be_hidden()  # no dead controls
    finally:
        context.close()


def test_instant_navigation_back_to_the_bank_sets_up_one_filter(instant_page, site_url, questions):
    page = instant_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    goto_armed(page, site_url + "interviews/")
    assert not [p for p in requested if "question-bank" in p and "/assets/" in p], "another page loaded it"
    page.evaluate("window.sameDocument = true")
    page.locator("article a[href$='question-bank/']").first.click()
    page.wait_for_url("**/" + PAGE)
    page.wait_for_selector("#question-bank-filter[data-ready='true']")
    page.go_back()
    expect(page.locator("#question-bank-filter")).to_have_count(0)
    page.go_forward()
    page.wait_for_selector("#question-bank-filter[data-ready='true']")
    assert page.evaluate("window.sameDocument === true"), "that was a full page load, not instant"
    assert page.locator("#question-bank-filter form").count() == 1
    page.locator("input[name='qb-topic'][value='production']").check()
    want = expected(questions, "production", DIFFICULTIES)
    expect(status(page)).to_contain_text(f"Showing {len(want)} of {len(questions)} questions")
    assert shown_ids(page) == want


def test_no_request_leaves_the_site(page, site_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_bank(page, site_url)
    page.get_by_role("checkbox", name="hard").press("Space")
    hosts = {urlsplit(url).hostname for url in requests if urlsplit(url).scheme in ("http", "https")}
    assert hosts <= {"127.0.0.1"}, f"requests left 127.0.0.1: {hosts}"


def test_the_filter_starts_when_its_logic_arrives_after_it(instant_page, site_url, questions, hold_until_ran):
    # Instant navigation inserts a page's scripts at once, so question-bank.js can run before
    # question-bank-logic.js; hold the logic back until question-bank.js has run to make that
    # order certain.
    page = instant_page
    goto_armed(page, site_url + "interviews/")
    held = hold_until_ran("**/question-bank-logic.js", "question-bank.js")
    page.evaluate("window.sameDocument = true")
    page.locator("article a[href$='question-bank/']").first.click()
    page.wait_for_url("**/" + PAGE)
    page.wait_for_selector("#question-bank-filter[data-ready='true']")
    assert held == [True], f"question-bank-logic.js was not held until question-bank.js had run: {held}"
    assert page.evaluate("window.sameDocument === true"), "that was a full page load, not instant"
    expect(status(page)).to_contain_text(f"Showing {len(questions)} of {len(questions)} questions")
