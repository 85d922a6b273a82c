"""Readers: front matter, plain text, JSON and JSONL, the file walk, display paths."""

from __future__ import annotations

import json
import os

import pytest

from indexer.article import Article, Skip
from indexer.normalize import article_id, normalize_bytes, normalize_file
from indexer.readers import SUFFIXES, display_path, iter_files, read_bytes, split_front_matter


@pytest.mark.parametrize(
    "text, meta, rest",
    [
        ("---\ntitle: A title\ndate: 2024-05-01\n---\nBody", {"title": "A title",
         "date": "2024-05-01"}, "Body"),
        ("---\ntitle: \"Quoted: yes\"\ncountries: [HU, 'UZ']\n...\nBody",
         {"title": "Quoted: yes", "countries": ["HU", "UZ"]}, "Body"),
        ("# doc_id = news_world_004\n# date = 20201001\nTitle line\nBody",
         {"doc_id": "news_world_004", "date": "20201001"}, "Title line\nBody"),
        ("---\nnot front matter at all, just a rule\n---\nBody",
         {}, "---\nnot front matter at all, just a rule\n---\nBody"),
        ("---\ntitle: never closed\nBody", {}, "---\ntitle: never closed\nBody"),
        ("# A markdown heading\nBody", {}, "# A markdown heading\nBody"),
        ("Plain text\nBody", {}, "Plain text\nBody"),
    ],
)  # fmt: skip
def test_split_front_matter_reads_yaml_style_and_hash_lines(text, meta, rest):
    assert split_front_matter(text) == (meta, rest)


def test_front_matter_values_override_what_extraction_finds():
    text = (
        "---\ntitle: Stated\ndate: 2020-02-02\ncountries: HU, VN\ntopics: [customs]\n"
        "source: Trend\nurl: https://example.org/a\nlanguage: vi\n---\n"
        "A headline here\nNEW YORK, March 3 - Russia and Russia again, about cybercrime.\n"
    )
    (article,) = normalize_bytes("fm.md", text.encode())
    data = article.as_dict()
    assert data["title"] == "Stated" and data["title_source"] == "front-matter"
    assert (data["date"], data["date_source"]) == ("2020-02-02", "front-matter")
    assert data["countries"] == ["HU", "VN"] and data["topics"] == ["customs"]
    assert (data["source"], data["url"], data["language"]) == (
        "Trend",
        "https://example.org/a",
        "vi",
    )
    assert data["country_mentions"]["RU"] == 2  # mentions still come from the text


def test_stated_values_that_are_no_codes_are_dropped():
    text = "---\ncountries: [HU, XX, Narnia]\ntopics: [customs, nonsense]\n---\nTitle\nBody text."
    (article,) = normalize_bytes("fm.txt", text.encode())
    assert article.countries == ["HU"] and article.topics == ["customs"]


def test_json_object_list_and_jsonl_give_one_article_a_record():
    record = {"title": "A", "body": "Text about Hungary.", "date": "2024-01-02", "id": "x1"}
    (one,) = normalize_bytes("one.json", json.dumps(record).encode())
    assert (one.title, one.date, one.path) == ("A", "2024-01-02", "one.json")
    many = normalize_bytes("many.json", json.dumps([record, {**record, "id": "x2"}]).encode())
    assert len({a.id for a in many}) == 2
    unnamed = {"title": "B", "body": "Text."}
    lines = normalize_bytes("l.jsonl", (json.dumps(unnamed) + "\n" + json.dumps(unnamed)).encode())
    assert len(lines) == 2 and lines[0].id != lines[1].id  # one id a line
    same = normalize_bytes("s.jsonl", (json.dumps(record) + "\n" + json.dumps(record)).encode())
    assert same[0].id == same[1].id  # the stated id names the article


def test_json_text_key_works_like_body_and_the_first_line_is_not_a_title_when_one_is_given():
    (article,) = normalize_bytes(
        "t.json", json.dumps({"title": "T", "text": "Line\nMore"}).encode()
    )
    assert article.title == "T" and article.body == "Line\n\nMore"


def test_read_bytes_refuses_unknown_suffixes():
    with pytest.raises(Skip, match="unsupported file type '.pdf'"):
        read_bytes("a.pdf", b"%PDF-1.4")
    assert SUFFIXES == {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}


def test_iter_files_walks_folders_in_a_stable_order_and_skips_hidden_and_foreign(tmp_path):
    for name in ("b.txt", "a.md", "c.pdf", ".hidden.txt", "sub/d.html", "sub/e.JSON"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("x")
    listed = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert listed == ["a.md", "b.txt", "sub/d.html", "sub/e.JSON"]
    assert list(iter_files([tmp_path / "missing"])) == []


def test_display_path_is_relative_inside_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    assert display_path(tmp_path / "seeds" / "a.txt") == "seeds/a.txt"
    outside = tmp_path.parent / "elsewhere.txt"
    assert display_path(outside) == os.path.realpath(outside)


def test_article_id_is_stable_url_safe_and_differs_per_record():
    assert article_id("seeds/003_x.txt") == article_id("seeds/003_x.txt")
    assert article_id("a.jsonl#1") != article_id("a.jsonl#2")
    assert all(ch.isalnum() or ch == "-" for ch in article_id("Ünïcode name (1).txt"))


def test_same_file_same_id_and_checksum_and_a_change_changes_the_checksum(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title\nBody about Hungary.", encoding="utf-8")
    first, second = normalize_file(path)[0], normalize_file(path)[0]
    assert (first.id, first.checksum) == (second.id, second.checksum)
    assert first.checksum.startswith("sha256:")
    path.write_text("Title\nBody about Vietnam.", encoding="utf-8")
    changed = normalize_file(path)[0]
    assert changed.id == first.id and changed.checksum != first.checksum


def test_article_round_trips_through_a_dict():
    (article,) = normalize_bytes("a.txt", b"Title\nBody about Hungary.")
    data = article.as_dict()
    assert list(data)[:3] == ["id", "path", "url"] and list(data)[-1] == "checksum"
    assert Article.from_dict({**data, "unknown": 1}) == article


def test_as_dict_gives_every_field_once_and_copies_the_lists():
    article = Article(id="a", path="p", title="t", body="b", countries=["HU"], topics=["x"])
    article.country_mentions["HU"] = 2
    data = article.as_dict()
    assert sorted(data) == sorted(Article.__dataclass_fields__)
    assert list(data)[:4] == ["id", "path", "url", "title"] and list(data)[-1] == "checksum"
    data["countries"].append("KZ")
    data["country_mentions"]["KZ"] = 1
    data["topics"].clear()
    assert article.as_dict() == {
        **data,
        "countries": ["HU"],
        "country_mentions": {"HU": 2},
        "topics": ["x"],
    }
