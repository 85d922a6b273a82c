"""The HTTP load test runs against a real `diplosearch serve` over the seed index."""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench.http_load import main
from bench.load import Level, query_mix
from bench.server import Fleet, Server, memory


def test_load_tool_reports_a_positive_rate_and_no_errors(seed_index: Path, tmp_path: Path):
    out = tmp_path / "http.json"
    started = time.monotonic()
    code = main(
        ["--index", str(seed_index), "--clients", "2", "--threads", "2"]
        + ["--seconds", "2", "--warmup", "20", "--out", str(out)]
    )
    assert time.monotonic() - started < 15
    assert code == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    (run,) = results["runs"]
    (level,) = run["levels"]
    assert run["articles"] == 5
    assert level["errors"] == 0 and level["requests"] > 0
    assert level["searches_per_second"] > 0
    assert 0 < level["p50_ms"] <= level["p95_ms"] <= level["p99_ms"] <= level["max_ms"]
    assert len(level["latencies_ms"]) == level["requests"]
    assert run["memory_after_start"]["rss_mb"] > 0 and level["peak_rss_mb"] > 0
    assert run["memory_after_start"]["threads"] >= 3  # two waitress workers and the main one
    assert run["warmup"]["requests"] == 20
    assert run["processes"] == 1


def test_clients_are_spread_over_several_servers(seed_index: Path):
    paths = ["/api/search?q=oil", "/api/search?q=police&sort=date"]
    with Fleet(seed_index, processes=2, threads=1) as fleet:
        assert len(set(fleet.urls)) == 2
        before = fleet.cpu_seconds()
        level = Level(fleet.urls, paths, clients=2, seconds=5, limit=40)
        level.run()
        assert fleet.cpu_seconds() > before
        assert fleet.memory()["threads"] >= 4  # each: one worker and the main thread
    assert level.errors == {} and len(level.latencies) == 40


def test_mix_has_filters_and_both_sorts_in_a_fixed_order():
    filters = {"country": "UZ", "topic": "drug-trafficking", "year": "2025"}
    paths = query_mix(filters)
    assert paths == query_mix(filters)
    assert len(paths) == len(set(paths)) == 254
    assert sum("sort=date" in p for p in paths) == 101
    assert sum("country=UZ" in p for p in paths) == 102
    assert sum("topic=drug-trafficking" in p and "from=2025-01-01" in p for p in paths) == 51
    assert any("q=%22interest+rates%22" in p for p in paths)  # phrases are in the mix


def test_bad_answers_count_as_errors(seed_index: Path):
    paths = ["/api/search?q=oil", "/api/search?sort=sideways", "/no/such/page"]
    with Server(seed_index, threads=2) as server:
        level = Level([server.url], paths, clients=2, seconds=5, limit=30)
        level.run()
        pid = server.pid
    assert level.errors == {"HTTP 400": 10, "HTTP 404": 10}
    assert len(level.latencies) == 10
    assert memory(pid) == {}  # the server is gone


def test_a_missing_index_is_a_clear_error_not_a_traceback(tmp_path: Path, capsys):
    code = main(["--index", str(tmp_path / "none"), "--seconds", "1"])
    assert code == 1
    assert "no_index" in capsys.readouterr().err
