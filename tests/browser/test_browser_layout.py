"""Accessibility, the phone layout and the screenshots, in a real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser
A11Y = (Path(__file__).parent / "a11y.js").read_text(encoding="utf-8")
PAGES = [
    "/",
    "/search?q=cooperation&country=HU&topic=drug-trafficking&from=2023-01-01",
    "/search?q=customs&country=VN",  # no hits: suggestions to remove a filter
    "/search?per_page=2&page=2",
    "ARTICLE?q=customs",
    "/help",
    "/admin",
]


def article_url(page, path: str) -> str:
    if not path.startswith("ARTICLE"):
        return path
    hit = page.request.get("/api/search?q=customs").json()["hits"][0]
    return path.replace("ARTICLE", f"/articles/{hit['id']}")


@pytest.mark.parametrize("path", PAGES)
def test_pages_pass_the_accessibility_check_on_a_desktop(page, path):
    page.goto(article_url(page, path))
    problems = page.evaluate(A11Y, {"minTarget": 24})
    assert problems == []


@pytest.mark.parametrize("path", PAGES)
def test_pages_pass_the_accessibility_check_on_a_phone(phone, path):
    phone.goto(article_url(phone, path))
    problems = phone.evaluate(A11Y, {"minTarget": 24})
    assert problems == []


def test_the_error_page_passes_the_accessibility_check(page):
    response = page.goto("/articles/no-such-article")
    assert response.status == 404
    page.watch.errors.clear()  # Chromium logs the 404 itself as a console error
    assert page.evaluate(A11Y, {"minTarget": 24}) == []


def test_the_checker_finds_real_problems(page):
    """The check must be able to fail: break a page on purpose and expect findings."""
    page.goto("/search?q=cooperation")
    page.evaluate(
        """() => {
          document.querySelector('label[for=from]').remove();
          document.querySelector('.hit h2 a').style.color = '#ccc';
          document.querySelector('h1').remove();
          document.querySelectorAll('.hit h2')[1].outerHTML = '<h4>x</h4>';
        }"""
    )
    problems = "\n".join(page.evaluate(A11Y, {"minTarget": 24}))
    for rule in ("label:", "color-contrast:", "page-has-one-h1:", "heading-order:"):
        assert rule in problems


def test_the_phone_layout_fits_the_screen_and_links_to_the_filters(phone):
    phone.goto("/search?q=cooperation&country=HU")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    results = phone.locator("main").bounding_box()
    filters = phone.locator("#filters").bounding_box()
    assert filters["y"] > results["y"]  # results first on a phone
    link = phone.get_by_role("link", name="Filters (1 active)")
    assert link.is_visible()
    link.click()
    assert phone.evaluate("location.hash") == "#filters"
    assert phone.locator("#filters").bounding_box()["y"] < 844


def test_the_desktop_layout_puts_filters_left_of_the_results(page):
    page.goto("/search?q=cooperation")
    results = page.locator("main").bounding_box()
    filters = page.locator("#filters").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"]
    assert not page.locator(".to-filters").is_visible()


def test_screenshots_of_the_search_and_article_pages(browser, live_server):
    """Desktop (1280 px) and phone (390 px) search pages and an article, for a human eye."""
    SCREENSHOTS.mkdir(exist_ok=True)
    shots = [
        ("search-desktop.png", 1280, "/search?q=cooperation&country=HU"),
        ("search-phone.png", 390, "/search?q=cooperation&country=HU"),
        ("article-desktop.png", 1280, "ARTICLE?q=customs"),
        ("article-phone.png", 390, "ARTICLE?q=customs"),
        ("empty-desktop.png", 1280, "/search?q=customs&country=VN"),
    ]
    for name, width, path in shots:
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": 900}, device_scale_factor=1
        )
        page = context.new_page()
        page.goto(article_url(page, path))
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        context.close()
        assert (SCREENSHOTS / name).stat().st_size > 10_000
