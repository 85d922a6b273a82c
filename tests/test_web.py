"""Flask test client over the seed index (SPEC "HTTP")."""

from __future__ import annotations

import pytest

from tests.conftest import seed_id


def test_search_page_marks_the_word_in_every_hit(client):
    page = client.get("/search?q=cybercrime")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="hit"') == 3
    assert "<mark>cybercrime</mark>" in html
    assert 'value="cybercrime"' in html


def test_home_page_browses_newest_first(client):
    html = client.get("/").get_data(as_text=True)
    first = html.index("Official Visit of the Uzbek Delegation")  # 2026
    second = html.index("Hungary and Uzbekistan Deepen Cooperation")  # 2025-07
    assert first < second


def test_api_search_returns_specs_json(client):
    data = client.get("/api/search?q=cybercrime&country=HU&country=UZ").get_json()
    assert data["filters"]["country"] == ["HU", "UZ"]
    assert data["total"] == 3
    selected = [v["value"] for v in data["facets"]["country"] if v["selected"]]
    assert selected == ["HU", "UZ"]


@pytest.mark.parametrize(
    "query, code",
    [
        ("page=0", "invalid_parameter"),
        ("page=abc", "invalid_parameter"),
        ("per_page=101", "invalid_parameter"),
        ("per_page=0", "invalid_parameter"),
        ("from=2024-13-01", "invalid_parameter"),
        ("to=yesterday", "invalid_parameter"),
        ("country=XX", "unknown_value"),
        ("topic=gardening", "unknown_value"),
        ("sort=random", "invalid_parameter"),
        ("from=2025-01-01&to=2024-01-01", "invalid_parameter"),
        ("page=5000&per_page=100", "invalid_parameter"),
    ],
)
def test_api_search_rejects_bad_parameters_with_a_json_400(client, query, code):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_api_article_returns_the_normalized_article(client, seed_index):
    article_id = seed_id(seed_index, "004")
    data = client.get(f"/api/articles/{article_id}").get_json()
    assert data["title"].startswith("Hungary eyes stronger customs cooperation")
    assert data["related"]
    assert client.get("/api/articles/nope").status_code == 404


def test_article_page_marks_the_query_words(client, seed_index):
    article_id = seed_id(seed_index, "004")
    html = client.get(f"/articles/{article_id}?q=customs").get_data(as_text=True)
    assert html.count("<mark>") >= 5
    assert "Baku, Azerbaijan" in html


def test_query_text_is_escaped_in_the_page(client):
    html = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_security_headers_are_set(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "articles": 5}


def test_admin_endpoints_are_off_without_a_token(client):
    assert client.post("/api/articles", json={"title": "t", "body": "b"}).status_code == 403
    assert client.post("/api/reindex").status_code == 403


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
