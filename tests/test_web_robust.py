"""Nothing a client sends makes a 500: random parameters against every GET route."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web.app import create_app

NAMES = ["q", "country", "topic", "language", "from", "to", "sort", "page", "per_page", "x"]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "HU",
            "hu",
            "XX",
            "customs",
            "2025-01-01",
            "2025-13-40",
            "0",
            "-1",
            "101",
            "1e3",
            "date",
            "relevance",
            "*",
            "title:",
            '"',
            "a~9",
            "NOT",
            "\x00",
            "😀",
        ]
    ),
)
PARAMS = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=6)
ROUTES = ["/api/search", "/search", "/search.atom"]


@pytest.fixture(scope="module")
def robust_client(seed_index):
    return create_app({"INDEX": str(seed_index)}).test_client()


@pytest.mark.parametrize("route", ROUTES)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=PARAMS)
def test_random_parameters_give_an_answer_or_a_4xx(robust_client, route, params):
    response = robust_client.get(f"{route}?{urlencode(params)}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if response.status_code == 400 and route != "/search":
        assert response.get_json()["error"]["code"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(article_id=st.text(min_size=1, max_size=60), q=st.text(max_size=30))
def test_random_article_ids_give_a_404_not_a_500(robust_client, article_id, q):
    path = quote(article_id, safe="")
    for prefix in ("/articles/", "/api/articles/"):
        response = robust_client.get(f"{prefix}{path}?{urlencode({'q': q})}")
        assert response.status_code in (200, 404), response.get_data(as_text=True)[:300]
