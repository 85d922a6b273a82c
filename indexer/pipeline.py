"""Articles -> Whoosh index, incrementally: add new files, update changed ones, remove
files gone from a source, skip unchanged ones.

The manifest (path -> file size and time, file hash, ids) is read from the index's own
columns, so it is always exactly what the last commit holds: a run killed at any moment
leaves that commit as it was, and the next run finds the same work still to do.
One run holds the index's write lock from start to end; a second one gets ``WriterBusy``.
Large runs read, normalise and index in worker processes (``search.bulk.Workers``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tqdm import tqdm
from whoosh import writing
from whoosh.index import clean_files

from indexer.article import Article, Skip
from indexer.decode import DEFAULT_MAX_BYTES
from indexer.language import load_profiles
from indexer.normalize import normalize_draft
from indexer.readers import display_path, iter_files, read_bytes
from search import bulk
from search.schema import build_schema, document_for, is_current
from search.store import INDEX_NAME, WriterBusy, exists, open_or_create, write_lock

__all__ = ["NothingToIndex", "Summary", "WriterBusy", "index_home", "index_paths", "read_state"]

STATE_FILE = "diplosearch.json"  # home folder, sources indexed before, last change
PARALLEL_FILES = 300  # from this many files to (re)index, use worker processes
MAX_WORKERS = 4
BATCH_FILES = 40  # files per job handed to a worker
MEMORY_ENV = "DIPLOSEARCH_INDEX_MEMORY_MB"  # postings held in memory by a run, in all
MEMORY_SHARE = 4  # by default a run's postings take at most 1/4 of the machine's memory
MEMORY_MB_RANGE = (256, 4096)  # per writer, before its segment is finished


class _Bar(tqdm):
    """A progress bar without tqdm's monitor thread (a thread would rule out forking)."""

    monitor_interval = 0


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
    notes: list[str] = field(default_factory=list)  # what a user should know about the run
    committed: bool = False  # whether the run wrote a new generation

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

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
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass
class Entry:
    file_sha: str
    file_stat: str
    ids: list[str]


@dataclass(frozen=True)
class Planned:
    """A file to read and index; ``updating`` when the index holds an older version."""

    path: str  # as shown and stored (see ``display_path``)
    file: str  # where to read it
    stat: str
    updating: bool


@dataclass
class FileResult:
    path: str
    updating: bool
    ids: list[str] = field(default_factory=list)
    skip: str | None = None
    record_skips: list[str] = field(default_factory=list)
    articles: list[Article] | None = None


# --- state and manifest ----------------------------------------------------------------


def read_manifest(ix) -> dict[str, Entry]:
    """path -> (file hash, file stat, ids) from the index's columns (no stored text)."""
    manifest: dict[str, Entry] = {}
    with ix.searcher() as searcher:
        if searcher.doc_count() == 0:
            return manifest
        for leaf, _ in searcher.reader().leaf_readers():
            if leaf.doc_count_all() == 0:
                continue
            columns = [
                list(leaf.column_reader(name)) if name in ix.schema else None
                for name in ("path", "file_sha", "file_stat", "id")
            ]
            paths, shas, stats, ids = columns
            for docnum in range(leaf.doc_count_all()):
                if leaf.has_deletions() and leaf.is_deleted(docnum):
                    continue
                entry = manifest.get(paths[docnum])
                if entry is None:
                    stat = stats[docnum] if stats is not None else ""
                    entry = manifest[paths[docnum]] = Entry(shas[docnum], stat, [])
                entry.ids.append(ids[docnum])
    return manifest


class _DisplayPaths:
    """``display_path`` for many files: a folder is resolved once, not every file in it
    (resolving costs a system call per path component)."""

    def __init__(self, home: Path):
        self.home = home
        self._folders: dict[Path, str] = {}

    def __call__(self, file: Path) -> str:
        if file.is_symlink():
            return display_path(file, self.home)
        folder = self._folders.get(file.parent)
        if folder is None:
            folder = self._folders[file.parent] = display_path(file.parent, self.home)
        return file.name if folder == "." else f"{folder.rstrip('/')}/{file.name}"


def index_home(index_path: Path) -> Path:
    """The folder the index's paths are relative to: the working folder of its first run
    (recorded), so that ids and paths do not depend on where later runs start."""
    home = read_state(index_path).get("home")
    return Path(home) if isinstance(home, str) and home else Path.cwd()


def _real(shown: str, home: Path) -> Path:
    """A stored (home-relative or absolute) path as a path to open."""
    path = Path(shown)
    return path if path.is_absolute() else home / path


def read_state(index_path: Path) -> dict:
    try:
        state = json.loads((Path(index_path) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(
    index_path: Path, home: Path, sources: list[str], changed: bool, rebuilding: bool
) -> None:
    """Record the home folder and the sources (and, while a rebuild runs, that it does, so
    that the run after a killed rebuild rebuilds too); leave the file alone when nothing
    differs."""
    state = read_state(index_path)
    new = {**state, "home": str(home.resolve()), "sources": sources}
    if rebuilding:
        new["rebuild_pending"] = True
    else:
        new.pop("rebuild_pending", None)
    if changed or "last_update" not in new:
        new["last_update"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    if new == state:
        return
    tmp = index_path / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(new, indent=1), encoding="utf-8")
    os.replace(tmp, index_path / STATE_FILE)


def _tidy(ix) -> None:
    """Delete what a killed run left behind: temporary files, segments no commit names."""
    shutil.rmtree(Path(ix.storage.folder) / f"{INDEX_NAME}.tmp", ignore_errors=True)
    toc = ix._read_toc()
    clean_files(ix.storage, INDEX_NAME, toc.generation, toc.segments)


# --- reading files (in this process or in a worker) --------------------------------------


def _file_sha(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _unique(articles: list[Article], result: FileResult) -> list[Article]:
    """One article per id (Whoosh would keep both): the last record with an id wins."""
    last = {a.id: n for n, a in enumerate(articles)}
    for n, article in enumerate(articles):
        if last[article.id] != n:
            result.record_skips.append(f"duplicate id {article.id!r}: the last record is kept")
    return [a for n, a in enumerate(articles) if last[a.id] == n]


def _load_file(plan: Planned, max_bytes: int, with_articles: bool) -> tuple[list, FileResult]:
    result = FileResult(plan.path, plan.updating)
    try:
        size = os.stat(plan.file).st_size
        if size > max_bytes:
            raise Skip(f"too large ({size:,} bytes > limit {max_bytes:,})")
        data = Path(plan.file).read_bytes()
        drafts = read_bytes(plan.path, data, max_bytes=max_bytes)
    except OSError as exc:
        result.skip = f"cannot read ({exc.strerror or exc})"
        return [], result
    except Skip as exc:
        result.skip = str(exc)
        return [], result
    except Exception as exc:  # a reader bug must not stop the run: report it as a skip
        result.skip = f"internal error: {type(exc).__name__}: {exc}"
        return [], result
    articles = []
    for draft in drafts:
        try:
            articles.append(normalize_draft(draft))
        except Skip as exc:
            result.record_skips.append(str(exc))
        except Exception as exc:  # one bad record leaves the file's other records
            result.record_skips.append(f"internal error: {type(exc).__name__}: {exc}")
    if not articles:
        result.skip = result.record_skips.pop(0) if result.record_skips else "no article"
        return [], result
    articles = _unique(articles, result)
    sha = hashlib.sha256(data).hexdigest()
    documents = [document_for(a.as_dict(), sha, plan.stat) for a in articles]
    result.ids = [a.id for a in articles]
    result.articles = articles if with_articles else None
    return documents, result


def load_files(plans: list[Planned], max_bytes: int, with_articles: bool) -> tuple[list, list]:
    """A job: the documents of some files and what became of each file."""
    documents, results = [], []
    for plan in plans:
        docs, result = _load_file(plan, max_bytes, with_articles)
        documents += docs
        results.append(result)
    return documents, results


# --- one run -----------------------------------------------------------------------------


class _Run:
    def __init__(
        self, index_path: Path, rebuild: bool, progress: bool | None, on_article, lock_fd: int
    ):
        self.index_path = index_path
        self.lock_fd = lock_fd
        self.rebuild = rebuild
        self.on_article = on_article
        self.summary = Summary()
        self.manifest: dict[str, Entry] = {}
        self.progress = progress
        self.bar = None
        self.home = Path.cwd()

    def report(self, results: list[FileResult]) -> None:
        summary = self.summary
        for result in results:
            if self.bar is not None:
                self.bar.update(1)
            if result.skip:
                summary.skipped.append((result.path, result.skip))
                if result.updating:  # its older version was deleted: the file has none now
                    summary.removed += len(self.manifest[result.path].ids)
                continue
            summary.skipped += [(result.path, reason) for reason in result.record_skips]
            if result.updating:
                summary.updated += len(result.ids)
            else:
                summary.added += len(result.ids)
            summary.ids += result.ids
            if self.on_article and result.articles:
                for article in result.articles:
                    self.on_article(article)

    def plan(self, files: list[Path]) -> tuple[list[Planned], set[str]]:
        """What to read again; counts unchanged files and records unreadable ones."""
        planned, seen = [], set()
        shown = _DisplayPaths(self.home)
        for file in files:
            path = shown(file)
            if path in seen:
                continue
            seen.add(path)
            try:
                st = file.stat()
            except OSError as exc:
                self.summary.skipped.append((path, f"cannot read ({exc.strerror or exc})"))
                continue
            stat = f"{st.st_size}:{st.st_mtime_ns}"
            old = self.manifest.get(path)
            if old and (old.file_stat == stat or _file_sha(str(file)) == old.file_sha):
                self.summary.unchanged += len(old.ids)
                if self.bar is not None:
                    self.bar.update(1)
                continue
            planned.append(Planned(path, str(file), stat, old is not None))
        return planned, seen

    def gone(self, seen: set[str], roots: list[str], missing_files: list[str]) -> list[str]:
        """Indexed paths whose files are gone from an indexed folder, or gone sources."""
        out = []
        for path in self.manifest:
            if path in seen or _real(path, self.home).exists():
                continue
            if path in missing_files or any(_under(path, r) for r in roots):
                out.append(path)
        return out

    def execute(self, ix, files, roots, missing_files, max_bytes) -> None:
        summary = self.summary
        self.bar = _Bar(
            total=len(files),
            unit="file",
            disable=self.progress is False or None,
            leave=False,
            desc="indexing",
        )
        try:
            planned, seen = self.plan(files)
            gone = self.gone(seen, roots, missing_files)
            if not (planned or gone or self.rebuild):
                return  # nothing to write: no writer, no new generation
            writer = bulk.Writer(ix, _lk=False)
            if self.rebuild:
                writer.schema = build_schema()
            runner = None
            try:
                for plan in planned:
                    if plan.updating:
                        writer.delete_by_term("path", plan.path)
                for path in gone:
                    writer.delete_by_term("path", path)
                    summary.removed += len(self.manifest[path].ids)
                runner = self._runner(ix, writer.schema, planned, max_bytes)
                for start in range(0, len(planned), BATCH_FILES):
                    runner.submit(planned[start : start + BATCH_FILES])
                segments = runner.finish()
                if self.rebuild or summary.changed:
                    bulk.commit(
                        writer, writing.CLEAR if self.rebuild else writing.MERGE_SMALL, segments
                    )
                    summary.committed = True
                else:
                    writer.cancel()
                    _tidy(ix)  # the cancelled writer's empty segment files
            except BaseException:
                if runner is not None:
                    runner.abort()
                writer.cancel()
                raise
        finally:
            self.bar.close()
            summary.skipped.sort()

    def _runner(self, ix, schema, planned: list[Planned], max_bytes: int):
        work = partial(load_files, max_bytes=max_bytes, with_articles=bool(self.on_article))
        procs = min(os.cpu_count() or 1, MAX_WORKERS)
        if len(planned) < PARALLEL_FILES or procs < 2:
            return bulk.InProcess(ix, schema, work, self.report, limitmb=pool_mb(1))
        load_profiles()  # once here, shared by the forked workers
        return bulk.Workers(
            str(ix.storage.folder),
            schema,
            work,
            self.report,
            procs=procs,
            limitmb=pool_mb(procs),
            close_fds=(self.lock_fd,),
        )


def pool_mb(writers: int) -> float:
    """Memory for each writer's postings before it finishes a segment and starts another:
    ``DIPLOSEARCH_INDEX_MEMORY_MB`` shared by the writers, else a quarter of the machine's
    memory, within ``MEMORY_MB_RANGE`` (fewer, larger segments search faster)."""
    try:
        return max(0.0, float(os.environ.get(MEMORY_ENV, "")) / writers)
    except ValueError:
        pass
    low, high = MEMORY_MB_RANGE
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, AttributeError):
        return low
    return min(high, max(low, physical / MEMORY_SHARE / writers))


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def index_paths(
    index_path: Path,
    paths: Iterable[str | os.PathLike] | None = None,
    rebuild: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool | None = None,
    lock_timeout: float = 0.0,
    on_article: Callable[[Article], None] | None = None,
) -> Summary:
    """Bring the index up to date with the given files and folders (or the remembered ones).

    Raises ``WriterBusy`` when another run holds the write lock after ``lock_timeout``
    seconds, ``NothingToIndex`` when there is nothing to read.
    """
    index_path = Path(index_path)
    home = index_home(index_path)
    state = read_state(index_path)
    given = [Path(p) for p in (paths or [])]  # as typed: relative to the working folder
    remembered = [p for p in state.get("sources", []) if isinstance(p, str)]
    sources = given or [_real(p, home) for p in remembered]
    if not sources:
        raise NothingToIndex("nothing to index: give a file or folder")
    if not any(p.exists() for p in sources) and not exists(index_path):
        raise NothingToIndex("no such file or folder: " + ", ".join(map(str, sources)))
    with write_lock(index_path, lock_timeout) as lock_fd:
        ix = open_or_create(index_path)
        _tidy(ix)
        run = _Run(index_path, rebuild, progress, on_article, lock_fd)
        run.home = home
        if not rebuild and (state.get("rebuild_pending") or not is_current(ix.schema)):
            run.rebuild = True
            sources = list(dict.fromkeys([*(_real(p, home) for p in remembered), *given]))
            run.summary.notes.append(
                "an earlier rebuild was interrupted: rebuilt the index"
                if state.get("rebuild_pending")
                else "the index was written by an earlier version of diplosearch: rebuilt it"
            )
        existing = [p for p in sources if p.exists()]
        missing = [p for p in sources if not p.exists()]
        roots = [display_path(p, home) for p in existing if p.is_dir()]
        run.manifest = {} if run.rebuild else read_manifest(ix)
        missing_files = [display_path(p, home) for p in missing]
        missing_files = [p for p in missing_files if p in run.manifest]
        if not existing and not missing_files:
            raise NothingToIndex("no such file or folder: " + ", ".join(map(str, missing)))
        for p in missing:
            if display_path(p, home) not in missing_files:
                run.summary.skipped.append((str(p), "no such file or folder"))
        base = [] if (rebuild and given) else remembered
        kept = list(dict.fromkeys([*base, *(display_path(p, home) for p in existing)]))
        kept = [p for p in kept if p not in missing_files]
        # before any writing: a run after this one, if it is killed, knows the sources
        _write_state(index_path, home, kept, changed=False, rebuilding=run.rebuild)
        run.execute(ix, list(iter_files(existing)), roots, missing_files, max_bytes)
        _write_state(index_path, home, kept, changed=run.summary.committed, rebuilding=False)
    return run.summary
