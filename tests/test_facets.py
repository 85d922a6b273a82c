"""Disjunctive facets: each facet ignores its own selection, applies the others."""

from __future__ import annotations

from search.engine import Engine
from search.request import parse_request


def counts(result, facet):
    return {v["value"]: v["count"] for v in result["facets"][facet]}


def search(seed_index, **params):
    return Engine(seed_index).search(
        parse_request({k: v if isinstance(v, list) else [v] for k, v in params.items()})
    )


def test_counts_without_selection(seed_index):
    result = search(seed_index)
    assert counts(result, "country") == {"UZ": 4, "HU": 3, "KG": 1, "RU": 1, "TR": 1, "VN": 1}
    assert counts(result, "year") == {"2026": 1, "2025": 2, "2023": 1, "undated": 1}


def test_one_selected_value_keeps_its_facet_counts_and_narrows_the_others(seed_index):
    result = search(seed_index, country="HU")
    assert result["total"] == 3
    assert counts(result, "country") == counts(search(seed_index), "country")
    assert counts(result, "topic")["customs"] == 1
    assert counts(result, "topic")["drug-trafficking"] == 3
    assert [v["value"] for v in result["facets"]["country"] if v["selected"]] == ["HU"]


def test_two_values_in_one_facet_are_or(seed_index):
    result = search(seed_index, country=["VN", "TR"])
    assert result["total"] == 2
    assert result["facets"]["country"][0]["value"] in ("VN", "TR")  # selected come first


def test_filters_in_two_facets_are_and(seed_index):
    result = search(seed_index, country="HU", topic="customs")
    assert result["total"] == 1
    # the country facet applies the topic selection, not its own
    assert counts(result, "country") == {"HU": 1, "KG": 1, "UZ": 1}
    # the topic facet applies the country selection, not its own
    assert counts(result, "topic")["cybercrime"] == 2


def test_date_range_excludes_undated_and_year_facet_ignores_it(seed_index):
    result = search(seed_index, **{"from": "2025-01-01", "to": "2025-12-31"})
    assert result["total"] == 2
    assert counts(result, "year") == {"2026": 1, "2025": 2, "2023": 1, "undated": 1}


def test_facet_values_have_one_shape_with_labels(seed_index):
    result = search(seed_index)
    for facet in ("country", "topic", "year", "language"):
        for value in result["facets"][facet]:
            assert set(value) == {"value", "label", "count", "selected"}
    labels = {v["value"]: v["label"] for v in result["facets"]["country"]}
    assert labels["VN"] == "Vietnam" and labels["TR"] == "Turkey"
