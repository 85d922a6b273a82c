"""SPEC.md "What the seeds must give", one row a test."""

from __future__ import annotations

import pytest

from indexer.normalize import normalize_file
from tests.conftest import SEEDS


def seed(prefix: str) -> dict:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    (article,) = normalize_file(path)
    return article.as_dict()


@pytest.mark.parametrize(
    "prefix, title, date, precision, countries",
    [
        (
            "000",
            "Hungary and Uzbekistan Deepen Cooperation in Law Enforcement",
            "2025-07-18",
            "day",
            ["HU", "UZ"],
        ),
        (
            "001",
            "Official Visit of the Uzbek Delegation to Turkey: Strategic Cooperation in "
            "Security and Law Enforcement enters a New Stage",
            "2026-01-21T14:00:00",
            "minute",
            ["TR", "UZ"],
        ),
        (
            "003",
            "Vietnam, Hungary agree to strengthen security cooperation",
            "2023-09-19T20:38:00",
            "minute",
            ["HU", "VN"],
        ),
        (
            "004",
            "Hungary eyes stronger customs cooperation with Uzbekistan and Kyrgyzstan",
            "2025-02-24",
            "day",
            ["HU", "KG", "UZ"],
        ),
    ],
)
def test_seed_gives_specs_title_date_and_countries(prefix, title, date, precision, countries):
    article = seed(prefix)
    assert article["title"] == title
    assert article["date"] == date
    assert article["date_precision"] == precision
    assert article["countries"] == countries


def test_seed_002_takes_its_title_from_the_lead_and_has_no_date():
    article = seed("002")
    assert article["title"].startswith("The Ministers of Internal Affairs of Uzbekistan and Russia")
    assert len(article["title"]) <= 100
    assert article["title_source"] == "lead"
    assert article["date"] is None and article["date_precision"] is None
    assert article["date_text"] == "June 25"
    assert article["countries"] == ["RU", "UZ"]


def test_seed_003_date_comes_from_the_vietnamese_header():
    article = seed("003")
    assert article["date_source"] == "header"
    assert article["date_text"] == "Thứ Ba, 19/09/2023, 20:38"


def test_seed_004_keeps_baku_as_place_but_not_as_party():
    article = seed("004")
    assert article["place"] == "Baku, Azerbaijan"
    assert "AZ" not in article["countries"]
    assert article["country_mentions"]["AZ"] >= 1
    assert article["date_source"] == "dateline"
    assert article["date_text"] == "February 24"


def test_seed_000_dateline_gives_place_and_source_and_event_date():
    article = seed("000")
    assert article["place"] == "Tashkent, Uzbekistan"
    assert article["source"] == "UzDaily.com"
    assert article["date_source"] == "event"


@pytest.mark.parametrize(
    "topic, prefixes",
    [
        ("customs", {"004"}),
        ("terrorism", {"000", "001"}),
        ("migration", {"001", "002", "003"}),
        ("cybercrime", {"000", "001", "002", "003"}),
        ("drug-trafficking", {"000", "001", "002", "003", "004"}),
    ],
)
def test_topic_is_given_to_exactly_the_seeds_spec_names(topic, prefixes):
    tagged = {p for p in ("000", "001", "002", "003", "004") if topic in seed(p)["topics"]}
    assert tagged == prefixes


def test_seed_003_body_holds_its_lead_once_and_no_caption_marker():
    body = seed("003")["body"]
    lead = "Within the framework of his working visit to Hungary from September 12-16"
    assert body.count(lead) == 1
    assert "-0" not in body.split("\n")
    assert "security cooperation -0" not in body
    assert "By NT" not in body


def test_seed_002_has_no_comment_counter_and_004_no_follow_line():
    assert "Comments (0)" not in seed("002")["body"]
    assert "Follow the author" not in seed("004")["body"]


def test_seed_ids_are_stable_and_url_safe():
    first, second = seed("001")["id"], seed("001")["id"]
    assert first == second
    assert all(ch.isalnum() or ch == "-" for ch in first)


def test_every_seed_is_english():
    assert {seed(p)["language"] for p in ("000", "001", "002", "003", "004")} == {"en"}
