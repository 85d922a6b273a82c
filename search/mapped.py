"""Index files read through one shared memory map, without copies.

Whoosh's ``FileStorage`` memory-maps a compound segment file and then wraps each part of
it in a ``BufferFile``, whose ``BytesIO`` copies the part: every searcher (one per server
thread) held its own copy of the whole index, about 500 MB each at 50,000 articles.
Without the map, every read is a system call, and term-list walks (fuzzy words, did-you-
mean) take three to four times longer. ``MappedStorage`` maps each segment file once per
process and hands out readers over slices of that map: the pages are the operating
system's file cache, shared by every searcher and every process.
"""

from __future__ import annotations

import mmap
import os
import threading

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile

_MAPS: dict[tuple[str, int, int], mmap.mmap] = {}
_MAPS_LOCK = threading.Lock()


class _View:
    """A read-only file over a memoryview: what ``StructFile`` and ``pickle.load`` use."""

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf: memoryview):
        self._buf = buf
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if n is None or n < 0 else min(start + n, len(self._buf))
        self._pos = end
        return self._buf[start:end].tobytes()

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def peek(self, n: int = 1) -> bytes:
        return self._buf[self._pos : self._pos + max(n, 4096)].tobytes()

    def readline(self, limit: int = -1) -> bytes:
        end = len(self._buf) if limit is None or limit < 0 else self._pos + limit
        line = bytearray()
        while self._pos < end:
            byte = self._buf[self._pos]
            self._pos += 1
            line.append(byte)
            if byte == 10:
                break
        return bytes(line)

    def seek(self, position: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._buf))[whence]
        self._pos = base + position
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class MappedFile(BufferFile):
    """A ``BufferFile`` over a slice of a shared map, read without copying the slice."""

    def __init__(self, buf: memoryview, name: str | None = None, onclose=None):
        self._buf = buf
        self._name = name
        self.file = _View(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._buf[position : position + length], name=name or self._name)


def _map(path: str) -> mmap.mmap:
    """The process's one map of an (immutable) index file."""
    st = os.stat(path)
    key = (path, st.st_ino, st.st_size)
    with _MAPS_LOCK:
        found = _MAPS.get(key)
        if found is None:
            _forget_gone()
            with open(path, "rb") as f:
                found = _MAPS[key] = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return found


def _forget_gone() -> None:
    """Drop the maps of files deleted or replaced since (a merge deletes segments); a map
    still read by an open searcher lives on until that searcher closes."""
    for key in list(_MAPS):
        path, inode, size = key
        try:
            st = os.stat(path)
        except OSError:
            del _MAPS[key]
            continue
        if (st.st_ino, st.st_size) != (inode, size):
            del _MAPS[key]


class MappedStorage(FileStorage):
    """A ``FileStorage`` whose compound segment files are read from shared maps, and
    whose commits reach the disk (``rename_file``)."""

    def __init__(self, path: str, readonly: bool = False):
        # ``supports_mmap = False`` makes Whoosh ask ``subset`` of our files instead of
        # mapping (and copying) them itself
        super().__init__(path, supports_mmap=False, readonly=readonly)

    def open_file(self, name: str, **kwargs):
        path = self._fpath(name)
        if name.endswith(".seg") and os.path.getsize(path) > 0:
            return MappedFile(memoryview(_map(path)), name=name, **kwargs)
        return super().open_file(name, **kwargs)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        """Whoosh renames one file, a new generation's table of contents, into place
        to commit it: its bytes are synced first and the folder after, so a crash or a
        power cut leaves the old generation or the whole new one (the segment files
        it names are synced before it is written, ``search.bulk.commit``)."""
        sync_file(self._fpath(oldname))
        super().rename_file(oldname, newname, safe)
        sync_file(self.folder)


def sync_file(path: str) -> None:
    """``fsync`` a file or a folder (a folder's entries: a new or renamed file's name)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
