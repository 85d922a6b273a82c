"""Adding articles and reindexing over HTTP, with the token rules of SPEC "HTTP"."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from indexer.pipeline import STATE_FILE, index_paths
from tests.conftest import SEEDS
from web.app import create_app

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HTML_ARTICLE = b"""<!doctype html><html><head><title>Site</title></head><body>
<article><h1>Kyrgyzstan and Tajikistan agree on border security</h1>
<p>BISHKEK - Kyrgyzstan and Tajikistan agreed on Monday to step up border security and
fight drug trafficking together, the interior ministries of Kyrgyzstan and Tajikistan said.</p>
</article><script>alert(1)</script></body></html>"""


def _env(base):
    """A fresh index of the seeds, an uploads folder, and a client with the token set."""
    sources = base / "articles"
    shutil.copytree(SEEDS, sources)
    index = base / "index"
    index_paths(index, [sources], progress=False)
    app = create_app({"INDEX": str(index), "ADMIN_TOKEN": TOKEN, "UPLOADS": str(base / "uploads")})
    return app.test_client(), index, sources, base / "uploads"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One index for the tests whose uploads do not disturb each other."""
    return _env(tmp_path_factory.mktemp("admin"))


@pytest.fixture()
def env(tmp_path):
    """An index of its own, for the tests that count articles or reindex."""
    return _env(tmp_path)


@pytest.mark.parametrize(
    "header, status",
    [
        (None, 401),
        ("Bearer", 401),
        ("Bearer ", 401),
        ("Bearer wrong", 401),
        (f"Basic {TOKEN}", 401),
        (f"Bearer {TOKEN}x", 401),
        (f"bearer {TOKEN}", 201),
        (f"Bearer {TOKEN}", 201),
    ],
)
def test_the_bearer_token_must_match_exactly(shared, header, status):
    client, *_ = shared
    headers = {"Authorization": header} if header else {}
    article = {"title": f"Token check {header}", "body": "Hungary and Vietnam met again."}
    response = client.post("/api/articles", json=article, headers=headers)
    assert response.status_code == status, response.get_json()
    if status == 401:
        assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("token", ["", None])
def test_admin_endpoints_are_off_without_a_token(seed_index, token, tmp_path):
    config = {"INDEX": str(seed_index), "UPLOADS": str(tmp_path)}
    if token is not None:
        config["ADMIN_TOKEN"] = token
    client = create_app(config).test_client()
    for url in ("/api/articles", "/api/reindex"):
        response = client.post(url, json={"title": "t", "body": "b"}, headers=AUTH)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "admin_disabled"


def test_a_json_article_is_searchable_at_once(env):
    client, *_ = env
    article = {
        "title": "Laos and Vietnam train border guards",
        "body": "Laos and Vietnam opened a joint training course for border guards.",
        "date": "2024-05-02",
    }
    response = client.post("/api/articles", json=article, headers=AUTH)
    assert response.status_code == 201
    new_id = response.get_json()["id"]
    hits = client.get("/api/search?q=border+guards").get_json()["hits"]
    assert [h["id"] for h in hits] == [new_id]
    assert client.get(f"/articles/{new_id}").status_code == 200


def test_the_same_upload_twice_gives_the_same_id_and_a_200(env):
    client, *_ = env
    article = {"title": "Twice told", "body": "Laos and Cambodia held border talks."}
    first = client.post("/api/articles", json=article, headers=AUTH)
    second = client.post("/api/articles", json=article, headers=AUTH)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert client.get("/api/search?q=cambodia").get_json()["total"] == 1


def test_a_list_of_json_articles_gives_every_id(env):
    client, *_ = env
    articles = [
        {"title": f"Mongolia customs report {n}", "body": f"Mongolia customs figures, part {n}."}
        for n in (1, 2, 3)
    ]
    response = client.post("/api/articles", json=articles, headers=AUTH)
    assert response.status_code == 201
    assert len(response.get_json()["ids"]) == 3
    assert client.get("/api/search?q=mongolia").get_json()["total"] == 3


def test_an_html_file_upload_is_normalized_and_indexed(shared):
    client, _, _, uploads = shared
    data = {"file": (io.BytesIO(HTML_ARTICLE), "kg-tj.html")}
    response = client.post("/api/articles", data=data, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    article = client.get(f"/api/articles/{body['id']}").get_json()
    assert article["title"] == "Kyrgyzstan and Tajikistan agree on border security"
    assert "alert" not in article["body"]
    assert any(uploads.iterdir())  # kept, so reindexing and rebuilding keep it


@pytest.mark.parametrize(
    "name, data, status, code",
    [
        ("report.pdf", b"%PDF-1.7 binary", 415, "unsupported_type"),
        ("noext", b"Title\n\nBody text here.", 415, "unsupported_type"),
        ("empty.txt", b"", 422, "not_an_article"),
        ("binary.txt", bytes(range(256)) * 40, 422, "not_an_article"),
        ("bad.json", b"{not json", 422, "not_an_article"),
    ],
)
def test_files_that_are_not_articles_are_refused_with_a_reason(shared, name, data, status, code):
    client, *_ = shared
    response = client.post("/api/articles", data={"file": (io.BytesIO(data), name)}, headers=AUTH)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "title: x", "content_type": "text/plain"},
        {"data": "{broken", "content_type": "application/json"},
        {"json": "just a string"},
        {},
    ],
)
def test_a_body_that_is_neither_json_nor_a_file_is_a_400(shared, kwargs):
    client, *_ = shared
    response = client.post("/api/articles", headers=AUTH, **kwargs)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_body"


@pytest.mark.parametrize("as_file", [True, False])
def test_bodies_over_10_mb_are_a_json_413(shared, as_file):
    client, *_ = shared
    big = b"a" * (10 * 1024 * 1024 + 1)
    if as_file:
        response = client.post(
            "/api/articles", data={"file": (io.BytesIO(big), "big.txt")}, headers=AUTH
        )
    else:
        response = client.post(
            "/api/articles", data=big, headers={**AUTH, "Content-Type": "application/json"}
        )
    assert response.status_code == 413
    assert response.get_json()["error"] == {
        "code": "request_entity_too_large",
        "message": "the request body is over the 10 MB limit",
    }


def test_reindex_picks_up_new_and_removed_files(env):
    client, _, sources, _ = env
    (sources / "new.txt").write_text(
        "Estonia and Finland sign a cybercrime accord\n2025-05-05\n\n"
        "TALLINN - Estonia and Finland signed a cybercrime accord.\n",
        encoding="utf-8",
    )
    (sources / "000_6fa43b54a86701cd.txt").unlink()
    response = client.post("/api/reindex", headers=AUTH)
    assert response.status_code == 200
    summary = response.get_json()
    assert (summary["added"], summary["removed"], summary["unchanged"]) == (1, 1, 4)
    assert client.get("/api/search?q=estonia").get_json()["total"] == 1


def test_reindex_without_remembered_sources_is_a_409(env):
    client, index, *_ = env
    (index / STATE_FILE).unlink()
    response = client.post("/api/reindex", headers=AUTH)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_sources"


# --- the upload form ---------------------------------------------------------------------


def test_the_form_says_when_adding_is_off(seed_index):
    html = create_app({"INDEX": str(seed_index)}).test_client().get("/admin").get_data(True)
    assert "Adding articles is off" in html
    assert '<label for="token">' in html and '<label for="file">' in html


def test_the_form_uploads_a_file_with_the_token(shared):
    client, *_ = shared
    assert "Adding articles is off" not in client.get("/admin").get_data(as_text=True)
    response = client.post(
        "/admin", data={"token": TOKEN, "file": (io.BytesIO(HTML_ARTICLE), "kg.html")}
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    link = re.search(r'<a href="(/articles/[^"]+)">Open it</a>', html).group(1)
    assert "Kyrgyzstan and Tajikistan" in client.get(link).get_data(as_text=True)


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"token": "wrong"}, 401, "Missing or wrong token."),
        ({"token": TOKEN}, 400, "Choose a file to upload."),
        (
            {"token": TOKEN, "file": (io.BytesIO(b"%PDF"), "x.pdf")},
            415,
            "Not added: file type",
        ),
    ],
)
def test_the_form_explains_what_went_wrong(shared, data, status, message):
    client, *_ = shared
    response = client.post("/admin", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_the_form_refuses_files_over_10_mb_with_a_page(shared):
    client, *_ = shared
    big = io.BytesIO(b"a" * (10 * 1024 * 1024 + 1))
    response = client.post("/admin", data={"token": TOKEN, "file": (big, "big.txt")})
    assert response.status_code == 413
    assert "over the 10 MB limit" in response.get_data(as_text=True)
