"""Index files read through one shared memory map per process (``search.mapped``)."""

from __future__ import annotations

import os
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


def test_a_commit_syncs_its_segments_before_the_table_that_names_them(tmp_path, monkeypatch):
    """The order of ``fsync`` and the commit's rename, recorded around the real calls."""
    events: list[tuple[str, str]] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        events.append(("fsync", os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def rename(src, dst, *args, **kwargs) -> None:
        events.append(("rename", os.path.basename(dst)))
        real_rename(src, dst, *args, **kwargs)

    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    index_paths(tmp_path / "index", [tmp_path / "seeds"], progress=False)
    monkeypatch.undo()
    segments = {f"{s.segment_id()}.seg" for s in open_index(tmp_path / "index")._segments()}
    toc = [n for n in os.listdir(tmp_path / "index") if n.endswith(".toc")]
    assert len(toc) == 1 and segments
    commit = events.index(("rename", toc[0]))
    synced_before = {name for kind, name in events[:commit] if kind == "fsync"}
    assert segments <= synced_before
    assert events[commit - 1][0] == "fsync" and events[commit - 1][1].startswith(toc[0])
    assert events[commit + 1] == ("fsync", "index")  # the folder, for the new name
