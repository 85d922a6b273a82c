"""diplosearch itself, through its real paths, as one peer among the others.

Indexing writes each article as a JSON file and runs ``indexer.pipeline.index_paths``
(reader, normalisation, ``search.schema.document_for``, the writer). Product searches go
through ``search.engine.Engine``. Ranked lists for the relevance evaluation are built by
``bench.peers.diplosearch_ranking`` under a ``Ranking`` (by default the product's settings
in natural-language mode) and scored by Whoosh over every match.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from whoosh import query

from bench.peers.common import BuildStats, Filters, Hit, SearchResult, Timer, dir_size
from bench.peers.diplosearch_ranking import Ranking, build_query, create_variant, write_documents
from indexer.article import Article, Skip
from indexer.normalize import normalize_file
from indexer.pipeline import index_paths
from search.engine import Engine
from search.query import expand_terms, parse_user_query
from search.ranking import top_docs
from search.request import SearchRequest
from search.store import open_index

ID_MAP = "bench-ids.json"  # diplosearch article id -> the corpus's id


class DiplosearchPeer:
    name = "diplosearch"

    def __init__(self, ranking: Ranking | None = None):
        self.ranking = ranking or Ranking()  # the product's settings, natural-language mode
        self.directory: Path | None = None
        self.engine: Engine | None = None
        self.ids: dict[str, str] = {}
        self._searcher = None
        self._docids: list[str] | None = None
        self._stems: dict[str, str] = {}  # file name without suffix -> corpus id

    @property
    def index_dir(self) -> Path:
        return self.directory / "index"

    @property
    def articles_dir(self) -> Path:
        return self.directory / "articles"

    # --- building ---------------------------------------------------------------------

    def build(self, articles: Iterable[dict], directory: Path) -> BuildStats:
        """Write the articles as JSON files in ``directory/articles``, then time indexing
        that folder, as ``diplosearch index FOLDER`` does."""
        self._reset(Path(directory))
        paths = self._write_files(articles)
        return self._index([self.articles_dir], paths)

    def build_files(self, sources: Iterable[Path], directory: Path) -> BuildStats:
        """Index existing article files or folders end to end (each article's id: its
        file's name without the suffix)."""
        self._reset(Path(directory))
        sources = [Path(p) for p in sources]
        files = [f for p in sources for f in (sorted(p.rglob("*")) if p.is_dir() else [p])]
        return self._index(sources, [f for f in files if f.is_file()])

    def add(self, articles: Iterable[dict]) -> BuildStats:
        """Drop more JSON files in the folder and index it again (incrementally)."""
        return self._index([self.articles_dir], self._write_files(articles))

    def set_ranking(self, ranking: Ranking) -> None:
        """Rank with other query-time settings on the same index."""
        if ranking.index_key() != self.ranking.index_key():
            raise ValueError("index-time settings differ: build another index")
        self.ranking = ranking
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def open(self, directory: Path) -> None:
        self.close()
        self.directory = Path(directory)
        self.ids = json.loads((self.directory / ID_MAP).read_text(encoding="utf-8"))
        self.engine = Engine(self.index_dir)

    def _reset(self, directory: Path) -> None:
        self.close()
        if directory.exists():
            shutil.rmtree(directory)
        (directory / "articles").mkdir(parents=True)
        self.directory, self.ids, self._stems = directory, {}, {}
        if self.ranking.index_key() != Ranking().index_key():
            create_variant(self.index_dir, self.ranking)

    def _write_files(self, articles: Iterable[dict]) -> list[Path]:
        """One JSON file per article, named by number; the corpus id goes in the id map."""
        paths = []
        for article in articles:
            stem = f"{len(self._stems) + 1:07d}"
            self._stems[stem] = str(article["id"])
            path = self.articles_dir / f"{stem}.json"
            record = {k: v for k, v in article.items() if k in _GIVEN and v not in (None, [])}
            record["id"] = str(article["id"])
            path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            paths.append(path)
        return paths

    def _index(self, sources: list[Path], new_files: list[Path]) -> BuildStats:
        found: dict[str, str] = {}

        def remember(article: Article) -> None:
            stem = Path(article.path).stem
            found[article.id] = self._stems.get(stem, stem)

        with Timer() as timer:
            if self.ranking.combined_field:
                added = write_documents(self.index_dir, new_files, remember)
            else:
                # never rebuild=True: it would replace a pre-created schema (see _reset)
                summary = index_paths(self.index_dir, sources, progress=False, on_article=remember)
                added = summary.added + summary.updated
        self.ids.update(found)
        (self.directory / ID_MAP).write_text(json.dumps(self.ids), encoding="utf-8")
        self.close()
        self.engine = Engine(self.index_dir)
        return BuildStats(added, timer.seconds, dir_size(self.index_dir))

    # --- ranking for the relevance evaluation -----------------------------------------

    def ranking_query(self, schema, text: str) -> query.Query:
        return build_query(schema, text, self.ranking)

    def rank(self, text: str, depth: int = 1000) -> list[str]:
        if self.ranking.shipped:
            return self._rank_shipped(text, depth)
        searcher = self._rank_searcher()
        q = self.ranking_query(searcher.schema, text)
        if isinstance(q, query.Every):  # nothing to search for: no ranking
            return []
        # limit=None scores every match: whoosh 2.7.5's top-N collector drops documents
        # from an AND of ORs (its matcher.replace(minscore) prunes each side on its own).
        results = searcher.search(q, limit=None)
        return self._corpus_ids(searcher.reader(), [d for _, d in results.top_n[:depth]])

    def _rank_shipped(self, text: str, depth: int) -> list[str]:
        """The product's own ranking (see ``Ranking.shipped``)."""
        searcher = self.engine.searcher()
        reader = searcher.reader()
        any_word = self.ranking.disjunctive
        q = expand_terms(parse_user_query(searcher.schema, text, any_word=any_word), reader)
        if isinstance(q, query.Every):
            return []
        return self._corpus_ids(reader, [d for _, d in top_docs(searcher, q, depth)])

    def _corpus_ids(self, reader, docnums: list[int]) -> list[str]:
        """The corpus's ids of ranked docnums (the index's ids read once per index)."""
        if self._docids is None:
            column = reader.column_reader("id")
            self._docids = [column[n] for n in range(reader.doc_count_all())]
        return [self.ids.get(self._docids[n], self._docids[n]) for n in docnums]

    def _rank_searcher(self):
        if self._searcher is None:
            ix = open_index(self.index_dir)
            self._searcher = ix.searcher(weighting=self.ranking.weighting())
        return self._searcher

    # --- product searches -------------------------------------------------------------

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        sort: str = "relevance",
        facets: bool = True,
        highlight: bool = True,
        k: int = 10,
    ) -> SearchResult:
        """``Engine.search``: it always counts the four facets and highlights the hits,
        so ``facets`` and ``highlight`` cannot be turned off for diplosearch."""
        filters = filters or Filters()
        request = SearchRequest(
            q=query,
            country=list(filters.countries),
            topic=list(filters.topics),
            language=list(filters.languages),
            date_from=date.fromisoformat(filters.date_from) if filters.date_from else None,
            date_to=date.fromisoformat(filters.date_to) if filters.date_to else None,
            sort=sort,
            per_page=k,
        )
        result = self.engine.search(request)
        hits = [
            Hit(
                id=self.ids.get(h["id"], h["id"]),
                title=h["title"],
                snippet=h["snippet"],
                date=h["date"],
                score=h["score"],
                title_html=h["title_html"],
            )
            for h in result["hits"]
        ]
        counts = {
            facet: {v["value"]: v["count"] for v in values if v["count"]}
            for facet, values in result["facets"].items()
        }
        return SearchResult(result["total"], hits, counts)

    def close(self) -> None:
        self._docids = None
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self.engine is not None:
            self.engine.close()
            self.engine = None


_GIVEN = ("id", "title", "body", "date", "countries", "topics", "language", "source", "url")


def articles_from_files(paths: Iterable[Path]) -> Iterator[dict]:
    """Article dicts as diplosearch's indexer reads the files (unreadable files skipped),
    so the peers index the same titles, bodies, dates, countries and topics. Each id is
    the file's name without its suffix, as ``build_files`` reports it (one article a file,
    as the benchmark corpus writes them)."""
    for path in paths:
        try:
            found = normalize_file(Path(path))
        except Skip:
            continue
        for article in found:
            record = article.as_dict()
            record["id"] = Path(path).stem
            yield record
