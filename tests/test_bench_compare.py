"""The side-by-side speed run (bench.compare) at a tiny N: every system, every figure.

Runs the real thing end to end (corpus from ../shared/corpora, ``diplosearch index``
through the CLI, the peers in their own processes, the query mix); Tantivy only when the
``bench`` extra is installed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.compare import COMPARABLE, ROWS, comparable, main, mix_filters, query_mix
from bench.peers import tantivy_available
from tests.conftest import CORPORA

SYSTEMS = ["diplosearch", "sqlite-fts5"] + (["tantivy"] if tantivy_available() else [])
N, ADD = 60, 10


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[dict, str, Path]:
    if not CORPORA.is_dir():
        pytest.skip("needs ../shared/corpora")
    base = tmp_path_factory.mktemp("compare")
    out = base / "compare.json"
    argv = ["--n", str(N), "--add", str(ADD), "--rounds", "1", "--work", str(base / "work")]
    argv += ["--corpora", str(CORPORA), "--out", str(out), "--systems", *SYSTEMS[1:]]
    assert main(argv) == 0
    return json.loads(out.read_text(encoding="utf-8")), " ".join(argv), base


@pytest.mark.corpora
def test_every_system_has_every_figure(run):
    results, _, _ = run
    assert list(results["table"]) == SYSTEMS
    for system in SYSTEMS:
        figures = results["table"][system]
        for key, _label in ROWS:
            assert figures[key] is not None, (system, key)
        assert figures["indexing_articles_per_s"] > 0 and figures["index_size_mb"] > 0
        assert 0 < figures["query_p50_ms"] <= figures["query_p95_ms"] <= figures["query_p99_ms"]
        assert figures["query_peak_rss_mb"] > 5  # a Python process, not nothing
        assert figures["incremental_add_s"] > 0
    for peer in SYSTEMS[1:]:
        ratios = results["ratios"][peer]
        ours, theirs = results["table"]["diplosearch"], results["table"][peer]
        assert ratios["query_p95_ms"] == round(ours["query_p95_ms"] / theirs["query_p95_ms"], 2)


@pytest.mark.corpora
def test_every_system_indexed_and_searched_the_same_articles(run):
    results, _, _ = run
    mix = results["mix_requests"]
    assert len(mix) == results["mix"]["requests"] == 5 * len(COMPARABLE) + 4
    articles = results["prepare"]["normalise"]["articles"]
    assert 0 < articles <= N
    for system in SYSTEMS:
        figures = results["systems"][system]
        assert figures["indexing"]["articles"] == articles
        assert (
            figures["incremental_add"]["articles"]
            == results["prepare"]["normalise_extra"]["articles"]
        )
        queries = figures["queries"]
        assert len(queries["latencies_ms"]) == len(mix)  # one warm round
        assert len(queries["totals"]) == len(mix)
        assert queries["requests_with_hits"] > 0
        assert max(queries["totals"]) <= articles + ADD
    browse = [i for i, r in enumerate(mix) if r["q"] == "" and not r["filters"]]
    for system in SYSTEMS:  # browsing everything finds every article, in every system
        assert (
            results["systems"][system]["queries"]["totals"][browse[0]]
            == articles + (results["prepare"]["normalise_extra"]["articles"])
        )


@pytest.mark.corpora
def test_the_table_has_a_row_per_figure_and_a_ratio_per_peer(run):
    results, _, _ = run
    lines = results["markdown"].splitlines()
    assert len(lines) == 2 + len(ROWS)
    assert lines[0].count("|") == 2 + len(SYSTEMS) + len(SYSTEMS) - 1
    assert "diplosearch / sqlite-fts5" in lines[0]


@pytest.mark.corpora
def test_a_rerun_with_reuse_measures_the_queries_without_rebuilding(run, tmp_path):
    results, argv, base = run
    out = tmp_path / "again.json"
    again = argv.split()
    again[again.index("--out") + 1] = str(out)
    assert main([*again, "--reuse"]) == 0
    second = json.loads(out.read_text(encoding="utf-8"))
    for system in SYSTEMS:
        assert second["systems"][system]["indexing"] == results["systems"][system]["indexing"]
        assert (
            second["systems"][system]["queries"]["totals"]
            == (results["systems"][system]["queries"]["totals"])
        )
    assert second["mix_requests"] == results["mix_requests"]


@pytest.mark.corpora
def test_the_plot_is_a_png(run, tmp_path):
    pytest.importorskip("matplotlib")
    from bench.compare_plot import plot

    results, _, _ = run
    out = plot(results, tmp_path / "latency.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_mix_is_fixed_and_only_holds_queries_every_system_reads_alike():
    filters = mix_filters(
        {
            "country": Counter({"US": 5, "GB": 5, "VN": 1}),
            "topic": Counter({"trade": 2}),
            "year": Counter(),
        }
    )
    assert filters == {"country": "GB", "topic": "trade"}  # a tie goes to the first value
    mix = query_mix(filters)
    assert mix == query_mix(filters)
    assert {r["kind"] for r in mix} >= {"relevance", "newest first", "browsing"}
    assert sum(r["sort"] == "date" for r in mix) == 2 * len(COMPARABLE) + 4
    assert not comparable("bank*") and not comparable("iran -iraq") and not comparable("a OR b")
    assert not comparable("title:minister") and not comparable("migraton~")
    assert comparable('"United Nations"') and comparable("Việt Nam") and comparable("e-mail")
