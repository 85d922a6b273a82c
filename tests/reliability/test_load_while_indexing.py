"""`diplosearch serve` under concurrent clients while reindexing adds and updates articles:
no 5xx, no failed request, new articles visible after the commit, latency recorded.

``make test``: 8 clients for 8 s while 300 articles are added and 50 updated.
``make soak`` (DIPSEARCH_SOAK=1): 8 clients for 60 s, 5,000 added and 500 updated.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.request

from tests.conftest import SEEDS
from tests.reliability.server import ROOT, Server
from tests.reliability.sources import make_sources, run_diplosearch

SOAK = os.environ.get("DIPSEARCH_SOAK") == "1"
CLIENTS = 8
SECONDS = 60 if SOAK else 8
ADDED = 5000 if SOAK else 300
UPDATED = 500 if SOAK else 50
QUERIES = [
    "cybercrime",
    "minister",
    "customs OR terrorism",
    '"drug trafficking"',
    "",
    "security cooperation",
    "hungary",
    "border",
]
REPORT = ROOT / "var" / "reliability-load.json"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(pct / 100 * len(ordered)))] if ordered else 0.0


def client_loop(base: str, stop: threading.Event, n: int, out: dict) -> None:
    i = n
    while not stop.is_set():
        q = QUERIES[i % len(QUERIES)]
        i += 1
        url = f"{base}/api/search?q={urllib.request.quote(q)}&per_page=10"
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                json.loads(response.read())
                out["ok"] += 1
        except urllib.error.HTTPError as exc:
            out["status"][exc.code] = out["status"].get(exc.code, 0) + 1
        except OSError as exc:
            out["errors"].append(repr(exc))
        out["latency"].append((time.perf_counter() - started) * 1000)


def api_total(base: str, q: str) -> int:
    with urllib.request.urlopen(f"{base}/api/search?q={urllib.request.quote(q)}") as r:
        return json.loads(r.read())["total"]


def test_serving_under_load_while_indexing_adds_and_updates(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    index = tmp_path / "index"
    assert run_diplosearch(index, "index", sources, "--quiet").returncode == 0

    with Server(index) as server:
        stop = threading.Event()
        results = [{"ok": 0, "status": {}, "errors": [], "latency": []} for _ in range(CLIENTS)]
        threads = [
            threading.Thread(target=client_loop, args=(server.url, stop, n, results[n]))
            for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        started = time.monotonic()

        make_sources(sources / "new", ADDED, real=False)
        added = run_diplosearch(index, "index", sources, "--quiet")
        assert added.returncode == 0, added.stderr
        new_files = sorted((sources / "new").glob("*.txt"))
        for path in new_files[:UPDATED]:
            path.write_text(
                path.read_text(encoding="utf-8") + "\nUpdated with zanzibarite.\n", encoding="utf-8"
            )
        updated = run_diplosearch(index, "index", sources, "--quiet")
        assert updated.returncode == 0, updated.stderr
        assert f"updated {UPDATED}" in updated.stdout
        index_seconds = time.monotonic() - started

        remaining = SECONDS - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        stop.set()
        for thread in threads:
            thread.join()

        assert api_total(server.url, "") == 5 + ADDED
        assert api_total(server.url, "zanzibarite") == UPDATED

    latency = [ms for r in results for ms in r["latency"]]
    statuses: dict = {}
    for r in results:
        for code, count in r["status"].items():
            statuses[code] = statuses.get(code, 0) + count
    errors = [e for r in results for e in r["errors"]]
    report = {
        "clients": CLIENTS,
        "seconds": SECONDS,
        "added": ADDED,
        "updated": UPDATED,
        "index_seconds": round(index_seconds, 1),
        "requests": len(latency),
        "ok": sum(r["ok"] for r in results),
        "non_2xx": statuses,
        "failed": len(errors),
        "p50_ms": round(percentile(latency, 50), 1),
        "p95_ms": round(percentile(latency, 95), 1),
        "p99_ms": round(percentile(latency, 99), 1),
        "max_ms": round(max(latency), 1),
    }
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(report)
    assert not errors, errors[:5]
    assert not statuses, statuses
    assert report["requests"] > CLIENTS
