"""Articles -> Whoosh index, incrementally: add new files, update changed ones, remove
files gone from a source, skip unchanged ones. The manifest (path -> file hash, ids) is
read from the index's own columns, so it is always exactly what the last commit holds."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm
from whoosh import writing
from whoosh.index import LockError

from indexer.article import Article, Skip
from indexer.decode import DEFAULT_MAX_BYTES
from indexer.normalize import normalize_draft
from indexer.readers import display_path, iter_files, read_bytes
from search.schema import document_for
from search.store import open_or_create

STATE_FILE = "diplosearch.json"  # sources indexed before, time of the last commit
BULK_FILES = 2000  # from this many files to read, use both cores for indexing


class WriterBusy(Exception):
    """Another indexer holds the index's write lock."""


class NothingToIndex(Exception):
    """No path given exists, or none was given and no source is remembered."""


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # ids added or updated

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
        }

    def text(self) -> str:
        lines = [
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"removed {self.removed}, skipped {len(self.skipped)}"
        ]
        lines += [f"  skipped {p}: {r}" for p, r in self.skipped]
        return "\n".join(lines)


@dataclass
class Entry:
    file_sha: str
    ids: list[str]


def read_manifest(ix) -> dict[str, Entry]:
    """path -> (file hash, ids) from the index's columns (no stored text is read)."""
    manifest: dict[str, Entry] = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count() == 0:
            return manifest
        paths = reader.column_reader("path")
        shas = reader.column_reader("file_sha")
        ids = reader.column_reader("id")
        for docnum in reader.all_doc_ids():
            entry = manifest.setdefault(paths[docnum], Entry(shas[docnum], []))
            entry.ids.append(ids[docnum])
    return manifest


def read_state(index_path: Path) -> dict:
    try:
        return json.loads((index_path / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(index_path: Path, sources: list[str]) -> None:
    state = read_state(index_path)
    known = list(dict.fromkeys([*state.get("sources", []), *sources]))
    state.update(sources=known, last_update=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    tmp = index_path / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(tmp, index_path / STATE_FILE)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _open_writer(ix, bulk: bool, timeout: float):
    try:
        if bulk:
            return ix.writer(timeout=timeout, procs=2, multisegment=True, limitmb=256)
        return ix.writer(timeout=timeout, limitmb=128)
    except LockError:
        raise WriterBusy(
            "another indexer is writing this index (its lock is held); "
            "try again when it has finished"
        ) from None


def index_paths(
    index_path: Path,
    paths: Iterable[str | os.PathLike] | None = None,
    rebuild: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool | None = None,
    lock_timeout: float = 0.0,
    on_article: Callable[[Article], None] | None = None,
) -> Summary:
    """Bring the index up to date with the given files and folders (or the remembered ones)."""
    index_path = Path(index_path)
    sources = [str(p) for p in (paths or [])] or read_state(index_path).get("sources", [])
    existing = [Path(p) for p in sources if Path(p).exists()]
    if not existing:
        raise NothingToIndex(
            "no such file or folder: " + ", ".join(sources)
            if sources
            else "nothing to index: give a file or folder"
        )
    ix = open_or_create(index_path)
    files = list(iter_files(existing))
    writer = _open_writer(ix, bulk=len(files) >= BULK_FILES, timeout=lock_timeout)
    summary = Summary()
    try:
        manifest = {} if rebuild else read_manifest(ix)
        seen: set[str] = set()
        for file in tqdm(files, unit="file", disable=progress is False or None, leave=False):
            _index_file(writer, file, manifest, seen, summary, max_bytes, on_article)
        roots = [display_path(p) for p in existing if p.is_dir()]
        for path, entry in manifest.items():
            if path not in seen and any(_under(path, r) for r in roots) and not Path(path).exists():
                writer.delete_by_term("path", path)
                summary.removed += len(entry.ids)
        changed = rebuild or summary.added or summary.updated or summary.removed
        if changed:
            writer.commit(mergetype=writing.CLEAR if rebuild else writing.MERGE_SMALL)
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    _write_state(index_path, [display_path(p) for p in existing])
    return summary


def _index_file(
    writer,
    file: Path,
    manifest: dict[str, Entry],
    seen: set[str],
    summary: Summary,
    max_bytes: int,
    on_article,
) -> None:
    path = display_path(file)
    seen.add(path)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise Skip(f"too large ({size:,} bytes > limit {max_bytes:,})")
        data = file.read_bytes()
    except OSError as exc:
        summary.skipped.append((path, f"cannot read ({exc.strerror or exc})"))
        return
    except Skip as exc:
        summary.skipped.append((path, str(exc)))
        return
    sha = hashlib.sha256(data).hexdigest()
    old = manifest.get(path)
    if old and old.file_sha == sha:
        summary.unchanged += len(old.ids)
        return
    try:
        articles = [normalize_draft(d) for d in read_bytes(path, data, max_bytes=max_bytes)]
    except Skip as exc:
        summary.skipped.append((path, str(exc)))
        return
    except Exception as exc:  # a bug must not stop the run: report it as a skip
        summary.skipped.append((path, f"internal error: {type(exc).__name__}: {exc}"))
        return
    if old:
        writer.delete_by_term("path", path)
        summary.updated += len(articles)
    else:
        summary.added += len(articles)
    for article in articles:
        writer.add_document(**document_for(article.as_dict(), sha))
        summary.ids.append(article.id)
        if on_article:
            on_article(article)
