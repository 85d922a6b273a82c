"""The speed benchmark: indexing, query latency with facets and highlights, incremental add.

    python -m bench.run [--work var/bench] [--n 50000] [--add 1000] [--reuse]

1. Builds ``--n`` articles (``bench.corpus``) in WORK/articles and ``--add`` more in
   WORK/extra.
2. Indexes WORK/articles through the CLI (``diplosearch index``), timed end to end:
   articles/s.
3. Runs a fixed mix of 50 queries through ``search.engine.Engine`` as the server does
   (one warm engine, each request with the four facets and 10 highlighted hits):
   p50/p95 latency over ``--rounds`` rounds; then the same queries with two filters.
4. Copies WORK/extra into WORK/articles/extra and runs ``diplosearch index`` again
   (incremental: 1,000 new files among the 50,000 unchanged ones): seconds.

Figures go to stdout and WORK/results.json. ``--reuse`` keeps an existing WORK/index and
skips steps 1-2 (query timings only). ``--profile`` writes a pyinstrument profile of the
query rounds to WORK/queries-profile.txt (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import corpus

ROOT = Path(__file__).resolve().parent.parent

# 50 queries: broad and narrow words, phrases, OR / NOT / -word, fields, prefixes, fuzzy
# terms, names with and without diacritics, Vietnamese, Turkish and Russian words.
QUERIES = [
    "oil",
    "government",
    '"interest rates"',
    "trade deficit",
    "minister",
    "security council",
    "terrorism",
    "drug trafficking",
    "cooperation agreement",
    "election",
    "human rights",
    "nuclear weapons",
    "climate change",
    "refugees",
    "peacekeeping",
    '"United Nations"',
    "economic growth",
    "police",
    "extradition",
    "cybercrime",
    "stock market",
    "bank*",
    "negotiat*",
    "secur*",
    "migraton~",
    "goverment~",
    "Tashpulatov",
    "Erdoğan",
    "erdogan",
    "istanbul",
    "Việt Nam",
    "Hà Nội",
    "ma túy",
    "Türkiye",
    "Россия",
    "президент",
    "Putin",
    "oil OR gas",
    "iran -iraq",
    "europe NOT union",
    "title:minister",
    "body:sanctions",
    '"free trade agreement"',
    "wheat exports",
    "dollar yen",
    "football",
    "hospital",
    "Kazakhstan Uzbekistan",
    "border customs",
    "tax",
]
assert len(QUERIES) == 50


def cli(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "diplosearch", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)


def timed_cli(*args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the command and its workers, completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = cli(*args)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"bench: diplosearch {' '.join(args)} failed:\n{done.stderr}")
    return wall, cpu, done


def summary_numbers(text: str) -> dict[str, int]:
    first = text.strip().splitlines()[0]  # "added 1, updated 0, unchanged 5, ..."
    return {k: int(v) for v, k in (part.split()[::-1] for part in first.split(", "))}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _summary(wall: list[float], cpu: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(wall, 50), 1),
        "p95_ms": round(percentile(wall, 95), 1),
        "max_ms": round(max(wall), 1),
        "cpu_p50_ms": round(percentile(cpu, 50), 1),
        "cpu_p95_ms": round(percentile(cpu, 95), 1),
    }


def timed_rounds(engine, params_list: list[dict], rounds: int) -> tuple[list, list, list]:
    from search.request import parse_request

    wall, cpu, totals = [], [], []
    for _ in range(rounds):
        for params in params_list:
            request = parse_request(params)
            started, started_cpu = time.perf_counter(), time.process_time()
            result = engine.search(request)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            totals.append(result["total"])
            assert len(result["facets"]) == 4 and len(result["hits"]) <= 10
    return wall, cpu, totals


def latency(index: Path, params_list: list[dict], rounds: int) -> dict:
    """A new engine: one browsing request (it loads the commit's columns), then the mix once (cold:
    nothing of the queries cached yet), then ``rounds`` more times (warm)."""
    from search.engine import Engine
    from search.request import parse_request

    engine = Engine(index)
    started = time.perf_counter()
    engine.search(parse_request({}))  # browsing: loads the columns of the commit
    first = (time.perf_counter() - started) * 1000
    cold = timed_rounds(engine, params_list, 1)
    warm = timed_rounds(engine, params_list, rounds)
    engine.close()
    return {
        "queries": len(params_list),
        "first_query_of_a_commit_ms": round(first, 1),
        "cold": _summary(cold[0], cold[1]),
        "warm": {"rounds": rounds, **_summary(warm[0], warm[1])},
        "median_total_hits": int(statistics.median(warm[2])),
    }


def two_filters(index: Path) -> dict[str, list[str]]:
    """The most common country, and a date range: the year with the most articles."""
    from search.engine import Engine

    engine = Engine(index)
    stats = engine.stats()["facets"]
    engine.close()
    year = max((v for v in stats["year"] if v["value"].isdigit()), key=lambda v: v["count"])
    return {
        "country": [stats["country"][0]["value"]],
        "from": [f"{year['value']}-01-01"],
        "to": [f"{year['value']}-12-31"],
    }


def query_figures(index: Path, rounds: int, profile: Path | None) -> dict:
    plain = [{"q": [q], "per_page": ["10"]} for q in QUERIES]
    filters = two_filters(index)
    filtered = [{**p, **filters} for p in plain]
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    figures = {
        "facets_and_highlights": latency(index, plain, rounds),
        "with_two_filters": {**latency(index, filtered, rounds), "filters": filters},
    }
    if profiler:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    return figures


def indexing_breakdown(articles: Path, sample: int) -> dict:
    """CPU ms per article of the two halves of indexing, in this process on a sample:
    reading and normalising (``indexer``), and analysing and writing (``search``), with
    the writer ``diplosearch index`` uses."""
    import tempfile

    from whoosh import writing

    from indexer.language import load_profiles
    from indexer.pipeline import Planned, load_files
    from indexer.readers import display_path, iter_files
    from search.bulk import Writer, commit
    from search.store import open_or_create

    files = sorted(iter_files([articles]))[:sample]
    plans = [Planned(display_path(f), str(f), "", False) for f in files]
    load_profiles()
    started = time.process_time()
    documents, _ = load_files(plans, 10 * 1024 * 1024, False)
    normalise = time.process_time() - started
    with tempfile.TemporaryDirectory() as folder:
        ix = open_or_create(Path(folder))
        started = time.process_time()
        writer = Writer(ix)
        for document in documents:
            writer.add_document(**document)
        added = time.process_time() - started
        commit(writer, writing.MERGE_SMALL)
        written = time.process_time() - started
    n = len(documents)
    return {
        "sample_articles": n,
        "read_and_normalise_cpu_ms": round(normalise / n * 1000, 2),
        "analyse_and_add_cpu_ms": round(added / n * 1000, 2),
        "commit_cpu_ms": round((written - added) / n * 1000, 2),
    }


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--add", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpora", type=Path, default=corpus.DEFAULT_CORPORA)
    parser.add_argument("--reuse", action="store_true", help="keep WORK/index; queries only")
    parser.add_argument("--profile", action="store_true", help="profile the query rounds")
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"bench: no corpora at {args.corpora}", file=sys.stderr)
        return 1
    work = args.work.resolve()
    articles, extra, index = work / "articles", work / "extra", work / "index"
    results: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
    results["machine"] = machine()
    results["articles"] = args.n

    if not args.reuse:
        started = time.perf_counter()
        shutil.rmtree(articles / "extra", ignore_errors=True)
        corpus.build(articles, args.n, 0, args.corpora)
        corpus.build(extra, args.add, args.n, args.corpora)
        print(f"corpus: {args.n} + {args.add} files in {time.perf_counter() - started:.0f} s")
        shutil.rmtree(index, ignore_errors=True)
        wall, cpu, done = timed_cli("--index", str(index), "index", str(articles), "--quiet")
        counts = summary_numbers(done.stdout)
        results["indexing"] = {
            "command": f"diplosearch --index {index} index {articles} --quiet",
            "articles": counts["added"],
            "skipped": counts["skipped"],
            "seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1),
            "articles_per_second": round(counts["added"] / wall, 1),
            "articles_per_cpu_second": round(counts["added"] / cpu, 1),
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
        print("indexing:", json.dumps(results["indexing"]))

    results["index_bytes"] = sum(f.stat().st_size for f in index.iterdir() if f.is_file())
    results["indexing_breakdown"] = indexing_breakdown(articles, 1000)
    print("indexing breakdown:", json.dumps(results["indexing_breakdown"]))
    profile = work / "queries-profile.txt" if args.profile else None
    results["queries"] = query_figures(index, args.rounds, profile)
    print("queries:", json.dumps(results["queries"]))

    if not args.reuse:
        shutil.copytree(extra, articles / "extra")
        wall, cpu, done = timed_cli("--index", str(index), "index", "--quiet")
        counts = summary_numbers(done.stdout)
        results["incremental_add"] = {
            "command": f"diplosearch --index {index} index --quiet",
            "added": counts["added"],
            "unchanged": counts["unchanged"],
            "seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1),
        }
        wall, cpu, done = timed_cli("--index", str(index), "index", "--quiet")
        results["unchanged_run"] = {"seconds": round(wall, 1), **summary_numbers(done.stdout)}
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        print("incremental:", json.dumps(results["incremental_add"]))
        print("unchanged run:", json.dumps(results["unchanged_run"]))

    work.mkdir(parents=True, exist_ok=True)
    (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"results: {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
