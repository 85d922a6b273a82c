"""Disjunctive facets on the seeds (SPEC "JSON"): OR within a facet, AND across facets,
each facet counted with every other facet's selection but not its own.

Seeds: 000 HU UZ 2025, 001 TR UZ 2026, 002 RU UZ undated, 003 HU VN 2023, 004 HU KG UZ 2025;
terrorism 000 001, migration 001 002 003, cybercrime 000-003, customs 004, drugs all.
"""

from __future__ import annotations

from search.engine import Engine
from search.request import parse_request

ALL_COUNTRIES = {"UZ": 4, "HU": 3, "KG": 1, "RU": 1, "TR": 1, "VN": 1}


def search(seed_index, q: str = "", **params) -> dict:
    params = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    return Engine(seed_index).search(parse_request({"q": [q], **params}))


SPEC_TOPICS = {"terrorism", "migration", "cybercrime", "customs", "drug-trafficking"}


def counts(result: dict, facet: str) -> dict[str, int]:
    """Non-zero counts; for topics, of the topics SPEC fixes for the seeds."""
    found = {v["value"]: v["count"] for v in result["facets"][facet] if v["count"]}
    return {k: n for k, n in found.items() if facet != "topic" or k in SPEC_TOPICS}


def selected(result: dict, facet: str) -> list[str]:
    return [v["value"] for v in result["facets"][facet] if v["selected"]]


def test_one_value_selected(seed_index):
    result = search(seed_index, country="UZ")
    assert result["total"] == 4
    assert counts(result, "country") == ALL_COUNTRIES  # its own selection ignored
    assert counts(result, "topic") == {
        "drug-trafficking": 4,
        "cybercrime": 3,
        "terrorism": 2,
        "migration": 2,
        "customs": 1,
    }
    assert counts(result, "year") == {"2025": 2, "2026": 1, "undated": 1}
    assert selected(result, "country") == ["UZ"]


def test_two_values_selected_in_one_facet_are_or(seed_index):
    result = search(seed_index, country=["VN", "TR"])
    assert result["total"] == 2
    assert counts(result, "country") == ALL_COUNTRIES
    assert counts(result, "topic") == {
        "drug-trafficking": 2,
        "cybercrime": 2,
        "migration": 2,
        "terrorism": 1,
    }
    assert counts(result, "year") == {"2026": 1, "2023": 1}
    assert selected(result, "country") == ["VN", "TR"]
    assert [v["value"] for v in result["facets"]["country"][:2]] == ["VN", "TR"]


def test_two_values_in_one_facet_and_a_filter_in_another(seed_index):
    result = search(seed_index, country=["VN", "TR"], topic="terrorism")
    assert result["total"] == 1
    assert [h["countries"] for h in result["hits"]] == [["TR", "UZ"]]
    # country counts apply the topic (000 and 001), not the countries
    assert counts(result, "country") == {"UZ": 2, "HU": 1, "TR": 1}
    vn = next(v for v in result["facets"]["country"] if v["value"] == "VN")
    assert vn == {"value": "VN", "label": "Vietnam", "count": 0, "selected": True}
    # topic counts apply the countries (001 and 003), not the topic
    assert counts(result, "topic") == {
        "drug-trafficking": 2,
        "cybercrime": 2,
        "migration": 2,
        "terrorism": 1,
    }
    # a facet with no selection applies all of them
    assert counts(result, "year") == {"2026": 1}
    assert counts(result, "language") == {"en": 1}


def test_facets_apply_the_query_text_too(seed_index):
    result = search(seed_index, "migration", country="UZ")  # the word: 001 and 002
    assert result["total"] == 2
    assert counts(result, "country") == {"UZ": 2, "RU": 1, "TR": 1}
    assert counts(result, "topic")["migration"] == 2


def test_a_date_range_narrows_every_facet_but_year(seed_index):
    result = search(seed_index, country="HU", **{"from": "2024-01-01"})
    assert result["total"] == 2
    assert counts(result, "year") == {"2025": 2, "2023": 1}
    assert counts(result, "topic")["customs"] == 1
    assert counts(result, "country") == {"UZ": 3, "HU": 2, "KG": 1, "TR": 1}


def test_labels_name_topics_and_languages(seed_index):
    result = search(seed_index)
    topics = {v["value"]: v["label"] for v in result["facets"]["topic"]}
    assert topics["drug-trafficking"] == "Drug trafficking"
    languages = {v["value"]: v["label"] for v in result["facets"]["language"]}
    assert languages == {"en": "English"}
    years = [v["value"] for v in result["facets"]["year"]]
    assert years == ["2026", "2025", "2023", "undated"]
