"""One system's build, incremental add or query rounds, in a process of its own.

    python -m bench.compare_phase build|add|query SYSTEM WORK [--rounds R]

``bench.compare`` runs each phase of each system as a separate process, so the memory and
CPU time a phase reports are that system's alone. The phase prints its figures as one
JSON object on the last line of stdout; on failure it prints the reason to stderr and
exits 1.

- ``build``: a fresh SQLite FTS5 or Tantivy index in WORK/SYSTEM from WORK/articles.jsonl
  (the normalised article dicts); diplosearch is built by ``bench.compare`` through its
  CLI instead.
- ``add``: WORK/extra.jsonl added to that index with the peer's ``add``.
- ``query``: the mix in WORK/mix.json against the system's index (diplosearch through
  ``search.engine.Engine`` after ``parse_request``, as the server does; the peers through
  their ``search`` with four facets and 10 highlighted hits): one cold round, then
  ``--rounds`` warm rounds, in the mix's order.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PEERS = ("sqlite-fts5", "tantivy")
SYSTEMS = ("diplosearch", *PEERS)


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def memory() -> dict[str, float]:
    """This process's RSS, peak RSS (VmHWM), heap (RssAnon) and mapped files (RssFile), MB."""
    keys = {"VmRSS": "rss_mb", "VmHWM": "peak_rss_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}
    found: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in keys:
                found[keys[name]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    if "peak_rss_mb" not in found:  # no /proc: ru_maxrss is in KB on Linux
        found["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return found


def open_peer(system: str, work: Path):
    from bench.peers import make_peer

    peer = make_peer(system)
    peer.open(work / system)
    return peer


# --- build and add (the peers) --------------------------------------------------------------


def build(system: str, work: Path) -> dict:
    from bench.peers import make_peer

    peer = make_peer(system)
    started = time.process_time()
    stats = peer.build(read_jsonl(work / "articles.jsonl"), work / system)
    cpu = time.process_time() - started
    peer.close()
    return _built(stats, cpu)


def add(system: str, work: Path) -> dict:
    peer = open_peer(system, work)
    started = time.process_time()
    stats = peer.add(read_jsonl(work / "extra.jsonl"))
    cpu = time.process_time() - started
    peer.close()
    return _built(stats, cpu)


def _built(stats, cpu: float) -> dict:
    return {
        "articles": stats.articles,
        "seconds": round(stats.seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "size_bytes": stats.size_bytes,
        "memory": memory(),
    }


# --- queries ---------------------------------------------------------------------------------


def diplosearch_searcher(work: Path) -> tuple[Callable[[dict], tuple[int, int, int]], Callable]:
    """A function running one request of the mix through the engine, and a closer."""
    from search.engine import Engine
    from search.request import parse_request

    engine = Engine(work / "diplosearch" / "index")

    def run(request: dict) -> tuple[int, int, int]:
        params = {"q": [request["q"]], "sort": [request["sort"]], "per_page": ["10"]}
        for name, values in request["filters"].items():
            params[name] = values if isinstance(values, list) else [values]
        result = engine.search(parse_request(params))
        return result["total"], len(result["hits"]), len(result["facets"])

    return run, engine.close


def peer_searcher(
    system: str, work: Path
) -> tuple[Callable[[dict], tuple[int, int, int]], Callable]:
    from bench.peers import Filters

    peer = open_peer(system, work)

    def run(request: dict) -> tuple[int, int, int]:
        chosen = request["filters"]
        filters = Filters(
            countries=list(chosen.get("country", [])),
            topics=list(chosen.get("topic", [])),
            date_from=chosen.get("from"),
            date_to=chosen.get("to"),
        )
        result = peer.search(request["q"], filters, request["sort"], True, True, 10)
        return result.total, len(result.hits), len(result.facets)

    return run, peer.close


def one_round(run: Callable[[dict], tuple[int, int, int]], mix: list[dict]) -> dict:
    wall, cpu, totals = [], [], []
    for request in mix:
        started, started_cpu = time.perf_counter(), time.process_time()
        total, hits, facets = run(request)
        cpu.append(round((time.process_time() - started_cpu) * 1000, 3))
        wall.append(round((time.perf_counter() - started) * 1000, 3))
        if facets != 4 or hits > 10 or hits > total:
            raise RuntimeError(f"{request}: {facets} facets, {hits} hits of {total}")
        totals.append(total)
    return {"wall_ms": wall, "cpu_ms": cpu, "totals": totals}


def query(system: str, work: Path, rounds: int) -> dict:
    mix = json.loads((work / "mix.json").read_text(encoding="utf-8"))
    before_open = memory()
    if system == "diplosearch":
        run, close = diplosearch_searcher(work)
    else:
        run, close = peer_searcher(system, work)
    cold = one_round(run, mix)
    warm = [one_round(run, mix) for _ in range(rounds)]
    after = memory()
    close()
    return {
        "requests": len(mix),
        "rounds": rounds,
        "cold": cold,
        "warm_wall_ms": [ms for r in warm for ms in r["wall_ms"]],
        "warm_cpu_ms": [ms for r in warm for ms in r["cpu_ms"]],
        "totals": warm[-1]["totals"] if warm else cold["totals"],
        "memory_before_open": before_open,
        "memory_at_end": after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phase", choices=("build", "add", "query"))
    parser.add_argument("system", choices=SYSTEMS)
    parser.add_argument("work", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.phase != "query" and args.system not in PEERS:
        parser.error("diplosearch is built and added to through its CLI (bench.compare)")
    try:
        if args.phase == "build":
            figures = build(args.system, args.work)
        elif args.phase == "add":
            figures = add(args.system, args.work)
        else:
            figures = query(args.system, args.work, args.rounds)
    except Exception as exc:  # a clear line for the parent, not a traceback
        print(f"{args.phase} {args.system}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
