"""The gazetteer (names, demonyms, capitals in five languages) and SPEC's party rule."""

from __future__ import annotations

import pytest

from indexer.gazetteer import (
    count_mentions,
    country_name,
    find_mentions,
    fold,
    fold_aligned,
    is_country_code,
    place_country,
)
from indexer.normalize import normalize_bytes


@pytest.mark.parametrize(
    "text, codes",
    [
        # English names, short names, demonyms, capitals
        ("Hungary and Uzbekistan", ["HU", "UZ"]),
        ("the Uzbek delegation in Budapest", ["UZ", "HU"]),
        ("talks in Washington and Moscow", ["US", "RU"]),
        ("U.S. and UK officials", ["US", "GB"]),
        ("Papua New Guinea and Guinea-Bissau", ["PG", "GW"]),
        ("Côte d’Ivoire", ["CI"]),
        # Turkish, with İ/ı folded right
        ("Türkiye'nin Ankara'daki büyükelçisi", ["TR", "TR"]),
        ("İSTANBUL'da Rusya ve Macaristan", ["TR", "RU", "HU"]),
        ("Özbekistan ile Kırgızistan", ["UZ", "KG"]),
        # Vietnamese
        ("Việt Nam và Hungary", ["VN", "HU"]),
        ("Hà Nội, TP.HCM và Thổ Nhĩ Kỳ", ["VN", "VN", "TR"]),
        ("Nga và Mỹ", ["RU", "US"]),
        # Russian, inflected
        ("Россия и Германии, российские власти", ["RU", "DE", "RU"]),
        ("встреча в Ташкенте с узбекскими коллегами", ["UZ", "UZ"]),
        # Hungarian, inflected
        ("Magyarországon és Üzbegisztánnal", ["HU", "UZ"]),
        ("a magyar és a török fél", ["HU", "TR"]),
        # historical names go to the state the ISO list keeps
        ("the Soviet Union and West Germany", ["RU", "DE"]),
    ],
)
def test_find_mentions_knows_names_in_five_languages(text, codes):
    assert [code for _, _, code in find_mentions(text)] == codes


@pytest.mark.parametrize(
    "text",
    [
        "Turkic peoples",
        "a roast turkey for dinner",  # the bird: names need their capital
        "lao động ở nông thôn",  # Vietnamese "labour", not Laos
        "a hanging chad on a ballot",
        "New Mexico and New Jersey",  # contain a country's name, are not it
        "British Columbia",
        "visit www.china.com today",
        "us and them",
    ],
)
def test_find_mentions_ignores_words_that_only_contain_a_name(text):
    assert find_mentions(text) == []


def test_turkic_is_not_turkey_but_turkmen_is_turkmenistan():
    assert count_mentions("Turkic languages") == {}
    assert count_mentions("the Turkmen side") == {"TM": 1}


def test_mention_positions_point_into_the_original_text():
    text = "Người dân Việt Nam… và İstanbul"
    spans = [(text[s:e], code) for s, e, code in find_mentions(text)]
    assert spans == [("Việt Nam", "VN"), ("İstanbul", "TR")]


@pytest.mark.parametrize(
    "text, folded",
    [("İstanbul", "istanbul"), ("Việt Nam", "viet nam"), ("Szijjártó", "szijjarto"),
     ("KIRGIZİSTAN", "kirgizistan"), ("Straße", "strasse"), ("Erdoğan", "erdogan")],
)  # fmt: skip
def test_fold_drops_case_and_accents(text, folded):
    assert fold(text) == folded


def test_fold_aligned_keeps_every_position():
    for text in ("Straße…", "İstanbul ﬁ", "Việt Nam"):
        assert len(fold_aligned(text)) == len(text)


@pytest.mark.parametrize(
    "place, code",
    [
        ("Tashkent, Uzbekistan", "UZ"),
        ("Baku, Azerbaijan", "AZ"),
        ("İstanbul", "TR"),
        ("New York", "US"),
        ("Rochester, N.Y.", "US"),
        ("Conway, Ark.", "US"),
        ("Vancouver, British Columbia", "CA"),
        ("Frankfurt", "DE"),
        ("Nowhere Town", None),
    ],
)
def test_place_country_names_the_country_of_a_dateline(place, code):
    assert place_country(place) == code


def test_country_codes_and_names():
    assert is_country_code("hu") and not is_country_code("XX")
    assert country_name("VN") == "Vietnam" and country_name("HU") == "Hungary"


def _countries(text: str) -> tuple[list[str], dict[str, int]]:
    (article,) = normalize_bytes("c.txt", text.encode())
    return article.countries, article.country_mentions


@pytest.mark.parametrize(
    "text, parties",
    [
        # the title names it
        ("Hungary eyes cooperation with Uzbekistan\nThe talks went well.", ["HU", "UZ"]),
        # named twice in the text
        ("Police talks\nHungary met Kenya. Hungary and Kenya agreed. Peru was mentioned.",
         ["HU", "KE"]),
        # the only country the text names, once
        ("Police talks\nThe minister visited Austria last week.", ["AT"]),
        # named once in passing among others: not a party
        ("Police talks\nHungary met Kenya. Hungary and Kenya agreed. Peru was mentioned.",
         ["HU", "KE"]),
        # a dateline only: not a party
        ("BAKU, Azerbaijan, February 24. Hungary eyes customs cooperation with Uzbekistan.\n"
         "Hungary and Uzbekistan met.", ["HU", "UZ"]),
    ],
)  # fmt: skip
def test_countries_are_the_parties_by_specs_rule(text, parties):
    assert _countries(text)[0] == parties


def test_the_dateline_country_stays_in_the_mentions():
    countries, mentions = _countries(
        "BAKU, Azerbaijan, February 24. Hungary eyes customs cooperation with Uzbekistan.\nText."
    )
    assert "AZ" not in countries and mentions["AZ"] == 2  # Baku and Azerbaijan


def test_a_city_dateline_counts_its_country_once_as_a_mention():
    countries, mentions = _countries("NEW YORK, March 3 - Stocks rose on Wall Street today.")
    assert countries == [] and mentions == {"US": 1}
