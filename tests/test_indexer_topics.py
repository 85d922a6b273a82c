"""Topics from the taxonomy data file, and language detection."""

from __future__ import annotations

import pytest

from indexer.language import detect_language, sample
from indexer.topics import find_topics, taxonomy, topic_ids, topic_label

SPEC_IDS = [
    "cybercrime",
    "drug-trafficking",
    "terrorism",
    "migration",
    "human-trafficking",
    "customs",
    "legal-assistance",
    "training",
    "public-safety",
    "organized-crime",
]


def test_taxonomy_holds_specs_fixed_ids_with_labels_and_keywords_in_en_vi_ru():
    assert set(SPEC_IDS) <= set(topic_ids())
    for topic in taxonomy():
        assert topic["label"] and topic_label(topic["id"]) == topic["label"]
        assert {"en", "vi", "ru"} <= set(topic["keywords"])


@pytest.mark.parametrize(
    "text, topics",
    [
        ("crime with the use of high technology", ["cybercrime"]),
        ("organized and cybercrime", ["cybercrime", "organized-crime"]),
        ("migrant smuggling across the border", ["migration", "human-trafficking"]),
        ("Đấu tranh phòng chống tội phạm ma túy", ["drug-trafficking"]),
        ("борьба с наркотиками и терроризмом", ["drug-trafficking", "terrorism"]),
        ("Türkiye gümrük idaresi", ["customs"]),
        ("an extradition agreement and mutual legal assistance", ["legal-assistance"]),
        ("criminal organisations", ["organized-crime"]),
        ("The weather was fine in Budapest", []),
        ("hackers and hacking", ["cybercrime"]),
        ("whacking the ball", []),  # a keyword inside a word is no match
    ],
)
def test_find_topics_matches_keywords_in_any_language(text, topics):
    assert find_topics(text) == topics


def test_topic_label_of_an_unknown_id_is_the_id():
    assert topic_label("no-such-topic") == "no-such-topic"


@pytest.mark.parametrize(
    "text, language",
    [
        ("The ministers of Hungary and Uzbekistan met to discuss police cooperation.", "en"),
        ("Việt Nam và Hungary nhất trí tăng cường hợp tác an ninh, phòng chống tội phạm.", "vi"),
        ("Министры внутренних дел провели встречу и обсудили сотрудничество.", "ru"),
        ("Türkiye ile Özbekistan arasında güvenlik işbirliği güçlendirildi.", "tr"),
        (
            "Magyarország és Üzbegisztán között erősödik az együttműködés a rendőrségek között.",
            "hu",
        ),
        ("", "und"),
        ("12345 67 -- !!", "und"),
        ("ab", "und"),
    ],
)
def test_detect_language_gives_iso_codes_or_und(text, language):
    assert detect_language(text) == language


def test_detect_language_is_stable_and_reads_a_bounded_sample():
    text = "The ministers met in Budapest. " * 2000
    part = sample(text)
    assert len(part) <= 500 and text.startswith(part) and text[len(part)] == " "  # whole words
    assert {detect_language(text) for _ in range(5)} == {"en"}
