"""A new segment's postings, grouped by term as documents are added, and written out.

Whoosh's posting pool keeps one tuple per posting (field, term, document, weight, value),
sorts them all at the commit and, past its memory limit, spills sorted runs to disk that
the commit merges back; its field writer then takes them one Python call per posting.
At tens of thousands of articles per writer that sort and merge cost more than the
analysis. ``TermPool`` keeps a dict per field, term -> flat list of (document, weight,
value): documents arrive in number order, so a term's postings are already in order and
the commit only sorts each field's terms. There is no spilling; a writer whose pool is
``full`` is finished as a segment and the indexer starts another (``search.bulk``).

``write_postings`` writes the pool with the bytes ``search.bulk.BulkFieldWriter`` writes
from Whoosh's sorted pool (``tests/test_search_termpool.py`` compares the files): the
same W3 blocks and term infos, built a term or a block at a time instead of a posting
at a time.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Iterator
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

BLOCK_LIMIT = 128  # postings per block (W3Codec's default)
SMALL_BLOCK = 200  # bytes of pickled block data below which a block is not compressed
# Bytes of memory a posting and a new term take (measured with tracemalloc on articles:
# a list slot of three, a float, the value's bytes object; a key, a list, a dict slot).
POSTING_BYTES = 90
TERM_BYTES = 200

_TERMINFO = struct.Struct("!BfIBBfII")  # W3TermInfo's layout
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # before each key and value in a HashWriter file
_FLOAT32: dict[float, float] = {}


def compress_block(data: bytes, level: int) -> bytes:
    """``zlib.compress(data, level)`` with a window no larger than the data needs: zlib's
    default sets up a 32 KB window and its tables for every call, ~40 microseconds that
    dominate compressing a block of a few KB (any zlib reader reads either)."""
    wbits = min(15, max(9, (len(data) - 1).bit_length()))
    compressor = zlib.compressobj(level, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


def _float32(weight: float) -> float:
    """``weight`` as stored in an ``array("f")`` (W3 blocks keep weights as float32)."""
    stored = _FLOAT32.get(weight)
    if stored is None:
        stored = array("f", (weight,))[0]
        if len(_FLOAT32) < 4096:
            _FLOAT32[weight] = stored
    return stored


class TermPool:
    """Postings by field and term, with an estimate of the memory they hold."""

    def __init__(self, limitmb: float = 1024):
        self.fields: dict[str, dict[bytes, list]] = {}
        self.limit = int(limitmb * 1024 * 1024)
        self.size = 0
        self.in_order = True  # every term's documents ascend (see ``add``)

    @property
    def fieldnames(self) -> set[str]:
        return set(self.fields)

    def full(self) -> bool:
        return self.size > self.limit

    def add_field(self, fieldname: str, docnum: int, items: list) -> None:
        """A document's postings in one field: ``(term, frequency, weight, value)`` each,
        one per term, for a document numbered above every document added before."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        get = terms.get
        new_terms = new_bytes = value_bytes = 0
        for tbytes, _, weight, vbytes in items:
            entry = get(tbytes)
            if entry is None:
                terms[tbytes] = [docnum, weight, vbytes]
                new_terms += 1
                new_bytes += len(tbytes)
            else:
                entry += (docnum, weight, vbytes)
            if vbytes:
                value_bytes += len(vbytes)
        self.size += POSTING_BYTES * len(items) + TERM_BYTES * new_terms + new_bytes + value_bytes

    def add(self, item: tuple) -> None:
        """Whoosh's ``PostingPool.add``: one ``(field, term, document, weight, value)``,
        in any order (a merge adds other segments' postings this way)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        entry = terms.get(tbytes)
        if entry is None:
            terms[tbytes] = [docnum, weight, vbytes]
            self.size += TERM_BYTES + len(tbytes)
        else:
            if entry[-3] >= docnum:
                self.in_order = False
            entry += (docnum, weight, vbytes)
        self.size += POSTING_BYTES + len(vbytes or b"")

    def terms(self, fieldname: str) -> Iterator[tuple[bytes, list]]:
        """A field's terms in order, each with its flat postings in document order."""
        terms = self.fields[fieldname]
        for tbytes in sorted(terms):
            entry = terms[tbytes]
            if not self.in_order and len(entry) > 3:
                triples = zip(entry[0::3], entry[1::3], entry[2::3], strict=True)
                triples = sorted(triples, key=_first)
                entry = [x for triple in triples for x in triple]
            yield tbytes, entry

    def iter_postings(self) -> Iterator[tuple]:
        """Every posting as Whoosh's pool gives it: sorted by field, term and document."""
        for fieldname in sorted(self.fields):
            for tbytes, entry in self.terms(fieldname):
                for n in range(0, len(entry), 3):
                    yield fieldname, tbytes, entry[n], entry[n + 1], entry[n + 2]

    def cleanup(self) -> None:
        self.fields = {}
        self.size = 0
        self.in_order = True


def _first(triple: tuple):
    return triple[0]


def write_postings(fieldwriter, schema, pool: TermPool, lengths) -> None:
    """Write ``pool`` through a ``W3FieldWriter`` (its files, field map and term index);
    ``lengths`` gives a field's document lengths as a list (``bulk._Lengths``) or None."""
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    inline_limit = fieldwriter._codec._inlinelimit
    compression = fieldwriter._codec._compression
    for fieldname in sorted(pool.fields):
        field = schema[fieldname]
        fieldwriter.start_field(fieldname, field)
        prefix = pack_ushort(fieldwriter._fieldid)
        column = lengths.lengths(fieldname) if lengths is not None else None
        fixed = field.format.fixed_value_size()
        rows = []
        for tbytes, entry in pool.terms(fieldname):
            if len(entry) < 3 * inline_limit:
                info = _inlined(entry, column)
            else:
                info = _blocks(postfile, entry, column, fixed, compression)
            rows.append((prefix + tbytes, info))
        _add_terms(tindex, rows)
        fieldwriter.finish_field()


def _add_terms(tindex, rows: list[tuple[bytes, bytes]]) -> None:
    """``OrderedHashWriter.add`` for a field's terms at once, keys in order: one write,
    positions counted instead of asked for (a ``tell`` and three writes a term)."""
    if not rows:
        return
    if rows[0][0] <= tindex.lastkey:
        raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{rows[0][0]!r}")
    dbfile = tindex.dbfile
    position = dbfile.tell()
    hashfn, buckets, index = tindex.hashfn, tindex.buckets, tindex.index
    parts = []
    for key, value in rows:
        index.append(position)
        code = hashfn(key)
        buckets[code & 255].append((code, position))
        parts += (_KEY_VALUE_LENGTHS.pack(len(key), len(value)), key, value)
        position += _KEY_VALUE_LENGTHS.size + len(key) + len(value)
    dbfile.write(b"".join(parts))
    tindex.lastkey = rows[-1][0]


def _inlined(entry: list, column: list | None) -> bytes:
    """The term info of a term whose few postings it keeps (``set_inlined``)."""
    ids = entry[0::3]
    raw = entry[1::3]
    weights = tuple(map(_float32, raw))
    values = tuple(filter(None, entry[2::3])) or (None,) * len(ids)
    minlength, maxlength = _length_range(ids, column)
    info = _TERMINFO.pack(
        1,
        sum(weights),
        len(ids),
        0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength),
        _max_weight(raw),
        ids[0],
        ids[-1],
    )
    return info + dumps((tuple(ids), weights, values), 2)


def _blocks(postfile, entry: list, column, fixed, compression: int) -> bytes:
    """Write a term's postings as W3 blocks; return its term info."""
    ids, raw, values = entry[0::3], entry[1::3], entry[2::3]
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    total = 0.0
    minlength, maxlength, maxweight = None, 0, 0
    count = len(ids)
    for first in range(0, count, BLOCK_LIMIT):
        last = first + BLOCK_LIMIT >= count
        block_ids = ids[first : first + BLOCK_LIMIT]
        block_raw = raw[first : first + BLOCK_LIMIT]
        weights = array("f", block_raw).tolist()
        total += sum(weights)
        block_min, block_max = _length_range(block_ids, column)
        if minlength is None:
            minlength = block_min
        elif block_min is not None:
            minlength = min(minlength, block_min)
        maxlength = max(maxlength, block_max)
        block_weight = _max_weight(block_raw)
        maxweight = max(maxweight, block_weight)
        data = dumps(
            (
                tuple(map(sub, block_ids, [0, *block_ids[:-1]])),
                _mini_weights(weights),
                _mini_values(list(filter(None, values[first : first + BLOCK_LIMIT])), fixed),
            ),
            2,
        )
        comp = compression if len(data) >= SMALL_BLOCK else 0
        if comp:
            data = compress_block(data, comp)
        blockinfo = dumps(
            (
                len(block_ids),
                block_ids[-1],
                block_weight,
                comp,
                length_to_byte(block_min),
                length_to_byte(block_max),
            ),
            2,
        )
        size = len(blockinfo) + len(data)
        postfile.write(pack_int(-size if last else size) + blockinfo + data)
    length = postfile.tell() - start
    info = _TERMINFO.pack(
        0,
        total,
        count,
        0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength),
        maxweight,
        ids[0],
        ids[-1],
    )
    return info + pack_long(start) + pack_int(length)


def _length_range(ids: list[int], column: list | None) -> tuple[int | None, int]:
    """Shortest and longest non-zero length of these documents (None, 0 without)."""
    if column is None:
        return None, 0
    lengths = list(map(column.__getitem__, ids))
    longest = max(lengths)
    if not longest:
        return None, 0
    shortest = min(lengths)
    if not shortest:
        shortest = min(n for n in lengths if n)
    return shortest, longest


def _max_weight(weights: list[float]) -> float:
    """A block's highest weight as the W3 writer tracks it (starting from 0)."""
    highest = max(weights)
    return highest if highest > 0 else 0


def _mini_weights(weights: list[float]):
    if weights.count(1.0) == len(weights):
        return None
    if weights.count(weights[0]) == len(weights):
        return weights[0]
    return tuple(weights)


def _mini_values(values: list[bytes], fixed: int | None):
    if fixed is None or fixed < 0:
        return tuple(values)
    if fixed == 0:
        return None
    return b"".join(values)
