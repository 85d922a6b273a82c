"""A disk that fills up mid-run (a file-size limit on the indexer process): a clear error,
no traceback, and the previous index still serves."""

from __future__ import annotations

import resource
import shutil
import signal

from search.engine import Engine
from search.request import parse_request
from tests.conftest import SEEDS
from tests.reliability.sources import id_checksums, make_sources, run_diplosearch

LIMIT_BYTES = 64 * 1024


def _limit_file_size() -> None:  # runs in the child before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG error instead of a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, LIMIT_BYTES))


def test_index_run_on_a_full_disk_fails_clearly_and_keeps_the_old_index(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    index = tmp_path / "index"
    first = run_diplosearch(index, "index", sources, "--quiet")
    assert first.returncode == 0, first.stderr
    before = id_checksums(index)

    make_sources(sources / "more", 120, real=False)
    full = run_diplosearch(index, "index", sources, "--quiet", preexec_fn=_limit_file_size)
    assert full.returncode == 1, (full.stdout, full.stderr)
    assert "Traceback" not in full.stderr
    assert "cannot write the index" in full.stderr

    assert id_checksums(index) == before
    engine = Engine(index)
    assert engine.search(parse_request({"q": ["cybercrime"]}))["total"] == 3
    engine.close()

    again = run_diplosearch(index, "index", sources, "--quiet")
    assert again.returncode == 0, again.stderr
    assert len(id_checksums(index)) == 5 + 120
