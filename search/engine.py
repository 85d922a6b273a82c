"""The search service: one index, a searcher per thread, results as plain dicts.

Never ``Searcher.refresh()`` (STYLE.md: wrong totals after merges on 2.7.5): each thread
keeps its searcher and opens a new one when the index has a newer commit.
"""

from __future__ import annotations

import threading
import time
from functools import reduce
from pathlib import Path

import pycountry
from whoosh import query, sorting

from indexer.gazetteer import country_name
from indexer.topics import topic_label
from search import highlight
from search.facets import FACETS, Columns
from search.query import parse_user_query, query_words
from search.request import SearchRequest
from search.schema import day_number
from search.store import open_index, size_bytes
from search.suggest import suggestion

RELATED = 5


def facet_label(facet: str, value: str) -> str:
    if facet == "country":
        return country_name(value)
    if facet == "topic":
        return topic_label(value)
    if facet == "language":
        found = pycountry.languages.get(alpha_2=value) if len(value) == 2 else None
        return found.name if found else ("Undetermined" if value == "und" else value)
    return "Undated" if value == "undated" else value


class Engine:
    def __init__(self, index_path: str | Path):
        self.path = Path(index_path)
        self._local = threading.local()
        self._columns_lock = threading.Lock()
        self._columns: tuple[int, Columns] | None = None

    # --- searchers and cached columns ------------------------------------------------

    def searcher(self):
        """This thread's searcher, reopened when a newer commit exists."""
        current = getattr(self._local, "searcher", None)
        if current is not None and current.up_to_date():
            return current
        ix = open_index(self.path)
        fresh = ix.searcher()
        self._local.searcher = fresh
        self._local.generation = ix.latest_generation()
        if current is not None:
            current.close()
        return fresh

    def columns(self, searcher) -> Columns:
        generation = self._local.generation
        cached = self._columns
        if cached and cached[0] == generation:
            return cached[1]
        with self._columns_lock:
            if self._columns and self._columns[0] == generation:
                return self._columns[1]
            built = Columns(searcher.reader())
            if not self._columns or self._columns[0] < generation:
                self._columns = (generation, built)
            return built

    def close(self) -> None:
        current = getattr(self._local, "searcher", None)
        if current is not None:
            current.close()
            self._local.searcher = None

    # --- search ----------------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        started = time.perf_counter()
        searcher = self.searcher()
        columns = self.columns(searcher)
        text_q = parse_user_query(searcher.schema, request.q)
        browsing = isinstance(text_q, query.Every)
        matched = columns.all if browsing else columns.all & _bits_for(searcher, text_q, columns)

        selections = {
            "country": request.country,
            "topic": request.topic,
            "language": request.language,
        }
        filter_bits = {f: columns.any_of(f, v) for f, v in selections.items() if v}
        dated = request.date_from or request.date_to
        date_bits = (
            columns.day_range(
                day_number(_iso(request.date_from)), day_number(_iso(request.date_to))
            )
            if dated
            else None
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
        hits = self._hits(searcher, text_q, request, browsing, total) if total else []
        suggested = None if browsing else suggestion(searcher, request.q)
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

    def _hits(
        self, searcher, text_q, request: SearchRequest, browsing: bool, total: int
    ) -> list[dict]:
        first = (request.page - 1) * request.per_page
        if first >= total:
            return []
        filter_q = _filter_query(request)
        options = {"filter": filter_q, "terms": not browsing}
        if request.sort == "date" or browsing:
            options["sortedby"] = [sorting.FieldFacet("day", reverse=True), sorting.ScoreFacet()]
        results = searcher.search(text_q, limit=first + request.per_page, **options)
        snippets = highlight.snippet_highlighter()
        titles = highlight.whole_highlighter()
        hits = []
        for hit in results[first : first + request.per_page]:
            article = hit["article"]
            snippet = "" if browsing else snippets.highlight_hit(hit, "body", text=article["body"])
            title_html = (
                "" if browsing else titles.highlight_hit(hit, "title", text=article["title"])
            )
            hits.append(
                {
                    "id": article["id"],
                    "title": article["title"],
                    "title_html": title_html or highlight.lead_snippet(article["title"], 10**6),
                    "date": article.get("date"),
                    "date_precision": article.get("date_precision"),
                    "countries": article.get("countries", []),
                    "topics": article.get("topics", []),
                    "language": article.get("language"),
                    "source": article.get("source"),
                    "place": article.get("place"),
                    "snippet": snippet or highlight.lead_snippet(article["body"]),
                    "score": round(hit.score, 3) if isinstance(hit.score, float) else None,
                }
            )
        return hits

    # --- articles --------------------------------------------------------------------

    def article(self, article_id: str, q: str | None = None) -> dict | None:
        """The stored article, plus ``body_html`` marked with ``q``'s words and related."""
        searcher = self.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        article = dict(searcher.stored_fields(docnum)["article"])
        words = set()
        if q:
            words = set(query_words(parse_user_query(searcher.schema, q)))
        analyzer = searcher.schema["body"].analyzer
        article["title_html"] = highlight.mark_text(article["title"], words, analyzer)
        article["body_html"] = highlight.mark_text(article["body"], words, analyzer)
        article["related"] = self._related(searcher, docnum, article)
        return article

    def _related(self, searcher, docnum: int, article: dict) -> list[dict]:
        try:
            terms = [t for t, _ in searcher.key_terms([docnum], "body", numterms=12)]
        except Exception:  # an empty or odd body has no key terms: no related list
            terms = []
        parts = [query.Term("body", t) for t in terms]
        parts += [
            query.ConstantScoreQuery(query.Term("country", c), score=2.0)
            for c in article.get("countries", [])
        ]
        if not parts:
            return []
        results = searcher.search(
            query.Or(parts), limit=RELATED, mask=query.Term("id", article["id"])
        )
        return [
            {
                "id": hit["article"]["id"],
                "title": hit["article"]["title"],
                "date": hit["article"].get("date"),
                "countries": hit["article"].get("countries", []),
            }
            for hit in results
        ]

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
            "generation": self._local.generation,
            "last_update": state.get("last_update"),
            "sources": state.get("sources", []),
        }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _bits_for(searcher, q, columns: Columns) -> int:
    from search.facets import to_bits

    return to_bits(searcher.docs_for_query(q), columns.size)


def _filter_query(request: SearchRequest) -> query.Query | None:
    parts = []
    for fieldname, values in (
        ("country", request.country),
        ("topic", request.topic),
        ("language", request.language),
    ):
        if values:
            parts.append(query.Or([query.Term(fieldname, v) for v in values]))
    if request.date_from or request.date_to:
        parts.append(
            query.NumericRange(
                "day",
                day_number(_iso(request.date_from)) or 1,
                day_number(_iso(request.date_to)) or None,
            )
        )
    return query.And(parts) if parts else None


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
