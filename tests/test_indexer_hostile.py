"""Hostile files, written by the tests: each is decoded right or skipped with its reason,
no exception but Skip escapes, and ``diplosearch normalize`` exits 1 without a traceback."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import pytest

from indexer.article import Skip
from indexer.decode import DEFAULT_MAX_BYTES
from indexer.normalize import normalize_bytes, normalize_file

RUSSIAN = (
    "Министры внутренних дел Узбекистана и России провели встречу в Ташкенте\n"
    "Стороны обсудили борьбу с наркотиками, киберпреступностью и незаконной миграцией. "
    "Россия и Узбекистан подписали протокол о сотрудничестве.\n"
)
VIETNAMESE = (
    "Việt Nam và Hungary nhất trí tăng cường hợp tác an ninh\n"
    "Thứ trưởng Bộ Công an Lê Quốc Hùng đã có cuộc gặp với Bộ trưởng phụ trách thực thi pháp "
    "luật của Bộ Nội vụ Hungary. Hai bên đánh giá cao kết quả hợp tác trong phòng, chống tội "
    "phạm ma túy, tội phạm công nghệ cao và di cư trái phép.\n"
)
ENGLISH = (
    "Hungary and Uzbekistan deepen police cooperation\n"
    "The interior ministers of Hungary and Uzbekistan met in Budapest on Tuesday and agreed "
    "to share information on drug trafficking.\n"
)


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters with their vowel marks as one
    byte where the code page has them, tone marks as combining bytes."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        rest = []
        for mark in marks:
            joined = unicodedata.normalize("NFC", base + mark)
            try:
                joined.encode("cp1258")
            except UnicodeEncodeError:
                rest.append(mark)
                continue
            if len(joined) == 1:
                base = joined
            else:
                rest.append(mark)
        out += (base + "".join(rest)).encode("cp1258")
    return out


# (file name, bytes, words the one reason must contain)
SKIPPED = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \n\t\r\n  ", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    ("nul-bytes.txt", b"Hello\x00world\x00" + b"text " * 50, "binary"),
    ("controls.txt", bytes(range(1, 9)) * 200, "binary"),
    ("only-scripts.html", b"<html><head><script>var a=1;</script><style>p{}</style></head>"
     b"<body><script>document.write('x')</script><noscript>Enable JS</noscript></body></html>",
     "no article text"),
    ("number.json", b"42", "not an article object"),
    ("list-of-numbers.json", b"[1, 2, 3]", "record 1"),
    ("no-body.json", json.dumps({"title": "Only a title"}).encode(), "'body' or 'text'"),
    ("body-not-text.json", json.dumps({"body": ["a", "b"]}).encode(), "'body' or 'text'"),
    ("title-not-text.json", json.dumps({"body": "Some text here", "title": 5}).encode(),
     "'title' is not a string"),
    ("broken.json", b'{"title": "x", "body": ', "not JSON"),
    ("deep.json", b"[" * 100_000, "nested too deeply"),
    ("empty-list.json", b"[]", "no article"),
    ("one-bad-line.jsonl", b'{"body": "A good record of text."}\n{oops\n', "line 2"),
    ("only-front-matter.txt", b"---\ntitle: Nothing follows\n---\n", "no article text"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "unsupported file type"),
    ("utf8-bom-broken.txt", codecs.BOM_UTF8 + b"caf\xe9 \xff\xfe", "undecodable"),
]  # fmt: skip


@pytest.mark.parametrize("name, data, reason", SKIPPED, ids=[row[0] for row in SKIPPED])
def test_hostile_file_is_skipped_with_its_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(Skip) as caught:
        normalize_file(path)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message  # one line


@pytest.mark.parametrize("name, data, reason", SKIPPED, ids=[row[0] for row in SKIPPED])
def test_normalize_command_exits_1_with_the_reason_and_no_traceback(
    cli, tmp_path, name, data, reason
):
    path = tmp_path / name
    path.write_bytes(data)
    result = cli("normalize", path, "--json")
    assert result.code == 1
    assert reason in result.err and str(path) in result.err
    assert "Traceback" not in result.err + result.out


# (file name, bytes, expected title, expected language, a phrase the body holds)
DECODED = [
    ("utf8.txt", ENGLISH.encode(), "Hungary and Uzbekistan deepen police cooperation", "en",
     "drug trafficking"),
    ("utf8-bom.txt", codecs.BOM_UTF8 + ENGLISH.encode(), "Hungary and Uzbekistan deepen police "
     "cooperation", "en", "met in Budapest"),
    ("crlf.txt", ENGLISH.replace("\n", "\r\n").encode(), "Hungary and Uzbekistan deepen police "
     "cooperation", "en", "agreed to share"),
    ("cr-only.txt", ENGLISH.replace("\n", "\r").encode(), "Hungary and Uzbekistan deepen police "
     "cooperation", "en", "agreed to share"),
    ("utf16-le-bom.txt", ENGLISH.encode("utf-16"), "Hungary and Uzbekistan deepen police "
     "cooperation", "en", "drug trafficking"),
    ("utf16-be-bom.txt", codecs.BOM_UTF16_BE + ENGLISH.encode("utf-16-be"), "Hungary and "
     "Uzbekistan deepen police cooperation", "en", "drug trafficking"),
    ("utf16-le-no-bom.txt", ENGLISH.encode("utf-16-le"), "Hungary and Uzbekistan deepen police "
     "cooperation", "en", "drug trafficking"),
    ("utf16-be-no-bom.txt", RUSSIAN.encode("utf-16-be"), RUSSIAN.split("\n")[0], "ru",
     "киберпреступностью"),
    ("cp1251.txt", RUSSIAN.encode("cp1251"), RUSSIAN.split("\n")[0], "ru", "протокол"),
    ("cp1258.txt", cp1258(VIETNAMESE), VIETNAMESE.split("\n")[0], "vi", "tội phạm ma túy"),
    ("decomposed.txt", unicodedata.normalize("NFD", VIETNAMESE).encode(),
     VIETNAMESE.split("\n")[0], "vi", "di cư trái phép"),
    ("smart-quotes-c1.txt", "Ministers meet\nThe minister said \x93we agree\x94 and left "
     "Budapest on Tuesday.\n".encode(), "Ministers meet", "en", "“we agree”"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, data, title, language, phrase", DECODED, ids=[row[0] for row in DECODED]
)
def test_hostile_file_is_decoded_right(tmp_path, name, data, title, language, phrase):
    path = tmp_path / name
    path.write_bytes(data)
    (article,) = normalize_file(path)
    assert article.title == title
    assert article.language == language
    assert phrase in article.body
    assert not any(ch in article.body + article.title for ch in "\r\ufeff\x00\x93\x94")
    assert unicodedata.is_normalized("NFC", article.body)


def test_a_20_mb_file_is_skipped_as_too_large_before_it_is_read(tmp_path, cli):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write(b"A headline\n")
        f.write(b"word " * (4 * 1024 * 1024))  # 20 MB
    with pytest.raises(Skip, match="too large"):
        normalize_file(path)
    result = cli("normalize", path)
    assert result.code == 1 and "too large" in result.err and "Traceback" not in result.err


def test_size_limit_applies_to_uploaded_bytes_too():
    with pytest.raises(Skip, match="too large"):
        normalize_bytes("up.txt", b"x" * (DEFAULT_MAX_BYTES + 1))


def test_a_lower_limit_is_honoured(tmp_path):
    path = tmp_path / "small.txt"
    path.write_bytes(ENGLISH.encode())
    with pytest.raises(Skip, match="limit 10"):
        normalize_file(path, max_bytes=10)


def test_a_long_single_line_file_is_normalized_quickly(tmp_path):
    path = tmp_path / "one-line.txt"
    path.write_text("Hungary and Vietnam " * 100_000, encoding="utf-8")  # 2 MB, no newline
    (article,) = normalize_file(path)
    assert article.title_source == "lead" and len(article.title) <= 101
    assert article.countries == ["HU", "VN"]


def test_deeply_nested_html_does_not_break_the_reader(tmp_path):
    depth = 5_000
    html = "<html><body>" + "<div>" * depth + "<p>" + "Budapest police text. " * 20
    html += "</p>" + "</div>" * depth + "</body></html>"
    path = tmp_path / "deep.html"
    path.write_text(html, encoding="utf-8")
    (article,) = normalize_file(path)
    assert "Budapest police text." in article.body


def test_a_folder_and_a_missing_file_are_skipped_with_a_reason(tmp_path):
    with pytest.raises(Skip, match="cannot read"):
        normalize_file(tmp_path / "missing.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(Skip, match="cannot read"):
        normalize_file(folder)


def test_jsonl_with_good_lines_gives_one_article_a_line(tmp_path):
    lines = [{"title": f"Record {n}", "body": f"Text of record {n} about Hungary."} for n in (1, 2)]
    path = tmp_path / "good.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    articles = normalize_file(path)
    assert [a.title for a in articles] == ["Record 1", "Record 2"]
    assert len({a.id for a in articles}) == 2


def test_skip_reasons_are_the_only_exceptions_over_random_bytes(tmp_path):
    """A fixed pseudo-random sample of byte soups in every accepted format."""
    import random

    rng = random.Random(3)
    for n in range(60):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        for suffix in (".txt", ".html", ".json", ".jsonl", ".md"):
            path = tmp_path / f"soup{n}{suffix}"
            path.write_bytes(data)
            try:
                normalize_file(path)
            except Skip:
                pass


def test_hostile_files_in_a_folder_are_listed_by_iter_files(tmp_path):
    from indexer.readers import iter_files

    for name, data, _ in SKIPPED:
        (tmp_path / name).write_bytes(data)
    (tmp_path / ".hidden.txt").write_bytes(ENGLISH.encode())
    listed = {Path(p).name for p in iter_files([tmp_path])}
    assert "photo.jpg" not in listed and ".hidden.txt" not in listed
    assert "empty.txt" in listed and "deep.json" in listed


@pytest.mark.parametrize(
    "data",
    [b".", b"...\n-- !", "…\n“ ”".encode()],
)
def test_text_without_letters_or_digits_is_no_article(data):
    with pytest.raises(Skip, match="no letters or digits"):
        normalize_bytes("punct.txt", data)


def test_a_lead_of_punctuation_gives_way_to_the_first_line_with_a_word():
    (article,) = normalize_bytes("p.txt", b"...\nThe ministers met.")
    assert article.title.strip() and "ministers" in article.title
