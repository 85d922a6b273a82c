"""Stored XSS through every article field and reflected XSS through every parameter stay
inert text in every page, feed and JSON answer."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from indexer.pipeline import index_paths
from tests.conftest import SEEDS
from web.app import create_app

PAYLOAD = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
HOSTILE = {
    "id": "xss",
    "title": "Border talks " + PAYLOAD,
    "body": "Customs officers met. " + PAYLOAD,
    "source": "<svg onload=alert(3)>",
    "author": "<b onclick=alert(4)>x</b>",
    "url": "javascript:alert(5)",
    "date": "2024-03-05",
}
PARAMETERS = ["q", "country", "topic", "language", "from", "to", "sort", "page", "per_page"]
RAW = re.compile(r"<(img|script|svg|b)\b[^>]*(onerror|onload|onclick|alert)", re.I)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    base = tmp_path_factory.mktemp("xss")
    shutil.copytree(SEEDS, base / "sources")
    (base / "sources" / "hostile.json").write_text(json.dumps(HOSTILE), encoding="utf-8")
    index_paths(base / "index", [base / "sources"], progress=False)
    return create_app({"INDEX": str(base / "index")}).test_client()


def _article_id(client) -> str:
    return client.get("/api/search?q=customs+officers").get_json()["hits"][0]["id"]


def test_stored_payloads_are_escaped_in_every_rendering(client):
    article_id = _article_id(client)
    for url in [
        "/",
        "/search?q=border",
        "/search?q=alert",
        f"/articles/{article_id}",
        f"/articles/{article_id}?q=border",
        "/search.atom?q=border",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert not RAW.search(text), (url, RAW.search(text).group(0))
        assert "javascript:" not in re.sub(
            r"&[a-z]+;", "", " ".join(re.findall(r'href="([^"]*)"', text))
        ), url


def test_a_javascript_url_is_shown_as_text_not_as_a_link(client):
    html = client.get(f"/articles/{_article_id(client)}").get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert "&lt;svg onload=alert(3)&gt;" in html


def test_json_carries_the_payload_as_data(client):
    hit = client.get("/api/search?q=border").get_json()["hits"][0]
    assert "<script>" not in hit["title_html"] and "<script>" not in hit["snippet"]
    assert hit["title"].endswith(PAYLOAD)  # the raw field stays the article's text


@pytest.mark.parametrize("name", PARAMETERS)
def test_reflected_payload_in_each_parameter_is_escaped(client, name):
    for route in ("/search", "/search.atom", "/api/search"):
        response = client.get(route, query_string={name: PAYLOAD})
        assert response.status_code < 500
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if response.mimetype == "application/json":
            json.loads(response.get_data(as_text=True))  # an echo in JSON is data, not markup
        else:
            assert not RAW.search(response.get_data(as_text=True)), (route, name)
