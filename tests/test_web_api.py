"""The JSON API against its OpenAPI document, and the Atom and OpenSearch documents.

Every documented (path, method, status) is produced by a real request below, and every
JSON answer is validated against the document's schema for it: the document can neither
promise what the server does not send nor miss what it sends.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from xml.etree import ElementTree

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from search.store import open_index
from tests.browser.support import SCRIPT, build_index
from tests.conftest import seed_id
from web import admin
from web.app import create_app
from web.openapi import openapi_document

DOC = openapi_document("http://localhost")
REGISTRY = Registry().with_resource("urn:api", Resource.from_contents(DOC, DRAFT202012))
TOKEN = {"Authorization": "Bearer s3cret"}
ATOM = "{http://www.w3.org/2005/Atom}"


def pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validate(path: str, method: str, status: int, body) -> None:
    response = DOC["paths"][path][method]["responses"][str(status)]
    schema_path = pointer("paths", path, method, "responses", str(status), "content")
    media = next(iter(response["content"]))
    ref = f"urn:api#/{schema_path}/{pointer(media)}/schema"
    validator = Draft202012Validator(
        {"$ref": ref}, registry=REGISTRY, format_checker=FormatChecker()
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors[:5]


# --- the document itself -----------------------------------------------------------------


def test_openapi_document_is_served_and_is_openapi_31(client):
    served = client.get("/api/openapi.json").get_json()
    assert served["openapi"].startswith("3.1")
    assert served["info"]["title"] == "diplosearch"
    assert served["servers"] == [{"url": "http://localhost"}]
    assert served["paths"].keys() == DOC["paths"].keys()


def test_every_schema_in_the_document_is_valid_json_schema():
    for schema in DOC["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_in_the_document_resolves():
    refs = set(_refs(DOC))
    assert refs
    for ref in refs:
        name = ref.removeprefix("#/components/schemas/")
        assert name in DOC["components"]["schemas"], ref


def test_every_operation_has_an_id_a_summary_and_json_error_answers():
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            assert operation["operationId"] and operation["summary"], (path, method)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }


def test_the_documented_search_parameters_are_the_ones_the_server_reads(client):
    names = {p["name"] for p in DOC["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {
        "q",
        "country",
        "topic",
        "language",
        "from",
        "to",
        "sort",
        "match",
        "page",
        "per_page",
    }
    topics = next(
        p for p in DOC["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "topic"
    )
    for topic in topics["schema"]["items"]["enum"]:
        assert client.get(f"/api/search?topic={topic}").status_code == 200


# --- real answers against the document --------------------------------------------------


@pytest.fixture(scope="module")
def admin_env(tmp_path_factory):
    """An app with an admin token over its own copy of the index (admin calls write)."""
    base = tmp_path_factory.mktemp("api")
    index = build_index(base)
    app = create_app(
        {"INDEX": str(index), "ADMIN_TOKEN": "s3cret", "UPLOADS": str(base / "up"), "TESTING": True}
    )
    return app.test_client(), index


def _article_id(client) -> str:
    return client.get("/api/search?q=customs").get_json()["hits"][0]["id"]


def _busy(index):
    """Hold the index's write lock as another indexer would."""
    return open_index(index).writer()


JSON_ARTICLE = {"title": "Laos and Vietnam train border guards", "body": "Laos and Vietnam " * 5}
CASES = [
    # (method, url, request options, status, documented path)
    ("get", "/api/search?q=cybercrime", {}, 200, "/api/search"),
    (
        "get",
        "/api/search?country=HU&country=UZ&sort=date&per_page=2&page=2",
        {},
        200,
        "/api/search",
    ),
    ("get", "/api/search?q=xyzzy", {}, 200, "/api/search"),
    ("get", "/api/search?from=2025-01-01&to=2025-12-31&topic=customs", {}, 200, "/api/search"),
    ("get", "/api/search?q=cybercrme", {}, 200, "/api/search"),
    ("get", "/api/search?page=0", {}, 400, "/api/search"),
    ("get", "/api/search?country=XX", {}, 400, "/api/search"),
    ("get", "/api/articles/{id}", {}, 200, "/api/articles/{id}"),
    ("get", "/api/articles/{id}?q=customs", {}, 200, "/api/articles/{id}"),
    ("get", "/api/articles/nope", {}, 404, "/api/articles/{id}"),
    ("post", "/api/articles", {"json": JSON_ARTICLE}, 401, "/api/articles"),
    ("post", "/api/articles", {"json": JSON_ARTICLE, "headers": TOKEN}, 201, "/api/articles"),
    ("post", "/api/articles", {"json": JSON_ARTICLE, "headers": TOKEN}, 200, "/api/articles"),
    (
        "post",
        "/api/articles",
        {"json": [JSON_ARTICLE, {"title": "Second one", "body": "Text " * 9}], "headers": TOKEN},
        201,
        "/api/articles",
    ),
    ("post", "/api/articles", {"data": "plain", "headers": TOKEN}, 400, "/api/articles"),
    (
        "post",
        "/api/articles",
        {"file": ("a.pdf", b"%PDF-1.4"), "headers": TOKEN},
        415,
        "/api/articles",
    ),
    ("post", "/api/articles", {"file": ("a.txt", b""), "headers": TOKEN}, 422, "/api/articles"),
    (
        "post",
        "/api/articles",
        {"file": ("big.txt", b"a" * (10 * 1024 * 1024 + 1)), "headers": TOKEN},
        413,
        "/api/articles",
    ),
    (
        "post",
        "/api/articles",
        {"json": JSON_ARTICLE, "headers": TOKEN, "busy": True},
        409,
        "/api/articles",
    ),
    ("post", "/api/reindex", {"headers": TOKEN}, 200, "/api/reindex"),
    ("post", "/api/reindex", {"headers": {"Authorization": "Bearer nope"}}, 401, "/api/reindex"),
    ("post", "/api/reindex", {"headers": TOKEN, "busy": True}, 409, "/api/reindex"),
    ("get", "/healthz", {}, 200, "/healthz"),
    ("get", "/search.atom?country=XX", {}, 400, "/search.atom"),
    ("get", "/api/openapi.json", {}, 200, "/api/openapi.json"),
]


@pytest.mark.parametrize("method, url, options, status, path", CASES)
def test_real_answers_validate_against_the_document(
    admin_env, monkeypatch, method, url, options, status, path
):
    client, index = admin_env
    options = dict(options)
    url = url.replace("{id}", _article_id(client))
    if "file" in options:
        name, data = options.pop("file")
        options["data"] = {"file": (io.BytesIO(data), name)}
    writer = _busy(index) if options.pop("busy", False) else None
    monkeypatch.setattr(admin, "LOCK_WAIT_SECONDS", 0.2)
    try:
        response = getattr(client, method)(url, **options)
    finally:
        if writer is not None:
            writer.cancel()
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json
    validate(path, method, status, response.get_json())


def test_admin_is_403_while_no_token_is_set(client):
    for url in ("/api/articles", "/api/reindex"):
        response = client.post(url, json=JSON_ARTICLE, headers=TOKEN)
        assert response.status_code == 403
        validate(url, "post", 403, response.get_json())


def test_every_documented_answer_is_exercised():
    documented = {
        (path, method, int(status))
        for path, item in DOC["paths"].items()
        for method, operation in item.items()
        for status in operation["responses"]
    }
    exercised = {(path, method, status) for method, _, _, status, path in CASES}
    exercised |= {("/api/articles", "post", 403), ("/api/reindex", "post", 403)}
    exercised |= {("/search.atom", "get", 200)}  # Atom, checked in the feed tests below
    assert documented == exercised


# --- API details -------------------------------------------------------------------------


def test_api_search_returns_specs_json(client):
    data = client.get("/api/search?q=cybercrime&country=HU&country=UZ").get_json()
    assert data["filters"]["country"] == ["HU", "UZ"]
    assert data["total"] == 3
    selected = [v["value"] for v in data["facets"]["country"] if v["selected"]]
    assert selected == ["HU", "UZ"]
    assert list(data) == [
        "query",
        "total",
        "page",
        "per_page",
        "sort",
        "filters",
        "hits",
        "facets",
        "suggestion",
        "took_ms",
    ]


def test_api_and_page_are_built_from_the_same_result(client):
    api = client.get("/api/search?q=cooperation&country=HU&per_page=2").get_json()
    page = client.get("/search?q=cooperation&country=HU&per_page=2").get_data(as_text=True)
    for hit in api["hits"]:
        assert f"/articles/{hit['id']}?q=cooperation" in page
        assert hit["title_html"] in page
    for value in api["facets"]["topic"]:
        assert f'value="{value["value"]}"' in page


@pytest.mark.parametrize(
    "query, code",
    [
        ("page=0", "invalid_parameter"),
        ("page=abc", "invalid_parameter"),
        ("per_page=101", "invalid_parameter"),
        ("per_page=0", "invalid_parameter"),
        ("per_page=-1", "invalid_parameter"),
        ("from=2024-13-01", "invalid_parameter"),
        ("from=2024-02-30", "invalid_parameter"),
        ("to=yesterday", "invalid_parameter"),
        ("country=XX", "unknown_value"),
        ("country=HU&country=ZZ", "unknown_value"),
        ("topic=gardening", "unknown_value"),
        ("language=english", "unknown_value"),
        ("sort=random", "invalid_parameter"),
        ("from=2025-01-01&to=2024-01-01", "invalid_parameter"),
        ("page=5000&per_page=100", "invalid_parameter"),
        ("q=" + "a" * 1001, "invalid_parameter"),
    ],
)
def test_api_search_rejects_bad_parameters_with_a_json_400(client, query, code):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_api_article_returns_the_normalized_article(client, seed_index):
    article_id = seed_id(seed_index, "004")
    data = client.get(f"/api/articles/{article_id}").get_json()
    assert data["title"].startswith("Hungary eyes stronger customs cooperation")
    assert data["related"]
    assert "body_html" not in data
    marked = client.get(f"/api/articles/{article_id}?q=customs").get_json()
    assert "<mark>customs</mark>" in marked["body_html"]
    assert client.get("/api/articles/nope").status_code == 404


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "articles": 5}


def test_unknown_api_route_and_wrong_method_are_json(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


# --- Atom, OpenSearch, favicon -----------------------------------------------------------


def test_atom_feed_lists_a_search_newest_first(client):
    response = client.get("/search.atom?q=cooperation&country=UZ")
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "diplosearch: cooperation"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "http://localhost/search.atom?q=cooperation&country=UZ"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4
    stamps = [e.findtext(f"{ATOM}updated") for e in entries]
    dated = stamps[:3]  # the fourth, undated, carries the index's time
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", stamp), stamp
    assert dated[:3] == sorted(dated[:3], reverse=True)
    first = entries[0]
    assert first.findtext(f"{ATOM}title").startswith("Official Visit of the Uzbek Delegation")
    assert first.find(f"{ATOM}link").get("href").startswith("http://localhost/articles/")
    assert "<mark>cooperation</mark>" in first.findtext(f"{ATOM}summary")
    assert {c.get("term") for c in first.findall(f"{ATOM}category")} >= {"TR", "UZ", "terrorism"}
    assert feed.findtext(f"{ATOM}updated") == max(stamps)


def test_atom_feed_pages_with_per_page_and_rejects_bad_parameters(client):
    feed = ElementTree.fromstring(client.get("/search.atom?per_page=2").data)
    assert len(feed.findall(f"{ATOM}entry")) == 2
    bad = client.get("/search.atom?from=nope")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_parameter"


def test_atom_feed_escapes_article_text(tmp_path):
    client = create_app({"INDEX": str(build_index(tmp_path))}).test_client()
    data = client.get("/search.atom?q=alert").get_data(as_text=True)
    assert SCRIPT not in data
    feed = ElementTree.fromstring(data.encode())
    assert SCRIPT in feed.find(f"{ATOM}entry").findtext(f"{ATOM}title")


def test_undated_articles_get_the_index_time_in_the_feed(client):
    feed = ElementTree.fromstring(client.get("/search.atom?q=bobojonov").data)
    stamp = feed.find(f"{ATOM}entry").findtext(f"{ATOM}updated")
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")).year >= 2024


def test_opensearch_description_lets_browsers_search_the_site(client):
    response = client.get("/opensearch.xml")
    assert response.content_type.startswith("application/opensearchdescription+xml")
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    root = ElementTree.fromstring(response.data)
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{ns}Url")}
    assert templates["text/html"] == "http://localhost/search?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://localhost/search.atom?q={searchTerms}"
    assert root.findtext(f"{ns}ShortName") == "diplosearch"
    assert 'rel="search" type="application/opensearchdescription+xml"' in client.get("/").get_data(
        as_text=True
    )


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.data.startswith(b"<svg")
    icon.close()
