"""Writing documents into the index, in this process or in worker processes.

A job is turned into documents by a ``work`` function, ``work(job) -> (documents,
report)``. ``InProcess`` writes the documents into new segments in this process.
``Workers`` runs ``work`` in worker processes, each writing new segments of its own
(Whoosh's ``multisegment`` idea, but the workers also do the reading and normalising,
which costs more than the indexing). A writer whose postings fill its memory budget
(``search.termpool``) finishes its segment and starts another. The run's writer, which
holds the deletions, then commits those segments with its own changes in one new
generation, so readers never see a part of the run.

Workers are forked when this process has a single thread (fast, and callers need no
``if __name__ == "__main__"`` guard), else spawned (a fork copies other threads' locks);
a forked worker first closes its copy of the write lock, so the lock dies with the
parent. A worker whose parent has died (``kill -9``) notices within a second and exits
without touching the index; its half-written segment files are never referenced by a
commit and are deleted by the next one.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable
from pickle import dumps
from typing import Any

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from search.analysis import index_terms
from search.mapped import sync_file
from search.store import INDEX_NAME
from search.termpool import SMALL_BLOCK, TermPool, compress_block, write_postings

Work = Callable[[Any], tuple[list[dict], Any]]
POLL_SECONDS = 1.0


class WorkerFailed(RuntimeError):
    """A worker process raised or died; the run is cancelled."""


_LENGTH = [byte_to_length(b) for b in range(256)]


class _Lengths:
    """A new segment's field lengths, read a column at a time: Whoosh's flush asks for
    one document's length for every posting it writes (a seek and a read each, a fifth
    of the commit)."""

    def __init__(self, perdoc):
        self.perdoc = perdoc
        self.columns: dict[str, bytes | None] = {}

    def _column(self, fieldname: str) -> bytes | None:
        if fieldname not in self.columns:
            column = self.perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            data = None
            if column is not None and hasattr(column, "_dbfile"):
                data = bytes(column._dbfile.get(column._basepos, column._count))
            self.columns[fieldname] = data
        return self.columns[fieldname]

    def lengths(self, fieldname: str) -> list[int] | None:
        """Every document's length in ``fieldname`` (as stored: one byte each)."""
        data = self._column(fieldname)
        if data is None:
            return None
        lengths = [_LENGTH[b] if b else 0 for b in data]
        return lengths + [0] * (self.perdoc.doc_count_all() - len(lengths))

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        data = self._column(fieldname)
        if data is None:
            return self.perdoc.doc_field_length(docnum, fieldname, default)
        if docnum < len(data) and data[docnum]:
            return _LENGTH[data[docnum]]
        return default

    def __getattr__(self, name):
        return getattr(self.perdoc, name)


# --- writing postings -------------------------------------------------------------------
#
# A new segment's postings are written by ``search.termpool.write_postings`` a term or a
# block at a time. The classes below are Whoosh's W3 writer taking one posting at a
# time, kept as the fallback for other codecs and as the reference the term pool's output
# is compared with, byte for byte (``tests/test_search_termpool.py``). Four costs of
# Whoosh's Python code are cut in them, with the same file format (any W3 reader reads it):
# a term with one posting (60% of the terms of a 1,500-article segment) keeps it in its
# term info instead of a block of its own (Whoosh's inlining, broken by a misspelling in
# 2.7.5), a block of a few postings is no longer zlib-compressed (Whoosh
# meant to skip blocks under 20 bytes but overwrites the flag; compressing a 40-byte
# pickle costs ~40 microseconds and saves nothing), ``add_posting`` skips its per-posting
# type assertions, and the flush loop reads each field's lengths as one list.

INLINE_LIMIT = 2  # terms with fewer postings keep them in the term index (most have one)
POOL_MB = 1024  # postings a writer holds in memory before its segment is finished


class BulkPostingsWriter(W3PostingsWriter):
    def add_posting(self, id_, weight, vbytes, length=None):
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def finish_postings(self):
        """``W3PostingsWriter.finish_postings`` with its inlining working (it calls a
        misspelt ``set_inline``): a term with fewer than ``inlinelimit`` postings keeps
        them in its term info, and no block is written."""
        if not self.written() and len(self) < self._inlinelimit:
            terminfo = self._terminfo
            terminfo.add_block(self)
            # a field without values (an ID) must read back None, as from a block:
            # Whoosh's ListMatcher gives "" for no values, which its own merge rejects
            values = self._values or [None] * len(self._ids)
            terminfo.set_inlined(self._ids, self._weights, values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()

    def _write_block(self, last=False):
        """``W3PostingsWriter._write_block`` with small blocks left uncompressed."""
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        comp = self._compression if len(databytes) >= SMALL_BLOCK else 0
        if comp:
            databytes = compress_block(databytes, comp)
        ids = self._ids
        infobytes = dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class BulkFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """``FieldWriter.add_postings`` with the lengths read a field at a time (no
        spelling postings: ``Writer`` leaves fields with spelling to Whoosh)."""
        if lengths is None or not hasattr(lengths, "lengths"):
            return super().add_postings(schema, lengths, items)
        lastfn = lasttext = None
        column, add = None, None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lastfn is not None and fieldname < lastfn:
                    raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                column = lengths.lengths(fieldname)
                lastfn, lasttext = fieldname, None
            if btext != lasttext:
                if lasttext is not None:
                    if btext < lasttext:
                        raise OutOfOrderError(f"Term {fieldname}:{lasttext!r} .. {btext!r}")
                    self.finish_term()
                self.start_term(btext)
                add = self._postwriter.add_posting
                lasttext = btext
            length = column[docnum] if column is not None else 0
            add(docnum, weight, value or b"", length)
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class BulkCodec(W3Codec):
    """Writes W3 segments with the writers above, a term's single posting inlined.
    Segments record Whoosh's own ``W3Codec`` as theirs (``Writer``), so readers never
    need this class."""

    def __init__(self, blocklimit=128, compression=3, inlinelimit=INLINE_LIMIT):
        super().__init__(blocklimit, compression, inlinelimit)

    def field_writer(self, storage, segment):
        return BulkFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return BulkPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


class Writer(SegmentWriter):
    """Whoosh's segment writer with the field lengths of its flush read in bulk, and text
    fields analysed by ``search.analysis.index_terms`` (no token objects)."""

    _fast_schema = None
    _fast: dict | None = None

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", BulkCodec())
        super().__init__(ix, **kwargs)
        self.pool = TermPool(kwargs.get("limitmb", POOL_MB))
        if type(self.newsegment._codec) is BulkCodec:  # what the TOC records for readers
            codec = self.newsegment._codec
            self.newsegment._codec = W3Codec(
                codec._blocklimit, codec._compression, codec._inlinelimit
            )

    def _fast_fields(self) -> dict | None:
        """Field name -> fast indexing function, for the schema in use (a rebuild
        replaces ``self.schema`` after the writer is made); None when a field needs
        what only Whoosh's own ``add_document`` does (term vectors, spelling words)."""
        if self._fast_schema is not self.schema:
            fields = self.schema.items()
            plain = all(not f.vector and not f.separate_spelling() for _, f in fields)
            self._fast = {n: index_terms(f) for n, f in fields} if plain else None
            self._fast_schema = self.schema
        return self._fast

    def add_document(self, **fields):
        """``SegmentWriter.add_document`` for the fields this project's documents use
        (no ``_boost`` or ``_stored_`` arguments, no vectors or spelling fields)."""
        fast = self._fast_fields()
        if fast is None or any(name.startswith("_") for name in fields):
            return super().add_document(**fields)
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    index = fast.get(fieldname)
                    if index is None or not isinstance(value, str):
                        items = list(field.index(value))
                    else:
                        items = list(index(value))
                    if field.scorable:
                        length = sum(item[1] for item in items)
                    if items:
                        pool.add_field(fieldname, docnum, items)
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr) if pdr else None
        if isinstance(self.fieldwriter, BulkFieldWriter):
            write_postings(self.fieldwriter, self.schema, self.pool, lengths)
        else:
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()


def commit(writer, mergetype, segments: list | None = None) -> None:
    """Commit ``writer``'s changes plus finished ``segments`` as one new generation,
    its segment files on disk before the table of contents that names them."""
    final = writer._merge_segments(mergetype, None, None)
    final += segments or []
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    _sync_segments(writer.storage, final)
    writer._commit_toc(final)
    writer._finish()


def _sync_segments(storage, segments: list) -> None:
    """``fsync`` the files of ``segments`` (those synced before cost next to nothing)."""
    folder = getattr(storage, "folder", None)
    if folder is None:  # an index in memory
        return
    prefixes = tuple(segment.segment_id() + "." for segment in segments)
    for name in storage.list():
        if name.startswith(prefixes):
            sync_file(os.path.join(folder, name))


class InProcess:
    """Runs ``work`` here and writes its documents into new segments (a new one each
    time a segment's postings fill ``limitmb``)."""

    def __init__(self, ix, schema, work: Work, on_report: Callable[[Any], None], limitmb=POOL_MB):
        self.ix, self.schema, self.limitmb = ix, schema, limitmb
        self.work, self.on_report = work, on_report
        self.writer = None
        self.segments: list = []

    def submit(self, job) -> None:
        documents, report = self.work(job)
        for document in documents:
            if self.writer is None:
                self.writer = _segment_writer(self.ix, self.schema, self.limitmb)
            self.writer.add_document(**document)
        if self.writer is not None and self.writer.pool.full():
            self.segments.append(self.writer._finalize_segment())
            self.writer = None
        self.on_report(report)

    def finish(self) -> list:
        if self.writer is not None:
            self.segments.append(self.writer._finalize_segment())
            self.writer = None
        return self.segments

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.cancel()  # its files are no commit's: the next run deletes them
            self.writer = None


def _segment_writer(ix, schema, limitmb) -> Writer:
    """A writer of one new segment for a run that holds the index's lock."""
    writer = Writer(ix, _lk=False, limitmb=limitmb)
    writer.schema = schema  # a rebuild writes the current schema
    return writer


class Workers:
    """``procs`` worker processes, each writing segments from the jobs it takes (a new
    one each time a segment's postings fill ``limitmb``)."""

    def __init__(
        self,
        index_path: str,
        schema,
        work: Work,
        on_report: Callable[[Any], None],
        procs: int = 2,
        limitmb: float = POOL_MB,
        close_fds: tuple[int, ...] = (),
    ):
        context = _context()
        self.on_report = on_report
        self.jobs = context.Queue(maxsize=procs * 2)
        self.reports = context.Queue()
        self.segments: list = []
        self.running = procs
        self._quiet_polls = 0
        self.processes = [
            context.Process(
                target=_worker_main,
                args=(
                    index_path,
                    schema,
                    work,
                    self.jobs,
                    self.reports,
                    os.getpid(),
                    limitmb,
                    close_fds,
                ),
                daemon=True,
                name=f"diplosearch-indexer-{n}",
            )
            for n in range(procs)
        ]
        for process in self.processes:
            process.start()

    def submit(self, job) -> None:
        while True:
            self._drain(block=False)
            try:
                self.jobs.put(job, timeout=POLL_SECONDS)
                return
            except queue.Full:
                self._check_alive()

    def finish(self) -> list:
        """Wait for every job; return the workers' segments."""
        for _ in self.processes:
            self.jobs.put(None)
        while self.running:
            self._drain(block=True)
        for process in self.processes:
            process.join()
        return self.segments

    def abort(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
        for process in self.processes:
            process.join()

    def _drain(self, block: bool) -> None:
        """Hand on what the workers reported; with ``block``, wait for at least one item."""
        while True:
            try:
                kind, value = self.reports.get(timeout=POLL_SECONDS if block else 0.001)
            except queue.Empty:
                if block:
                    self._check_alive()
                return
            if kind == "report":
                self.on_report(value)
            elif kind == "segments":
                self.segments += value
                self.running -= 1
            else:
                raise WorkerFailed(f"an indexing worker failed:\n{value}")
            block = False

    def _check_alive(self) -> None:
        dead = [p.exitcode for p in self.processes if p.exitcode not in (0, None)]
        if dead:
            raise WorkerFailed(f"an indexing worker died (exit code {dead[0]})")
        if all(p.exitcode == 0 for p in self.processes):
            # every worker has exited, so what they sent is in the pipe; allow a few polls
            self._quiet_polls += 1
            if self._quiet_polls > 5:
                raise WorkerFailed("an indexing worker exited without its segment")


def _context():
    methods = multiprocessing.get_all_start_methods()
    single = threading.active_count() == 1
    return multiprocessing.get_context("fork" if single and "fork" in methods else "spawn")


def _worker_main(index_path, schema, work, jobs, reports, parent_pid, limitmb, close_fds):
    for fd in close_fds:  # a forked copy of the write lock would outlive a killed parent
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        ix = FileStorage(index_path).open_index(INDEX_NAME)
        writer = _segment_writer(ix, schema, limitmb)
        segments = []
        while True:
            try:
                job = jobs.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if os.getppid() != parent_pid:  # the parent was killed: leave quietly
                    os._exit(1)
                continue
            if job is None:
                break
            if os.getppid() != parent_pid:  # jobs a killed parent left in the pipe
                os._exit(1)
            documents, report = work(job)
            for document in documents:
                writer.add_document(**document)
            if writer.pool.full():
                segments.append(writer._finalize_segment())
                writer = _segment_writer(ix, schema, limitmb)
            reports.put(("report", report))
        if writer._added:
            segments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        reports.put(("segments", segments))
    except BaseException:
        reports.put(("error", traceback.format_exc(limit=8)))
