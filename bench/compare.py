"""diplosearch, SQLite FTS5 and Tantivy side by side: same articles, same queries, same run.

    python -m bench.compare --n 100000 [--add 1000] [--rounds 3] [--reuse] [--plot PNG]

In WORK/n<N> (default ``var/bench-compare/n<N>``):

1. ``bench.corpus`` writes N articles (items 0..N-1) to ``articles/`` and ``--add`` more
   (items N..N+add-1) to ``extra/``; every file is normalised once by ``indexer``
   (``articles_from_files``, two processes) into ``articles.jsonl`` and ``extra.jsonl``.
2. Indexing: diplosearch through its CLI, ``diplosearch index articles/`` end to end
   (reading, normalising, writing); the peers from the normalised dicts in
   ``articles.jsonl`` (``bench.peers``: FTS5 ``porter unicode61 remove_diacritics 2`` with
   bm25, Tantivy with English stemming). Figures: articles/s, CPU, index size; plus the
   peers with the normalising step added, and diplosearch's index step alone (CPU per
   article, from ``bench.run.indexing_breakdown`` on a 1,000-article sample).
3. Incremental add: diplosearch copies ``extra/`` into ``articles/extra`` and runs
   ``diplosearch index`` again (the new files among the N unchanged ones); the peers
   ``add`` the dicts of ``extra.jsonl``. Seconds.
4. Queries, on the N + add articles: a fixed mix (``query_mix``) of ``bench.run``'s
   queries that every system reads the same way (words and phrases), five ways each
   (relevance; + country; + topic and a year; newest first; newest first + country and a
   year) plus four browsing requests, in a fixed shuffled order; each with four facets and
   10 highlighted hits. One cold round, then ``--rounds`` warm ones, in a separate process
   per system (``bench.compare_phase``): p50/p95/p99 and its peak RSS (VmHWM).

Ratios are diplosearch / peer for every figure. A markdown table goes to stdout, all
figures (with the raw latencies) to ``--out`` (default ``bench/out/compare-N.json``) and a
latency plot to ``--plot`` (needs matplotlib, the ``bench`` extra). ``--reuse`` keeps the
corpus, the normalised files and every index that ``state.json`` records as built and
added to (with their figures), and builds only what is missing: a re-run measures the
queries again without rebuilding. Without it everything is built afresh (article files
already right are kept).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench import corpus
from bench.compare_phase import PEERS, SYSTEMS
from bench.run import QUERIES, cli, machine, percentile, summary_numbers

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK = ROOT / "var" / "bench-compare"
FIELDS = ("id", "title", "body", "date", "countries", "topics", "language")
BREAKDOWN_SAMPLE = 1000
POOL_MIN = 500  # fewer files are normalised in this process (starting workers costs more)
_OPERATOR = re.compile(r"[*~:()]|(^|\s)[-+]\w|\b(OR|AND|NOT)\b")


# --- the query mix ---------------------------------------------------------------------------


def comparable(query: str) -> bool:
    """True for a query of words and phrases only, which every system reads alike (the
    peers' adapters have no prefix, fuzzy, field, OR, NOT or -word syntax)."""
    return not _OPERATOR.search(query)


COMPARABLE = [q for q in QUERIES if comparable(q)]


def query_mix(filters: dict[str, str], seed: int = 6) -> list[dict]:
    """Each comparable query five ways, and four browsing requests, in a fixed order.

    A request: ``{"q", "sort", "filters": {"country": [...], "topic": [...], "from",
    "to"}, "kind"}``; the filters are the corpus's most common country and topic and its
    busiest year (``mix_filters``)."""
    country = {"country": [filters["country"]]} if "country" in filters else {}
    topic = {"topic": [filters["topic"]]} if "topic" in filters else {}
    year = filters.get("year")
    dates = {"from": f"{year}-01-01", "to": f"{year}-12-31"} if year else {}
    ways = [
        ("relevance", "relevance", {}),
        ("relevance + country", "relevance", country),
        ("relevance + topic + year", "relevance", {**topic, **dates}),
        ("newest first", "date", {}),
        ("newest first + country + year", "date", {**country, **dates}),
    ]
    mix = [
        {"q": q, "sort": sort, "filters": chosen, "kind": kind}
        for q in COMPARABLE
        for kind, sort, chosen in ways
    ]
    for chosen in ({}, country, {**topic, **dates}, {**country, **dates}):
        mix.append({"q": "", "sort": "date", "filters": chosen, "kind": "browsing"})
    random.Random(seed).shuffle(mix)
    return mix


def mix_filters(counts: dict[str, Counter]) -> dict[str, str]:
    """The most common country and topic, and the year with the most articles."""
    chosen = {}
    for facet in ("country", "topic", "year"):
        if counts[facet]:  # ties broken by value, so the choice never depends on order
            chosen[facet] = min(counts[facet].items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return chosen


# --- step 1: corpus and normalised articles -------------------------------------------------


def _records(path: Path) -> list[dict]:
    """The file's articles as the indexer reads them (none for a file it skips); each id
    is the file's name without the suffix, as ``bench.peers`` expects."""
    from indexer.article import Skip
    from indexer.normalize import normalize_file

    try:
        found = normalize_file(path)
    except Skip:
        return []
    return [{**{k: a.as_dict()[k] for k in FIELDS}, "id": path.stem} for a in found]


def normalise(files: list[Path], out: Path, counts: dict[str, Counter] | None = None) -> dict:
    """Every file through ``indexer`` (in two processes from ``POOL_MIN`` files on), in
    order, to JSON lines."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, started_cpu = time.perf_counter(), time.process_time()
    written = 0
    workers = multiprocessing.Pool(2) if len(files) >= POOL_MIN else contextlib.nullcontext()
    with out.open("w", encoding="utf-8") as lines, workers as pool:
        mapped = pool.imap(_records, files, chunksize=32) if pool else map(_records, files)
        for records in mapped:
            for record in records:
                lines.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
                if counts is not None:
                    counts["country"].update(record["countries"] or [])
                    counts["topic"].update(record["topics"] or [])
                    year = (record["date"] or "")[:4]
                    counts["year"].update([year] if year.isdigit() else [])
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    cpu += time.process_time() - started_cpu
    return {
        "files": len(files),
        "articles": written,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
    }


def prepare(work: Path, n: int, add: int, corpora: Path) -> dict:
    started = time.perf_counter()
    shutil.rmtree(work / "articles" / "extra", ignore_errors=True)
    sequence = corpus.Sequence(corpora)  # read the sources once for both folders
    files = corpus.write_items(sequence, work / "articles", 0, n)
    extra = corpus.write_items(sequence, work / "extra", n, add)
    built = time.perf_counter() - started
    counts: dict[str, Counter] = {"country": Counter(), "topic": Counter(), "year": Counter()}
    figures = normalise(files, work / "articles.jsonl", counts)
    extra_figures = normalise(extra, work / "extra.jsonl")
    return {
        "corpus_seconds": round(built, 1),
        "normalise": figures,
        "normalise_extra": extra_figures,
        "filters": mix_filters(counts),
    }


# --- steps 2 and 3: indexing and incremental add ---------------------------------------------


def _timed_cli(*args: str) -> tuple[float, float, dict[str, int]]:
    """(wall s, CPU s of the command and its workers, summary counts) of a diplosearch run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = cli(*args)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"diplosearch {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, summary_numbers(done.stdout)


def dir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_diplosearch(work: Path) -> dict:
    index, articles = work / "diplosearch" / "index", work / "articles"
    shutil.rmtree(articles / "extra", ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    wall, cpu, counts = _timed_cli("--index", str(index), "index", str(articles), "--quiet")
    return {
        "command": f"diplosearch --index {index} index {articles} --quiet",
        "articles": counts["added"],
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "size_bytes": dir_bytes(index),
        "index_step_only": breakdown(articles, len(list(articles.rglob("*.txt")))),
    }


def breakdown(articles: Path, n: int) -> dict:
    """diplosearch's index step alone: CPU ms per article on a sample, in one process."""
    from bench.run import indexing_breakdown

    try:
        found = indexing_breakdown(articles, min(BREAKDOWN_SAMPLE, n))
    except Exception as exc:  # internals another change may move: report, do not stop
        return {"error": f"{type(exc).__name__}: {exc}"}
    per_article = found["analyse_and_add_cpu_ms"] + found["commit_cpu_ms"]
    return {**found, "articles_per_cpu_second": round(1000 / per_article, 1)}


def add_diplosearch(work: Path) -> dict:
    index = work / "diplosearch" / "index"
    shutil.rmtree(work / "articles" / "extra", ignore_errors=True)
    shutil.copytree(work / "extra", work / "articles" / "extra")
    wall, cpu, counts = _timed_cli("--index", str(index), "index", "--quiet")
    return {
        "command": f"diplosearch --index {index} index --quiet",
        "articles": counts["added"],
        "unchanged": counts["unchanged"],
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "size_bytes": dir_bytes(index),
    }


def phase(name: str, system: str, work: Path, rounds: int = 0) -> dict:
    """``bench.compare_phase`` in a process of its own; its JSON figures."""
    command = [sys.executable, "-m", "bench.compare_phase", name, system, str(work)]
    command += ["--rounds", str(rounds)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(done.stderr.strip()[-2000:] or f"{name} {system}: no output")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_and_add(system: str, work: Path) -> dict:
    if system == "diplosearch":
        return {"indexing": build_diplosearch(work), "incremental_add": add_diplosearch(work)}
    return {"indexing": phase("build", system, work), "incremental_add": phase("add", system, work)}


# --- step 4: query figures -------------------------------------------------------------------


def latency_summary(raw: dict, mix: list[dict]) -> dict:
    wall, cpu, cold = raw["warm_wall_ms"], raw["warm_cpu_ms"], raw["cold"]["wall_ms"]
    totals = raw["totals"]
    kinds: dict[str, list[float]] = {}
    for i, ms in enumerate(wall):
        kinds.setdefault(mix[i % len(mix)]["kind"], []).append(ms)
    return {
        "requests": raw["requests"],
        "rounds": raw["rounds"],
        "p50_ms": round(percentile(wall, 50), 2),
        "p95_ms": round(percentile(wall, 95), 2),
        "p99_ms": round(percentile(wall, 99), 2),
        "max_ms": round(max(wall), 2),
        "mean_ms": round(sum(wall) / len(wall), 2),
        "cpu_p50_ms": round(percentile(cpu, 50), 2),
        "cpu_p95_ms": round(percentile(cpu, 95), 2),
        "cold_p50_ms": round(percentile(cold, 50), 2),
        "cold_p95_ms": round(percentile(cold, 95), 2),
        "cold_max_ms": round(max(cold), 2),
        "p95_ms_by_kind": {k: round(percentile(v, 95), 2) for k, v in sorted(kinds.items())},
        "median_total": sorted(totals)[len(totals) // 2],
        "requests_with_hits": sum(1 for t in totals if t),
        "peak_rss_mb": raw["memory_at_end"].get("peak_rss_mb"),
        "memory_before_open": raw["memory_before_open"],
        "memory_at_end": raw["memory_at_end"],
        "totals": totals,
        "latencies_ms": wall,
    }


# --- the report ------------------------------------------------------------------------------


def _get(figures: dict, *keys: str):
    for key in keys:
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures


def _rate(part: dict | None, seconds_key: str = "seconds") -> float | None:
    if not part or not part.get(seconds_key):
        return None
    return round(part["articles"] / part[seconds_key], 1)


def figures_of(system: str, results: dict) -> dict[str, float | None]:
    """The table's figures for one system (None where it has none)."""
    s = results["systems"][system]
    indexing, added, q = s.get("indexing") or {}, s.get("incremental_add"), s.get("queries") or {}
    normalise = results["prepare"]["normalise"]
    if system == "diplosearch":
        with_normalising = _rate(indexing)
        step_only = _get(indexing, "index_step_only", "articles_per_cpu_second")
    else:
        seconds = indexing.get("seconds", 0) + normalise["seconds"]
        with_normalising = round(indexing["articles"] / seconds, 1) if seconds else None
        step_only = _rate(indexing, "cpu_seconds")
    size = indexing.get("size_bytes")
    return {
        "indexing_articles_per_s": _rate(indexing),
        "indexing_with_normalising_articles_per_s": with_normalising,
        "index_step_articles_per_cpu_s": step_only,
        "index_size_mb": round(size / 1e6, 1) if size else None,
        "query_p50_ms": q.get("p50_ms"),
        "query_p95_ms": q.get("p95_ms"),
        "query_p99_ms": q.get("p99_ms"),
        "query_cold_p95_ms": q.get("cold_p95_ms"),
        "query_cpu_p50_ms": q.get("cpu_p50_ms"),
        "query_cpu_p95_ms": q.get("cpu_p95_ms"),
        "query_peak_rss_mb": q.get("peak_rss_mb"),
        "query_heap_mb": _get(q, "memory_at_end", "anon_mb"),
        "median_matches": q.get("median_total"),
        "incremental_add_s": added["seconds"] if added else None,
    }


ROWS = [
    ("indexing_articles_per_s", "indexing, articles/s (diplosearch: files; peers: dicts)"),
    ("indexing_with_normalising_articles_per_s", "indexing incl. normalising, articles/s"),
    ("index_step_articles_per_cpu_s", "index step only, articles per CPU-second"),
    ("index_size_mb", "index size, MB"),
    ("query_p50_ms", "query p50, ms (warm)"),
    ("query_p95_ms", "query p95, ms (warm)"),
    ("query_p99_ms", "query p99, ms (warm)"),
    ("query_cold_p95_ms", "query p95, ms (cold: first round)"),
    ("query_cpu_p50_ms", "query CPU time p50, ms (warm)"),
    ("query_cpu_p95_ms", "query CPU time p95, ms (warm)"),
    ("query_peak_rss_mb", "peak RSS of the query process, MB"),
    ("query_heap_mb", "of which heap (RssAnon) at the end, MB"),
    ("median_matches", "median matches per request"),
    ("incremental_add_s", "incremental add, s"),
]


def ratios(table: dict[str, dict]) -> dict[str, dict[str, float | None]]:
    """diplosearch / peer for every figure."""
    ours = table["diplosearch"]
    found = {}
    for peer in (s for s in table if s != "diplosearch"):
        found[peer] = {
            key: round(ours[key] / value, 2) if ours[key] is not None and value else None
            for key, value in table[peer].items()
        }
    return found


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def markdown(results: dict) -> str:
    systems = list(results["table"])
    peers = [s for s in systems if s != "diplosearch"]
    head = ["figure", *systems, *(f"diplosearch / {p}" for p in peers)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    add = results["add"]
    for key, label in ROWS:
        label = label.replace("incremental add", f"incremental add of {add:,}")
        cells = [_cell(results["table"][s][key]) for s in systems]
        cells += [_cell(results["ratios"][p][key]) for p in peers]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    return "\n".join(lines)


# --- the run ---------------------------------------------------------------------------------


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles (default 100,000)")
    parser.add_argument("--add", type=int, default=1_000, help="articles added incrementally")
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds of the mix")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, help="default: all installed")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--corpora", type=Path, default=corpus.DEFAULT_CORPORA)
    parser.add_argument("--reuse", action="store_true", help="keep what state.json records")
    parser.add_argument("--out", type=Path, help="results JSON (default bench/out/compare-N.json)")
    parser.add_argument("--plot", type=Path, help="write the latency plot here (PNG)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.add < 1 or args.rounds < 1:
        parser.error("--n, --add and --rounds must be positive")
    return args


def chosen_systems(asked: list[str] | None) -> list[str]:
    from bench.peers import tantivy_available

    if asked is None:
        return [s for s in SYSTEMS if s != "tantivy" or tantivy_available()]
    if "tantivy" in asked and not tantivy_available():
        raise RuntimeError('tantivy is not installed: pip install -e ".[bench]"')
    return ["diplosearch", *(s for s in PEERS if s in asked)]  # diplosearch always, first


def load_state(work: Path, args: argparse.Namespace) -> dict:
    path = work / "state.json"
    fresh = {"n": args.n, "add": args.add, "prepare": None, "systems": {}}
    if not args.reuse or not path.exists():
        return fresh
    state = json.loads(path.read_text(encoding="utf-8"))
    return state if (state.get("n"), state.get("add")) == (args.n, args.add) else fresh


def save_state(work: Path, state: dict) -> None:
    (work / "state.json").write_text(json.dumps(state, indent=1), encoding="utf-8")


def say(text: str) -> None:
    print(text, flush=True)


def run(args: argparse.Namespace) -> dict:
    if not args.corpora.is_dir():
        raise RuntimeError(f"no corpora at {args.corpora}")
    systems = chosen_systems(args.systems)
    work = (args.work / f"n{args.n}").resolve()
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
    results |= {"machine": machine(), "articles": args.n, "add": args.add, "work": str(work)}
    state = load_state(work, args)
    save_state(work, state)  # an interrupted run leaves what was finished, no more
    if state["prepare"] is None:
        say(f"corpus: {args.n:,} + {args.add:,} articles, normalising them ...")
        state["prepare"] = prepare(work, args.n, args.add, args.corpora)
        save_state(work, state)
    results["prepare"] = state["prepare"]
    say("prepared: " + json.dumps(state["prepare"]))
    for system in systems:
        if system not in state["systems"]:
            say(f"{system}: indexing {args.n:,} articles, then adding {args.add:,} ...")
            state["systems"][system] = {"built": results["date"], **build_and_add(system, work)}
            save_state(work, state)
        else:
            say(f"{system}: reusing the index built {state['systems'][system]['built']}")
    mix = query_mix(state["prepare"]["filters"])
    (work / "mix.json").write_text(json.dumps(mix, ensure_ascii=False), encoding="utf-8")
    results["mix"] = {"requests": len(mix), "queries": COMPARABLE, **state["prepare"]}
    results["mix_requests"] = mix
    results["systems"] = {}
    for system in systems:
        say(f"{system}: {len(mix)} requests, 1 cold + {args.rounds} warm rounds ...")
        raw = phase("query", system, work, args.rounds)
        results["systems"][system] = {**state["systems"][system]}
        results["systems"][system]["queries"] = latency_summary(raw, mix)
    results["table"] = {s: figures_of(s, results) for s in systems}
    results["ratios"] = ratios(results["table"])
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    try:
        results = run(args)
    except RuntimeError as exc:
        print(f"bench.compare: {exc}", file=sys.stderr)
        return 1
    table = markdown(results)
    results["markdown"] = table
    load = results["machine"]["load_average_at_start"], results["load_average_at_end"]
    print(f"load average: {load[0]} at the start, {load[1]} at the end")
    print(table)
    out = args.out or ROOT / "bench" / "out" / f"compare-{args.n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"results: {out}")
    if args.plot:
        from bench.compare_plot import plot

        try:
            print(f"plot: {plot(results, args.plot)}")
        except ImportError:
            print('bench.compare: no plot, matplotlib is missing: pip install -e ".[bench]"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
