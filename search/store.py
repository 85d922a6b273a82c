"""Where the index lives on disk: open, create, and tell a user what is missing."""

from __future__ import annotations

import os
from pathlib import Path

from whoosh import index
from whoosh.filedb.filestore import FileStorage

from search.schema import build_schema

DEFAULT_INDEX = "var/index"
ENV_INDEX = "DIPSEARCH_INDEX"


class IndexMissing(Exception):
    """No index at the path; the message says how to make one."""


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
    return FileStorage(str(path)).open_index()


def open_or_create(path: Path):
    if exists(path):
        return FileStorage(str(path)).open_index()
    path.mkdir(parents=True, exist_ok=True)
    return FileStorage(str(path)).create_index(build_schema())


def size_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) if path.is_dir() else 0
