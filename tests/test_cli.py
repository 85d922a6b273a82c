"""The console script, run in-process with argparse (SPEC "CLI")."""

from __future__ import annotations

import json

from tests.conftest import SEEDS, seed_id


def test_index_prints_the_summary_then_skips_unchanged_files(cli, tmp_path):
    index = tmp_path / "ix"
    first = cli("--index", index, "index", SEEDS, "--quiet")
    assert first.code == 0
    assert "added 5, updated 0, unchanged 0, removed 0, skipped 0" in first.out
    again = cli("--index", index, "index", SEEDS, "--quiet")
    assert "added 0, updated 0, unchanged 5, removed 0, skipped 0" in again.out


def test_search_json_has_specs_shape_and_marks_the_word(cli, seed_index):
    result = cli("--index", seed_index, "search", "cybercrime", "--json")
    assert result.code == 0
    data = result.json()
    assert set(data) >= {
        "query",
        "total",
        "page",
        "per_page",
        "sort",
        "filters",
        "hits",
        "facets",
        "suggestion",
        "took_ms",
    }
    assert data["total"] == 3
    assert set(data["facets"]) == {"country", "topic", "year", "language"}
    for hit in data["hits"]:
        assert set(hit) >= {
            "id",
            "title",
            "title_html",
            "date",
            "countries",
            "topics",
            "language",
            "source",
            "snippet",
            "score",
        }
        assert "<mark>cybercrime</mark>" in hit["snippet"].lower()


def test_search_filters_by_country_and_date(cli, seed_index):
    data = cli(
        "--index", seed_index, "search", "", "--country", "HU", "--from", "2024-01-01", "--json"
    ).json()
    assert data["total"] == 2
    assert data["filters"]["country"] == ["HU"]
    assert all("HU" in hit["countries"] for hit in data["hits"])


def test_search_text_output_lists_titles(cli, seed_index):
    result = cli("--index", seed_index, "search", "customs")
    assert result.code == 0
    assert "1 articles" in result.out or "1 article" in result.out
    assert "Hungary eyes stronger customs cooperation" in result.out


def test_search_match_any_answers_a_question(cli, seed_index):
    question = ["search", "which customs agreements did hungary sign with xyzzyland", "--json"]
    assert cli("--index", seed_index, *question).json()["total"] == 0
    found = cli("--index", seed_index, *question, "--match", "any").json()
    assert found["total"] >= 2
    assert found["hits"][0]["title"].startswith("Hungary eyes stronger customs cooperation")


def test_search_rejects_a_bad_date_with_usage_code(cli, seed_index):
    result = cli("--index", seed_index, "search", "x", "--from", "yesterday")
    assert result.code == 2
    assert "YYYY-MM-DD" in result.err


def test_search_without_an_index_says_how_to_make_one(cli, tmp_path):
    result = cli("--index", tmp_path / "none", "search", "x")
    assert result.code == 1
    assert "diplosearch" in result.err and "index seeds/" in result.err


def test_show_prints_the_article_and_json(cli, seed_index):
    article_id = seed_id(seed_index, "003")
    data = cli("--index", seed_index, "show", article_id, "--json").json()
    assert data["id"] == article_id
    assert data["countries"] == ["HU", "VN"]
    text = cli("--index", seed_index, "show", article_id)
    assert text.out.startswith("Vietnam, Hungary agree to strengthen security cooperation")
    missing = cli("--index", seed_index, "show", "no-such-id")
    assert missing.code == 1


def test_normalize_prints_the_article_json(cli):
    result = cli("normalize", next(SEEDS.glob("003_*.txt")), "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["date"] == "2023-09-19T20:38:00"
    assert data["checksum"].startswith("sha256:")


def test_normalize_a_binary_file_exits_1_with_the_reason(cli, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02\x03" * 100)
    result = cli("normalize", junk)
    assert result.code == 1
    assert "binary" in result.err
    assert "Traceback" not in result.err


def test_stats_counts_articles_and_facets(cli, seed_index):
    data = cli("--index", seed_index, "stats", "--json").json()
    assert data["articles"] == 5
    countries = {v["value"]: v["count"] for v in data["facets"]["country"]}
    assert countries["UZ"] == 4 and countries["HU"] == 3
    assert data["size_bytes"] > 0


def test_index_option_works_after_the_command_too(cli, seed_index):
    assert cli("stats", "--index", seed_index, "--json").json()["articles"] == 5


def test_unknown_command_is_a_usage_error(cli):
    assert cli("frobnicate").code == 2


def test_index_of_a_missing_folder_exits_1(cli, tmp_path):
    result = cli("--index", tmp_path / "ix", "index", tmp_path / "missing", "--quiet")
    assert result.code == 1
    assert "no such file or folder" in result.err
