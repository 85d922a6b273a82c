"""Index files read through one shared memory map per process (``search.mapped``)."""

from __future__ import annotations

import shutil

from whoosh import query
from whoosh.filedb.filestore import FileStorage

from indexer.pipeline import index_paths
from search import mapped
from search.engine import Engine
from search.request import parse_request
from search.store import open_index
from tests.conftest import SEEDS


def all_articles(ix) -> dict[str, dict]:
    with ix.searcher() as searcher:
        return {f["id"]: f["article"] for f in searcher.all_stored_fields()}


def test_mapped_and_plain_files_read_the_same_index(seed_index):
    mapped_ix = open_index(seed_index)
    plain_ix = FileStorage(str(seed_index), supports_mmap=False).open_index()
    assert all_articles(mapped_ix) == all_articles(plain_ix)
    with mapped_ix.searcher() as searcher:
        assert any(
            isinstance(r._perdoc._storage, object) for r, _ in searcher.reader().leaf_readers()
        )
    engine = Engine(seed_index)
    assert engine.search(parse_request({"q": ['"drug smuggling"']}))["total"] == 1
    engine.close()


def test_searchers_share_one_map_of_each_segment(seed_index):
    first, second = open_index(seed_index).searcher(), open_index(seed_index).searcher()
    try:
        first.document(id=next(iter(all_articles(open_index(seed_index)))))
        second.search(query.Every())
        segments = {p for p in seed_index.glob("*.seg")}
        keys = [k for k in mapped._MAPS if k[0].startswith(str(seed_index))]
        assert len(keys) == len(segments)
    finally:
        first.close()
        second.close()


def test_the_map_of_a_merged_away_segment_is_dropped(tmp_path):
    sources = tmp_path / "articles"
    shutil.copytree(SEEDS, sources)
    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    with open_index(index).searcher() as searcher:
        searcher.doc_count()
    old = {k for k in mapped._MAPS if k[0].startswith(str(index))}
    assert old
    writer = open_index(index).writer()
    writer.commit(optimize=True)  # rewrites the segment, deletes the old file
    with open_index(index).searcher() as searcher:
        assert searcher.doc_count() == 5
    now = {k for k in mapped._MAPS if k[0].startswith(str(index))}
    assert now and not (now & old)
