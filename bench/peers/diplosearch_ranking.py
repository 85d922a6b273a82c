"""How the diplosearch adapter ranks, for the relevance experiments.

``Ranking()`` holds the product's own settings; ``PRODUCT`` is the product as shipped
(words ANDed). The other knobs:

- ``disjunctive`` (natural-language mode). The product ANDs the words of ``q``, which is
  right for a search box and wrong for a 20-word question: almost nothing contains every
  word. In this mode the text is reduced to its plain words (lower case, so no ``AND``/
  ``OR``/``NOT`` operators), parsed by ``search.query.parse_user_query`` in chunks of at
  most ``CHUNK_WORDS`` distinct words (the parser keeps only the first ``MAX_TERMS`` words
  of a longer query), and the per-word groups it returns are joined with OR instead of
  AND. Each group is exactly the product's: the four text fields with their boosts, plus
  the name tier.
- At query time: BM25 ``B``/``K1`` (per field too), the idf formula, field boosts, the
  name tier, English stop words dropped from a question, a repeated word weighing more,
  a proximity bonus for adjacent words.
- At index time (``index_key``): the title's index-time boost, and a ``text`` field
  (title + body) scoring in place of ``body``; ``create_variant`` makes such an index.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import analysis, fields, query, scoring

from bench.peers.common import BuildStats, Timer, dir_size, words
from indexer.article import Skip
from indexer.normalize import normalize_file
from search.query import MAX_TERMS, parse_user_query
from search.schema import document_for
from search.store import open_index, open_or_create

CHUNK_WORDS = 20  # distinct words per parse_user_query call: well under its MAX_TERMS cut
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
    # Rank exactly as the product does: ``parse_user_query(..., any_word=disjunctive)``
    # (``match=any`` or ``all``), the engine's ``search.scoring.Bm25`` weighting and
    # ``search.ranking.top_docs``. Every other knob is then ignored.
    shipped: bool = False

    def label(self) -> str:
        changed = [
            f"{f.name}={getattr(self, f.name)}"
            for f in self.__dataclass_fields__.values()
            if f.name != "disjunctive" and getattr(self, f.name) != getattr(Ranking(), f.name)
        ]
        if self.shipped:
            return "product, match=" + ("any" if self.disjunctive else "all")
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
# The product as shipped: its default (match=all) and its natural-language mode (match=any).
SHIPPED_ALL = Ranking(shipped=True, disjunctive=False)
SHIPPED_ANY = Ranking(shipped=True)
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


# --- index-time variants -----------------------------------------------------------------


def create_variant(index_dir: Path, ranking: Ranking) -> None:
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
            create_variant(index_dir, replace(ranking, title_field_boost=None))
            with Timer() as timer:
                added = write_documents(index_dir, paths)
            out[label] = BuildStats(added, timer.seconds, dir_size(index_dir))
    return out


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
