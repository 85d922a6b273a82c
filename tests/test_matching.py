"""SPEC "Matching" on the seeds plus a few written fixtures with diacritics."""

from __future__ import annotations

import json
import shutil

import pytest

from search.engine import Engine
from search.request import parse_request
from tests.conftest import SEEDS

FIXTURES = [
    {
        "id": "tr-visit",
        "title": "Erdoğan receives delegation in İstanbul",
        "body": "President Recep Tayyip Erdoğan met the delegation in İstanbul on Monday.",
        "date": "2024-10-03",
    },
    {
        "id": "vi-drugs",
        "title": "Bắt giữ đường dây ma túy xuyên quốc gia",
        "body": "Công an đã bắt giữ một đường dây buôn bán ma túy lớn tại Hà Nội.",
        "date": "2024-06-01",
    },
    {
        "id": "hu-fm",
        "title": "Szijjártó meets Việt Nam's foreign minister",
        "body": "Péter Szijjártó said Hungary and Viet Nam will extend police cooperation.",
        "date": "2024-02-11",
    },
    {
        "id": "plain",
        "title": "Erdogan spelled without diacritics",
        "body": "A report that writes Erdogan and Istanbul in plain letters.",
        "date": "2023-01-05",
    },
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from indexer.pipeline import index_paths

    base = tmp_path_factory.mktemp("matching")
    shutil.copytree(SEEDS, base / "seeds")
    (base / "seeds" / "fixtures.json").write_text(
        json.dumps(FIXTURES, ensure_ascii=False), encoding="utf-8"
    )
    index_paths(base / "index", [base / "seeds"], progress=False)
    return Engine(base / "index")


def titles(engine, q, **params) -> list[str]:
    request = parse_request(
        {
            "q": [q],
            "per_page": ["100"],
            **{k: v if isinstance(v, list) else [v] for k, v in params.items()},
        }
    )
    return [h["title"] for h in engine.search(request)["hits"]]


@pytest.mark.parametrize(
    "query, expected_title",
    [
        ("erdogan", "Erdoğan receives delegation in İstanbul"),
        ("istanbul", "Erdoğan receives delegation in İstanbul"),
        ("ma tuy", "Bắt giữ đường dây ma túy xuyên quốc gia"),
        ("szijjarto", "Szijjártó meets Việt Nam's foreign minister"),
        ("Vietnam", "Szijjártó meets Việt Nam's foreign minister"),
        ("hanoi", "Bắt giữ đường dây ma túy xuyên quốc gia"),
    ],
)
def test_folded_query_finds_the_accented_spelling(engine, query, expected_title):
    assert expected_title in titles(engine, query)


def test_exact_diacritics_rank_above_folded_matches(engine):
    assert titles(engine, "Erdoğan")[0] == "Erdoğan receives delegation in İstanbul"
    assert titles(engine, "Erdogan")[0] == "Erdogan spelled without diacritics"


def test_viet_nam_spellings_find_each_other(engine):
    vietnam = set(titles(engine, "Vietnam"))
    assert set(titles(engine, "Viet Nam")) == vietnam
    assert set(titles(engine, "Việt Nam")) == vietnam
    assert "Vietnam, Hungary agree to strengthen security cooperation" in vietnam


def test_turkey_and_turkiye_find_each_other(engine):
    assert set(titles(engine, "Türkiye")) == set(titles(engine, "Turkey"))
    assert titles(engine, "Turkey")


def test_stemming_finds_other_forms(engine):
    assert "Vietnam, Hungary agree to strengthen security cooperation" in titles(
        engine, "agreements"
    )


def test_words_are_and_by_default_and_or_widens(engine):
    both = titles(engine, "customs terrorism")
    assert both == []
    either = titles(engine, "customs OR terrorism")
    assert len(either) == 3


def test_not_and_minus_exclude(engine):
    with_russia = set(titles(engine, "cybercrime"))
    without = set(titles(engine, "cybercrime NOT Russia"))
    assert without == set(titles(engine, "cybercrime -Russia"))
    assert len(without) == len(with_russia) - 1


def test_phrase_needs_the_words_together(engine):
    assert len(titles(engine, '"drug smuggling"')) == 1
    assert len(titles(engine, '"smuggling drug"')) == 0


def test_title_field_limits_to_titles(engine):
    assert set(titles(engine, "title:customs")) == {
        "Hungary eyes stronger customs cooperation with Uzbekistan and Kyrgyzstan"
    }


def test_prefix_and_fuzzy(engine):
    assert len(titles(engine, "extradit*")) >= 1
    assert "Hungary eyes stronger customs cooperation with Uzbekistan and Kyrgyzstan" in titles(
        engine, "kecskess~"
    )


def test_transliterated_name_is_found_below_the_exact_spelling(engine):
    found = titles(engine, "Toshpulatov")
    assert found[0] == "Hungary and Uzbekistan Deepen Cooperation in Law Enforcement"
    assert any(t.startswith("Official Visit of the Uzbek Delegation") for t in found[1:])


def test_the_name_tier_holds_in_a_question_too(engine):
    """match=any keeps each word's transliteration tier (Tashpulatov for Toshpulatov)."""
    found = titles(engine, "who met Toshpulatov", match="any")
    assert any(t.startswith("Official Visit of the Uzbek Delegation") for t in found)


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed',
        "((",
        "title:",
        "*",
        "?*",
        "a*",
        "~~",
        "AND OR NOT",
        "foo:bar",
        "x~9999",
        "\x00\x01",
        "-",
        "title:(",
        '"" ""',
        "üñí©ødé ☃",
    ],
)
def test_malformed_queries_degrade_and_never_raise(engine, query):
    result = engine.search(parse_request({"q": [query]}))
    assert result["total"] >= 0


def test_empty_query_browses_newest_first(engine):
    dates = [h["date"] for h in engine.search(parse_request({"per_page": ["100"]}))["hits"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[-1] is None  # undated last


def test_did_you_mean(engine):
    assert engine.search(parse_request({"q": ["erdogn"]}))["suggestion"] == "erdogan"
    assert engine.search(parse_request({"q": ["cybercrme"]}))["suggestion"] == "cybercrime"
    assert engine.search(parse_request({"q": ["cybercrime"]}))["suggestion"] is None


def test_did_you_mean_leaves_question_words_alone(engine):
    """A small index may hold no "what": it is still not respelled as "who"."""
    result = engine.search(parse_request({"q": ["what does hungary agree about cybercrme"]}))
    assert result["suggestion"] == "what does hungary agree about cybercrime"
