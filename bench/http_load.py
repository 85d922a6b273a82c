"""Throughput and latency of ``GET /api/search`` under concurrent clients, and server memory.

    python -m bench.http_load --n 100000            # build (or reuse) corpus and index
    python -m bench.http_load --index var/index     # any existing index

For each ``--threads`` value a real ``diplosearch serve`` (waitress) starts on a free
127.0.0.1 port over the index. The fixed query mix (``query_mix``: bench.run's 50 queries
plain, with country, topic and date filters, sorted by relevance and by date, plus
browsing) runs once as a warm-up with the largest client count; then each ``--clients``
level sends the mix in a loop over keep-alive connections until ``--seconds`` or
``--max-requests`` is reached. A request counts as an error unless it is a 200 with the
SPEC's JSON. Per level: searches/s, p50/p95/p99, errors, the server's CPU time per search,
its peak RSS (VmHWM, reset before the level) and thread count. Memory is also read after
start and after the warm-up. Results go to ``--out`` (JSON) and a table to stdout; the
exit status is 1 if any request failed.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench import corpus, spy
from bench.run import QUERIES, machine, percentile
from bench.server import Server, cpu_seconds, memory, reset_peak

ROOT = Path(__file__).resolve().parent.parent
REQUEST_TIMEOUT = 60.0
SAMPLE_SECONDS = 0.1  # how often the sampler reads the server's RSS during a level


# --- the query mix --------------------------------------------------------------------


def mix_filters(url: str) -> dict[str, str]:
    """The most common country and topic, and the busiest year, from the server's facets."""
    with _connection(url) as conn:
        status, result = _get(conn, "/api/search?" + urlencode({"per_page": 1}))
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


class _connection:
    """A keep-alive HTTP/1.1 connection to the server (a context manager)."""

    def __init__(self, url: str):
        host, port = url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)

    def __enter__(self) -> http.client.HTTPConnection:
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, dict | None]:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        return response.status, None
    return 200, json.loads(body)


def _check(status: int, result: dict | None) -> str | None:
    """None for a good answer, else the kind of error."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(result, dict) or not isinstance(result.get("hits"), list):
        return "not the SPEC's JSON"
    if not isinstance(result.get("total"), int) or len(result["facets"]) != 4:
        return "not the SPEC's JSON"
    return None


class Level:
    """One run of ``clients`` concurrent clients over the mix, bounded in time and requests."""

    def __init__(self, url: str, paths: list[str], clients: int, seconds: float, limit: int):
        self.url, self.paths, self.clients = url, paths, clients
        self.seconds, self.limit = seconds, limit
        self.tickets = itertools.count()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def run(self) -> float:
        """Run every client to the end; the wall seconds from first request to last answer."""
        self.deadline = time.monotonic() + self.seconds
        started = time.perf_counter()
        workers = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.perf_counter() - started

    def _client(self) -> None:
        conn = None
        while time.monotonic() < self.deadline:
            ticket = next(self.tickets)  # the clients go through the mix together, in order
            if ticket >= self.limit:
                break
            if conn is None:
                conn = _connection(self.url).conn
            error, ms = self._one(conn, self.paths[ticket % len(self.paths)])
            with self.lock:
                if error is None:
                    self.latencies.append(ms)
                else:
                    self.errors[error] = self.errors.get(error, 0) + 1
            if error is not None:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    @staticmethod
    def _one(conn: http.client.HTTPConnection, path: str) -> tuple[str | None, float]:
        started = time.perf_counter()
        try:
            status, result = _get(conn, path)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return type(exc).__name__, 0.0
        ms = (time.perf_counter() - started) * 1000
        return _check(status, result), ms


class Sampler:
    """Reads the server's RSS every ``SAMPLE_SECONDS`` while a level runs; keeps the max."""

    def __init__(self, pid: int):
        self.pid = pid
        self.max_rss = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self.stop.is_set():
            self.max_rss = max(self.max_rss, memory(self.pid).get("rss_mb", 0.0))
            self.stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def run_level(server: Server, paths: list[str], clients: int, seconds: float, limit: int) -> dict:
    """Figures of one level: rate, latency percentiles, errors, CPU and memory of the server."""
    peak_was_reset = reset_peak(server.pid)
    cpu_before, load_before = cpu_seconds(server.pid), os.getloadavg()[0]
    level = Level(server.url, paths, clients, seconds, limit)
    with Sampler(server.pid) as sampler:
        wall = level.run()
    cpu = cpu_seconds(server.pid) - cpu_before
    after = memory(server.pid)
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
        "latencies_ms": [round(x, 2) for x in level.latencies],
    }


# --- one server, all levels -------------------------------------------------------------


def profiled_level(server: Server, paths: list[str], clients: int, seconds: float, raw: Path):
    """One more level with py-spy attached (its rate is not comparable: sampling pauses
    the server), and the functions where the server spent its samples."""
    raw.parent.mkdir(parents=True, exist_ok=True)
    sampling = spy.record(server.pid, seconds, raw)
    time.sleep(0.5)  # py-spy attaches
    level = run_level(server, paths, clients, seconds, 10**9)
    _, error = sampling.communicate(timeout=seconds + 60)
    if sampling.returncode != 0 or not raw.exists():
        raise RuntimeError(f"py-spy failed: {error.decode(errors='replace').strip()}")
    figures = {k: v for k, v in level.items() if k != "latencies_ms"}
    return {"level": figures, "raw": str(raw), **spy.summary(raw)}


def run_server(
    index: Path,
    threads: int,
    levels: list[int],
    bounds: tuple[float, int],
    warmup: int | None = None,
    profile: Path | None = None,
) -> dict:
    """Start a server with ``threads`` threads, warm it up (``warmup`` requests, default
    the whole mix once), run each client level within ``bounds`` (seconds, requests);
    then, with ``profile``, one more level of the fewest clients under py-spy."""
    seconds, limit = bounds
    with Server(index, threads=threads) as server:
        figures: dict = {"threads": threads, "articles": server.health.get("articles")}
        figures["memory_after_start"] = memory(server.pid)
        filters = mix_filters(server.url)
        paths = query_mix(filters)
        figures["mix"] = {"requests": len(paths), "filters": filters}
        first = run_level(server, paths, max(levels), float("inf"), warmup or len(paths))
        figures["warmup"] = {k: v for k, v in first.items() if k != "latencies_ms"}
        figures["memory_after_warmup"] = memory(server.pid)
        figures["levels"] = [run_level(server, paths, c, seconds, limit) for c in levels]
        figures["memory_at_end"] = memory(server.pid)
        if profile is not None:
            raw = profile.with_name(f"{profile.stem}-{threads}threads.txt")
            figures["profile"] = profiled_level(server, paths, min(levels), seconds, raw)
        figures["server_stderr"] = server.errors()[-2000:]
    return figures


def ensure_index(work: Path, n: int, corpora: Path) -> tuple[Path, dict]:
    """WORK/n<N>/articles built by bench.corpus (files already right are kept) and
    WORK/n<N>/index brought up to date by ``diplosearch index`` (incremental: a second run
    over the same N only checks the files)."""
    folder = work / f"n{n}"
    articles, index = folder / "articles", folder / "index"
    started = time.perf_counter()
    corpus.build(articles, n, 0, corpora)
    built = time.perf_counter() - started
    command = [sys.executable, "-m", "diplosearch", "--index", str(index), "index"]
    command += [str(articles), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"indexing failed: {done.stderr.strip()}")
    summary = done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
    return index, {
        "corpus_seconds": round(built, 1),
        "index_seconds": round(time.perf_counter() - started, 1),
        "index_summary": summary,
    }


# --- report -----------------------------------------------------------------------------


def table(results: dict) -> str:
    head = (
        f"{'threads':>7} {'clients':>7} {'requests':>8} {'errors':>6} {'search/s':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'cpu ms':>6} {'RSS MB':>7} {'peak MB':>7}"
    )
    rows = [head, "-" * len(head)]
    for run in results["runs"]:
        start = run["memory_after_start"].get("rss_mb", 0)
        warm = run["memory_after_warmup"].get("rss_mb", 0)
        rows.append(f"{run['threads']:>7} {'start':>7} {'':>53} {start:>7}")
        rows.append(f"{run['threads']:>7} {'warm-up':>7} {'':>53} {warm:>7}")
        for lv in run["levels"]:
            rows.append(
                f"{run['threads']:>7} {lv['clients']:>7} {lv['requests']:>8} {lv['errors']:>6} "
                f"{lv['searches_per_second']:>8} {lv['p50_ms']:>7} {lv['p95_ms']:>7} "
                f"{lv['p99_ms']:>7} {lv['server_cpu_ms_per_search'] or 0:>6} "
                f"{lv['memory_after'].get('rss_mb', 0):>7} {lv['peak_rss_mb']:>7}"
            )
    return "\n".join(rows)


def profile_text(run: dict, top: int = 15) -> str:
    profile = run["profile"]
    lines = [f"profile, {run['threads']} threads ({profile['samples']} samples holding the GIL)"]
    for kind in ("inclusive_percent", "self_percent"):
        lines.append(f"  {kind.replace('_', ' ')}:")
        lines += [f"    {share:5.1f}  {name}" for name, share in profile[kind][:top]]
    return "\n".join(lines)


def total_errors(results: dict) -> int:
    return sum(lv["errors"] for run in results["runs"] for lv in [run["warmup"], *run["levels"]])


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--index", type=Path, help="an existing index to serve")
    where.add_argument("--n", type=int, help="build (or reuse) a corpus and index of N articles")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-http")
    parser.add_argument("--corpora", type=Path, default=corpus.DEFAULT_CORPORA)
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--threads", type=int, nargs="+", default=[8], help="server threads")
    parser.add_argument("--seconds", type=float, default=30.0, help="per level (default 30)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per level")
    parser.add_argument(
        "--warmup", type=int, help="requests before the levels (default: the mix once)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="also run the fewest clients under py-spy; collapsed stacks to FILE-<T>threads.txt",
    )
    parser.add_argument("--out", type=Path, help="write the results here (JSON)")
    args = parser.parse_args(argv)
    if min(args.clients) < 1 or min(args.threads) < 1 or args.seconds <= 0:
        parser.error("--clients, --threads and --seconds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    results: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
    results["machine"] = machine()
    results["command"] = "python -m bench.http_load " + " ".join(argv or sys.argv[1:])
    index = args.index
    if args.n is not None:
        if not args.corpora.is_dir():
            print(f"bench.http_load: no corpora at {args.corpora}", file=sys.stderr)
            return 1
        index, results["build"] = ensure_index(args.work.resolve(), args.n, args.corpora)
        print("index:", json.dumps(results["build"]), flush=True)
    results["index"] = str(index)
    results["index_bytes"] = sum(f.stat().st_size for f in Path(index).glob("*") if f.is_file())
    results["runs"] = []
    for threads in args.threads:
        bounds = (args.seconds, args.max_requests)
        run = run_server(Path(index), threads, args.clients, bounds, args.warmup, args.profile)
        results["runs"].append(run)
        results["articles"] = run["articles"]
    print(table(results))
    for run in results["runs"]:
        if "profile" in run:
            print(profile_text(run))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(f"results: {args.out}")
    errors = total_errors(results)
    if errors:
        print(f"bench.http_load: {errors} requests failed", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
