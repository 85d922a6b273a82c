"""Reading a term's postings a block at a time.

Whoosh's matchers hand out one posting per method call (``id()``, ``weight()``,
``next()``): fine for a few documents, slow for tens of thousands. A segment's postings
are stored in blocks of up to 128, which the leaf matcher decodes into tuples and arrays
at once; these helpers hand those on, with document numbers made global. Any other
matcher (an inlined single posting, a segment with deletions) goes one posting at a time.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

Block = tuple[int, tuple, object]  # (docnum offset, ids, weights or values)


def _matchers(reader, fieldname: str, btext: bytes, wanted: bytes | None = None):
    """(offset, matcher) of each segment with the term; with ``wanted``, only the
    segments whose documents include a wanted one (a hit's highlights open one)."""
    for leaf, offset in reader.leaf_readers():
        if wanted is not None:
            end = offset + leaf.doc_count_all()
            if not any(wanted[offset >> 3 : ((end - 1) >> 3) + 1]):
                continue
        try:
            yield offset, leaf.postings(fieldname, btext)
        except (TermNotFound, KeyError):
            continue


def _blocks(
    reader, fieldname: str, btext: bytes, what: str, wanted: bytes | None
) -> Iterator[Block]:
    for offset, m in _matchers(reader, fieldname, btext, wanted):
        if type(m) is W3LeafMatcher:
            low = offset  # the lowest docnum the next block can hold
            while m.is_active():
                high = m._maxid + offset
                if wanted is None or any(wanted[low >> 3 : (high >> 3) + 1]):
                    if what == "weights":
                        yield offset, *_ids_and_weights(m)
                    elif what == "ids":
                        yield offset, _ids(m), None
                    else:
                        yield offset, _ids(m), _values(m)
                low = high + 1
                m._next_block()
            continue
        ids, data = [], []
        while m.is_active():
            ids.append(m.id())
            data.append(m.weight() if what == "weights" else m.value())
            m.next()
        if ids:
            yield offset, tuple(ids), data


def _ids(m: W3LeafMatcher) -> tuple:
    """The current block's ids, decoded as ``W3LeafMatcher._read_ids`` does but with the
    deltas summed in C."""
    if m._data is None:
        m._read_data()
    return m._data[0] if m._byteids else tuple(accumulate(m._data[0]))


def _values(m: W3LeafMatcher) -> tuple:
    """The current block's encoded values (``W3LeafMatcher._read_values``)."""
    if m._data is None:
        m._read_data()
    if m._fixedsize is None or m._fixedsize < 0:
        return m._data[2]
    m._read_values()
    return m._values


def _ids_and_weights(m: W3LeafMatcher) -> tuple[tuple, object]:
    """The current block's ids and weights (``_read_ids``, ``_read_weights``)."""
    ids = _ids(m)
    weights = m._data[1]
    if weights is None:
        weights = (1.0,) * m._blocklength
    elif isinstance(weights, float):
        weights = (weights,) * m._blocklength
    return ids, weights


def weights(reader, fieldname: str, btext: bytes, wanted: bytes | None = None) -> Iterator[Block]:
    """(offset, ids, weights) for each block of the term's postings; with ``wanted`` (a
    bitset's bytes), only the blocks whose docnum range holds a wanted document."""
    return _blocks(reader, fieldname, btext, "weights", wanted)


def values(reader, fieldname: str, btext: bytes, wanted: bytes | None = None) -> Iterator[Block]:
    """(offset, ids, encoded values) for each block of the term's postings (as ``weights``)."""
    return _blocks(reader, fieldname, btext, "values", wanted)


def doc_ids(reader, fieldname: str, btext: bytes) -> Iterator[int]:
    """Every global docnum with the term."""
    for offset, ids, _ in _blocks(reader, fieldname, btext, "ids", None):
        if offset:
            yield from (d + offset for d in ids)
        else:
            yield from ids


Table = tuple[array, array]  # (global docnums, weights) of one term


def table(reader, fieldname: str, btext: bytes) -> Table:
    """All of a term's postings as two arrays, each block decoded once."""
    ids, weights = array("i"), array("f")
    for offset, block_ids, block_weights in _blocks(reader, fieldname, btext, "weights", None):
        ids.extend([d + offset for d in block_ids] if offset else block_ids)
        weights.extend(block_weights)
    return ids, weights


class Tables:
    """Decoded postings of the terms searched, for one index generation, shared by the
    threads: the bitset of a term and its scores are read from one decoding (eight bytes
    a posting; least recent out, within a memory budget)."""

    def __init__(self, budget_bytes: int = 96 << 20):
        self.budget = budget_bytes
        self._tables: OrderedDict[tuple[str, bytes], Table] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, reader, fieldname: str, btext: bytes) -> Table:
        key = (fieldname, btext)
        with self._lock:
            found = self._tables.get(key)
            if found is not None:
                self._tables.move_to_end(key)
                return found
        found = table(reader, fieldname, btext)
        size = 8 * len(found[0])
        with self._lock:
            if key not in self._tables and size <= self.budget:
                self._tables[key] = found
                self._bytes += size
                while self._bytes > self.budget:
                    _, dropped = self._tables.popitem(last=False)
                    self._bytes -= 8 * len(dropped[0])
        return found
