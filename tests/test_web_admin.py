"""Adding articles and reindexing over HTTP, with the token rules of SPEC "HTTP"."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from indexer.pipeline import STATE_FILE
from tests.conftest import SEEDS
from web.app import create_app

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HTML_ARTICLE = b"""<!doctype html><html><head><title>Site</title></head><body>
<article><h1>Kyrgyzstan and Tajikistan agree on border security</h1>
<p>BISHKEK - Kyrgyzstan and Tajikistan agreed on Monday to step up border security and
fight drug trafficking together, the interior ministries of Kyrgyzstan and Tajikistan said.</p>
</article><script>alert(1)</script></body></html>"""


@pytest.fixture()
def env(tmp_path):
    """A fresh index of the seeds, an uploads folder, and a client with the token set."""
    sources = tmp_path / "articles"
    shutil.copytree(SEEDS, sources)
    from indexer.pipeline import index_paths

    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    app = create_app(
        {"INDEX": str(index), "ADMIN_TOKEN": TOKEN, "UPLOADS": str(tmp_path / "uploads")}
    )
    return app.test_client(), index, sources, tmp_path / "uploads"


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
def test_the_bearer_token_must_match_exactly(env, header, status):
    client, *_ = env
    headers = {"Authorization": header} if header else {}
    article = {"title": "Token check", "body": "Hungary and Vietnam met again."}
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


def test_an_html_file_upload_is_normalized_and_indexed(env):
    client, _, _, uploads = env
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
def test_files_that_are_not_articles_are_refused_with_a_reason(env, name, data, status, code):
    client, *_ = env
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
def test_a_body_that_is_neither_json_nor_a_file_is_a_400(env, kwargs):
    client, *_ = env
    response = client.post("/api/articles", headers=AUTH, **kwargs)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_body"


@pytest.mark.parametrize("as_file", [True, False])
def test_bodies_over_10_mb_are_a_json_413(env, as_file):
    client, *_ = env
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


def test_the_form_uploads_a_file_with_the_token(env):
    client, *_ = env
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
def test_the_form_explains_what_went_wrong(env, data, status, message):
    client, *_ = env
    response = client.post("/admin", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_the_form_refuses_files_over_10_mb_with_a_page(env):
    client, *_ = env
    big = io.BytesIO(b"a" * (10 * 1024 * 1024 + 1))
    response = client.post("/admin", data={"token": TOKEN, "file": (big, "big.txt")})
    assert response.status_code == 413
    assert "over the 10 MB limit" in response.get_data(as_text=True)
