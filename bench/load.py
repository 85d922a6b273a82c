"""HTTP clients for the load test: the query mix, one level of concurrent clients, figures.

Each client holds a keep-alive HTTP/1.1 connection and takes the next request of the mix
(the clients go through it together, in order) until the level's time or request budget
is spent. A request counts as an error unless it is a 200 with the SPEC's JSON.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import statistics
import threading
import time
from urllib.parse import urlencode

from bench.run import QUERIES, percentile
from bench.server import Fleet

REQUEST_TIMEOUT = 60.0
SAMPLE_SECONDS = 0.1  # how often the sampler reads the servers' RSS during a level


# --- the query mix --------------------------------------------------------------------


def mix_filters(url: str) -> dict[str, str]:
    """The most common country and topic, and the busiest year, from the server's facets."""
    conn = connect(url)
    try:
        status, result = get(conn, "/api/search?" + urlencode({"per_page": 1}))
    finally:
        conn.close()
    if status != 200:
        raise RuntimeError(f"browsing the index answered HTTP {status}")
    facets = result["facets"]
    years = [v for v in facets["year"] if v["value"].isdigit()]
    chosen = {
        "country": facets["country"][0]["value"] if facets["country"] else None,
        "topic": facets["topic"][0]["value"] if facets["topic"] else None,
        "year": max(years, key=lambda v: v["count"])["value"] if years else None,
    }
    return {k: v for k, v in chosen.items() if v}


def query_mix(filters: dict[str, str], seed: int = 6) -> list[str]:
    """Request paths: each of bench.run's 50 queries five ways, and four ways of browsing.

    1. relevance, no filter; 2. relevance, country; 3. relevance, topic and a year;
    4. newest first, no filter; 5. newest first, country and a year. The order is a
    fixed shuffle, so any stretch of the mix holds all kinds.
    """
    country = {"country": filters["country"]} if "country" in filters else {}
    topic = {"topic": filters["topic"]} if "topic" in filters else {}
    year = filters.get("year")
    dates = {"from": f"{year}-01-01", "to": f"{year}-12-31"} if year else {}
    ways = [{}, country, {**topic, **dates}, {"sort": "date"}, {"sort": "date", **country, **dates}]
    params = [{"q": q, **way} for q in QUERIES for way in ways]
    params += [{}, country, {**topic, **dates}, {"sort": "date", **country}]
    paths = ["/api/search?" + urlencode(p) for p in params]
    random.Random(seed).shuffle(paths)
    return paths


# --- clients ----------------------------------------------------------------------------


def connect(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, dict | None]:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        return response.status, None
    return 200, json.loads(body)


def check(status: int, result: dict | None) -> str | None:
    """None for a good answer, else the kind of error."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(result, dict) or not isinstance(result.get("hits"), list):
        return "not the SPEC's JSON"
    if not isinstance(result.get("total"), int) or len(result.get("facets", ())) != 4:
        return "not the SPEC's JSON"
    return None


class Level:
    """``clients`` concurrent clients over the mix, bounded in time and requests; client
    ``k`` talks to ``urls[k % len(urls)]``."""

    def __init__(self, urls: list[str], paths: list[str], clients: int, seconds: float, limit):
        self.urls, self.paths, self.clients = urls, paths, clients
        self.seconds, self.limit = seconds, limit
        self.tickets = itertools.count()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.by_path: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def run(self) -> float:
        """Run every client to the end; the wall seconds from first request to last answer."""
        self.deadline = time.monotonic() + self.seconds
        started = time.perf_counter()
        workers = [
            threading.Thread(target=self._client, args=(self.urls[k % len(self.urls)],))
            for k in range(self.clients)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.perf_counter() - started

    def _client(self, url: str) -> None:
        conn = None
        while time.monotonic() < self.deadline:
            ticket = next(self.tickets)
            if ticket >= self.limit:
                break
            conn = conn or connect(url)
            path = self.paths[ticket % len(self.paths)]
            error, ms = self._one(conn, path)
            with self.lock:
                if error is None:
                    self.latencies.append(ms)
                    self.by_path.setdefault(path, []).append(ms)
                else:
                    self.errors[error] = self.errors.get(error, 0) + 1
            if error is not None:  # start again on a new connection
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    @staticmethod
    def _one(conn: http.client.HTTPConnection, path: str) -> tuple[str | None, float]:
        started = time.perf_counter()
        try:
            status, result = get(conn, path)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return type(exc).__name__, 0.0
        return check(status, result), (time.perf_counter() - started) * 1000

    def slowest(self, top: int = 10) -> list[list]:
        """The ``top`` requests of the mix by median latency: [path, median ms, count]."""
        medians = [(statistics.median(v), p, len(v)) for p, v in self.by_path.items()]
        return [[p, round(m, 1), n] for m, p, n in sorted(medians, reverse=True)[:top]]


class Sampler:
    """Reads the servers' RSS every ``SAMPLE_SECONDS`` while a level runs; keeps the max."""

    def __init__(self, fleet: Fleet):
        self.fleet = fleet
        self.max_rss = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self.stop.is_set():
            self.max_rss = max(self.max_rss, self.fleet.memory().get("rss_mb", 0.0))
            self.stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def run_level(fleet: Fleet, paths: list[str], clients: int, seconds: float, limit: int) -> dict:
    """Figures of one level: rate, latency percentiles, errors, CPU and memory of the servers."""
    peak_was_reset = fleet.reset_peak()
    cpu_before, load_before = fleet.cpu_seconds(), os.getloadavg()[0]
    level = Level(fleet.urls, paths, clients, seconds, limit)
    with Sampler(fleet) as sampler:
        wall = level.run()
    cpu = fleet.cpu_seconds() - cpu_before
    after = fleet.memory()
    ok, errors = len(level.latencies), sum(level.errors.values())
    lat = level.latencies or [0.0]
    return {
        "clients": clients,
        "requests": ok + errors,
        "errors": errors,
        "error_kinds": level.errors,
        "seconds": round(wall, 2),
        "searches_per_second": round(ok / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "max_ms": round(max(lat), 1),
        "mean_ms": round(statistics.fmean(lat), 1),
        "server_cpu_seconds": round(cpu, 2),
        "server_cpu_ms_per_search": round(cpu * 1000 / ok, 1) if ok else None,
        "peak_rss_mb": after.get("peak_rss_mb") if peak_was_reset else sampler.max_rss,
        "peak_rss_sampled_mb": sampler.max_rss,
        "memory_after": after,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "slowest": level.slowest(),
        "latencies_ms": [round(x, 2) for x in level.latencies],
    }
