"""From files on disk to JSON hits, through the real indexer, index and Flask app."""

from __future__ import annotations

import json
import shutil

from tests.conftest import SEEDS
from web.app import create_app

NEW_ARTICLE = """Kazakhstan and Hungary sign extradition treaty
2025-03-10 09:15:00

ASTANA — Kazakhstan and Hungary signed an extradition treaty on Monday, the two
interior ministries said. Kazakhstan's minister said the treaty covers cybercrime.
"""


def test_files_to_index_to_json_hits_and_reindex_after_adding(cli, tmp_path):
    sources = tmp_path / "articles"
    shutil.copytree(SEEDS, sources)
    index = tmp_path / "index"
    assert cli("--index", index, "index", sources, "--quiet").code == 0

    client = create_app({"INDEX": str(index)}).test_client()
    before = client.get("/api/search?q=extradition").get_json()
    assert before["total"] == 1  # seed 003 names an extradition agreement

    (sources / "kz.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    summary = cli("--index", index, "index", "--quiet")  # no path: the remembered sources
    assert "added 1, updated 0, unchanged 5" in summary.out

    after = client.get("/api/search?q=extradition&country=KZ").get_json()
    assert after["total"] == 1
    hit = after["hits"][0]
    assert hit["title"] == "Kazakhstan and Hungary sign extradition treaty"
    assert hit["date"] == "2025-03-10T09:15:00"
    assert "<mark>extradition</mark>" in hit["snippet"]
    assert json.loads(json.dumps(after)) == after


def test_admin_upload_with_token_indexes_at_once(tmp_path, seed_index):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    app = create_app(
        {"INDEX": str(index), "ADMIN_TOKEN": "s3cret", "UPLOADS": str(tmp_path / "uploads")}
    )
    client = app.test_client()
    article = {
        "title": "Laos and Vietnam train border guards",
        "body": "Laos and Vietnam opened a joint training course for border guards.",
        "date": "2024-05-02",
    }
    assert client.post("/api/articles", json=article).status_code == 401
    assert (
        client.post(
            "/api/articles", json=article, headers={"Authorization": "Bearer wrong"}
        ).status_code
        == 401
    )
    response = client.post(
        "/api/articles", json=article, headers={"Authorization": "Bearer s3cret"}
    )
    assert response.status_code == 201, response.get_json()
    new_id = response.get_json()["id"]
    found = client.get("/api/search?q=border+guards").get_json()
    assert [h["id"] for h in found["hits"]] == [new_id]
    assert found["hits"][0]["countries"] == ["LA", "VN"]
