"""Throughput and latency of ``GET /api/search`` under concurrent clients, and server memory.

    python -m bench.http_load --n 100000            # build (or reuse) corpus and index
    python -m bench.http_load --index var/index     # any existing index

For each ``--workers`` x ``--threads`` shape, a real ``diplosearch serve --workers N``
(waitress in N processes on one socket; one by default) starts on a free 127.0.0.1 port
over the index. The fixed query
mix (``bench.load.query_mix``: bench.run's 50 queries plain, with country, topic and date
filters, sorted by relevance and by date, plus browsing) runs once as a warm-up with the
largest client count; then each ``--clients`` level sends the mix in a loop over
keep-alive connections (the kernel hands each to a worker) until ``--seconds`` or
``--max-requests`` is reached. A request counts as an error unless it is a 200 with the
SPEC's JSON. Per level: searches/s, p50/p95/p99, errors, the server's CPU time per
search, its peak RSS (VmHWM, reset before the level) and thread count, summed over the
parent and its workers (and Pss, which counts shared index pages once). Memory is also
read after start and after the warm-up. Results go to ``--out`` (JSON) and a table to
stdout; the exit status is 1 if any request failed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import corpus, spy
from bench.load import mix_filters, query_mix, run_level
from bench.run import machine
from bench.server import Fleet

ROOT = Path(__file__).resolve().parent.parent


# --- one set of servers, all levels ----------------------------------------------------


def profiled_level(fleet: Fleet, paths: list[str], clients: int, seconds: float, raw: Path):
    """One more level with py-spy attached to the first worker (its rate is not comparable:
    sampling pauses the worker), and the functions where that worker spent its samples."""
    raw.parent.mkdir(parents=True, exist_ok=True)
    sampling = spy.record(fleet.servers[0].worker_pids()[0], seconds, raw)
    time.sleep(0.5)  # py-spy attaches
    level = run_level(fleet, paths, clients, seconds, 10**9)
    _, error = sampling.communicate(timeout=seconds + 60)
    if sampling.returncode != 0 or not raw.exists():
        raise RuntimeError(f"py-spy failed: {error.decode(errors='replace').strip()}")
    figures = {k: v for k, v in level.items() if k != "latencies_ms"}
    return {"level": figures, "raw": str(raw), **spy.summary(raw)}


def run_servers(
    index: Path,
    shape: tuple[int, int],
    levels: list[int],
    bounds: tuple[float, int],
    warmup: int | None = None,
    profile: Path | None = None,
) -> dict:
    """Start a server of ``shape`` = (workers, threads), warm it up (``warmup`` requests,
    default the whole mix once), run each client level within ``bounds`` (seconds,
    requests); then, with ``profile``, one more level of the fewest clients under py-spy."""
    (workers, threads), (seconds, limit) = shape, bounds
    with Fleet(index, processes=1, threads=threads, workers=workers) as fleet:
        figures: dict = {"processes": 1, "workers": workers, "threads": threads}
        figures["articles"] = fleet.articles
        figures["memory_after_start"] = fleet.memory()
        filters = mix_filters(fleet.urls[0])
        paths = query_mix(filters)
        figures["mix"] = {"requests": len(paths), "filters": filters}
        first = run_level(fleet, paths, max(levels), float("inf"), warmup or len(paths))
        figures["warmup"] = {k: v for k, v in first.items() if k != "latencies_ms"}
        figures["memory_after_warmup"] = fleet.memory()
        figures["levels"] = [run_level(fleet, paths, c, seconds, limit) for c in levels]
        figures["memory_at_end"] = fleet.memory()
        if profile is not None:
            raw = profile.with_name(f"{profile.stem}-{workers}x{threads}.txt")
            figures["profile"] = profiled_level(fleet, paths, min(levels), seconds, raw)
        figures["server_stderr"] = fleet.errors()[-2000:]
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


def _shape(run: dict) -> str:
    """``8`` for one process of 8 threads, ``2x8`` for two of them (two workers, or two
    servers side by side in results from before ``--workers``)."""
    processes = run.get("workers", run.get("processes", 1))
    return f"{processes}x{run['threads']}" if processes > 1 else str(run["threads"])


def table(results: dict) -> str:
    head = (
        f"{'threads':>7} {'clients':>7} {'requests':>8} {'errors':>6} {'search/s':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'cpu ms':>6} {'RSS MB':>7} {'PSS MB':>7} "
        f"{'peak MB':>7}"
    )
    rows = [head, "-" * len(head)]
    for run in results["runs"]:
        shape = _shape(run)
        for stage in ("start", "warmup"):
            mem = run[f"memory_after_{stage}"]
            rss, pss = mem.get("rss_mb", 0), mem.get("pss_mb", "")
            rows.append(f"{shape:>7} {stage:>7} {'':>53} {rss:>7} {pss:>7}")
        for lv in run["levels"]:
            mem = lv["memory_after"]
            rows.append(
                f"{shape:>7} {lv['clients']:>7} {lv['requests']:>8} {lv['errors']:>6} "
                f"{lv['searches_per_second']:>8} {lv['p50_ms']:>7} {lv['p95_ms']:>7} "
                f"{lv['p99_ms']:>7} {lv['server_cpu_ms_per_search'] or 0:>6} "
                f"{mem.get('rss_mb', 0):>7} {mem.get('pss_mb', ''):>7} {lv['peak_rss_mb']:>7}"
            )
    return "\n".join(rows)


def profile_text(run: dict, top: int = 15) -> str:
    profile = run["profile"]
    lines = [f"profile, {_shape(run)} threads: {profile['samples']} samples holding the GIL"]
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
    parser.add_argument(
        "--workers",
        "--processes",
        type=int,
        nargs="+",
        default=[1],
        help="worker processes of the server: `diplosearch serve --workers N` (default 1)",
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="per level (default 30)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per level")
    parser.add_argument(
        "--warmup", type=int, help="requests before the levels (default: the mix once)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="also run the fewest clients under py-spy; collapsed stacks to FILE-<P>x<T>.txt",
    )
    parser.add_argument("--out", type=Path, help="write the results here (JSON)")
    args = parser.parse_args(argv)
    if min(args.clients + args.threads + args.workers) < 1 or args.seconds <= 0:
        parser.error("--clients, --threads, --workers and --seconds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        return run(_args(argv), argv)
    except RuntimeError as exc:  # the server or the indexer failed: say why, no traceback
        print(f"bench.http_load: {exc}", file=sys.stderr)
        return 1


def run(args: argparse.Namespace, argv: list[str] | None) -> int:
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
    bounds = (args.seconds, args.max_requests)
    for shape in itertools.product(args.workers, args.threads):
        run = run_servers(Path(index), shape, args.clients, bounds, args.warmup, args.profile)
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
