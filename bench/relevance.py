"""Relevance on the Cranfield and CISI collections: MAP, nDCG@10 and P@10 per system.

    python -m bench.relevance [--corpora ../shared/corpora] [--markdown]
                              [--variants | --peer-weights] [--collection cranfield]

Each system indexes a collection's documents (title + abstract) and ranks them for each
judged query, natural-language style (any word may match; see ``bench.peers``). Scores are
means over the judged queries, from rankings 1,000 deep.

The collections as published (``../shared/corpora/cran``, ``../shared/corpora/cisi``):

- SMART format: ``.I id`` opens a record, a line ``.T``/``.A``/``.B``/``.W``/``.X``… opens
  a field. The documents' ``.T`` is the title and ``.W`` the abstract. Abstracts are
  hard-wrapped; an indented line starts a paragraph. A Cranfield abstract begins by
  repeating the title; that repeat is dropped (diplosearch's cleanup would drop it, and
  every system must see the same text).
- Cranfield queries are numbered 1..225 in order of appearance (the ``.I`` ids have gaps);
  ``cranqrel`` grades 1 (complete answer) .. 4 (minimum interest), -1 = not relevant.
  Grades 1..4 count as relevant, with nDCG gains 4..1.
- CISI: 112 queries (``.W``, plus ``.T`` when present), 76 with judgements in
  ``CISI.REL``; every judged pair is relevant (gain 1).
"""

from __future__ import annotations

import argparse
import math
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
DEPTH = 1000
CUTOFF = 10
COLLECTIONS = ("cranfield", "cisi")
PEER_TITLE_WEIGHTS = (1.0, 2.0, 3.0)
_ID_LINE = re.compile(r"^\.I\s+(\d+)\s*$")
_FIELD_LINE = re.compile(r"^\.([A-Z])\s*$")


@dataclass
class Collection:
    name: str
    docs: list[dict]  # article dicts: id, title, body, language
    queries: dict[str, str]  # query id (as in the judgements) -> text
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> gain (> 0: relevant)

    def judged(self) -> list[str]:
        """Query ids with at least one relevant document, in the collection's order."""
        return [q for q in self.queries if any(g > 0 for g in self.qrels.get(q, {}).values())]


# --- reading the collections ------------------------------------------------------------


def smart_records(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(id, {field letter: raw text}) for each ``.I`` record of a SMART-format file."""
    record_id, fields, current = None, {}, None
    for line in text.splitlines():
        if match := _ID_LINE.match(line):
            if record_id is not None:
                yield record_id, fields
            record_id, fields, current = match.group(1), {}, None
        elif match := _FIELD_LINE.match(line):
            current = match.group(1)
            fields.setdefault(current, "")
        elif current is not None:
            fields[current] += line + "\n"
    if record_id is not None:
        yield record_id, fields


def unwrap(raw: str) -> list[str]:
    """Hard-wrapped lines -> paragraphs; an indented line starts a new one."""
    paragraphs: list[str] = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        if line[:1].isspace() or not paragraphs:
            paragraphs.append(line.strip())
        else:
            paragraphs[-1] += " " + line.strip()
    return [" ".join(p.split()) for p in paragraphs]


def _document(doc_id: str, fields: dict[str, str]) -> dict:
    title = " ".join(fields.get("T", "").split())
    paragraphs = unwrap(fields.get("W", ""))
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return {"id": doc_id, "title": title, "body": "\n".join(paragraphs), "language": "en"}


def _query_text(fields: dict[str, str]) -> str:
    return " ".join(" ".join(fields.get(f, "").split()) for f in ("T", "W")).strip()


def load_cranfield(folder: Path) -> Collection:
    folder = Path(folder)
    docs = [_document(i, f) for i, f in smart_records(_read(folder / "cran.all.1400"))]
    records = smart_records(_read(folder / "cran.qry"))
    queries = {str(n): _query_text(f) for n, (_, f) in enumerate(records, start=1)}
    qrels: dict[str, dict[str, int]] = {}
    for line in _read(folder / "cranqrel").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            grade = int(parts[2])
            qrels.setdefault(parts[0], {})[parts[1]] = 5 - grade if 1 <= grade <= 4 else 0
    return Collection("cranfield", docs, queries, qrels)


def load_cisi(folder: Path) -> Collection:
    folder = Path(folder)
    docs = [_document(i, f) for i, f in smart_records(_read(folder / "CISI.ALL"))]
    queries = {i: _query_text(f) for i, f in smart_records(_read(folder / "CISI.QRY"))}
    qrels: dict[str, dict[str, int]] = {}
    for line in _read(folder / "CISI.REL").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(parts[0], {})[parts[1]] = 1
    return Collection("cisi", docs, queries, qrels)


def load(name: str, corpora: Path = DEFAULT_CORPORA) -> Collection:
    if name == "cranfield":
        return load_cranfield(Path(corpora) / "cran")
    if name == "cisi":
        return load_cisi(Path(corpora) / "cisi")
    raise ValueError(f"unknown collection {name!r}: choose from {', '.join(COLLECTIONS)}")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


# --- measures ---------------------------------------------------------------------------


def average_precision(ranked: list[str], gains: dict[str, int]) -> float:
    """Mean of the precision at each relevant document's rank, over all relevant ones."""
    relevant = {d for d, g in gains.items() if g > 0}
    if not relevant:
        return 0.0
    found, total = 0, 0.0
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            found += 1
            total += found / rank
    return total / len(relevant)


def precision_at(ranked: list[str], gains: dict[str, int], k: int = CUTOFF) -> float:
    return sum(1 for d in ranked[:k] if gains.get(d, 0) > 0) / k


def ndcg_at(ranked: list[str], gains: dict[str, int], k: int = CUTOFF) -> float:
    """nDCG with linear gains: sum gain / log2(rank + 1), over the ideal ordering's."""

    def dcg(values: list[int]) -> float:
        return sum(g / math.log2(rank + 1) for rank, g in enumerate(values, start=1))

    ideal = dcg(sorted((g for g in gains.values() if g > 0), reverse=True)[:k])
    return dcg([gains.get(d, 0) for d in ranked[:k]]) / ideal if ideal else 0.0


@dataclass
class Scores:
    system: str
    collection: str
    map: float
    ndcg: float
    p10: float
    queries: int
    build_seconds: float
    query_ms: float


def score_rankings(
    collection: Collection, rank: Callable[[str], list[str]]
) -> tuple[float, float, float, int, float]:
    """(MAP, nDCG@10, P@10, judged queries, mean ms a query) of ``rank`` on ``collection``."""
    aps, ndcgs, precisions = [], [], []
    started = time.perf_counter()
    judged = collection.judged()
    for qid in judged:
        ranked = rank(collection.queries[qid])
        gains = collection.qrels[qid]
        aps.append(average_precision(ranked, gains))
        ndcgs.append(ndcg_at(ranked, gains))
        precisions.append(precision_at(ranked, gains))
    elapsed_ms = (time.perf_counter() - started) * 1000 / max(len(judged), 1)
    n = max(len(judged), 1)
    return sum(aps) / n, sum(ndcgs) / n, sum(precisions) / n, len(judged), elapsed_ms


def evaluate(peer, label: str, collection: Collection, workdir: Path) -> Scores:
    """Index ``collection`` with ``peer`` in ``workdir`` and score its rankings."""
    built = peer.build(collection.docs, workdir)
    return _scored(peer, label, collection, built.seconds)


def _scored(peer, label: str, collection: Collection, build_seconds: float) -> Scores:
    found = score_rankings(collection, lambda text: peer.rank(text, DEPTH))
    return Scores(label, collection.name, *found[:4], build_seconds, found[4])


# --- systems and ranking variants ------------------------------------------------------


def systems() -> list[tuple[str, Callable]]:
    """(label, factory) of every system in the comparison."""
    from bench.peers import make_peer, tantivy_available
    from bench.peers.diplosearch_ranking import SHIPPED_ALL, SHIPPED_ANY

    found = [
        ("diplosearch, match=all (default)", lambda: make_peer("diplosearch", ranking=SHIPPED_ALL)),
        ("diplosearch, match=any", lambda: make_peer("diplosearch", ranking=SHIPPED_ANY)),
        ("sqlite-fts5 bm25", lambda: make_peer("sqlite-fts5")),
    ]
    if tantivy_available():
        found.append(("tantivy bm25", lambda: make_peer("tantivy")))
    return found


def variants() -> list[tuple[str, object]]:
    """Ranking experiments for diplosearch, each one general change from the OR baseline."""
    from bench.peers.diplosearch_ranking import VARIANTS

    return list(VARIANTS.items())


def run_systems(collection: Collection, base: Path) -> list[Scores]:
    results = []
    for n, (label, factory) in enumerate(systems()):
        peer = factory()
        try:
            results.append(evaluate(peer, label, collection, base / f"{collection.name}-{n}"))
        finally:
            peer.close()
    return results


def run_peer_weights(collection: Collection, base: Path) -> list[Scores]:
    """The peers at title weights 1, 2 and 3: how much their figures hang on that choice."""
    from bench.peers import make_peer, tantivy_available

    names = ["sqlite-fts5"] + (["tantivy"] if tantivy_available() else [])
    results = []
    for name in names:
        for weight in PEER_TITLE_WEIGHTS:
            peer = make_peer(name, title_weight=weight)
            label = f"{name} bm25, title weight {weight:g}"
            try:
                workdir = base / f"{collection.name}-{name}-{weight:g}"
                results.append(evaluate(peer, label, collection, workdir))
            finally:
                peer.close()
    return results


def run_variants(collection: Collection, base: Path) -> list[Scores]:
    """Every variant; one index per distinct index-time setting, reused by the others."""
    from bench.peers.diplosearch_peer import DiplosearchPeer

    results, built = [], {}
    for label, ranking in variants():
        key = ranking.index_key()
        if key not in built:
            peer = DiplosearchPeer(ranking)
            stats = peer.build(collection.docs, base / f"{collection.name}-v{len(built)}")
            built[key] = (peer, stats.seconds)
        peer, seconds = built[key]
        peer.set_ranking(ranking)
        results.append(_scored(peer, label, collection, seconds))
    for peer, _ in built.values():
        peer.close()
    return results


# --- output -----------------------------------------------------------------------------


def table(rows: list[Scores], markdown: bool = False) -> str:
    head = ["collection", "system", "MAP", "nDCG@10", "P@10", "queries", "index s", "ms/query"]
    body = [
        [
            r.collection,
            r.system,
            f"{r.map:.4f}",
            f"{r.ndcg:.4f}",
            f"{r.p10:.4f}",
            str(r.queries),
            f"{r.build_seconds:.1f}",
            f"{r.query_ms:.1f}",
        ]
        for r in rows
    ]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*row) for row in [head, *body])


def print_field_cost(corpora: Path) -> int:
    from bench.peers.diplosearch_ranking import combined_field_cost

    paths = sorted((Path(corpora) / "bbc_news").rglob("*.txt"))
    if not paths:
        print(f"bench.relevance: no BBC News articles under {corpora}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="field-cost-") as tmp:
        for label, stats in combined_field_cost(paths, Path(tmp)).items():
            print(
                f"{label:15} {stats.articles} articles  {stats.size_bytes / 1e6:.1f} MB  "
                f"{stats.seconds:.1f} s"
            )
    print(f"\n{machine()}; {time.strftime('%Y-%m-%d')}")
    return 0


def machine() -> str:
    return f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}"


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="MAP, nDCG@10 and P@10 on Cranfield and CISI for diplosearch and its peers.",
        epilog="example: python -m bench.relevance --corpora ../shared/corpora --markdown",
    )
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--collection", choices=COLLECTIONS, action="append")
    runs = parser.add_mutually_exclusive_group()
    runs.add_argument(
        "--variants", action="store_true", help="diplosearch ranking experiments instead"
    )
    runs.add_argument(
        "--peer-weights", action="store_true", help="the peers at title weights 1, 2 and 3"
    )
    runs.add_argument(
        "--field-cost",
        action="store_true",
        help="index size and time of the proposed title + body field, on BBC News",
    )
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"bench.relevance: no corpora at {args.corpora}", file=sys.stderr)
        return 1
    if args.field_cost:
        return print_field_cost(args.corpora)
    rows = []
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        for name in args.collection or COLLECTIONS:
            try:
                collection = load(name, args.corpora)
            except OSError as exc:
                print(f"bench.relevance: cannot read {name}: {exc}", file=sys.stderr)
                return 1
            run = (
                run_variants
                if args.variants
                else run_peer_weights
                if args.peer_weights
                else run_systems
            )
            rows += run(collection, Path(tmp))
    print(table(rows, markdown=args.markdown))
    print(f"\n{machine()}; depth {DEPTH}; {time.strftime('%Y-%m-%d')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
