"""The set of documents a query matches, as a bitset (a Python int), computed from the
query tree with set operations on per-term bitsets.

``Searcher.docs_for_query`` steps Whoosh's union and intersection matchers through every
matching document in Python (tens of ms for a broad query over 50,000 articles); reading
each term's posting ids once and combining them with ``&``, ``|`` and ``~`` on integers
costs a fraction of that, and common terms are cached for the index generation.
Phrases, which need positions, still go through Whoosh's matcher, but only over the
documents that hold all of their words.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import reduce
from itertools import accumulate
from pickle import loads

from whoosh import formats, query
from whoosh.reading import TermNotFound

from search import postings
from search.facets import docnums, to_bits

TERM_CACHE = 4096  # term bitsets kept per index generation


class TermCache:
    """Bitsets of terms for one index generation, shared by threads (least recent out)."""

    def __init__(self, size: int = TERM_CACHE):
        self.size = size
        self._bits: OrderedDict[tuple[str, bytes], int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, bytes]) -> int | None:
        with self._lock:
            found = self._bits.get(key)
            if found is not None:
                self._bits.move_to_end(key)
            return found

    def put(self, key: tuple[str, bytes], bits: int) -> None:
        with self._lock:
            self._bits[key] = bits
            if len(self._bits) > self.size:
                self._bits.popitem(last=False)


class DocSets:
    """Bitsets of queries, read through one thread's searcher."""

    def __init__(
        self,
        searcher,
        live: int,
        cache: TermCache | None = None,
        tables: postings.Tables | None = None,
    ):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.live = live  # the documents not deleted
        self.cache = cache if cache is not None else TermCache()
        self.tables = tables
        self._memo: dict[int, int] = {}  # id(query node) -> bits, for this request

    def term(self, fieldname: str, text) -> int:
        btext = text if isinstance(text, bytes) else self._to_bytes(fieldname, text)
        key = (fieldname, btext)
        found = self.cache.get(key)
        if found is not None:
            return found
        try:
            if self.tables is not None:
                ids = self.tables.get(self.reader, fieldname, btext)[0]
            else:
                ids = postings.doc_ids(self.reader, fieldname, btext)
            bits = to_bits(ids, self.size) & self.live
        except (TermNotFound, KeyError):
            bits = 0
        self.cache.put(key, bits)
        return bits

    def _to_bytes(self, fieldname: str, text: str) -> bytes:
        if fieldname not in self.reader.schema:
            return text.encode("utf-8")
        return self.reader.schema[fieldname].to_bytes(text)

    def of(self, q: query.Query) -> int:
        """The live documents ``q`` matches."""
        if isinstance(q, query.Term):
            return self.term(q.fieldname, q.text)
        found = self._memo.get(id(q))
        if found is None:
            found = self._memo[id(q)] = self._of(q)
        return found

    def _of(self, q: query.Query) -> int:
        if isinstance(q, query.Every):
            return self.live
        if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
            return 0
        if isinstance(q, query.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, query.And):
            return self._all(q.subqueries)
        if isinstance(q, (query.Or, query.DisjunctionMax)):
            return reduce(lambda a, s: a | self.of(s), q.subqueries, 0)
        if isinstance(q, query.Not):
            return self.live & ~self.of(q.query)
        if isinstance(q, query.AndNot):
            return self.of(q.a) & ~self.of(q.b)
        if isinstance(q, query.AndMaybe):
            return self.of(q.a)
        if isinstance(q, query.Require):
            return self.of(q.a) & self.of(q.b)
        if isinstance(q, query.ConstantScoreQuery):
            return self.of(q.child)
        if isinstance(q, query.MultiTerm):
            field = q.field()
            return reduce(lambda a, t: a | self.term(field, t), q._btexts(self.reader), 0)
        if isinstance(q, query.Phrase):
            return self._phrase(q)
        return to_bits(q.docs(self.searcher), self.size) & self.live

    def _all(self, subqueries) -> int:
        bits = self.live
        for sub in subqueries:
            bits &= self.of(sub)
            if not bits:
                return 0
        return bits

    def _phrase(self, q: query.Phrase) -> int:
        """Documents with the words at consecutive positions (cached per generation)."""
        candidates = self._all(query.Term(q.fieldname, w) for w in q.words)
        if not candidates or len(q.words) < 2:
            return candidates
        fmt = self.reader.schema[q.fieldname].format
        if q.slop != 1 or not fmt.supports("positions"):
            return to_bits(q.docs(self.searcher), self.size) & candidates
        key = (q.fieldname, tuple(q.words))
        found = self.cache.get(key)
        if found is None:
            wanted = set(docnums(candidates))
            where = [self._positions(q.fieldname, w, wanted, fmt) for w in q.words]
            found = to_bits(_consecutive(where), self.size) & candidates
            self.cache.put(key, found)
        return found

    def _positions(self, fieldname: str, word: str, wanted: set[int], fmt) -> dict:
        decode = _position_decoder(fmt)
        out = {}
        for offset, ids, encoded in postings.values(
            self.reader, fieldname, self._to_bytes(fieldname, word)
        ):
            for i, docnum in enumerate(ids):
                if docnum + offset in wanted:
                    out[docnum + offset] = decode(encoded[i])
        return out


def _position_decoder(fmt):
    """``fmt.decode_positions``, with the deltas summed in C for Whoosh's two formats
    (both store a 4-byte count and a pickled list, its final STOP byte cut off)."""
    if type(fmt) is formats.Characters:  # (position, start, end) deltas

        def decode(value: bytes) -> list[int]:
            codes = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
            return list(accumulate(code[0] for code in codes))

        return decode
    if type(fmt) is formats.Positions:

        def decode(value: bytes) -> list[int]:
            return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))

        return decode
    return fmt.decode_positions


def _consecutive(where: list[dict]) -> list[int]:
    """Docnums where word k of the phrase is at some position p + k, for every k."""
    found = []
    for docnum, starts in where[0].items():
        possible = set(starts)
        for k, positions in enumerate(where[1:], start=1):
            possible &= {p - k for p in positions.get(docnum, ())}
            if not possible:
                break
        if possible:
            found.append(docnum)
    return found
