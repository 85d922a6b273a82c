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

from whoosh import query
from whoosh.reading import TermNotFound

from search.facets import to_bits

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

    def __init__(self, searcher, live: int, cache: TermCache | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.live = live  # the documents not deleted
        self.cache = cache if cache is not None else TermCache()

    def term(self, fieldname: str, text) -> int:
        btext = text if isinstance(text, bytes) else self._to_bytes(fieldname, text)
        key = (fieldname, btext)
        found = self.cache.get(key)
        if found is not None:
            return found
        try:
            ids = self.reader.postings(fieldname, btext).all_ids()
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
        candidates = self._all(query.Term(q.fieldname, w) for w in q.words)
        if not candidates or len(q.words) < 2:
            return candidates
        found = to_bits(q.docs(self.searcher), self.size)
        return found & candidates
