"""The search service: one index, a searcher per thread, results as plain dicts.

Never ``Searcher.refresh()`` (STYLE.md: wrong totals after merges on 2.7.5): each thread
keeps its searcher and opens a new one when the index has a newer commit. What depends
only on the commit (facet columns, term bitsets) is built once per generation and shared.

A request: the query's documents as a bitset (``search.docsets``), the filters as
bitsets (``search.facets.Columns``), disjunctive facet counts from those, then the page
(``search.ranking``) and its highlights (``search.highlight``).
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache, reduce
from pathlib import Path

import pycountry
from whoosh import query
from whoosh.analysis import STOP_WORDS

from indexer.gazetteer import country_name
from indexer.topics import topic_label
from search import highlight, ranking
from search.docsets import DocSets, TermCache
from search.facets import FACETS, Columns
from search.postings import Tables
from search.query import expand_terms, parse_user_query
from search.request import SearchRequest
from search.schema import day_number
from search.scoring import Bm25, FieldLengths
from search.store import open_index, size_bytes
from search.suggest import suggestion

RELATED = 5
RELATED_TERMS = 12
SUGGEST_BELOW = 5  # offer a respelling when a query finds fewer articles than this
FILTERED = ("country", "topic", "language")


@lru_cache(maxsize=4096)
def facet_label(facet: str, value: str) -> str:
    """The label shown for a facet value; static data, so looked up once per value."""
    if facet == "country":
        return country_name(value)
    if facet == "topic":
        return topic_label(value)
    if facet == "language":
        found = pycountry.languages.get(alpha_2=value) if len(value) == 2 else None
        return found.name if found else ("Undetermined" if value == "und" else value)
    return "Undated" if value == "undated" else value


class _Generation:
    """What one commit of the index shares between requests: columns and term bitsets."""

    def __init__(self, number: int, searcher):
        self.number = number
        self.columns = Columns(searcher.reader())
        self.terms = TermCache()
        self.lengths = FieldLengths()
        self.tables = Tables()


class Engine:
    def __init__(self, index_path: str | Path):
        self.path = Path(index_path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._generation: _Generation | None = None

    # --- searchers and what each commit shares -----------------------------------------

    def searcher(self):
        """This thread's searcher, reopened when a newer commit exists."""
        current = getattr(self._local, "searcher", None)
        if current is not None and current.up_to_date():
            return current
        ix = open_index(self.path)
        fresh = ix.searcher(weighting=Bm25())
        self._local.searcher = fresh
        self._local.generation = fresh.reader().generation()
        if current is not None:
            current.close()
        return fresh

    def _shared(self, searcher) -> _Generation:
        number = self._local.generation
        shared = self._generation
        if shared is not None and shared.number == number:
            return shared
        with self._lock:
            shared = self._generation
            if shared is None or shared.number != number:
                built = _Generation(number, searcher)
                if shared is None or shared.number < number:
                    self._generation = built
                return built
            return shared

    def columns(self, searcher) -> Columns:
        return self._shared(searcher).columns

    def close(self) -> None:
        current = getattr(self._local, "searcher", None)
        if current is not None:
            current.close()
            self._local.searcher = None

    # --- search ----------------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        started = time.perf_counter()
        searcher = self.searcher()
        shared = self._shared(searcher)
        columns = shared.columns
        text_q = expand_terms(
            parse_user_query(searcher.schema, request.q, any_word=request.match == "any"),
            searcher.reader(),
            shared.terms,
        )
        browsing = isinstance(text_q, query.Every)
        docsets = DocSets(searcher, columns.all, shared.terms, shared.tables)
        matched = columns.all if browsing else docsets.of(text_q)
        selections = {f: getattr(request, f) for f in FILTERED}
        filter_bits = {f: columns.any_of(f, v) for f, v in selections.items() if v}
        date_bits = None
        if request.date_from or request.date_to:
            date_bits = columns.day_range(
                day_number(_iso(request.date_from)), day_number(_iso(request.date_to))
            )

        def narrowed(skip: str | None, with_dates: bool = True) -> int:
            bits = [b for f, b in filter_bits.items() if f != skip]
            if with_dates and date_bits is not None:
                bits.append(date_bits)
            return reduce(lambda a, b: a & b, bits, matched)

        final = narrowed(None)
        total = final.bit_count()
        facets = {}
        for facet in FACETS:
            base = narrowed(None, with_dates=False) if facet == "year" else narrowed(facet)
            facets[facet] = _facet_values(
                facet, columns.count(facet, base), selections.get(facet, [])
            )
        hits = self._page(searcher, shared, docsets, text_q, request, (final, total))
        suggested = None
        if not browsing and total < SUGGEST_BELOW:
            suggested = suggestion(searcher, request.q, shared.terms)
        return {
            "query": request.q,
            "total": total,
            "page": request.page,
            "per_page": request.per_page,
            "sort": request.sort,
            "filters": request.filters(),
            "hits": hits,
            "facets": facets,
            "suggestion": suggested,
            "took_ms": round((time.perf_counter() - started) * 1000),
        }

    def _page(self, searcher, shared, docsets, text_q, request, sets) -> list[dict]:
        """The hits of the requested page: newest first when browsing or sorting by date."""
        final, total = sets
        first = (request.page - 1) * request.per_page
        if first >= total:
            return []
        browsing = isinstance(text_q, query.Every)
        count = request.per_page
        if browsing or request.sort == "date":
            chosen = [(None, d) for d in ranking.newest(shared.columns, final, first, count)]
        else:
            best = ranking.top_docs(
                searcher,
                text_q,
                first + count,
                within=final,
                docsets=docsets,
                lengths=shared.lengths,
                tables=shared.tables,
            )
            chosen = [(round(score, 3), d) for score, d in best[first:]]
        return self._hits(searcher, text_q, browsing, chosen)

    def _hits(self, searcher, text_q, browsing: bool, chosen) -> list[dict]:
        marker = None if browsing else highlight.Marker(searcher, text_q, [d for _, d in chosen])
        hits = []
        for score, docnum in chosen:
            article = searcher.stored_fields(docnum)["article"]
            title_spans, body_spans = [], []
            if marker is not None:
                title_spans, body_spans = marker.spans(docnum, article["title"], article["body"])
            hits.append(
                {
                    "id": article["id"],
                    "title": article["title"],
                    "title_html": highlight.mark(article["title"], title_spans),
                    "date": article.get("date"),
                    "date_precision": article.get("date_precision"),
                    "countries": article.get("countries", []),
                    "topics": article.get("topics", []),
                    "language": article.get("language"),
                    "source": article.get("source"),
                    "place": article.get("place"),
                    "snippet": highlight.snippet(article["body"], body_spans),
                    "score": score,
                }
            )
        return hits

    # --- articles --------------------------------------------------------------------

    def article(self, article_id: str, q: str | None = None) -> dict | None:
        """The stored article, plus ``title_html``/``body_html`` marked with ``q``'s words,
        and ``related``."""
        searcher = self.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        article = dict(searcher.stored_fields(docnum)["article"])
        title_spans, body_spans = [], []
        if q:
            text_q = expand_terms(parse_user_query(searcher.schema, q), searcher.reader())
            marker = highlight.Marker(searcher, text_q, [docnum])
            title_spans, body_spans = marker.spans(docnum, article["title"], article["body"])
        article["title_html"] = highlight.mark(article["title"], title_spans)
        article["body_html"] = highlight.mark(article["body"], body_spans, collapse=False)
        article["related"] = self._related(searcher, docnum, article)
        return article

    def _related(self, searcher, docnum: int, article: dict) -> list[dict]:
        """Up to five articles sharing the most key terms and countries with this one."""
        try:
            candidates = searcher.key_terms_from_text(
                "body", article["title"] + "\n" + article["body"], numterms=RELATED_TERMS * 3
            )
        except Exception:  # an empty or odd body has no key terms
            candidates = []
        terms = [t for t, _ in candidates if _key_term(t)][:RELATED_TERMS]
        parts: list[query.Query] = [query.Term("body", t) for t in terms]
        parts += [
            query.ConstantScoreQuery(query.Term("country", c), score=2.0)
            for c in article.get("countries", [])
        ]
        if not parts:
            return []
        best = ranking.top_docs(searcher, query.Or(parts), RELATED + 1)
        related = []
        for _, other in best:
            if other == docnum:
                continue
            found = searcher.stored_fields(other)["article"]
            related.append(
                {
                    "id": found["id"],
                    "title": found["title"],
                    "date": found.get("date"),
                    "countries": found.get("countries", []),
                }
            )
        return related[:RELATED]

    # --- stats -----------------------------------------------------------------------

    def stats(self) -> dict:
        from indexer.pipeline import read_state  # the index's own state file

        searcher = self.searcher()
        columns = self.columns(searcher)
        state = read_state(self.path)
        return {
            "index": str(self.path),
            "articles": searcher.doc_count(),
            "facets": {f: _facet_values(f, columns.count(f, columns.all), []) for f in FACETS},
            "size_bytes": size_bytes(self.path),
            "segments": len(searcher.reader().leaf_readers()) if searcher.doc_count() else 0,
            "generation": self._local.generation,
            "last_update": state.get("last_update"),
            "sources": state.get("sources", []),
        }


def _key_term(term: str) -> bool:
    """A term worth sharing: not a stop word, a number or a fragment of two letters."""
    return len(term) > 2 and not term.isdigit() and term not in STOP_WORDS


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _facet_values(facet: str, counts: dict[str, int], selected: list[str]) -> list[dict]:
    chosen = [
        {"value": v, "label": facet_label(facet, v), "count": counts.get(v, 0), "selected": True}
        for v in selected
    ]
    rest = sorted(
        ((v, n) for v, n in counts.items() if v not in selected),
        key=(lambda p: (p[0] == "undated", -int(p[0]) if p[0].isdigit() else 0))
        if facet == "year"
        else (lambda p: (-p[1], p[0])),
    )
    return chosen + [
        {"value": v, "label": facet_label(facet, v), "count": n, "selected": False} for v, n in rest
    ]
