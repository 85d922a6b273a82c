"""Property-based fuzzing of readers and normalization: whatever the bytes, the result is
articles that keep the contract, or a Skip with a reason; no other exception escapes.

Six properties x 1,700 examples = 10,200 generated inputs per run.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.article import Skip
from indexer.normalize import normalize_bytes

EXAMPLES = 1700
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PRECISIONS = {None, "minute", "day", "month", "year"}
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "cp1252", "cp1258", "latin-1"]
PIECES = [
    "Thứ Ba, 19/09/2023, 20:38",
    "2026-01-21 14:00:00 / News",
    "BAKU, Azerbaijan, February 24. ",
    "İSTANBUL, 3 October 2024 — ",
    "On 17–18 July 2025, ",
    "June 25",
    "Comments (0)",
    "Follow the author on X: @x",
    "By NT",
    "Việt Nam",
    "Türkiye",
    "Россия",
    "Magyarország",
    "---",
    "# date = 20201001",
    "\r\n",
    "\r",
    "\ufeff",
    "\x00",
    "<script>alert(1)</script>",
    "-0",
    "31/02/2024",
    "29.02.2023",
    "2024-13-45",
    "Tuesday, 19 September 2023",
    "\u0301",
    "ı",
    "İ",
]
texty = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=80)), max_size=25).map(
    "\n".join
)


def check(name: str, data: bytes) -> None:
    try:
        articles = normalize_bytes(name, data)
    except Skip as exc:
        assert str(exc).strip(), "a skip must say why"
        return
    assert articles
    for article in articles:
        d = article.as_dict()
        assert d["title"].strip() and d["body"].strip()
        assert re.fullmatch(r"[a-z0-9-]+", d["id"])
        assert d["checksum"].startswith("sha256:")
        assert d["date_precision"] in PRECISIONS
        if d["date"]:
            datetime.fromisoformat(d["date"])
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in d["countries"])
        assert "\ufeff" not in d["body"] and "\r" not in d["body"] and "\x00" not in d["body"]
        json.dumps(d)


@FUZZ
@given(
    data=st.binary(max_size=3000),
    suffix=st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".htm"]),
)
def test_random_bytes(data, suffix):
    check("fuzz" + suffix, data)


@FUZZ
@given(text=texty, encoding=st.sampled_from(ENCODINGS))
def test_encoded_text(text, encoding):
    check("fuzz.txt", text.encode(encoding, errors="replace"))


@FUZZ
@given(
    body=texty,
    title=st.text(max_size=60),
    tags=st.lists(
        st.sampled_from(
            ["p", "h1", "article", "nav", "script", "style", "footer", "time", "div", "meta"]
        ),
        max_size=8,
    ),
)
def test_html_shapes(body, title, tags):
    inner = "".join(f"<{t}>{body[:200]}</{t}>" for t in tags)
    page = f"<html><head><title>{title}</title></head><body>{inner}<p>{body}</p></body></html>"
    check("fuzz.html", page.encode("utf-8", errors="replace"))


json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "body",
                    "text",
                    "date",
                    "url",
                    "source",
                    "language",
                    "countries",
                    "topics",
                    "id",
                    "x",
                ]
            ),
            inner,
            max_size=6,
        ),
    ),
    max_leaves=20,
)


@FUZZ
@given(value=json_values)
def test_json_shapes(value):
    check("fuzz.json", json.dumps(value).encode("utf-8"))


@FUZZ
@given(lines=st.lists(json_values, max_size=5))
def test_jsonl_shapes(lines):
    check("fuzz.jsonl", "\n".join(json.dumps(v) for v in lines).encode("utf-8"))


@FUZZ
@given(
    meta=st.dictionaries(
        st.sampled_from(["title", "date", "countries", "topics", "language", "url", "id", "x"]),
        st.one_of(st.text(max_size=40), st.sampled_from(PIECES)),
        max_size=5,
    ),
    body=texty,
    style=st.booleans(),
)
def test_front_matter(meta, body, style):
    clean = {k: v.replace("\n", " ").replace("\r", " ") for k, v in meta.items()}
    if style:
        head = "---\n" + "".join(f"{k}: {v}\n" for k, v in clean.items()) + "---\n"
    else:
        head = "".join(f"# {k} = {v}\n" for k, v in clean.items())
    check("fuzz.md", (head + body).encode("utf-8", errors="replace"))
