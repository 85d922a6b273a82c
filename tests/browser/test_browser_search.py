"""What an analyst does in a real Chromium against a real waitress server."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.support import SCRIPT

pytestmark = pytest.mark.browser


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def hit_titles(page) -> list[str]:
    return page.locator(".hit h2").all_inner_texts()


def test_type_a_query_tick_a_country_and_go_back(page):
    page.goto("/")
    page.get_by_label("Search articles").fill("cooperation")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=cooperation$"))
    assert page.locator("h1.count").inner_text().startswith("5 articles for")
    assert len(hit_titles(page)) == 5

    page.get_by_role("checkbox", name=re.compile("^Hungary")).check()  # applies at once
    page.wait_for_url(re.compile(r"country=HU"))
    assert query(page) == {"q": ["cooperation"], "country": ["HU"]}
    assert len(hit_titles(page)) == 3
    for countries in page.locator(".hit .countries").all_inner_texts():
        assert "Hungary" in countries
    assert page.get_by_role("checkbox", name=re.compile("^Hungary")).is_checked()
    assert page.get_by_label("Search articles").input_value() == "cooperation"

    page.go_back()
    page.wait_for_url(re.compile(r"/search\?q=cooperation$"))
    assert len(hit_titles(page)) == 5


def test_filters_work_without_javascript(no_js_page):
    page = no_js_page
    page.goto("/search?q=cooperation")
    page.get_by_role("checkbox", name=re.compile("^Turkey")).check()
    page.get_by_role("checkbox", name=re.compile("^Vietnam")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"country=TR"))
    assert query(page)["country"] == ["TR", "VN"]  # OR within a facet
    assert page.locator("h1.count").inner_text().startswith("2 articles")


def test_page_forward_two_at_a_time(page):
    page.goto("/search?per_page=2")
    first = hit_titles(page)
    assert len(first) == 2
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert query(page) == {"per_page": ["2"], "page": ["2"]}
    second = hit_titles(page)
    assert len(second) == 2 and not set(first) & set(second)
    assert page.locator("ol.hits").get_attribute("start") == "3"
    assert page.locator(".pager [aria-current=page]").inner_text() == "2"
    page.go_back()
    assert hit_titles(page) == first


def test_open_an_article_and_come_back_to_the_same_results(page):
    page.goto("/search?q=customs&country=HU")
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/[^?]+\?q=customs$"))
    assert "customs" in page.locator("h1").inner_text().lower()
    assert page.locator(".body mark").count() >= 5
    assert page.locator(".facts").inner_text().count("Hungary") == 1
    page.get_by_role("link", name="← Back to results").click()
    page.wait_for_url(re.compile(r"/search\?q=customs&country=HU$"))


def test_follow_did_you_mean(page):
    page.goto("/search?q=cybercrme")
    page.get_by_role("link", name="cybercrime").first.click()
    page.wait_for_url(re.compile(r"q=cybercrime$"))
    assert page.get_by_label("Search articles").input_value() == "cybercrime"


def test_a_year_bar_filters_by_its_year(page):
    page.goto("/search?q=cooperation")
    page.locator(".histogram a[aria-label^='2025']").click()
    page.wait_for_url(re.compile(r"from=2025-01-01&to=2025-12-31"))
    assert page.locator(".active-filters").inner_text().count("Date: 2025") == 1
    assert page.get_by_label("From").input_value() == "2025-01-01"
    assert len(hit_titles(page)) == 2


def test_date_inputs_filter_and_leave_empty_fields_out_of_the_url(page):
    page.goto("/search?q=cooperation")
    page.get_by_label("From").fill("2025-06-01")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"from=2025-06-01"))
    assert query(page) == {"q": ["cooperation"], "from": ["2025-06-01"]}
    assert len(hit_titles(page)) == 2


def test_an_article_with_a_script_tag_shows_it_as_text(page):
    page.goto("/search?q=alert")
    title = page.locator(".hit h2").first.inner_text()
    assert SCRIPT in title
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert SCRIPT in page.locator("h1").inner_text()
    assert SCRIPT in page.locator(".body").inner_text()
    assert SCRIPT in page.title()
    assert page.evaluate("document.scripts.length") == 1  # app.js only
    assert page.watch.dialogs == []


def test_the_keyboard_reaches_everything(page):
    page.goto("/search?q=cooperation")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.locator("input[name=country][value=HU]").focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"country=HU"))


def test_every_focusable_element_shows_where_the_focus_is(page):
    page.goto("/search?q=cooperation&country=HU")
    missing = []
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const s = getComputedStyle(el);
              const area = el.querySelector && el.querySelector('.hit-area');
              const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
              const svgRing = area && getComputedStyle(area).stroke !== 'none';
              return {tag: el.tagName, id: el.id, text: (el.textContent || '').trim().slice(0, 30),
                      ok: ring || !!svgRing};
            }"""
        )
        if info and not info["ok"]:
            missing.append(info)
    assert not missing, missing
