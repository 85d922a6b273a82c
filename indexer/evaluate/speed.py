"""Throughput of normalize over the BBC corpus, on one core."""

from __future__ import annotations

import os
import time
from pathlib import Path

from indexer.article import Skip
from indexer.evaluate.report import SuiteResult
from indexer.normalize import normalize_file


def _one_core() -> str:
    """Pin this process to one CPU where the OS allows it; say which."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "single thread"


def evaluate(root: Path, limit: int | None = None) -> SuiteResult:
    result = SuiteResult("speed")
    folder = root / "bbc_news"
    if not folder.is_dir():
        result.skipped = f"no {folder}"
        return result
    paths = sorted(folder.glob("*/*.txt"))
    if limit is not None:
        paths = paths[:limit]
    how = _one_core()
    started = time.perf_counter()
    normalize_file(paths[0])  # loads the gazetteer, topics and language profiles once
    warm_up = time.perf_counter() - started
    articles = skipped = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in paths:
        try:
            articles += len(normalize_file(path))
        except Skip:
            skipped += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    result.add(
        "normalize over BBC: articles per CPU second",
        articles / cpu if cpu else 0.0,
        300,
        unit="articles/s",
        count=articles,
        note=f"{how}; {cpu:.1f} s CPU, {elapsed:.1f} s wall ({articles / elapsed:.0f}/s); "
        f"one-off start-up {warm_up:.2f} s; {skipped} skipped",
    )
    return result
