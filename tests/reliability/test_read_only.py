"""An index on a read-only file system: the indexer says so and stops; searching still works.

The read-only mount is a bind mount in a private mount namespace (``unshare -m``), which
needs root; the test skips elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.reliability.sources import diplosearch_command, id_checksums, run_diplosearch


def _read_only(folder: Path, command: list[str]) -> list[str]:
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && exec "$@"'
    )
    return ["unshare", "-m", "sh", "-c", script, "sh", *command]


def _run_read_only(index: Path, *args) -> subprocess.CompletedProcess:
    """A diplosearch command that sees ``index`` mounted read-only."""
    command = _read_only(index, diplosearch_command(index, *args))
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def _can_mount_read_only(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    if not shutil.which("unshare"):
        return False
    result = subprocess.run(
        _read_only(probe, ["sh", "-c", f'! touch "{probe}/x"']), capture_output=True
    )
    return result.returncode == 0


def test_indexing_into_a_read_only_index_fails_clearly_and_search_still_works(tmp_path):
    if not _can_mount_read_only(tmp_path):
        pytest.skip("needs root and unshare to mount a read-only folder")
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    index = tmp_path / "index"
    assert run_diplosearch(index, "index", sources, "--quiet").returncode == 0
    before = id_checksums(index)
    (sources / "new.txt").write_text(
        "A new article title\n\nBody text about customs.\n", encoding="utf-8"
    )

    refused = _run_read_only(index, "index", sources, "--quiet")
    assert refused.returncode == 1
    assert "cannot write the index" in refused.stderr
    assert "Read-only file system" in refused.stderr
    assert "Traceback" not in refused.stderr

    searched = _run_read_only(index, "search", "customs", "--json")
    assert searched.returncode == 0, searched.stderr
    assert '"total": 1' in searched.stdout
    assert id_checksums(index) == before
