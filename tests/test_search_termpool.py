"""The term pool writes the same segment files as Whoosh's sorted pool does."""

from __future__ import annotations

import random

from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

from indexer.normalize import normalize_file
from search import bulk
from search.schema import build_schema, document_for
from search.termpool import POSTING_BYTES, TERM_BYTES, TermPool
from tests.conftest import SEEDS


def _documents(copies: int) -> list[dict]:
    """The seeds ``copies`` times over, with a shared word in every document so that some
    terms have hundreds of postings (several blocks, compressed and not)."""
    articles = [a for path in sorted(SEEDS.iterdir()) for a in normalize_file(path)]
    rng = random.Random(5)
    words = " ".join(a.body for a in articles).split()
    documents = []
    for n in range(copies):
        for article in articles:
            document = document_for(article.as_dict(), "sha", "1:2")
            extra = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
            document.update(id=f"{document['id']}-{n}", body=f"{document['body']} {extra} common")
            documents.append(document)
    return documents


class _SortedPoolWriter(bulk.Writer):
    """``bulk.Writer`` with its postings handed to the field writer one at a time, in
    the order Whoosh's pool sorts them (the path ``write_postings`` replaces)."""

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        postings = sorted(self.pool.iter_postings())
        self.fieldwriter.add_postings(self.schema, bulk._Lengths(pdr), iter(postings))
        self.fieldwriter.close()
        pdr.close()


def _segment_files(writer_class, documents: list[dict]) -> dict[str, bytes]:
    storage = RamStorage()
    ix = storage.create_index(build_schema())
    writer = writer_class(ix, compound=False)
    for document in documents:
        writer.add_document(**document)
    writer.commit(merge=False)
    segment = ix._segments()[0]
    out = {}
    for ext in (".trm", ".pst"):
        with segment.open_file(storage, ext) as f:
            out[ext] = bytes(f.read())
    return out


def test_same_files_as_the_sorted_pool():
    documents = _documents(copies=60)  # 300 documents: "common" fills three blocks
    ours = _segment_files(bulk.Writer, documents)
    assert ours == _segment_files(_SortedPoolWriter, documents)
    assert len(ours[".pst"]) > 10_000


def test_postings_added_out_of_order_come_out_sorted():
    rng = random.Random(3)
    items = [
        (rng.choice(["body", "title"]), rng.choice([b"a", b"b", b"c"]), docnum, 1.0, None)
        for docnum in range(200)
    ]
    pool = TermPool()
    for item in rng.sample(items, len(items)):
        pool.add(item)
    assert not pool.in_order
    assert list(pool.iter_postings()) == sorted(items)


def test_a_merge_through_the_fast_writer_keeps_every_posting():
    documents = _documents(copies=2)
    ix = RamStorage().create_index(build_schema())
    for half in (documents[::2], documents[1::2]):
        writer = bulk.Writer(ix)
        for document in half:
            writer.add_document(**document)
        writer.commit(merge=False)
    writer = bulk.Writer(ix)
    writer.commit(optimize=True)  # both segments read back into one term pool
    whole = RamStorage().create_index(build_schema())
    writer = SegmentWriter(whole)
    for document in documents[::2] + documents[1::2]:
        writer.add_document(**document)
    writer.commit()
    assert len(ix._segments()) == 1
    with ix.reader() as ours, whole.reader() as theirs:
        assert list(ours.iter_postings()) == list(theirs.iter_postings())
        assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())


def test_the_pool_counts_what_it_holds():
    pool = TermPool(limitmb=0.01)
    assert not pool.full()
    for docnum in range(10):
        pool.add_field("body", docnum, [(b"w%d" % n, 1, 1.0, b"x" * 20) for n in range(10)])
    terms, postings = 10, 100
    assert pool.size == terms * (TERM_BYTES + 2) + postings * (POSTING_BYTES + 20)
    for docnum in range(10, 100):
        pool.add_field("body", docnum, [(b"word%d" % docnum, 1, 1.0, b"x" * 20)])
    assert pool.full()
    pool.cleanup()
    assert pool.size == 0 and not pool.fields
