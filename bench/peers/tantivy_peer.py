"""Tantivy through its Python package: the fast, Lucene-like peer.

Text is tokenised like Tantivy's ``en_stem`` (simple tokenizer, long tokens dropped,
lower case, English stemmer) plus ASCII folding, to match the other systems' accent
folding. Ranking is Tantivy's BM25 (k1 1.2, b 0.75) summed over ``title`` (weighted) and
``body``. Facet values are raw-tokenised fast fields counted with a ``terms``
aggregation; snippets come from Tantivy's ``SnippetGenerator``.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import tantivy
from tantivy import Filter, Occur, Order, Query, TextAnalyzerBuilder, Tokenizer

from bench.peers.common import (
    FACETS,
    SNIPPET_CHARS,
    TITLE_WEIGHT,
    BuildStats,
    Filters,
    Hit,
    SearchResult,
    Timer,
    clauses,
    counted,
    day_number,
    dir_size,
    words,
    year_of,
)

ANALYZER = "en_fold"
HEAP_BYTES = 256_000_000
FACET_SIZE = 10_000  # more buckets than any facet has values
_BOLD = re.compile(r"</?b>")


def _analyzer():
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stemmer("english"))
        .build()
    )


def _schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name=ANALYZER)
    builder.add_text_field("body", stored=True, tokenizer_name=ANALYZER)
    for facet in FACETS:
        builder.add_text_field(facet, stored=False, tokenizer_name="raw", fast=True)
    builder.add_text_field("date", stored=True, tokenizer_name="raw")
    builder.add_integer_field("day", stored=False, indexed=True, fast=True)
    return builder.build()


def _document(article: dict) -> tantivy.Document:
    date = article.get("date")
    doc = tantivy.Document(
        id=article["id"],
        title=article.get("title") or "",
        body=article.get("body") or "",
        date=date or "",
        day=day_number(date),
        year=year_of(date),
        language=article.get("language") or "und",
    )
    for code in article.get("countries") or []:
        doc.add_text("country", code)
    for topic in article.get("topics") or []:
        doc.add_text("topic", topic)
    return doc


def _marked(snippet_html: str) -> str:
    """Tantivy marks with <b>; the others use <mark>."""
    return _BOLD.sub(lambda m: m.group(0).replace("b", "mark"), snippet_html)


class TantivyPeer:
    name = "tantivy"

    def __init__(self, title_weight: float = TITLE_WEIGHT):
        self.title_weight = title_weight
        self.schema = _schema()
        self.index: tantivy.Index | None = None
        self.directory: Path | None = None

    # --- building ---------------------------------------------------------------------

    def build(self, articles: Iterable[dict], directory: Path) -> BuildStats:
        directory = Path(directory)
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        with Timer() as timer:
            self._open(directory, reuse=False)
            n = self._write(articles)
        return BuildStats(n, timer.seconds, dir_size(directory))

    def open(self, directory: Path) -> None:
        self._open(Path(directory), reuse=True)

    def add(self, articles: Iterable[dict]) -> BuildStats:
        with Timer() as timer:
            n = self._write(articles, replace=True)
        return BuildStats(n, timer.seconds, dir_size(self.directory))

    def _open(self, directory: Path, reuse: bool) -> None:
        self.directory = directory
        self.index = tantivy.Index(self.schema, path=str(directory), reuse=reuse)
        self.index.register_tokenizer(ANALYZER, _analyzer())

    def _write(self, articles: Iterable[dict], replace: bool = False) -> int:
        writer = self.index.writer(heap_size=HEAP_BYTES)
        seen = [0]
        for article in counted(articles, seen):
            if replace:
                writer.delete_documents_by_term("id", article["id"])
            writer.add_document(_document(article))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return seen[0]

    # --- searching --------------------------------------------------------------------

    def _text_query(self, text: str, any_word: bool) -> Query | None:
        if any_word:  # every word as often as the text has it: clauses are summed
            source = " ".join(words(text))
        else:
            source = " ".join('"' + " ".join(c) + '"' for c in clauses(text))
        if not source:
            return None
        return self.index.parse_query(
            source,
            ["title", "body"],
            field_boosts={"title": self.title_weight},
            conjunction_by_default=not any_word,
        )

    def rank(self, text: str, depth: int = 1000) -> list[str]:
        q = self._text_query(text, any_word=True)
        if q is None:
            return []
        searcher = self.index.searcher()
        hits = searcher.search(q, limit=depth, count=False).hits
        return [searcher.doc(address)["id"][0] for _, address in hits]

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        sort: str = "relevance",
        facets: bool = True,
        highlight: bool = True,
        k: int = 10,
    ) -> SearchResult:
        filters = filters or Filters()
        searcher = self.index.searcher()
        text_q = self._text_query(query, any_word=False)
        narrowed = self._narrowed(text_q, filters)
        if sort == "date" or text_q is None:
            found = searcher.search(narrowed, limit=k, order_by_field="day", order=Order.Desc)
        else:
            found = searcher.search(narrowed, limit=k)
        counts = self._facets(searcher, text_q, filters) if facets else {}
        hits = self._hits(searcher, text_q, found.hits, highlight and text_q is not None)
        return SearchResult(found.count, hits, counts)

    def _narrowed(
        self, text_q: Query | None, filters: Filters, skip: str | None = None, dates: bool = True
    ) -> Query:
        """The text query narrowed by the filters (scores unchanged)."""
        parts = [(Occur.Must, text_q if text_q is not None else Query.all_query())]
        for facet, values in filters.active().items():
            if facet != skip:
                chosen = Query.term_set_query(self.schema, facet, values)
                parts.append((Occur.Must, Query.const_score_query(chosen, 0.0)))
        if dates and filters.dated():
            days = Query.range_query(
                self.schema,
                "day",
                tantivy.FieldType.Integer,
                day_number(filters.date_from) or 1,
                day_number(filters.date_to) or 99991231,
            )
            parts.append((Occur.Must, Query.const_score_query(days, 0.0)))
        return parts[0][1] if len(parts) == 1 else Query.boolean_query(parts)

    def _facets(self, searcher, text_q: Query | None, filters: Filters) -> dict[str, dict]:
        """One aggregation per distinct narrowing (a single one when nothing is filtered)."""
        groups: dict[tuple[str | None, bool], list[str]] = {}
        for facet in FACETS:
            skip = facet if facet in filters.active() else None
            dates = not (facet == "year" and filters.dated())
            groups.setdefault((skip, dates), []).append(facet)
        counts: dict[str, dict] = {}
        for (skip, dates), members in groups.items():
            q = self._narrowed(text_q, filters, skip=skip, dates=dates)
            aggs = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in members}
            result = searcher.aggregate(q, aggs)
            for facet in members:
                buckets = result[facet]["buckets"]
                counts[facet] = {b["key"]: b["doc_count"] for b in buckets if b["doc_count"]}
        return counts

    def _hits(self, searcher, text_q: Query | None, found, highlight: bool) -> list[Hit]:
        if highlight:
            body_gen = tantivy.SnippetGenerator.create(searcher, text_q, self.schema, "body")
            body_gen.set_max_num_chars(SNIPPET_CHARS)
            title_gen = tantivy.SnippetGenerator.create(searcher, text_q, self.schema, "title")
            title_gen.set_max_num_chars(10_000)
        hits = []
        for score, address in found:
            doc = searcher.doc(address)
            title = doc["title"][0]
            snippet = title_html = ""
            if highlight:
                snippet = _marked(body_gen.snippet_from_doc(doc).to_html())
                title_html = _marked(title_gen.snippet_from_doc(doc).to_html())
            hits.append(
                Hit(
                    id=doc["id"][0],
                    title=title,
                    snippet=snippet,
                    date=doc["date"][0] or None,
                    score=float(score),
                    title_html=title_html or html.escape(title, quote=True),
                )
            )
        return hits

    def close(self) -> None:
        self.index = None
