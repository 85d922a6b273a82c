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

import hashlib
import json
import math
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from whoosh import analysis, fields, query, scoring

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
from search.schema import document_for
from search.store import open_index, open_or_create

CHUNK_WORDS = 20  # words per parse_user_query call: well under its MAX_TERMS cut
ID_MAP = "bench-ids.json"  # diplosearch article id -> the corpus's id
STOP_WORDS = frozenset(analysis.STOP_WORDS)
TEXT_FIELDS = ("title", "body", "title_exact", "body_exact")
COMBINED = "text"  # the prototype's title + body field
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
    # Index time: a ``text`` field (title + body, no positions) scores in place of
    # ``body``, so a word's title and body occurrences saturate together (BM25F-like).
    combined_field: bool = False
    name_tier: bool = True
    stop_words: bool = False
    proximity: float = 0.0  # boost of a pair of adjacent words found near each other
    proximity_slop: int = 3
    whole_query: bool = True  # parse in chunks so no word of a long query is cut off
    query_tf: bool = False  # a word repeated in the query weighs more (as in plain BM25)

    def label(self) -> str:
        changed = [
            f"{f.name}={getattr(self, f.name)}"
            for f in self.__dataclass_fields__.values()
            if f.name != "disjunctive" and getattr(self, f.name) != getattr(Ranking(), f.name)
        ]
        mode = "OR" if self.disjunctive else "AND"
        return mode + (" " + ", ".join(changed) if changed else "")

    def index_key(self) -> tuple:
        """The settings that need their own index."""
        return (self.title_field_boost, self.combined_field)

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
# Proposed, step 1: settings only (plus a reindex for the title's index-time boost).
WEIGHTS_ONLY = Ranking(
    stop_words=True,
    query_tf=True,
    idf="bm25",
    title_field_boost=1.0,
    field_boosts={"title": 1.0, "body": 1.0, "title_exact": 0.5, "body_exact": 0.5},
)
# Proposed, step 2: also score on title + body as one field (a schema change).
PROPOSED = Ranking(
    stop_words=True,
    query_tf=True,
    idf="bm25",
    title_field_boost=1.0,
    combined_field=True,
    field_boosts={"text": 1.0, "title": 0.5, "body": 0.0, "title_exact": 0.25, "body_exact": 0.25},
)


def _step2(title: float, exact: float) -> Ranking:
    boosts = {"text": 1.0, "title": title, "body": 0.0, "title_exact": exact, "body_exact": exact}
    return replace(PROPOSED, field_boosts=boosts)


# General changes tried against the OR baseline one at a time, then together
# (python -m bench.relevance --variants). None is specific to Cranfield or CISI.
VARIANTS = {
    "OR baseline": Ranking(),
    "OR, long queries cut (product's MAX_TERMS)": Ranking(whole_query=False),
    "OR, stop words dropped": Ranking(stop_words=True),
    "OR, repeated words weigh more": Ranking(query_tf=True),
    "OR, BM25 idf": Ranking(idf="bm25"),
    "OR, title boost at query time only": Ranking(title_field_boost=1.0),
    "OR, field boosts 1/1/0.5/0.5": Ranking(field_boosts=WEIGHTS_ONLY.field_boosts),
    "OR, no name tier": Ranking(name_tier=False),
    "OR, BM25 k1 0.9 b 0.4": Ranking(K1=0.9, B=0.4),
    "OR, title b 0.3": Ranking(field_B={"title": 0.3, "title_exact": 0.3}),
    "OR, proximity pairs (slop 3, boost 1)": Ranking(proximity=1.0),
    "OR, step 1 (all of the above that helped)": WEIGHTS_ONLY,
    "OR, step 1 + proximity": replace(WEIGHTS_ONLY, proximity=1.0),
    "OR, step 2: title + body as one field": PROPOSED,
    # the other step-2 weights tried (on Cranfield first)
    "OR, step 2 with title 0.5, exact 0.5": _step2(title=0.5, exact=0.5),
    "OR, step 2 with title 0.5, no exact": _step2(title=0.5, exact=0.0),
    "OR, step 2 with title 1, exact 0.5": _step2(title=1.0, exact=0.5),
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
            _create_variant(self.index_dir, self.ranking)

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
            if self.ranking.combined_field:
                added = write_documents(self.index_dir, paths, remember)
            else:
                # never rebuild=True: it would replace a pre-created schema (see _reset)
                summary = index_paths(self.index_dir, paths, progress=False, on_article=remember)
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


def _create_variant(index_dir: Path, ranking: Ranking) -> None:
    """An empty index with the ranking's index-time changes to the product's schema."""
    ix = open_or_create(index_dir)
    schema = ix.schema
    if ranking.title_field_boost is not None:
        for name in ("title", "title_exact"):
            schema[name].format.field_boost = ranking.title_field_boost
    if ranking.combined_field:
        schema.add(COMBINED, fields.TEXT(analyzer=schema["body"].analyzer, phrase=False))
    ix.storage.create_index(schema)


def write_documents(index_dir: Path, paths: list[Path], on_article=None) -> int:
    """Index files with one plain writer: the prototype of the proposed ``document_for``
    (the product's document, plus ``text`` = title + body when the schema has it).
    ``index_paths`` has no hook for that, so this loop reads, normalises and writes
    itself, without the manifest; returns the number of articles added."""
    ix = open_index(index_dir)
    combined = COMBINED in ix.schema
    writer = ix.writer(limitmb=256)
    added = 0
    for path in paths:
        data = path.read_bytes()
        try:
            articles = normalize_file(path)
        except Skip:
            continue
        for article in articles:
            record = document_for(article.as_dict(), hashlib.sha256(data).hexdigest())
            if combined:
                record[COMBINED] = article.title + "\n" + article.body
            writer.add_document(**record)
            if on_article:
                on_article(article)
            added += 1
    writer.commit()
    return added


def combined_field_cost(paths: list[Path], directory: Path) -> dict[str, BuildStats]:
    """Index size and time of the same files without and with the ``text`` field. Each
    is built twice, alternating, and the second build counts (the first warms the
    analysis caches)."""
    out = {}
    for round_ in range(2):
        for label, ranking in (("product schema", Ranking()), ("+ text field", PROPOSED)):
            index_dir = Path(directory) / f"{label.replace(' ', '-')}-{round_}"
            _create_variant(index_dir, replace(ranking, title_field_boost=None))
            with Timer() as timer:
                added = write_documents(index_dir, paths)
            out[label] = BuildStats(added, timer.seconds, dir_size(index_dir))
    return out


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
    # Each distinct word once (whoosh's normalize() would merge repeats anyway); the
    # product's own cut keeps the text as typed.
    source = list(dict.fromkeys(plain)) if ranking.whole_query else plain
    size = CHUNK_WORDS if ranking.whole_query else len(source)
    groups: list[query.Query] = []
    for start in range(0, len(source), size):
        parsed = parse_user_query(schema, " ".join(source[start : start + size]))
        groups += parsed.subqueries if isinstance(parsed, query.And) else [parsed]
    counts = Counter(plain) if ranking.query_tf else Counter()
    scaled = [_scaled(_adjusted(g, ranking), counts.get(_word_of(g), 1)) for g in groups]
    q = query.Or([g for g in scaled if g is not query.NullQuery])
    if ranking.proximity > 0:
        q = query.Or([q, *_pairs(schema, plain, ranking)])
    return q


def _word_of(group: query.Query) -> str | None:
    """The word a per-word group stands for: its exact-spelling term."""
    for fieldname, text in group.iter_all_terms():
        if fieldname == "title_exact":
            return text
    return None


def _scaled(q: query.Query, factor: float) -> query.Query:
    """Every term's boost times ``factor`` (a word said three times weighs three)."""
    if factor == 1:
        return q
    if isinstance(q, query.Term) and not isinstance(q, query.MultiTerm):
        return replace_boost(q, q.boost * factor)
    return q if q.is_leaf() else q.apply(lambda sub: _scaled(sub, factor))


def _adjusted(q: query.Query, ranking: Ranking) -> query.Query:
    """Field boosts replaced, the name tier dropped, as ``ranking`` says."""
    boosts = ranking.field_boosts

    def fix(node: query.Query) -> query.Query:
        if isinstance(node, query.Term) and not isinstance(node, query.MultiTerm):
            if node.fieldname == "sound" and not ranking.name_tier:
                return query.NullQuery
            if ranking.combined_field and node.fieldname == "body":
                weight = (boosts or {}).get(COMBINED, 1.0)
                return query.Term(COMBINED, node.text, boost=weight) if weight else query.NullQuery
            if boosts is not None and node.fieldname in TEXT_FIELDS:
                if not boosts.get(node.fieldname):
                    return query.NullQuery
                node = replace_boost(node, boosts[node.fieldname])
            return node
        return node if node.is_leaf() else node.apply(fix)

    if boosts is None and ranking.name_tier and not ranking.combined_field:
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
