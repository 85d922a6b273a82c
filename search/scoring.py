"""BM25F scores of the matched documents, computed term at a time.

The product ranks with ``Bm25``, a weighting that differs from Whoosh's ``BM25F`` in two
ways (``docs/benchmarks.md`` measures each on Cranfield and CISI):

- the idf is BM25's, ``log(1 + (N - n + 0.5) / (n + 0.5))``, as Lucene, Tantivy and
  SQLite FTS5 use it: a word found in most documents weighs next to nothing, where
  Whoosh's ``log(N / (n + 1)) + 1`` never falls below 1;
- a word's title and body occurrences are one field (BM25F proper): each field's count,
  weighted and divided by its length normalisation, is summed before one saturation,
  so a word in the title *and* the body is not counted as two independent matches.
  This holds for each spelling tier (folded ``title``/``body``, exact
  ``title_exact``/``body_exact``) when the query names both fields with the same word.

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

import math

import numpy as np
from whoosh import query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from search import postings
from search.docsets import DocSets

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


# Fields scored as one: title -> its body. A pair's boosts weigh the two inside the sum.
PAIRS = {"title": "body", "title_exact": "body_exact"}


def bm25_idf(total: int, n: int) -> float:
    return math.log(1 + (total - n + 0.5) / (n + 0.5))


class Bm25(scoring.BM25F):
    """The product's weighting: BM25 idf, title and body as one field (see above)."""

    combine_fields = True
    title_weight = 1.0  # a title occurrence against a body one, inside a pair's sum
    pairs = PAIRS

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        return bm25_idf(parent.doc_count(), parent.doc_frequency(fieldname, text))


def supported(searcher) -> bool:
    """Whether the searcher ranks with Whoosh's BM25F formula (its idf may differ)."""
    weighting = searcher.weighting
    return isinstance(weighting, scoring.BM25F) and type(weighting).scorer is scoring.BM25F.scorer


class Scorer:
    """Scores of the documents in ``allowed`` (a bitset) for one query.

    Scores live in one array over the index's documents, and each term's postings are
    scored as arrays (numpy), not posting by posting in Python."""

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
        self.size = docsets.size
        self.scores = np.zeros(self.size, dtype=np.float64)
        self.combine = getattr(self.weighting, "combine_fields", False)
        self.pairs = getattr(self.weighting, "pairs", {})
        self.title_weight = getattr(self.weighting, "title_weight", 1.0)
        self._field_norms: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def top(self, q: query.Query, allowed: int, limit: int) -> list[tuple[float, int]]:
        """(score, docnum) of the ``limit`` best of ``allowed``; ties by docnum (a
        document matched without a scoring word, e.g. only by NOT, scores 0)."""
        self.add(q, allowed, 1.0)
        ids = np.flatnonzero(self._mask(allowed))
        if not len(ids) or limit <= 0:
            return []
        found = self.scores[ids]
        if len(ids) > limit:  # the best ``limit`` (and every tie with the last of them)
            cut = np.partition(found, len(ids) - limit)[len(ids) - limit]
            keep = found >= cut
            ids, found = ids[keep], found[keep]
        order = np.lexsort((ids, -found))[:limit]
        return [(float(found[i]), int(ids[i])) for i in order]

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
            subqueries = q.subqueries
            if self.combine:
                subqueries = self._pairs(subqueries, allowed, boost * q.boost)
            for sub in subqueries:
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

    def _mask(self, bits: int) -> np.ndarray:
        """A bitset as one bool per document."""
        raw = np.frombuffer(bits.to_bytes(self.size // 8 + 1, "little"), dtype=np.uint8)
        return np.unpackbits(raw, bitorder="little")[: self.size].view(bool)

    def _constant(self, bits: int, score: float) -> None:
        if bits:
            self.scores[self._mask(bits)] += score

    def _postings(self, fieldname: str, btext: bytes, wanted_bits: int):
        """(docnums, weights) of a term's postings in the wanted documents, as arrays."""
        if self.tables is not None:
            ids, weights = self.tables.get(self.reader, fieldname, btext)
            ids, weights = np.frombuffer(ids, np.int32), np.frombuffer(weights, np.float32)
        else:
            wanted = wanted_bits.to_bytes(self.size // 8 + 1, "little")
            id_parts, weight_parts = [], []
            for offset, block_ids, block_weights in postings.weights(
                self.reader, fieldname, btext, wanted
            ):
                id_parts.append(np.asarray(block_ids, dtype=np.int64) + offset)
                weight_parts.append(np.asarray(block_weights, dtype=np.float64))
            if not id_parts:
                return np.zeros(0, np.int64), np.zeros(0)
            ids, weights = np.concatenate(id_parts), np.concatenate(weight_parts)
        keep = self._mask(wanted_bits)[ids]
        return ids[keep], weights[keep].astype(np.float64)

    def _norms(self, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        """BM25's length normalisation per length byte, and each document's length byte
        (once per field and query)."""
        found = self._field_norms.get(fieldname)
        if found is None:
            avgfl = self.searcher.get_parent().avg_field_length(fieldname) or 1
            b = self.weighting._field_B.get(fieldname, self.weighting.B)
            lengths = np.frombuffer(self.lengths.of(self.reader, fieldname), dtype=np.uint8)
            ratios = (1 - b) + b * np.array(_LENGTH, dtype=np.float64) / avgfl
            found = self._field_norms[fieldname] = (ratios, lengths)
        return found

    def _term(self, fieldname: str, text, boost: float, allowed: int) -> None:
        if not allowed or fieldname not in self.schema:
            return
        field = self.schema[fieldname]
        btext = text if isinstance(text, bytes) else field.to_bytes(text)
        wanted_bits = allowed & self.docsets.term(fieldname, btext)
        if not wanted_bits:
            return
        ids, tf = self._postings(fieldname, btext, wanted_bits)
        if not field.scorable:  # Whoosh's WeightScorer: the weight itself
            self.scores[ids] += tf * boost
            return
        idf = self.searcher.get_parent().idf(fieldname, btext)
        k1 = self.weighting.K1
        ratios, lengths = self._norms(fieldname)
        index_boost = (field.format.field_boost or 1.0) if self.combine else 1.0
        norm = k1 * ratios * index_boost  # tf = weight / index_boost
        top = idf * (k1 + 1) * boost
        self.scores[ids] += top * tf / (tf + norm[lengths[ids]])

    # --- title and body as one field --------------------------------------------------

    def _pairs(self, subqueries, allowed: int, boost: float) -> list:
        """Score each title/body pair of plain terms with the same word as one field;
        the subqueries left to score one by one. The body term is used up; the title
        term stays, scored on its own at its boost (a bonus for a title match)."""
        plain = [s for s in subqueries if type(s) is query.Term and s.fieldname in self.schema]
        by_key = {(s.fieldname, s.text): s for s in plain}
        done: set[int] = set()
        for s in plain:
            partner = by_key.get((self.pairs.get(s.fieldname), s.text))
            if partner is None or partner.boost <= 0 or id(partner) in done:
                continue
            self._pair(s, partner, boost, allowed)
            done.add(id(partner))
            if s.boost <= 0:
                done.add(id(s))
        return [s for s in subqueries if id(s) not in done]

    def _pair(self, title: query.Term, body: query.Term, boost: float, allowed: int) -> None:
        """BM25F over two fields: ``x = sum(w_f * tf_f / norm_f)`` with the title weighed
        ``title_weight`` against the body, then one saturation, times the body's boost.
        Index-time field boosts are divided out of the stored weights."""
        if not allowed:
            return
        fields = []
        matched = 0
        for term in (title, body):
            btext = self.schema[term.fieldname].to_bytes(term.text)
            bits = self.docsets.term(term.fieldname, btext)
            matched |= bits
            fields.append((term, btext, bits))
        wanted_bits = allowed & matched
        if not wanted_bits:
            return
        parent = self.searcher.get_parent()
        idf = bm25_idf(parent.doc_count(), matched.bit_count())
        pseudo = np.zeros(self.size, dtype=np.float64)
        for term, btext, bits in fields:
            here = wanted_bits & bits
            if not here:
                continue
            index_boost = self.schema[term.fieldname].format.field_boost or 1.0
            weight = (self.title_weight if term is title else 1.0) / index_boost
            ratios, lengths = self._norms(term.fieldname)
            ids, tf = self._postings(term.fieldname, btext, here)
            pseudo[ids] += weight * tf / ratios[lengths[ids]]
        k1 = self.weighting.K1
        top = idf * (k1 + 1) * body.boost * boost
        touched = np.flatnonzero(pseudo)
        x = pseudo[touched]
        self.scores[touched] += top * x / (x + k1)
