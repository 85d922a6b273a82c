"""The HTML pages through Flask's test client over the seed index (SPEC "HTTP")."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.support import SCRIPT, build_index
from tests.conftest import seed_id
from web.app import create_app


class Page(HTMLParser):
    """The parts of a page the tests look at: links, checkboxes, inputs, text, tags."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.checkboxes: list[dict] = []
        self.inputs: dict[str, str] = {}
        self.tags: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self.feed(html)
        self.text = " ".join(" ".join(self.text_parts).split())

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs))
        if tag == "a" and "href" in attrs:
            self.links.append(attrs)
        if tag == "input" and attrs.get("type") == "checkbox":
            self.checkboxes.append(attrs)
        elif tag == "input" and attrs.get("id"):
            self.inputs[attrs["id"]] = attrs.get("value", "")

    def handle_data(self, data):
        self.text_parts.append(data)

    def hrefs(self, cls: str) -> list[str]:
        return [a["href"] for a in self.links if cls in a.get("class", "").split()]

    def checked(self, name: str) -> list[str]:
        return [c["value"] for c in self.checkboxes if c["name"] == name and "checked" in c]


def get_page(client, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return Page(response.get_data(as_text=True))


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- the search page ---------------------------------------------------------------------


def test_search_page_marks_the_word_in_every_hit(client):
    page = client.get("/search?q=cybercrime")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="hit"') == 3
    assert "<mark>cybercrime</mark>" in html
    assert 'value="cybercrime"' in html


def test_search_page_shows_count_time_and_keeps_the_query(client):
    page = get_page(client, "/search?q=drug+trafficking")
    assert page.inputs["q"] == "drug trafficking"
    assert re.search(r"\b\d articles for drug trafficking in \d+ ms", page.text)


def test_home_page_browses_newest_first(client):
    html = client.get("/").get_data(as_text=True)
    first = html.index("Official Visit of the Uzbek Delegation")  # 2026
    second = html.index("Hungary and Uzbekistan Deepen Cooperation")  # 2025-07
    assert first < second


def test_each_hit_shows_date_source_countries_topics_and_a_snippet(client):
    html = client.get("/search?q=kecskes").get_data(as_text=True)
    hit = html[html.index('class="hit"') :]
    assert '<time datetime="2025-02-24">2025-02-24</time>' in hit
    assert "Hungary, Kyrgyzstan, Uzbekistan" in hit
    assert 'class="snippet"' in hit and "<mark>Kecskes</mark>" in hit
    assert ">Customs</a>" in hit  # a topic chip that filters by the topic
    seed0 = client.get("/search?q=tashkent+uzbekistan+hungary").get_data(as_text=True)
    assert "UzDaily.com" in seed0


def test_facets_list_values_with_counts_and_checkboxes(client):
    page = get_page(client, "/search?q=cooperation")
    countries = [c["value"] for c in page.checkboxes if c["name"] == "country"]
    assert countries[:2] == ["UZ", "HU"]  # most articles first
    assert {"HU", "KG", "RU", "TR", "UZ", "VN"} == set(countries)
    assert "Uzbekistan 4 articles" in page.text
    assert {c["name"] for c in page.checkboxes} == {"country", "topic", "language"}


def test_several_values_of_a_facet_are_selected_first_and_checked(client):
    page = get_page(client, "/search?country=VN&country=TR")
    assert page.checked("country") == ["VN", "TR"]
    values = [c["value"] for c in page.checkboxes if c["name"] == "country"]
    assert values[:2] == ["VN", "TR"]
    assert "2 articles" in page.text


def test_facet_links_toggle_values_and_clear_a_facet_or_all(client):
    page = get_page(client, "/search?q=cooperation&country=HU&topic=customs")
    chips = {a["aria-label"]: a["href"] for a in page.links if "aria-label" in a}
    assert params(chips["Remove country Hungary"]) == {"q": ["cooperation"], "topic": ["customs"]}
    assert params(chips["Remove topic Customs"]) == {"q": ["cooperation"], "country": ["HU"]}
    clears = page.hrefs("clear")
    assert {"q": ["cooperation"], "topic": ["customs"]} in [params(u) for u in clears]
    assert page.hrefs("clear-all")[0] == "/search?q=cooperation"


def test_values_beyond_the_first_eight_wait_behind_more(client):
    html = client.get("/search?q=cooperation").get_data(as_text=True)
    topics = html[html.index('id="facet-topic"') : html.index('id="facet-language"')]
    shown, more = topics.split("<details", 1)
    assert shown.count('type="checkbox"') == 8
    assert more.count('type="checkbox"') == 2
    assert "2 more" in more


def test_the_filter_form_keeps_query_sort_and_page_size_but_not_the_page(client):
    html = client.get("/search?q=cooperation&sort=date&per_page=2&page=2").get_data(as_text=True)
    form = html[html.index('id="filter-form"') : html.index("</form>", html.index("filter-form"))]
    hidden = re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form)
    assert hidden == [("q", "cooperation"), ("sort", "date"), ("per_page", "2")]


def test_a_new_query_from_the_top_box_keeps_the_filters(client):
    html = client.get("/search?q=cooperation&country=HU").get_data(as_text=True)
    box = html[html.index('class="searchbox"') : html.index("</form>")]
    assert '<input type="hidden" name="country" value="HU">' in box


def test_date_inputs_keep_their_values_and_filter(client):
    page = get_page(client, "/search?from=2025-01-01&to=2025-12-31")
    assert page.inputs["from"] == "2025-01-01" and page.inputs["to"] == "2025-12-31"
    assert "2 articles" in page.text and "Date: 2025" in page.text


def test_year_histogram_bars_link_to_their_year_and_back(client):
    html = client.get("/search").get_data(as_text=True)
    bars = dict(re.findall(r'<a href="([^"]+)" class="bar[^"]*" aria-label="(\d{4}):', html))
    by_year = {year: url for url, year in bars.items()}
    assert set(by_year) == {"2023", "2025", "2026"}  # 2024 has no article: no link
    assert params(by_year["2025"].replace("&amp;", "&")) == {
        "from": ["2025-01-01"],
        "to": ["2025-12-31"],
    }
    assert html.count('class="empty-slot"') == 1
    selected = client.get("/search?from=2025-01-01&to=2025-12-31").get_data(as_text=True)
    assert 'href="/search" class="bar selected" aria-label="2025: 2 articles (selected' in selected


def test_sort_links_switch_between_relevance_and_newest(client):
    page = get_page(client, "/search?q=cooperation")
    sort_links = [a["href"] for a in page.links if "sort=" in a["href"]]
    assert sort_links == ["/search?q=cooperation&sort=date"]
    by_date = client.get("/search?q=cooperation&sort=date").get_data(as_text=True)
    assert by_date.index("Official Visit") < by_date.index("Vietnam, Hungary agree")


def test_pages_link_forward_and_back_and_keep_the_filters(client):
    page = get_page(client, "/search?country=UZ&per_page=2")
    next_url = next(a["href"] for a in page.links if a.get("rel") == "next")
    assert params(next_url) == {"country": ["UZ"], "per_page": ["2"], "page": ["2"]}
    second = get_page(client, next_url)
    prev_url = next(a["href"] for a in second.links if a.get("rel") == "prev")
    assert params(prev_url) == {"country": ["UZ"], "per_page": ["2"]}
    assert "Page 2" not in [a.get("aria-label") for a in second.links]  # current page: no link
    assert '<ol class="hits" start="3">' in client.get(next_url).get_data(as_text=True)


@pytest.mark.parametrize(
    "page, labels",
    [
        (1, ["1", "2", "3", "…", "5"]),
        (3, ["1", "2", "3", "4", "5"]),
        (5, ["1", "…", "3", "4", "5"]),
    ],
)
def test_page_numbers_show_a_window_and_both_ends(client, page, labels):
    html = client.get(f"/search?per_page=1&page={page}").get_data(as_text=True)
    pager = html[html.index('class="pager"') : html.index("</nav>")]
    shown = re.findall(r">(\d+|…)</(?:a|strong|span)>", pager)
    assert shown == labels
    assert f'<strong aria-current="page">{page}</strong>' in pager


def test_a_page_past_the_end_says_so_instead_of_failing(client):
    page = get_page(client, "/search?q=cooperation&page=9")
    assert "No articles on this page" in page.text


def test_did_you_mean_links_to_the_suggested_query(client):
    page = get_page(client, "/search?q=cybercrme&country=UZ")
    suggested = page.hrefs("suggested")
    assert params(suggested[0]) == {"q": ["cybercrime"], "country": ["UZ"]}


def test_an_empty_result_suggests_which_filter_to_remove(client):
    page = get_page(client, "/search?q=customs&country=VN")
    assert "No articles found" in page.text
    assert "Search without country Vietnam (1 article)" in page.text
    words = get_page(client, "/search?q=customs+xyzzy")
    assert "Search with any of the words (1 article)" in words.text


def test_query_syntax_help_is_one_click_away(client):
    page = get_page(client, "/search?q=x")
    assert "/help" in [a["href"] for a in page.links]
    help_page = get_page(client, "/help")
    for example in ('"drug trafficking"', "hungary OR vietnam", "title:hungary", "extradit*"):
        assert example in help_page.text


def test_the_page_links_its_json_and_its_feed(client):
    page = get_page(client, "/search?q=cooperation&country=HU&sort=date")
    hrefs = [a["href"] for a in page.links]
    assert "/api/search?q=cooperation&country=HU&sort=date" in hrefs
    assert "/search.atom?q=cooperation&country=HU" in hrefs


# --- the article page --------------------------------------------------------------------


def test_article_page_marks_the_query_words(client, seed_index):
    article_id = seed_id(seed_index, "004")
    html = client.get(f"/articles/{article_id}?q=customs").get_data(as_text=True)
    assert html.count("<mark>") >= 5
    assert "Baku, Azerbaijan" in html


def test_article_page_shows_metadata_with_date_precision(client, seed_index):
    page = get_page(client, f"/articles/{seed_id(seed_index, '003')}")
    assert "19 September 2023, 20:38 (to the minute, from the header" in page.text
    assert "Countries Hungary Vietnam" in page.text
    assert "Language English" in page.text
    assert "/search?country=VN" in [a["href"] for a in page.links]
    assert "Related articles" in page.text
    assert f"/api/articles/{seed_id(seed_index, '003')}" in [a["href"] for a in page.links]
    assert "<mark>" not in client.get(f"/articles/{seed_id(seed_index, '003')}").get_data(
        as_text=True
    )


def test_undated_article_says_what_its_text_says(client, seed_index):
    page = get_page(client, f"/articles/{seed_id(seed_index, '002')}")
    assert "Undated (the text says “June 25” without a year)" in page.text


def test_back_to_results_returns_to_the_search_the_reader_came_from(client, seed_index):
    url = f"/articles/{seed_id(seed_index, '004')}?q=customs"
    came_from = "http://localhost/search?q=customs&country=HU&page=1"
    page = Page(client.get(url, headers={"Referer": came_from}).get_data(as_text=True))
    assert "/search?q=customs&country=HU&page=1" in [a["href"] for a in page.links]
    foreign = client.get(url, headers={"Referer": "http://evil.example/search?q=x"})
    assert 'href="/search?q=customs">← Back' in foreign.get_data(as_text=True)


def test_missing_article_is_an_html_404(client):
    response = client.get("/articles/nope")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


# --- safety ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def script_client(tmp_path_factory):
    index = build_index(tmp_path_factory.mktemp("script"))
    return create_app({"INDEX": str(index), "TESTING": True}).test_client()


def test_query_text_is_escaped_in_the_page(client):
    html = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("url", ["/search?q=alert", "/search?q=tashkent+border", "/search"])
def test_article_text_with_a_script_tag_is_escaped_in_hits(script_client, url):
    html = script_client.get(url).get_data(as_text=True)
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html and "&lt;/script&gt;" in html


def test_article_page_escapes_a_script_tag_in_title_and_body(script_client):
    hit = script_client.get("/api/search?q=alert").get_json()["hits"][0]
    for url in (f"/articles/{hit['id']}", f"/articles/{hit['id']}?q=alert"):
        html = script_client.get(url).get_data(as_text=True)
        assert SCRIPT not in html
        assert html.count("&lt;script&gt;") >= 3  # <title>, <h1>, body
        assert len(re.findall(r"<script\b", html)) == 1  # only app.js


ROUTES = [
    "/",
    "/search?q=cooperation&country=HU",
    "/search?q=nothing-at-all-here",
    "/help",
    "/admin",
    "/articles/nope",
    "/search?page=0",
]


@pytest.mark.parametrize("url", ROUTES)
def test_pages_have_no_inline_script_or_style_for_the_csp(client, url):
    html = client.get(url).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert not re.search(r"<style\b", html), "inline style element"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url",
    [*ROUTES, "/api/search", "/healthz", "/opensearch.xml", "/search.atom", "/static/app.js"],
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_bad_parameters_on_the_page_are_an_html_400_that_keeps_the_query(client):
    response = client.get("/search?q=customs&from=2024-13-01")
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert "'from' must be a date written YYYY-MM-DD" in page.text
    assert page.inputs["q"] == "customs"
    assert "/search?q=customs" in [a["href"] for a in page.links]


def test_the_app_runs_with_debug_off():
    app = create_app({"INDEX": "/nonexistent"})
    assert app.debug is False


def test_a_missing_index_is_a_503_not_a_traceback(tmp_path):
    client = create_app({"INDEX": str(tmp_path / "none")}).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "no_index"
    assert "Traceback" not in client.get("/search?q=x").get_data(as_text=True)


# --- the year histogram's layout ---------------------------------------------------------


def _years(counts: dict[int, int]) -> list[dict]:
    return [
        {"value": str(y), "label": str(y), "count": n, "selected": False} for y, n in counts.items()
    ]


@pytest.mark.parametrize("span", [1, 2, 5, 12, 30, 80])
def test_histogram_fits_the_sidebar_and_its_labels_never_overlap(span):
    from search.request import SearchRequest
    from web.histogram import LABEL_WIDTH, WIDTH, year_histogram

    counts = {1990 + i: (i * 7) % 5 for i in range(span)}
    counts[1990] = counts[1990 + span - 1] = 3
    layout = year_histogram(_years(counts), SearchRequest(), [], "/search")
    bars = layout["bars"]
    assert len(bars) == span and layout["width"] <= WIDTH
    assert all(0 <= b["height"] <= 64 and b["x"] + b["width"] <= layout["width"] for b in bars)
    labelled = [b for b in bars if b["text"]]
    assert labelled[-1]["year"] == 1990 + span - 1  # the newest year is always named
    for left, right in zip(labelled, labelled[1:], strict=False):
        assert right["x"] - left["x"] >= LABEL_WIDTH - 1
    assert all((b["url"] is None) == (b["count"] == 0) for b in bars)  # empty years: no link


def test_histogram_marks_the_years_inside_the_date_range():
    from datetime import date

    from search.request import SearchRequest
    from web.histogram import year_histogram

    req = SearchRequest(date_from=date(2021, 6, 1), date_to=date(2023, 2, 1))
    bars = year_histogram(_years({y: 1 for y in range(2019, 2026)}), req, [], "/search")["bars"]
    assert [b["year"] for b in bars if b["selected"]] == [2021, 2022, 2023]
