"""The built site in a real browser (Playwright driving Debian's Chromium).

What readers rely on, end to end, on the site served under /guide/ as in production:
the home page loads cleanly, search finds a page and opens it, the colour scheme choice
sticks, code blocks copy, generated tables and charts render, the notebook page shows its
outputs and its .ipynb downloads, and no page of the site asks any other host for anything
(every built page is loaded and its requests recorded).

Set ``GUIDE_SITE_DIR`` to an already built site to skip the build while iterating.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from browser.fixtures import WITHOUT_SEARCH_DOCUMENTS, goto_armed
from scripts.quality.search_eval import PLACEHOLDER, RESULT_META, SEARCH_INPUT

pytestmark = pytest.mark.browser

OWN_HOST = "127.0.0.1"
NOT_NETWORK = {"data", "blob", "about", "chrome-extension"}


# --- search -------------------------------------------------------------------------------


def open_search(page) -> None:
    """Open the search box and wait until the worker has built its index.

    Typed before then, a query is dropped: Material shows "Initializing search" and
    searches only on the next key press.
    """
    query = page.locator(SEARCH_INPUT)
    if not query.is_visible():  # narrow screens: the magnifier button opens it
        page.locator("label.md-header__button[for='__search']").click()
    query.click()
    expect(page.locator(RESULT_META)).to_have_text(PLACEHOLDER)


def index_material_loads(page, site_url: str) -> dict:
    """The search index as the home page's own request for it received it."""
    with page.expect_response(site_url + "search/search_index.json") as response:
        page.goto(site_url)
    return response.value.json()


def test_pages_of_a_test_that_does_not_search_get_the_index_without_documents(page, site_url, site_dir):
    real = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert real["docs"], "the built site's search index holds no documents"
    assert index_material_loads(page, site_url) == {**real, "docs": []}


@pytest.mark.searches
def test_pages_of_a_test_marked_searches_get_the_real_index(page, site_url, site_dir):
    real = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index_material_loads(page, site_url) == real


@pytest.mark.searches
def test_search_returns_results_and_the_first_opens_the_right_page(page, site_url):
    page.goto(site_url)
    open_search(page)
    page.locator(SEARCH_INPUT).press_sequentially("confusion matrix")
    first = page.locator(
        "ol.md-search-result__list > li.md-search-result__item > a.md-search-result__link"
    ).first
    expect(first).to_have_attribute("href", re.compile(r"skills/model-evaluation/"))
    expect(page.locator(".md-search-result__meta")).to_contain_text(re.compile(r"\d+ matching document"))
    first.click()
    expect(page).to_have_url(re.compile(r"/guide/skills/model-evaluation/"))
    expect(page.locator("article h1")).to_be_visible()
    assert "confusion matrix" in page.locator("article").inner_text().lower()


# --- colour scheme ------------------------------------------------------------------------


def scheme(page) -> str | None:
    return page.locator("body").get_attribute("data-md-color-scheme")


def test_dark_mode_choice_persists_across_instant_navigation_and_reloads(instant_page, site_url):
    page = instant_page
    goto_armed(page, site_url)
    assert scheme(page) == "default"  # the browser prefers light
    page.locator("label[title='Switch to dark mode']").click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")

    # Instant navigation: the document survives (a marker on window stays), the choice too.
    page.evaluate("window.__sameDocument = true")
    # (Material's instant navigation makes every link absolute.)
    page.locator("a.md-tabs__link[href$='/guide/salaries/']").click()
    expect(page).to_have_url(re.compile(r"/guide/salaries/$"))
    expect(page.locator("article h1")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "the link did not use instant navigation"
    assert scheme(page) == "slate"

    # Full loads: a reload and a direct visit to another page.
    page.reload()
    assert page.evaluate("window.__sameDocument === undefined")
    assert scheme(page) == "slate"
    page.goto(site_url + "faq/")
    assert scheme(page) == "slate"

    # And back to light, which sticks as well.
    page.locator("label[title='Switch to light mode']").click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    page.goto(site_url + "glossary/")
    assert scheme(page) == "default"


def test_with_no_choice_made_the_scheme_follows_the_system(page, site_url):
    # Set while the header is parsed (overrides/partials/javascripts/palette.html), so the
    # first paint is already dark; nothing is stored until the reader chooses.
    page.emulate_media(color_scheme="dark")
    page.goto(site_url + "faq/", wait_until="domcontentloaded")
    assert scheme(page) == "slate"
    expect(page.locator("label[title='Switch to light mode']")).to_be_visible()
    expect(page.locator("label[title='Switch to dark mode']")).to_be_hidden()
    assert page.evaluate("localStorage.length") == 0

    page.emulate_media(color_scheme="light")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    expect(page.locator("label[title='Switch to dark mode']")).to_be_visible()

    # A choice, once made, outranks the system's.
    page.locator("label[title='Switch to dark mode']").click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.emulate_media(color_scheme="dark")
    page.emulate_media(color_scheme="light")
    page.reload()
    assert scheme(page) == "slate"


def test_enter_on_the_focused_toggle_switches_the_scheme(page, site_url):
    page.goto(site_url)
    page.locator("#__palette_0").focus()
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    expect(page.locator("#__palette_1")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")


def test_theme_color_and_color_scheme_meta_follow_the_header(page, site_url):
    read = """() => {
        const style = getComputedStyle(document.querySelector("[data-md-component=header]"));
        const hex = style.backgroundColor.match(/\\d+/g).slice(0, 3)
            .map(v => (+v).toString(16).padStart(2, "0")).join("");
        const meta = name => document.querySelector(`meta[name='${name}']`).content;
        return [meta("theme-color"), "#" + hex, meta("color-scheme"), style.colorScheme];
    }"""
    page.goto(site_url)
    theme, header, color_scheme, header_scheme = page.evaluate(read)
    assert (theme, color_scheme) == (header, header_scheme)
    assert page.locator("meta[name='theme-color']").count() == 1

    page.locator("label[title='Switch to dark mode']").click()
    expect(page.locator("meta[name='color-scheme']")).to_have_attribute("content", "dark")
    theme, header, color_scheme, header_scheme = page.evaluate(read)
    assert (theme, color_scheme) == (header, header_scheme)
    assert page.locator("meta[name='theme-color']").count() == 1


# --- code blocks --------------------------------------------------------------------------


def test_code_copy_button_puts_the_code_on_the_clipboard(page, site_url):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page.goto(site_url + "skills/model-evaluation/")
    # Material mounts a block's copy button when the block first scrolls into view.
    block = page.locator("article div.highlight").first
    block.scroll_into_view_if_needed()
    button = block.locator("button[data-clipboard-target]")
    expect(button).to_be_attached()
    target = button.get_attribute("data-clipboard-target")
    assert target, "the copy button names no code element"
    code = page.locator(target).text_content() or ""
    assert code.strip(), "the copied code block is empty"
    block.hover()
    button.click()
    expect(page.locator(".md-dialog")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip("\n").splitlines()]

    assert lines(copied) == lines(code)


# --- generated content --------------------------------------------------------------------


# Each highlighted block's height and font size, and whether the build gave it a line count.
CODE_BLOCKS = """() => [...document.querySelectorAll('.md-typeset div.highlight')].map((block) => [
  block.getBoundingClientRect().height,
  parseFloat(getComputedStyle(block).fontSize),
  block.style.getPropertyValue('--code-lines') !== '',
])"""


def test_code_blocks_keep_their_height_when_they_come_into_view(page, site_url):
    # Off-screen code blocks are not rendered (extra.css); their placeholder is sized from
    # their line count (scripts/pipeline/code_block_sizes.py). A placeholder far from the real
    # height made each block jump as it came into view, moving everything below it.
    url = site_url + "skills/model-evaluation/"
    page.goto(url)
    page.add_style_tag(content=".md-typeset div.highlight { content-visibility: visible !important }")
    real = page.evaluate(CODE_BLOCKS)
    # A second page where no block is ever rendered: each height is its placeholder's.
    skipped = page.context.new_page()
    skipped.add_init_script(
        """document.addEventListener('DOMContentLoaded', () => {
             const style = document.createElement('style');
             style.textContent = '.md-typeset div.highlight { content-visibility: hidden !important }';
             document.head.append(style);
           })"""
    )
    skipped.goto(url)
    placeholders = skipped.evaluate(CODE_BLOCKS)
    assert len(real) == len(placeholders) >= 20, f"{len(real)} and {len(placeholders)} code blocks"
    assert all(marked for _, _, marked in real), "a code block without its line count"
    jumps = [
        round((height - placeholder) / font_size, 2)
        for (height, font_size, _), (placeholder, _, _) in zip(real, placeholders, strict=True)
    ]
    # Within two lines of code (1.19 em each): the sizes are fitted to Material's code style,
    # not exact (a wrapped title, for one, adds a line).
    assert max(map(abs, jumps)) <= 2.4, f"real minus placeholder height, in em, per block: {jumps}"


def test_generated_table_and_chart_render_on_the_salaries_page(page, site_url):
    page.goto(site_url + "salaries/")
    chart = page.locator("article figure svg[role='img']").first
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    column = page.locator("article").bounding_box()
    # The SVG is drawn at 100% of the column up to its max-width of 768 px.
    wanted = min(768, column["width"] - 40)
    assert box and box["width"] >= 0.9 * wanted and box["height"] > 100, (
        f"the chart is drawn {box} in a column {column['width']} px wide; expected about {wanted} px"
    )
    labelled_by = (chart.get_attribute("aria-labelledby") or "").split()
    assert labelled_by, "the chart has no accessible name"
    for element_id in labelled_by:
        assert (page.locator(f"#{element_id}").text_content() or "").strip(), f"#{element_id} is empty"
    assert chart.locator("rect, path, line, circle, polygon").count() > 5, "the chart draws nothing"

    table = page.locator("article table").first
    expect(table).to_be_visible()
    assert table.locator("thead th").count() >= 3
    rows = table.locator("tbody tr")
    assert rows.count() >= 3
    assert all(cell.strip() for cell in rows.first.locator("td").all_inner_texts()[:2])


# --- notebooks ----------------------------------------------------------------------------


def test_notebook_page_shows_its_outputs_and_offers_the_ipynb(page, site_url):
    page.goto(site_url + "projects/price-prediction/")
    outputs = page.locator("article .jp-OutputArea-output")
    expect(outputs.first).to_be_visible()
    assert outputs.count() >= 3, "the notebook page shows almost no cell outputs"
    texts = [t for t in outputs.all_text_contents() if t.strip()]
    assert len(texts) >= 3, "the notebook's outputs are empty"
    expect(page.locator("article .jp-RenderedHTML table").first).to_be_visible()  # a DataFrame
    # Plots are files loaded lazily (scripts/pipeline/notebook_assets.py): scroll to each, as a
    # reader would, and wait for it to load before moving on (a quick scroll past an image
    # can leave it unrequested), then check that it decoded.
    images = page.locator("article .jp-OutputArea-output img")
    assert images.count() >= 1, "the notebook page shows no plot"
    for image in images.all():
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image.element_handle())
    broken_images = page.evaluate(
        """() => Array.from(document.querySelectorAll('article .jp-OutputArea-output img'))
                 .filter(img => img.naturalWidth === 0).map(img => img.getAttribute('src').slice(0, 80))"""
    )
    assert broken_images == [], f"notebook images that did not render: {broken_images}"
    sources = images.evaluate_all("els => els.map(img => img.getAttribute('src'))")
    inlined = [src[:60] for src in sources if "/assets/images/notebooks/" not in src]
    assert inlined == [], "plots still inlined instead of linked as files"

    link = page.locator("article a[download][href$='.ipynb']")
    expect(link).to_have_count(1)
    url = urljoin(page.url, link.get_attribute("href"))
    response = page.request.get(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    notebook = json.loads(response.body())
    assert notebook["nbformat"] == 4
    assert any(cell.get("outputs") for cell in notebook["cells"]), "the downloadable notebook has no outputs"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "price-prediction.ipynb"


# --- every page: only our own host ----------------------------------------------------------


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (page, url)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (page, what)
    # (page, whether it sent WITHOUT_SEARCH_DOCUMENTS) for each request of the search index
    index_requests: list[tuple[str, bool]] = field(default_factory=list)
    untitled: list[str] = field(default_factory=list)  # pages without a title or a visible h1


def crawl_site(browser, site_dir, site_url) -> Crawl:
    """Load every page of the built site (each index.html) in one context, recording requests."""
    result = Crawl(
        pages=sorted(p.parent.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html"))
    )
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.set_default_timeout(30_000)
    current = {"page": ""}

    def problem(what: str) -> None:
        result.problems.append((current["page"], what))

    index_url = urljoin(site_url, "search/search_index.json")

    def request(r) -> None:
        result.requests.append((current["page"], r.url))
        if r.url == index_url:
            sent = all(
                r.headers.get(name.lower()) == value for name, value in WITHOUT_SEARCH_DOCUMENTS.items()
            )
            result.index_requests.append((current["page"], sent))

    page.on("request", request)
    page.on("console", lambda m: problem(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problem(f"uncaught exception: {e}"))
    page.on("response", lambda r: problem(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    # Leaving a page aborts what it was still fetching (the search index); that is no fault.
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else problem(f"failed: {r.url} ({r.failure})"),
    )
    # Only the first page, the home page, gets the real search index, and the crawl waits
    # until its worker has indexed the site, as a reader's first visit does; the others get
    # it without documents, like every unsearched page of these tests.
    try:
        for rel in result.pages:
            path = "" if rel == "." else rel + "/"
            current["page"] = "/" + path
            if rel == ".":
                page.goto(site_url + path, wait_until="load")
                page.wait_for_function(
                    "([sel, text]) => document.querySelector(sel)?.textContent.trim() === text",
                    arg=[RESULT_META, PLACEHOLDER],
                )
                page.set_extra_http_headers(WITHOUT_SEARCH_DOCUMENTS)
            else:
                page.goto(site_url + path, wait_until="load")
            titled = page.evaluate(
                "() => document.title.trim() !== '' && !!document.querySelector('article h1')?.checkVisibility()"
            )
            if not titled:
                result.untitled.append(current["page"])
        page.wait_for_timeout(500)  # late requests of the last page
    finally:
        context.close()
    return result


def test_every_page_loads_without_errors_and_requests_nothing_from_another_host(browser, site_dir, site_url):
    # One crawl for every property a page load shows: loading every page is the slowest
    # step in the suite. (The home page had a test of its own, which the crawl repeated.)
    crawl = crawl_site(browser, site_dir, site_url)
    assert len(crawl.pages) >= 60, f"only {len(crawl.pages)} pages found to crawl"
    visited = {page for page, url in crawl.requests if url.endswith((".html", "/"))}
    assert len(visited) >= len(crawl.pages) * 0.9, "the crawl saw requests from too few pages"
    # The first page fetches the real index; every later one asks for it without documents.
    first, *later = crawl.index_requests
    assert first == ("/", False), f"the first index request: {first}"
    assert len(later) >= len(crawl.pages) * 0.9 - 1, f"only {len(later) + 1} pages requested the index"
    wrong = [page for page, sent in later if not sent]
    assert wrong == [], f"pages that asked for the index with its documents: {wrong[:10]}"
    off_host = sorted(
        {
            (page, url)
            for page, url in crawl.requests
            if urlsplit(url).scheme not in NOT_NETWORK and urlsplit(url).hostname != OWN_HOST
        }
    )
    shown = "\n".join(f"  {page}: {what}" for page, what in crawl.problems[:40])
    assert crawl.untitled == [], f"pages without a title or a visible article h1: {crawl.untitled}"
    assert (off_host, crawl.problems) == ([], []), (
        "Requests to other hosts:\n"
        + "\n".join(f"  {p}: {u}" for p, u in off_host)
        + f"\n{len(crawl.problems)} problem(s) while loading the pages:\n{shown}"
    )
