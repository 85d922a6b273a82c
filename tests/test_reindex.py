"""Incremental reindexing on real files and a real index: changed, deleted, added and
unchanged files, --rebuild, an outdated schema, a second writer in another process, and
the worker processes of large runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import fields

from indexer import pipeline
from indexer.pipeline import NothingToIndex, WriterBusy, index_paths, read_state
from search.engine import Engine
from search.request import parse_request
from search.store import open_index
from tests.conftest import ROOT, SEEDS
from tests.processes import alive

ARTICLE = """{title}
2025-03-10 09:15:00

ASTANA — {body}
"""


def write(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(ARTICLE.format(title=title, body=body), encoding="utf-8")
    return path


def found(index: Path, q: str) -> list[str]:
    engine = Engine(index)
    try:
        return [h["title"] for h in engine.search(parse_request({"q": [q]}))["hits"]]
    finally:
        engine.close()


def generation(index: Path) -> int:
    return open_index(index).latest_generation()


def snapshot(index: Path) -> dict[str, tuple[int, int]]:
    """Every file in the index folder with its size and modification time."""
    return {
        str(p.relative_to(index)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(index.rglob("*"))
        if p.is_file()
    }


def live_ids(index: Path) -> dict[str, str]:
    with open_index(index).searcher() as searcher:
        reader = searcher.reader()
        ids, sums = reader.column_reader("id"), reader.column_reader("checksum")
        pairs = [(ids[d], sums[d]) for d in reader.all_doc_ids()]
    assert len(pairs) == len(dict(pairs)), "an id is in the index twice"
    return dict(pairs)


@pytest.fixture()
def sources(tmp_path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


def test_display_paths_of_many_files_are_those_of_display_path(tmp_path):
    folder = tmp_path / "tree" / "sub"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "target.txt").write_text("y", encoding="utf-8")
    (folder / "link.txt").symlink_to(tmp_path / "target.txt")
    for home in (tmp_path, tmp_path / "tree", ROOT):
        shown = pipeline._DisplayPaths(home)
        for file in (folder / "a.txt", folder / "link.txt", tmp_path / "target.txt"):
            assert shown(file) == pipeline.display_path(file, home)
    assert pipeline._DisplayPaths(tmp_path / "tree")(folder / "a.txt") == "sub/a.txt"


def test_a_changed_file_is_updated_and_its_old_words_are_gone(sources, tmp_path):
    index = tmp_path / "index"
    kz = write(sources, "kz.txt", "Kazakhstan signs treaty", "A treaty on customs was signed.")
    assert index_paths(index, [sources], progress=False).added == 6
    write(sources, "kz.txt", "Kazakhstan signs accord", "An accord on falconry was signed.")
    summary = index_paths(index, [sources], progress=False)
    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (0, 1, 5, 0)
    assert found(index, "falconry") == ["Kazakhstan signs accord"]
    assert "Kazakhstan signs treaty" not in found(index, "treaty")
    assert len(live_ids(index)) == 6
    assert kz.exists()


def test_a_deleted_file_is_removed_and_an_added_one_indexed(sources, tmp_path):
    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    next(sources.glob("004_*.txt")).unlink()
    write(sources, "new.txt", "Laos trains border guards", "Laos opened a course for guards.")
    summary = index_paths(index, progress=False)  # no path: the remembered sources
    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (1, 0, 4, 1)
    assert found(index, "Kyrgyzstan customs") == []
    assert found(index, "border guards") == ["Laos trains border guards"]


def test_an_unchanged_run_touches_nothing(sources, tmp_path):
    index = tmp_path / "index"
    (sources / "junk.txt").write_bytes(b"\x00\x01\x02" * 50)  # skipped, read each run
    index_paths(index, [sources], progress=False)
    before_generation, before_files = generation(index), snapshot(index)
    time.sleep(0.01)
    summary = index_paths(index, [sources], progress=False)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 5)
    assert not summary.committed
    assert generation(index) == before_generation
    assert snapshot(index) == before_files


def test_a_touched_but_identical_file_counts_as_unchanged(sources, tmp_path):
    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    seed = next(sources.glob("003_*.txt"))
    seed.write_bytes(seed.read_bytes())  # new modification time, same bytes
    summary = index_paths(index, [sources], progress=False)
    assert (summary.updated, summary.unchanged) == (0, 5)


def test_a_file_that_turns_into_junk_loses_its_old_version(sources, tmp_path):
    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    seed = next(sources.glob("004_*.txt"))
    seed.write_bytes(b"\x00\x01\x02" * 50)
    summary = index_paths(index, [sources], progress=False)
    assert summary.removed == 1
    assert [p for p, _ in summary.skipped] == [pipeline.display_path(seed)]
    assert found(index, "Kyrgyzstan") == []


def test_duplicate_ids_in_one_file_keep_the_last_record(sources, tmp_path):
    index = tmp_path / "index"
    records = [
        {"id": "same", "title": "First version", "body": "Old text about ports."},
        {"id": "same", "title": "Second version", "body": "New text about ports."},
    ]
    (sources / "dup.json").write_text(json.dumps(records), encoding="utf-8")
    summary = index_paths(index, [sources], progress=False)
    assert summary.added == 6
    assert found(index, "ports") == ["Second version"]
    assert any("duplicate id" in reason for _, reason in summary.skipped)


def test_rebuild_writes_a_new_generation_with_the_same_articles(sources, tmp_path):
    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    ids, first = live_ids(index), generation(index)
    summary = index_paths(index, [sources], rebuild=True, progress=False)
    assert summary.added == 5 and summary.committed
    assert generation(index) > first
    assert live_ids(index) == ids


def test_an_index_with_an_older_schema_is_rebuilt_by_the_next_run(sources, tmp_path):
    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    ix = open_index(index)
    old = fields.Schema(**{n: ix.schema[n] for n in ix.schema.names() if n != "schema_v2"})
    writer = ix.writer()
    writer.schema = old
    writer.commit()  # same documents, the schema of an earlier version
    assert "schema_v2" not in open_index(index).schema
    summary = index_paths(index, progress=False)
    assert summary.added == 5 and summary.notes
    assert "schema_v2" in open_index(index).schema
    assert found(index, "customs")


def test_the_run_after_a_killed_rebuild_rebuilds(sources, tmp_path):
    index = tmp_path / "index"
    other = tmp_path / "other"
    other.mkdir()
    write(other, "laos.txt", "Laos trains border guards", "Laos opened a course for guards.")
    index_paths(index, [sources, other], progress=False)
    # what ``index --rebuild sources`` records before it writes; then it is killed
    state = {**read_state(index), "sources": [pipeline.display_path(sources)]}
    state["rebuild_pending"] = True
    (index / pipeline.STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    summary = index_paths(index, progress=False)
    assert summary.added == 5 and "interrupted" in summary.notes[0]
    assert found(index, "border guards") == []  # the other source is gone, as asked
    assert "rebuild_pending" not in read_state(index)
    assert index_paths(index, progress=False).unchanged == 5


def test_missing_sources_are_reported_and_nothing_is_created(tmp_path):
    with pytest.raises(NothingToIndex):
        index_paths(tmp_path / "index", [tmp_path / "nowhere"], progress=False)
    assert not (tmp_path / "index").exists()


def test_a_gone_source_file_is_removed_and_forgotten(tmp_path):
    index = tmp_path / "index"
    folder = tmp_path / "in"
    folder.mkdir()
    one = write(folder, "one.txt", "Kazakhstan signs treaty", "A treaty on customs.")
    two = write(folder, "two.txt", "Laos trains guards", "Laos opened a course.")
    index_paths(index, [one, two], progress=False)
    one.unlink()
    summary = index_paths(index, progress=False)
    assert (summary.removed, summary.unchanged) == (1, 1)
    assert read_state(index)["sources"] == [pipeline.display_path(two)]


# --- one writer at a time -----------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from search.store import write_lock
with write_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture()
def lock_holder(tmp_path):
    """Start a real second process that holds the index's write lock."""
    started = []

    def start(index: Path, seconds: float = 30.0) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(index), str(seconds)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout.readline().strip() == "locked"
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_a_second_writer_gets_a_clear_message(sources, tmp_path, lock_holder, cli):
    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    before = snapshot(index)
    holder = lock_holder(index)
    with pytest.raises(WriterBusy, match="another indexer is writing"):
        index_paths(index, [sources], progress=False)
    result = cli("--index", index, "index", sources, "--quiet")
    assert result.code == 1
    assert "another indexer is writing" in result.err and "--wait" in result.err
    assert "Traceback" not in result.err
    assert snapshot(index) == before
    holder.kill()
    holder.wait()
    assert index_paths(index, [sources], progress=False).unchanged == 5


def test_a_writer_waits_for_the_lock_with_a_timeout(sources, tmp_path, lock_holder):
    index = tmp_path / "index"
    lock_holder(index, seconds=1.0)
    started = time.monotonic()
    summary = index_paths(index, [sources], progress=False, lock_timeout=20)
    assert summary.added == 5
    assert time.monotonic() - started >= 0.5


def test_a_killed_lock_holder_leaves_no_stale_lock(sources, tmp_path, lock_holder):
    index = tmp_path / "index"
    holder = lock_holder(index)
    holder.kill()
    holder.wait()
    assert index_paths(index, [sources], progress=False).added == 5


# --- worker processes -------------------------------------------------------------------


def many_articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        write(
            folder,
            f"a{n:04d}.txt",
            f"Report {n} on border cooperation",
            f"Officers from Hungary and Kazakhstan met for talk number {n} on customs.",
        )
    return folder


def test_workers_build_the_same_index_as_a_single_process(tmp_path, monkeypatch):
    folder = many_articles(tmp_path / "many", 120)
    index_paths(tmp_path / "serial", [folder], progress=False)
    monkeypatch.setattr(pipeline, "PARALLEL_FILES", 10)
    monkeypatch.setattr(pipeline, "BATCH_FILES", 7)
    summary = index_paths(tmp_path / "parallel", [folder], progress=False)
    assert summary.added == 120
    same_articles_then_one_updated(tmp_path / "parallel", tmp_path / "serial", folder)


def same_articles_then_one_updated(index: Path, reference: Path, folder: Path) -> None:
    """``index`` holds what ``reference`` holds; then an incremental run on top of its
    segments updates one file (whose new text no longer says "customs")."""
    assert live_ids(index) == live_ids(reference)
    assert found(index, '"talk number 77"') == ["Report 77 on border cooperation"]
    write(folder, "a0005.txt", "Report 5 rewritten", "Nothing about the border at all.")
    summary = index_paths(index, [folder], progress=False)
    assert (summary.updated, summary.unchanged) == (1, 119)
    assert found(index, "rewritten") == ["Report 5 rewritten"]
    assert total(index, "customs") == 119


def segment_count(index: Path) -> int:
    return len(open_index(index)._segments())


def total(index: Path, q: str) -> int:
    engine = Engine(index)
    try:
        return engine.search(parse_request({"q": [q]}))["total"]
    finally:
        engine.close()


@pytest.mark.parametrize("parallel", [False, True])
def test_a_run_over_its_memory_budget_writes_more_segments(tmp_path, monkeypatch, parallel):
    folder = many_articles(tmp_path / "many", 120)
    index_paths(tmp_path / "whole", [folder], progress=False)
    monkeypatch.setenv(pipeline.MEMORY_ENV, "0.1")  # 100 KB: a new segment every few jobs
    monkeypatch.setattr(pipeline, "BATCH_FILES", 7)
    if parallel:
        monkeypatch.setattr(pipeline, "PARALLEL_FILES", 10)
    summary = index_paths(tmp_path / "parts", [folder], progress=False)
    assert summary.added == 120
    assert segment_count(tmp_path / "whole") == 1
    assert segment_count(tmp_path / "parts") >= 4
    same_articles_then_one_updated(tmp_path / "parts", tmp_path / "whole", folder)


KILLED_RUN = """
import sys
from indexer import pipeline
pipeline.PARALLEL_FILES = 10
pipeline.BATCH_FILES = 5
print("go", flush=True)
pipeline.index_paths(sys.argv[1], [sys.argv[2]], progress=False)
"""


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields_ = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields_[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_run_killed_during_parallel_indexing_is_completed_by_the_next(tmp_path):
    folder = many_articles(tmp_path / "many", 300)
    index = tmp_path / "index"
    index_paths(index, [SEEDS], progress=False)  # a last commit to keep
    first = generation(index)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(index), str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "go"
    deadline = time.monotonic() + 60
    while len(children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(process.pid)
    assert len(workers) >= 2, "the run did not start its worker processes"
    time.sleep(0.3)
    process.kill()  # SIGKILL: no cleanup of any kind
    process.wait()
    assert generation(index) == first, "the run finished before it was killed"
    assert len(live_ids(index)) == 5 and found(index, "customs")  # the last commit serves
    summary = index_paths(index, [SEEDS, folder], progress=False)  # no stale lock
    assert (summary.added, summary.unchanged) == (300, 5)
    assert len(live_ids(index)) == 305
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(w) for w in workers), "a worker outlived its killed parent"
    assert not (index / "MAIN.tmp").exists()
    named = {s.segment_id() for s in open_index(index)._segments()}
    leftovers = {p.name.split(".")[0] for p in index.glob("MAIN_*.*")}
    assert leftovers <= named  # the killed run's half-written segments were deleted


def test_watch_indexes_a_file_as_it_arrives(sources, tmp_path):
    import threading

    from indexer.watch import watch

    index = tmp_path / "index"
    index_paths(index, [sources], progress=False)
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(index, [str(sources)], 10**7, stop), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)
        write(sources, "arrived.txt", "Mongolia hosts police forum", "A forum on policing.")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not found(index, "Mongolia forum"):
            time.sleep(0.2)
        assert found(index, "Mongolia forum") == ["Mongolia hosts police forum"]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_no_worker_outlives_its_run(tmp_path, monkeypatch):
    folder = many_articles(tmp_path / "many", 30)
    monkeypatch.setattr(pipeline, "PARALLEL_FILES", 5)
    index_paths(tmp_path / "index", [folder], progress=False)
    import multiprocessing

    assert multiprocessing.active_children() == []
    assert os.getpid()  # the test process itself is fine


def test_a_bad_line_of_a_jsonl_file_skips_that_line_only(tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    good = {"title": "Customs officers meet in Astana", "body": "Officers met on customs."}
    other = {"title": "Border talks in Tashkent", "body": "Border guards agreed a plan."}
    lines = [json.dumps(good), "{not json", json.dumps({"title": "no body"}), json.dumps(other)]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = index_paths(tmp_path / "index", [folder], progress=False)
    assert summary.added == 2
    reasons = sorted(reason for _, reason in summary.skipped)
    assert [r.split(":")[0].split(" is ")[0] for r in reasons] == ["line 2", "line 3"]
    assert "not JSON" in reasons[0] and "'body' or 'text'" in reasons[1]
    assert found(tmp_path / "index", "customs") == ["Customs officers meet in Astana"]
    assert found(tmp_path / "index", "border") == ["Border talks in Tashkent"]
    again = index_paths(tmp_path / "index", [folder], progress=False)
    assert (again.added, again.unchanged) == (0, 2)


def test_paths_and_ids_do_not_depend_on_where_a_run_starts(tmp_path, monkeypatch):
    """The first run's folder is the index's home: later runs from elsewhere, with the
    folder given another way or not at all, find the same files unchanged."""
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    many_articles(home / "feed", 3)
    elsewhere.mkdir()
    index = tmp_path / "index"
    monkeypatch.chdir(home)
    first = index_paths(index, ["feed"], progress=False)
    ids = live_ids(index)
    monkeypatch.chdir(elsewhere)
    again = index_paths(index, None, progress=False)  # the remembered source
    assert (again.added, again.unchanged) == (0, 3)
    by_absolute = index_paths(index, [home / "feed"], progress=False)
    assert (by_absolute.added, by_absolute.unchanged, by_absolute.removed) == (0, 3, 0)
    assert live_ids(index) == ids and len(first.ids) == 3
    (home / "feed" / "a0001.txt").unlink()
    gone = index_paths(index, None, progress=False)
    assert (gone.removed, gone.unchanged) == (1, 2)
    with open_index(index).searcher() as searcher:
        reader = searcher.reader()
        column = reader.column_reader("path")
        paths = sorted(column[d] for d in reader.all_doc_ids())
    assert paths == ["feed/a0000.txt", "feed/a0002.txt"]
