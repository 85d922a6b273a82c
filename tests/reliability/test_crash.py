"""The indexer killed with SIGKILL at random moments: the index always opens and answers,
no stale lock blocks the next run, and the runs converge to exactly a clean build.

``make test`` runs 20 trials over a small folder; ``make soak`` (DIPSEARCH_SOAK=1) runs
them over a few thousand real articles from ../shared/corpora.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from search.engine import Engine
from search.request import parse_request
from search.store import exists
from tests.conftest import ROOT
from tests.reliability.sources import (
    diplosearch_command,
    id_checksums,
    make_sources,
    run_diplosearch,
)

SOAK = os.environ.get("DIPSEARCH_SOAK") == "1"
ARTICLES = 3000 if SOAK else 150
TRIALS = 20


def index_command(index: Path, source: Path) -> list[str]:
    return diplosearch_command(index, "index", source, "--quiet")


def run_to_end(index: Path, source: Path) -> subprocess.CompletedProcess:
    return run_diplosearch(index, "index", source, "--quiet")


def assert_index_answers(index: Path) -> None:
    if not exists(index):
        return  # killed before the first commit: nothing to serve yet, nothing broken
    engine = Engine(index)
    try:
        everything = engine.search(parse_request({"per_page": ["1"]}))
        assert everything["total"] == engine.searcher().doc_count()
        engine.search(parse_request({"q": ["minister"]}))
        id_checksums(index)  # no duplicate ids
    finally:
        engine.close()


@pytest.mark.timeout_hint(300)
def test_sigkilled_indexer_leaves_a_usable_index_and_the_next_runs_converge(tmp_path):
    source = make_sources(tmp_path / "articles", ARTICLES)
    clean = tmp_path / "clean"
    started = time.monotonic()
    done = run_to_end(clean, source)
    full_run = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    expected = id_checksums(clean)
    assert len(expected) == ARTICLES

    rng = random.Random(20261122)
    index = tmp_path / "crashed"
    kills = []
    for _ in range(TRIALS):
        process = subprocess.Popen(
            index_command(index, source),
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        delay = rng.uniform(0.0, full_run * 1.1)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        _, err = process.communicate()
        kills.append(round(delay, 2))
        assert "another indexer" not in err, f"a stale lock blocked a run: {err}"
        assert "Traceback" not in err, err
        assert_index_answers(index)

    final = run_to_end(index, source)
    assert final.returncode == 0, final.stderr
    assert id_checksums(index) == expected, f"kill times: {kills}"
