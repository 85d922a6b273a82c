"""diplosearch itself, through its real paths, as one peer among the others.

Indexing writes each article as a JSON file and runs ``indexer.pipeline.index_paths``
(reader, normalisation, ``search.schema.document_for``, the writer). Product searches go
through ``search.engine.Engine``. Ranked lists for the relevance evaluation parse every
query with ``search.query.parse_user_query``; what differs is set by a ``Ranking``:

- ``disjunctive`` (natural-language mode). The product ANDs the words of ``q``, which is
  right for a search box and wrong for a 20-word question: almost nothing contains every
  word. In this mode the text is reduced to its plain words (lower case, so no ``AND``/
  ``OR``/``NOT`` operators), parsed by ``parse_user_query`` in chunks of at most
  ``CHUNK_WORDS`` words (the parser keeps only the first ``MAX_TERMS`` words of a longer
  query), and the per-word groups it returns are joined with OR instead of AND. Each group
  is exactly the product's: the four text fields with their boosts, plus the name tier.
- BM25F parameters, query-time field boosts, the index-time title boost, dropping the
  name tier or the exact fields, dropping English stop words from natural-language queries,
  and a proximity boost for adjacent query words: the knobs for ranking experiments.

``Ranking()`` with ``disjunctive=False`` is the product as shipped.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from whoosh import analysis, query, scoring

from bench.peers.common import (
    BuildStats,
    Filters,
    Hit,
    SearchResult,
    Timer,
    dir_size,
    words,
)
from indexer.article import Article, Skip
from indexer.normalize import normalize_file
from indexer.pipeline import index_paths
from search.engine import Engine
from search.query import MAX_TERMS, parse_user_query
from search.request import SearchRequest
from search.store import open_index, open_or_create

CHUNK_WORDS = 20  # words per parse_user_query call: well under its MAX_TERMS cut
ID_MAP = "bench-ids.json"  # diplosearch article id -> the corpus's id
STOP_WORDS = frozenset(analysis.STOP_WORDS)
TEXT_FIELDS = ("title", "body", "title_exact", "body_exact")
assert CHUNK_WORDS < MAX_TERMS


@dataclass(frozen=True)
class Ranking:
    """How the adapter ranks. The defaults are the product's own settings."""

    disjunctive: bool = True
    B: float = 0.75  # whoosh's BM25F defaults, which the product's searchers use
    K1: float = 1.2
    idf: str = "whoosh"  # "whoosh": log(N / (n + 1)) + 1; "bm25": Lucene's and Tantivy's
    field_B: dict[str, float] = field(default_factory=dict)  # e.g. {"title": 0.3}
    field_boosts: dict[str, float] | None = None  # None: search.query.FIELD_BOOSTS
    title_field_boost: float | None = None  # index time; None: search.schema.TITLE_BOOST
    name_tier: bool = True
    stop_words: bool = False
    proximity: float = 0.0  # boost of a pair of adjacent words found near each other
    proximity_slop: int = 3
    whole_query: bool = True  # parse in chunks so no word of a long query is cut off

    def label(self) -> str:
        changed = [
            f"{f.name}={getattr(self, f.name)}"
            for f in self.__dataclass_fields__.values()
            if f.name != "disjunctive" and getattr(self, f.name) != getattr(Ranking(), f.name)
        ]
        mode = "OR" if self.disjunctive else "AND"
        return mode + (" " + ", ".join(changed) if changed else "")

    def weighting(self) -> scoring.WeightingModel:
        per_field = {f"{name}_B": value for name, value in self.field_B.items()}
        model = BM25IdfF if self.idf == "bm25" else scoring.BM25F
        return model(B=self.B, K1=self.K1, **per_field)


class BM25IdfF(scoring.BM25F):
    """Whoosh's BM25F with the BM25 idf, ``log(1 + (N - n + 0.5) / (n + 0.5))``.

    Whoosh's own idf, ``log(N / (n + 1)) + 1``, never falls below 1: a word in every
    document still weighs a seventh of the rarest word in a 1,400-document collection,
    so the small words of a long question (what, of, the) add noise to every score. The
    BM25 idf (Robertson/Sparck Jones, as Lucene and Tantivy use it) goes to zero instead.
    """

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        total = parent.doc_count()
        return math.log(1 + (total - n + 0.5) / (n + 0.5))


PRODUCT = Ranking(disjunctive=False)
PROPOSED = Ranking(stop_words=True)
# General changes tried against the OR baseline, alone and then together
# (python -m bench.relevance --variants). None is specific to Cranfield or CISI.
VARIANTS = {
    "OR baseline": Ranking(),
    "OR, long queries cut (product's MAX_TERMS)": Ranking(whole_query=False),
    "OR, stop words dropped": Ranking(stop_words=True),
    "OR, BM25 idf": Ranking(idf="bm25"),
    "OR, title boost at query time only": Ranking(title_field_boost=1.0),
    "OR, no name tier": Ranking(name_tier=False),
    "OR, no exact fields": Ranking(
        field_boosts={"title": 3.0, "body": 1.0, "title_exact": 0.0, "body_exact": 0.0}
    ),
    "OR, BM25 k1 0.9 b 0.4": Ranking(K1=0.9, B=0.4),
    "OR, title b 0.3": Ranking(field_B={"title": 0.3, "title_exact": 0.3}),
    "OR, proximity pairs (slop 3, boost 1)": Ranking(proximity=1.0),
    "OR, stop words + BM25 idf": Ranking(stop_words=True, idf="bm25"),
    "OR, stop words + title at query time": Ranking(stop_words=True, title_field_boost=1.0),
    "OR, stop words + BM25 idf + title at query time": Ranking(
        stop_words=True, idf="bm25", title_field_boost=1.0
    ),
    "OR, all three + proximity": Ranking(
        stop_words=True, idf="bm25", title_field_boost=1.0, proximity=1.0
    ),
}


class DiplosearchPeer:
    name = "diplosearch"

    def __init__(self, ranking: Ranking = Ranking()):
        self.ranking = ranking
        self.directory: Path | None = None
        self.engine: Engine | None = None
        self.ids: dict[str, str] = {}
        self._searcher = None
        self._docids: list[str] | None = None
        self._stems: dict[str, str] = {}  # file name without suffix -> corpus id

    @property
    def index_dir(self) -> Path:
        return self.directory / "index"

    # --- building ---------------------------------------------------------------------

    def build(self, articles: Iterable[dict], directory: Path) -> BuildStats:
        """Write the articles as JSON files, then time ``index_paths`` over them."""
        self._reset(Path(directory))
        paths = self._write_files(articles)
        return self._index(paths)

    def build_files(self, paths: Iterable[Path], directory: Path) -> BuildStats:
        """Index existing article files end to end (ids: the files' names without suffix)."""
        self._reset(Path(directory))
        return self._index([Path(p) for p in paths])

    def add(self, articles: Iterable[dict]) -> BuildStats:
        return self._index(self._write_files(articles))

    def set_ranking(self, ranking: Ranking) -> None:
        """Rank with other query-time settings on the same index."""
        if ranking.title_field_boost != self.ranking.title_field_boost:
            raise ValueError("the index-time title boost differs: build another index")
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
        if self.ranking.title_field_boost is not None:
            _create_with_title_boost(self.index_dir, self.ranking.title_field_boost)

    def _write_files(self, articles: Iterable[dict]) -> list[Path]:
        """One JSON file per article, named by number; the corpus id goes in the id map."""
        paths = []
        for article in articles:
            stem = f"{len(self._stems) + 1:07d}"
            self._stems[stem] = str(article["id"])
            path = self.directory / "articles" / f"{stem}.json"
            record = {k: v for k, v in article.items() if k in _GIVEN and v not in (None, [])}
            record["id"] = str(article["id"])
            path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            paths.append(path)
        return paths

    def _index(self, paths: list[Path]) -> BuildStats:
        found: dict[str, str] = {}

        def remember(article: Article) -> None:
            stem = Path(article.path).stem
            found[article.id] = self._stems.get(stem, stem)

        with Timer() as timer:
            # never rebuild=True: it would replace a pre-created index's schema (see _reset)
            summary = index_paths(self.index_dir, paths, progress=False, on_article=remember)
        self.ids.update(found)
        (self.directory / ID_MAP).write_text(json.dumps(self.ids), encoding="utf-8")
        self.close()
        self.engine = Engine(self.index_dir)
        return BuildStats(summary.added + summary.updated, timer.seconds, dir_size(self.index_dir))

    # --- ranking for the relevance evaluation -----------------------------------------

    def ranking_query(self, schema, text: str) -> query.Query:
        return build_query(schema, text, self.ranking)

    def rank(self, text: str, depth: int = 1000) -> list[str]:
        searcher = self._rank_searcher()
        q = self.ranking_query(searcher.schema, text)
        if isinstance(q, query.Every):  # nothing to search for: no ranking
            return []
        # limit=None scores every match: whoosh 2.7.5's top-N collector drops documents
        # from an AND of ORs (its matcher.replace(minscore) prunes each side on its own).
        results = searcher.search(q, limit=None)
        ordered = [docnum for _, docnum in results.top_n[:depth]]
        return [self.ids.get(self._docids[n], self._docids[n]) for n in ordered]

    def _rank_searcher(self):
        if self._searcher is None:
            ix = open_index(self.index_dir)
            self._searcher = ix.searcher(weighting=self.ranking.weighting())
            column = self._searcher.reader().column_reader("id")
            self._docids = [column[n] for n in range(self._searcher.reader().doc_count_all())]
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
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self.engine is not None:
            self.engine.close()
            self.engine = None


_GIVEN = ("id", "title", "body", "date", "countries", "topics", "language", "source", "url")


def _create_with_title_boost(index_dir: Path, boost: float) -> None:
    """An empty index whose title fields carry another index-time boost."""
    ix = open_or_create(index_dir)
    schema = ix.schema
    for name in ("title", "title_exact"):
        schema[name].format.field_boost = boost
    ix.storage.create_index(schema)


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


# --- the natural-language query --------------------------------------------------------


def build_query(schema, text: str, ranking: Ranking) -> query.Query:
    """The Whoosh query for ``text`` under ``ranking`` (see the module's docstring)."""
    if not ranking.disjunctive:
        return _adjusted(parse_user_query(schema, text), ranking)
    plain = words(text)
    if ranking.stop_words:
        plain = [w for w in plain if w not in STOP_WORDS] or plain
    if not plain:
        return query.Every()
    size = CHUNK_WORDS if ranking.whole_query else len(plain)
    groups: list[query.Query] = []
    for start in range(0, len(plain), size):
        parsed = parse_user_query(schema, " ".join(plain[start : start + size]))
        groups += parsed.subqueries if isinstance(parsed, query.And) else [parsed]
    q = _adjusted(query.Or(groups), ranking)
    if ranking.proximity > 0:
        q = query.Or([q, *_pairs(schema, plain, ranking)])
    return q


def _adjusted(q: query.Query, ranking: Ranking) -> query.Query:
    """Field boosts replaced, the name tier dropped, as ``ranking`` says."""
    boosts = ranking.field_boosts

    def fix(node: query.Query) -> query.Query:
        if isinstance(node, query.Term) and not isinstance(node, query.MultiTerm):
            if node.fieldname == "sound" and not ranking.name_tier:
                return query.NullQuery
            if boosts is not None and node.fieldname in TEXT_FIELDS:
                if not boosts.get(node.fieldname):
                    return query.NullQuery
                node = replace_boost(node, boosts[node.fieldname])
            return node
        return node if node.is_leaf() else node.apply(fix)

    if boosts is None and ranking.name_tier:
        return q
    return fix(q).normalize()


def replace_boost(term: query.Term, boost: float) -> query.Term:
    copy = term.copy()
    copy.boost = boost
    return copy


def _pairs(schema, plain: list[str], ranking: Ranking) -> list[query.Query]:
    """Each pair of adjacent content words, near each other in the body, as a bonus."""
    analyzer = schema["body"].analyzer
    stems = []
    for word in plain:
        if word in STOP_WORDS:
            continue
        stems += [t.text for t in analyzer(word, mode="query")]
    pairs = dict.fromkeys(zip(stems, stems[1:], strict=False))
    return [
        query.Phrase("body", [a, b], slop=ranking.proximity_slop, boost=ranking.proximity)
        for a, b in pairs
        if a != b
    ]
