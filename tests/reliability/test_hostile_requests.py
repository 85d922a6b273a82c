"""Property-based hostile requests: every answer is a 2xx or 4xx within a second."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web.openapi import openapi_document

SECONDS = 1.0  # of this process's CPU time: the work a request costs, not the machine's load
# every parameter /api/search documents, and names it does not know
DOCUMENTED = openapi_document("http://localhost")["paths"]["/api/search"]["get"]["parameters"]
NAMES = [p["name"] for p in DOCUMENTED] + ["unknown", "q[]", "", "Q"]
NASTY = [
    "*",
    "?*",
    "*x",
    "a*",
    "**",
    "~",
    "a~99999",
    "x~2/0",
    "x~1/99",
    '"',
    "((((",
    ")",
    "title:",
    "body:*",
    "NOT",
    "-",
    "AND OR",
    "\x00",
    "\u202e",
    "😀" * 50,
    "İıŞşĞğ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\ud7ff",
    "a" * 100_000,
    "word " * 5000,
    "-1",
    "99999999999999999999",
    "1e9",
    "0x10",
    "2024-02-30",
    "9999-12-31",
    "0000-00-00",
]

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
params = st.lists(st.tuples(st.sampled_from(NAMES), values), max_size=8)
ROUTES = ["/api/search", "/search", "/search.atom"]


def _check(client, url: str) -> None:
    started = time.process_time()
    response = client.get(url)
    elapsed = time.process_time() - started
    assert response.status_code < 500, (url[:300], response.status_code)
    assert elapsed < SECONDS, (url[:300], elapsed)
    if url.startswith("/api/") and response.status_code >= 400:
        assert set(response.get_json()["error"]) == {"code", "message"}


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(route=st.sampled_from(ROUTES), pairs=params)
def test_random_search_parameters_never_give_a_5xx(client, route, pairs):
    _check(client, route + "?" + urlencode(pairs))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    article_id=st.one_of(
        st.text(max_size=200),
        st.sampled_from(["..", "../..", "%2e%2e%2fetc%2fpasswd", "a/b", "\x00", "CON", "a" * 5000]),
    )
)
def test_random_article_ids_never_give_a_5xx(client, article_id):
    from urllib.parse import quote

    for prefix in ("/api/articles/", "/articles/"):
        _check(client, prefix + quote(article_id, safe=""))


@pytest.mark.parametrize("query", NASTY)
def test_each_nasty_query_answers_quickly(client, query):
    _check(client, "/api/search?" + urlencode({"q": query}))


def test_path_traversal_in_ids_reaches_no_file(client):
    for attempt in ("../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/x"):
        response = client.get("/api/articles/" + attempt)
        assert response.status_code in (404, 400)
        assert b"root:" not in response.data
