"""``index --watch``: reindex the sources when files in them change (watchdog)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from indexer.pipeline import WriterBusy, index_paths
from indexer.readers import SUFFIXES

DEBOUNCE_SECONDS = 1.0


class _Changed(FileSystemEventHandler):
    def __init__(self, wake: threading.Event):
        self.wake = wake

    def on_any_event(self, event):
        paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
        if event.is_directory or any(Path(str(p)).suffix.lower() in SUFFIXES for p in paths):
            self.wake.set()


def watch(
    index_path: Path, paths: list[str], max_bytes: int, stop: threading.Event | None = None
) -> int:
    """Block, reindexing after each burst of changes, until ``stop`` is set or Ctrl-C."""
    from indexer.pipeline import read_state

    folders = [p for p in (paths or read_state(index_path).get("sources", [])) if Path(p).exists()]
    wake, stop = threading.Event(), stop or threading.Event()
    observer = Observer()
    for folder in folders:
        target = folder if Path(folder).is_dir() else str(Path(folder).parent)
        observer.schedule(_Changed(wake), target, recursive=True)
    observer.start()
    print(f"watching {', '.join(folders)} (Ctrl-C to stop)", flush=True)
    try:
        while not stop.is_set():
            if not wake.wait(timeout=0.5):
                continue
            while wake.is_set():  # wait for the burst of events to settle
                wake.clear()
                stop.wait(DEBOUNCE_SECONDS)
            try:
                summary = index_paths(
                    index_path, folders, max_bytes=max_bytes, progress=False, lock_timeout=30
                )
                print(summary.text(), flush=True)
            except WriterBusy as exc:
                print(f"diplosearch: {exc}", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()
    return 0
