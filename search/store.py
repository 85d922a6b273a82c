"""Where the index lives on disk: open, create, lock, and tell a user what is missing."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from whoosh import index

from search.mapped import MappedStorage
from search.schema import build_schema

DEFAULT_INDEX = "var/index"
ENV_INDEX = "DIPSEARCH_INDEX"
INDEX_NAME = "MAIN"  # Whoosh's default index name
LOCK_FILE = f"{INDEX_NAME}_WRITELOCK"  # the file Whoosh's own writers lock, too
LOCK_POLL_SECONDS = 0.2


class IndexMissing(Exception):
    """No index at the path; the message says how to make one."""


class WriterBusy(Exception):
    """Another process holds the index's write lock."""


def index_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--index DIR``, else ``$DIPSEARCH_INDEX``, else ``./var/index``."""
    return Path(explicit or os.environ.get(ENV_INDEX) or DEFAULT_INDEX)


def exists(path: Path) -> bool:
    return path.is_dir() and index.exists_in(str(path))


def open_index(path: Path):
    if not exists(path):
        raise IndexMissing(
            f'No index at {path}: run "diplosearch --index {path} index seeds/" first'
        )
    return MappedStorage(str(path)).open_index()


def open_or_create(path: Path):
    """The index at ``path``, created empty if there is none (call with the write lock)."""
    if exists(path):
        return MappedStorage(str(path)).open_index()
    path.mkdir(parents=True, exist_ok=True)
    return MappedStorage(str(path)).create_index(build_schema())


@contextlib.contextmanager
def write_lock(path: Path, timeout: float = 0.0) -> Iterator[int]:
    """Hold the index's write lock (``flock``: a killed holder leaves no stale lock).

    Raises ``WriterBusy`` when another process still holds it after ``timeout`` seconds.
    Yields the lock's descriptor: close-on-exec, and a forked child must close it.
    """
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path / LOCK_FILE, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriterBusy(
                        f"another indexer is writing the index at {path}; "
                        "try again when it has finished"
                    ) from None
                time.sleep(LOCK_POLL_SECONDS)
        yield fd
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def size_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) if path.is_dir() else 0
