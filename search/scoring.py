"""BM25F scores of the matched documents, computed term at a time.

Whoosh scores document at a time, stepping its tree of union and intersection matchers
through every match in Python: a two-word query over four fields and 50,000 articles
takes 200 ms and more. Here each scoring term's postings are read a block at a time and
its score is added to the documents that need it, with Whoosh's own formula, idf,
average lengths, field boosts and query boosts, so the numbers are the ones Whoosh's
matchers give (``tests/test_search_ranking.py`` compares them).

Which terms score a document follows the query tree: an AND's words count only for
documents that match the whole AND, a phrase's words only where the phrase matched, a
NOT's words never, a constant-score part (prefix, fuzzy) adds its constant.
"""

from __future__ import annotations

import heapq

from whoosh import query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from search import postings
from search.docsets import DocSets
from search.facets import docnums

# Whoosh's doc_field_length(..., default=1): a stored length byte of 0 reads as 1.
_LENGTH = [byte_to_length(b) or 1 for b in range(256)]


class FieldLengths:
    """Each document's length byte per field, read once per index generation."""

    def __init__(self):
        self._bytes: dict[str, bytes] = {}

    def of(self, reader, fieldname: str) -> bytes:
        found = self._bytes.get(fieldname)
        if found is None:
            found = self._bytes[fieldname] = _read_lengths(reader, fieldname)
        return found


def _read_lengths(reader, fieldname: str) -> bytes:
    parts = []
    for leaf, _ in reader.leaf_readers():
        count = leaf.doc_count_all()
        column = None
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is not None and hasattr(perdoc, "_cached_reader"):
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is not None and hasattr(column, "_dbfile"):
            raw = column._dbfile.get(column._basepos, column._count)
            parts.append(bytes(raw[:count]).ljust(count, b"\0"))
        else:  # another codec: ask document by document
            parts.append(
                bytes(min(255, int(leaf.doc_field_length(d, fieldname, 0))) for d in range(count))
            )
    return b"".join(parts)


def supported(searcher) -> bool:
    """Whether the searcher ranks with Whoosh's BM25F formula (its idf may differ)."""
    weighting = searcher.weighting
    return isinstance(weighting, scoring.BM25F) and type(weighting).scorer is scoring.BM25F.scorer


class Bm25:
    """Scores of the documents in ``allowed`` (a bitset) for one query."""

    def __init__(
        self,
        searcher,
        docsets: DocSets,
        lengths: FieldLengths,
        tables: postings.Tables | None = None,
    ):
        self.searcher = searcher
        self.tables = tables
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.weighting = searcher.weighting
        self.docsets = docsets
        self.lengths = lengths
        self.scores: dict[int, float] = {}

    def top(self, q: query.Query, allowed: int, limit: int) -> list[tuple[float, int]]:
        """(score, docnum) of the ``limit`` best of ``allowed``; ties by docnum."""
        self.add(q, allowed, 1.0)
        best = heapq.nsmallest(limit, self.scores.items(), key=lambda p: (-p[1], p[0]))
        out = [(score, docnum) for docnum, score in best]
        if len(out) < limit:  # matched without a scoring word (e.g. only NOT): score 0
            seen = {d for _, d in out}
            for docnum in docnums(allowed):
                if docnum not in seen:
                    out.append((0.0, docnum))
                    if len(out) >= limit:
                        break
        return out

    def add(self, q: query.Query, allowed: int, boost: float) -> None:
        if not allowed:
            return
        if isinstance(q, query.Term):
            self._term(q.fieldname, q.text, boost * q.boost, allowed)
        elif isinstance(q, query.And):
            inside = allowed & self.docsets.of(q)
            for sub in q.subqueries:
                self.add(sub, inside, boost * q.boost)
        elif isinstance(q, query.Or):
            for sub in q.subqueries:
                self.add(sub, allowed, boost * q.boost)
        elif isinstance(q, query.AndNot):
            self.add(q.a, allowed & self.docsets.of(q), boost * q.boost)
        elif isinstance(q, (query.AndMaybe, query.Require)):
            inside = allowed & self.docsets.of(q.a)
            self.add(q.a, inside, boost * q.boost)
            self.add(q.b, inside, boost * q.boost)
        elif isinstance(q, query.ConstantScoreQuery):
            self._constant(allowed & self.docsets.of(q.child), q.score * boost)
        elif isinstance(q, query.Not):  # Whoosh's InverseMatcher scores 1 where it matches
            self._constant(allowed & self.docsets.of(q), boost)
        elif isinstance(q, query.Phrase):
            inside = allowed & self.docsets.of(q)
            for word in q.words:
                self._term(q.fieldname, word, boost * q.boost, inside)
        # Every and anything else add no score

    def _constant(self, bits: int, score: float) -> None:
        scores = self.scores
        for docnum in docnums(bits):
            scores[docnum] = scores.get(docnum, 0.0) + score

    def _term(self, fieldname: str, text, boost: float, allowed: int) -> None:
        if not allowed or fieldname not in self.schema:
            return
        field = self.schema[fieldname]
        btext = text if isinstance(text, bytes) else field.to_bytes(text)
        wanted_bits = allowed & self.docsets.term(fieldname, btext)
        if not wanted_bits:
            return
        wanted = wanted_bits.to_bytes(self.docsets.size // 8 + 1, "little")
        if self.tables is not None:
            ids, weights = self.tables.get(self.reader, fieldname, btext)
            blocks = [(0, ids, weights)]
        else:  # only the blocks that hold a wanted document
            blocks = postings.weights(self.reader, fieldname, btext, wanted)
        scores = self.scores
        if not field.scorable:  # Whoosh's WeightScorer: the weight itself
            for offset, ids, weights in blocks:
                for i, docnum in enumerate(ids):
                    d = docnum + offset
                    if wanted[d >> 3] >> (d & 7) & 1:
                        scores[d] = scores.get(d, 0.0) + weights[i] * boost
            return
        parent = self.searcher.get_parent()
        idf = parent.idf(fieldname, btext)
        avgfl = parent.avg_field_length(fieldname) or 1
        b = self.weighting._field_B.get(fieldname, self.weighting.B)
        k1 = self.weighting.K1
        lengths = self.lengths.of(self.reader, fieldname)
        norm = [k1 * ((1 - b) + b * n / avgfl) for n in _LENGTH]  # per length byte
        top = idf * (k1 + 1) * boost
        for offset, ids, weights in blocks:
            for i, docnum in enumerate(ids):
                d = docnum + offset
                if wanted[d >> 3] >> (d & 7) & 1:
                    tf = weights[i]
                    scores[d] = scores.get(d, 0.0) + top * tf / (tf + norm[lengths[d]])
