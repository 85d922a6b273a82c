"""Datelines: place, source, date and the rest of the line."""

from __future__ import annotations

import pytest

from indexer.dateline import parse_dateline


@pytest.mark.parametrize(
    "line, place, source, date_text, rest",
    [
        ("Tashkent, Uzbekistan (UzDaily.com) — On 17–18 July 2025, a delegation",
         "Tashkent, Uzbekistan", "UzDaily.com", None, "On 17–18 July 2025, a delegation"),
        ("BAKU, Azerbaijan, February 24. Hungary eyes stronger customs cooperation",
         "Baku, Azerbaijan", None, "February 24", "Hungary eyes stronger customs cooperation"),
        ("İSTANBUL, 3 October 2024 — Turkish police said", "İstanbul", None, "3 October 2024",
         "Turkish police said"),
        ("NEW YORK, March 3 - Stocks rose", "New York", None, "March 3", "Stocks rose"),
        ("CONWAY, Ark., Feb 26 - CCX Network Inc said", "Conway, Ark.", None, "Feb 26",
         "CCX Network Inc said"),
        ("Scarborough, Ontario, Feb 26 - Shr 45 cts", "Scarborough, Ontario", None, "Feb 26",
         "Shr 45 cts"),
        ("MOSCOW (Reuters) - Russia said", "Moscow", "Reuters", None, "Russia said"),
        ("Hanoi — Vietnam and Hungary agreed", "Hanoi", None, None,
         "Vietnam and Hungary agreed"),
    ],
)  # fmt: skip
def test_parse_dateline_reads_place_source_and_date(line, place, source, date_text, rest):
    found = parse_dateline(line)
    assert found is not None
    assert (found.place, found.source, found.date_text, found.rest) == (
        place,
        source,
        date_text,
        rest,
    )
    assert line[found.length :].strip() == rest


def test_a_dateline_with_a_full_date_carries_it():
    found = parse_dateline("İSTANBUL, 3 October 2024 — Turkish police said")
    assert found.date is not None and found.date.iso() == "2024-10-03"


@pytest.mark.parametrize(
    "line",
    [
        "He said, Feb 26 - nothing",  # lower-case words are no place
        "The Minister, on Monday - said",
        "Budapest. The city",  # "Place. Sentence" without a date is too weak
        "Hungary and Uzbekistan Deepen Cooperation in Law Enforcement",
        "A delegation led by the minister visited Hungary.",
        "",
    ],
)
def test_parse_dateline_leaves_ordinary_sentences_alone(line):
    assert parse_dateline(line) is None
