"""SPEC "Matching", filters, sorting, highlights and related articles, on the seeds plus
written fixtures (diacritics, markup in the text, a long body)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from whoosh import query

from search.docsets import DocSets
from search.engine import Engine
from search.query import MAX_EXPANSIONS, expand_terms, parse_user_query
from search.request import BadRequest, parse_request
from tests.conftest import SEEDS

LONG_BODY = (
    "The summit opened on Monday in a hall near the river. Delegates from eleven "
    "countries took their seats while the chair read the agenda aloud. Coffee was served. "
    "Several speeches followed about trade, tariffs and the weather. After a long lunch "
    "the ministers returned to the question of maritime piracy in the strait. "
    "A working group will report in spring. The chair thanked the hosts and closed the "
    "session. Later that evening the delegations met again to discuss piracy insurance."
)
FIXTURES = [
    {
        "id": "tr-visit",
        "title": "Erdoğan receives delegation in İstanbul",
        "body": "President Recep Tayyip Erdoğan met the delegation in İstanbul on Monday.",
        "date": "2024-10-03",
        "language": "en",
    },
    {
        "id": "vi-drugs",
        "title": "Bắt giữ đường dây ma túy xuyên quốc gia",
        "body": "Công an đã bắt giữ một đường dây buôn bán ma túy lớn tại Hà Nội.",
        "date": "2024-06-01",
        "language": "vi",
    },
    {
        "id": "markup",
        "title": 'Police <b>raid</b> & "quotes" in Zanzibar',
        "body": 'The raid <script>alert(1)</script> ended & nobody said "it\'s over".',
        "date": "2024-03-03",
        "language": "en",
    },
    {
        "id": "long",
        "title": "Ministers meet on maritime security",
        "body": LONG_BODY,
        "date": "2024-03-04",
        "language": "en",
    },
    {
        "id": "ha-noi",
        "title": "Police academy opens in Ha Noi",
        "body": "The academy in Ha Noi trains officers from the region.",
        "date": "2022-05-05",
        "language": "en",
    },
    {
        "id": "many-words",
        "title": "A list of codes",
        "body": " ".join(f"zq{n:03d}" for n in range(80)),
        "language": "en",
    },
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from indexer.pipeline import index_paths

    base = tmp_path_factory.mktemp("search-matching")
    shutil.copytree(SEEDS, base / "seeds")
    (base / "seeds" / "fixtures.json").write_text(
        json.dumps(FIXTURES, ensure_ascii=False), encoding="utf-8"
    )
    index_paths(base / "index", [base / "seeds"], progress=False)
    found = Engine(base / "index")
    yield found
    found.close()


def search(engine, q="", **params) -> dict:
    params = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    return engine.search(parse_request({"q": [q], "per_page": ["100"], **params}))


def titles(engine, q="", **params) -> list[str]:
    return [h["title"] for h in search(engine, q, **params)["hits"]]


def hit(engine, q: str, title_start: str) -> dict:
    return next(h for h in search(engine, q)["hits"] if h["title"].startswith(title_start))


# --- matching ------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["ERDOGAN", "Erdogan", "erdoğan", "ERDOĞAN"])
def test_case_and_accents_do_not_matter(engine, q):
    assert "Erdoğan receives delegation in İstanbul" in titles(engine, q)


@pytest.mark.parametrize("q", ["Hanoi", "Ha Noi", "Hà Nội", "hà nội"])
def test_hanoi_spellings_find_each_other(engine, q):
    found = set(titles(engine, q))
    assert {"Police academy opens in Ha Noi", "Bắt giữ đường dây ma túy xuyên quốc gia"} <= found


def test_body_field_limits_to_bodies(engine):
    assert titles(engine, "title:zanzibar") == ['Police <b>raid</b> & "quotes" in Zanzibar']
    assert titles(engine, "body:zanzibar") == []
    assert titles(engine, "body:piracy") == ["Ministers meet on maritime security"]


def test_an_unknown_field_is_a_plain_word_not_a_filter(engine):
    result = search(engine, "country:HU")
    assert result["filters"]["country"] == []
    assert result["total"] == search(engine, "country HU")["total"]


def test_a_one_letter_prefix_is_a_word_not_a_scan_of_everything(engine):
    assert search(engine, "a*")["total"] < search(engine)["total"]


def test_prefix_expansions_are_bounded_and_still_find(engine):
    searcher = engine.searcher()
    q = expand_terms(parse_user_query(searcher.schema, "zq*"), searcher.reader())
    for fieldname in ("body", "body_exact"):
        terms = [t for t in q.leaves() if isinstance(t, query.Term) and t.fieldname == fieldname]
        assert 0 < len(terms) <= MAX_EXPANSIONS
    assert titles(engine, "zq*") == ["A list of codes"]


def test_fuzzy_words_are_bounded_too(engine):
    searcher = engine.searcher()
    q = expand_terms(parse_user_query(searcher.schema, "zq001~2"), searcher.reader())
    assert len(list(q.leaves())) <= MAX_EXPANSIONS * 4
    assert titles(engine, "zq001~") == ["A list of codes"]


@pytest.mark.parametrize(
    "q",
    [
        "cybercrime",
        "customs OR terrorism",
        "drug -Russia",
        '"drug smuggling"',
        "extradit*",
        "kecskess~",
        "title:customs",
        "cybercrime NOT (Russia OR Turkey)",
        "Toshpulatov",
        "Vietnam",
        "zq*",
    ],
)
def test_bitset_matching_agrees_with_whoosh(engine, q):
    searcher = engine.searcher()
    parsed = expand_terms(parse_user_query(searcher.schema, q), searcher.reader())
    live = engine.columns(searcher).all
    ours = DocSets(searcher, live).of(parsed)
    theirs = {d for d in searcher.docs_for_query(parsed) if live >> d & 1}
    assert {d for d in range(searcher.doc_count_all()) if ours >> d & 1} == theirs


# --- filters and sorting ---------------------------------------------------------------------


def test_date_range_is_inclusive_and_excludes_undated(engine):
    day = titles(engine, **{"from": "2025-02-24", "to": "2025-02-24"})
    assert day == ["Hungary eyes stronger customs cooperation with Uzbekistan and Kyrgyzstan"]
    assert titles(engine, **{"from": "2025-02-25", "to": "2025-02-25"}) == []
    assert "A list of codes" not in titles(engine, **{"from": "1900-01-01"})


def test_language_filter(engine):
    assert titles(engine, language="vi") == ["Bắt giữ đường dây ma túy xuyên quốc gia"]


def test_sort_by_date_puts_newest_first_and_has_no_score(engine):
    hits = search(engine, "police OR cooperation", sort="date")["hits"]
    dates = [h["date"] for h in hits if h["date"]]
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)
    assert all(h["score"] is None for h in hits)


def test_relevance_scores_descend(engine):
    scores = [h["score"] for h in search(engine, "cooperation security")["hits"]]
    assert scores and scores == sorted(scores, reverse=True)


def test_pages_follow_each_other_without_repeats(engine):
    everything = [h["id"] for h in search(engine, "cooperation")["hits"]]
    pages = []
    for page in (1, 2, 3):
        result = engine.search(
            parse_request({"q": ["cooperation"], "per_page": ["2"], "page": [str(page)]})
        )
        pages += [h["id"] for h in result["hits"]]
    assert pages == everything[:6]


# --- highlights ------------------------------------------------------------------------------


def visible(marked: str) -> str:
    return re.sub(r"</?mark>", "", marked)


def test_folded_and_stemmed_matches_are_marked(engine):
    tr = hit(engine, "erdogan istanbul", "Erdoğan")
    assert tr["title_html"] == "<mark>Erdoğan</mark> receives delegation in <mark>İstanbul</mark>"
    assert "<mark>Erdoğan</mark>" in tr["snippet"]
    vn = hit(engine, "agreements", "Vietnam, Hungary")
    assert "<mark>agreement</mark>" in vn["snippet"]


def test_place_spellings_are_marked_whole(engine):
    found = hit(engine, "Hanoi", "Police academy")
    assert "<mark>Ha Noi</mark>" in found["title_html"]


def test_words_under_not_are_not_marked(engine):
    for found in search(engine, "cybercrime -Russia")["hits"]:
        assert "<mark>Russia" not in found["snippet"]
        assert "<mark>cybercrime</mark>" in found["snippet"].lower()


def test_every_character_of_the_article_is_escaped(engine):
    found = hit(engine, "raid", "Police <b>raid</b>")
    assert found["title_html"] == (
        "Police &lt;b&gt;<mark>raid</mark>&lt;/b&gt; &amp; &quot;quotes&quot; in Zanzibar"
    )
    assert "&lt;script&gt;" in found["snippet"] and "&#x27;" in found["snippet"]
    for html in (found["title_html"], found["snippet"]):
        assert "<" not in visible(html) and ">" not in visible(html)


def test_a_snippet_is_short_passages_that_read_naturally(engine):
    snippet = hit(engine, "piracy", "Ministers meet")["snippet"]
    assert snippet.count("<mark>piracy</mark>") == 2
    text = visible(snippet)
    assert len(text) <= 260
    passages = text.split(" … ")
    assert 1 <= len(passages) <= 3
    # the first passage starts where its sentence starts, not in the middle of a word
    assert passages[0].startswith(("After a long lunch", "… the ministers", "the ministers"))
    assert text.endswith("piracy insurance.")  # the end of the text: no ellipsis


def test_without_a_match_in_the_body_the_snippet_is_the_lead(engine):
    found = hit(engine, "title:zanzibar", "Police")
    assert found["snippet"].startswith("The raid &lt;script&gt;")


def test_the_article_view_marks_the_whole_body(engine):
    found = hit(engine, "piracy", "Ministers meet")
    article = engine.article(found["id"], q="piracy")
    assert article["body_html"].count("<mark>piracy</mark>") == 2
    assert visible(article["body_html"]) == LONG_BODY
    plain = engine.article(found["id"])
    assert "<mark>" not in plain["body_html"] and "<mark>" not in plain["title_html"]


# --- related, suggestions, stats --------------------------------------------------------------


def test_related_articles_share_terms_or_countries_and_exclude_the_article(engine):
    seed = hit(engine, "Kyrgyzstan", "Hungary eyes stronger customs")
    article = engine.article(seed["id"])
    related = article["related"]
    assert 1 <= len(related) <= 5
    assert seed["id"] not in [r["id"] for r in related]
    assert all(set(r["countries"]) & {"HU", "UZ", "KG"} for r in related[:3])


def test_did_you_mean_only_when_a_word_is_unknown(engine):
    assert search(engine, "erdogn")["suggestion"] == "erdogan"
    assert search(engine, "cybercrme cooperation")["suggestion"] == "cybercrime cooperation"
    assert search(engine, "piracy")["suggestion"] is None


def test_stats_count_articles_and_facets(engine):
    stats = engine.stats()
    assert stats["articles"] == 5 + len(FIXTURES)
    assert stats["size_bytes"] > 0 and stats["last_update"]
    years = {v["value"]: v["count"] for v in stats["facets"]["year"]}
    assert years["undated"] == 2  # seed 002 and the list of codes


def test_an_index_without_stored_offsets_still_marks_words(tmp_path):
    """An index written before ``chars=True`` (until its next run rebuilds it)."""
    from whoosh import fields

    from search.schema import build_schema, document_for
    from search.store import open_or_create

    schema = build_schema()
    for name in ("title", "body"):
        schema._fields[name] = fields.TEXT(analyzer=schema[name].analyzer)
    ix = open_or_create(tmp_path / "index")
    writer = ix.writer()
    writer.schema = schema
    for n, fixture in enumerate(FIXTURES[:2]):
        article = {**fixture, "path": f"f{n}.json", "checksum": "sha256:x"}
        writer.add_document(**document_for(article, "x"))
    writer.commit()
    old = Engine(tmp_path / "index")
    try:
        found = old.search(parse_request({"q": ["erdogan"]}))["hits"][0]
    finally:
        old.close()
    assert found["title_html"].startswith("<mark>Erdoğan</mark>")
    assert "<mark>Erdoğan</mark>" in found["snippet"]


# --- match=any: questions and pasted text --------------------------------------------------


def test_any_word_finds_what_an_and_of_the_words_cannot(engine):
    question = "what did the police academy and the maritime ministers do"
    assert search(engine, question)["total"] == 0
    found = titles(engine, question, match="any")
    assert found[:2] == ["Ministers meet on maritime security", "Police academy opens in Ha Noi"]
    # the hits are the articles with at least one of the content words, no more
    content = ("police", "academy", "maritime", "ministers")
    assert set(found) == {t for word in content for t in titles(engine, word)}


def test_any_word_ignores_stop_words_unless_they_are_all_there_is(engine):
    assert titles(engine, "the of Zanzibar", match="any") == titles(engine, "Zanzibar")
    assert search(engine, "the", match="any")["total"] == search(engine, "the")["total"] > 0


def test_any_word_keeps_not_phrases_and_fields(engine):
    excluded = titles(engine, "police academy -zanzibar", match="any")
    assert "Police academy opens in Ha Noi" in excluded
    assert not any("Zanzibar" in t for t in excluded)
    phrase = titles(engine, '"maritime security" zzzunknown', match="any")
    assert phrase == ["Ministers meet on maritime security"]
    assert titles(engine, "title:academy body:zzzunknown", match="any") == [
        "Police academy opens in Ha Noi"
    ]


def test_a_word_said_again_weighs_more(engine):
    police = titles(engine, "police police police maritime", match="any")
    maritime = titles(engine, "police maritime maritime maritime", match="any")
    assert police[0].startswith("Police") and maritime[0] == "Ministers meet on maritime security"


def test_match_must_be_all_or_any():
    with pytest.raises(BadRequest):
        parse_request({"q": ["x"], "match": ["some"]})
