"""User query text -> Whoosh query. Only ``q`` comes here; filters are built apart.

Rules (SPEC "Matching"): AND by default; OR, NOT and ``-word``; phrases; ``title:``
and ``body:``; ``prefix*`` (two letters at least); ``word~`` fuzzy (bounded). Anything
malformed degrades to plain words, and nothing here raises on user input.

``any_word=True`` is the mode for questions and pasted paragraphs (``match=any``): the
same syntax, but words are ORed, so a document needs only one of them and ranks by how
many (and how rare) it has. English stop words are dropped there unless nothing else is
left, a word said twice weighs twice, and up to ``MAX_ANY_WORDS`` words are kept.
"""

from __future__ import annotations

import re
from itertools import islice

from whoosh import qparser, query
from whoosh.analysis import STOP_WORDS

from indexer.gazetteer import equivalence_groups, fold
from search.analysis import skeleton
from search.lexicon import terms_within
from search.schema import USER_FIELDS

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_ANY_WORDS = 64  # words kept in any-word mode (after stop words are dropped)
MIN_PREFIX = 2
MAX_FUZZY_EDITS = 2
MAX_EXPANSIONS = 50  # index terms a prefix or fuzzy word may stand for (the most frequent)
EXPANSION_SCAN = 20_000  # candidate terms looked at to choose them
# The fields every word is looked up in, with their weight. The product's weighting
# (``search.scoring.Bm25``) scores ``title`` and ``body`` as one field, a title occurrence
# counting as one more; the ``title`` boost is then a bonus for a title match on top.
# Exact spellings add a smaller bonus, so they rank above folded ones; the consonant
# skeleton (transliterated names) is a faint second tier. Measured in docs/benchmarks.md.
FIELD_BOOSTS = {"title": 0.5, "body": 1.0, "title_exact": 0.25, "body_exact": 0.25}
SOUND_BOOST = 0.15
_FIELD_PREFIX = re.compile(r"(\w+):")
_WILDCARD_WORD = re.compile(r"[\w*?]*[*?][\w*?]*")
_MINUS_WORD = re.compile(r"(^|[\s(])-(?=[\w\"(])")
_FUZZY = re.compile(r"~(\d*)(?:/(\d+))?")


def _multiword_equivalents() -> list[tuple[re.Pattern, str]]:
    rules = []
    for group in equivalence_groups():
        canonical = "".join(re.findall(r"\w+", fold(group[0])))
        for form in group:
            words = re.findall(r"\w+", fold(form))
            if len(words) > 1:
                rules.append((re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"), canonical))
    return rules


_EQUIVALENTS = _multiword_equivalents()


def rewrite_equivalents(text: str) -> str:
    """``Việt Nam`` -> ``vietnam`` so the two-word spelling finds every spelling."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    for pattern, canonical in _EQUIVALENTS:
        for match in reversed(list(pattern.finditer(folded))):
            text = text[: match.start()] + canonical + text[match.end() :]
            folded = folded[: match.start()] + canonical + folded[match.end() :]
    return text


def _safe_fields(text: str) -> str:
    """Only ``title:`` and ``body:`` are fields; any other ``name:`` is a plain word."""
    return _FIELD_PREFIX.sub(
        lambda m: m.group(0).lower() if m.group(1).lower() in USER_FIELDS else m.group(1) + " ",
        text,
    )


def _safe_wildcards(text: str) -> str:
    """``ab*`` stays (folded); ``*``, ``?x``, ``a*`` and inner wildcards become words."""

    def fix(match: re.Match) -> str:
        word = match.group(0)
        stem = word.rstrip("*")
        if word.endswith("*") and len(stem) >= MIN_PREFIX and re.fullmatch(r"\w+", stem):
            return fold(stem) + "*"
        return " ".join(re.findall(r"\w+", word))

    return _WILDCARD_WORD.sub(fix, text)


def prepare(text: str) -> str:
    """The query text, cut to size and made safe for the parser."""
    text = text[:MAX_QUERY_CHARS].replace("\x00", " ")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    text = _MINUS_WORD.sub(r"\1NOT ", text)
    text = _safe_fields(text)
    text = _safe_wildcards(text)
    return rewrite_equivalents(text)


def _parser(schema, any_word: bool = False) -> qparser.QueryParser:
    group = qparser.OrGroup if any_word else qparser.AndGroup
    parser = qparser.MultifieldParser(
        list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS, group=group
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.remove_plugin_class(qparser.BoostPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    return parser


def _bound(q: query.Query) -> query.Query:
    """Cap fuzzy edits, ask fuzzy terms for a prefix, keep only the fields we allow."""
    if isinstance(q, query.FuzzyTerm):
        q.maxdist = min(max(q.maxdist, 1), MAX_FUZZY_EDITS)
        # a shared prefix as long as the edits allowed keeps the term list walk short
        q.prefixlength = min(max(q.prefixlength, q.maxdist), max(len(q.text) - 1, 0))
        q.text = fold(q.text)
    if isinstance(q, query.Wildcard) and not isinstance(q, query.Prefix):
        return query.NullQuery
    if q.is_leaf():
        return q
    return q.apply(_bound)


def _add_name_tier(q: query.Query) -> query.Query:
    """Each plain word also looks up its consonant skeleton (Toshpulatov ~ Tashpulatov),
    except under NOT and inside phrases, whose meaning a faint match would change."""
    if isinstance(q, query.Not):
        return q
    if (
        isinstance(q, query.Or)
        and q.subqueries
        and all(
            isinstance(s, query.Term) and not isinstance(s, query.MultiTerm) for s in q.subqueries
        )
    ):
        words = {s.text for s in q.subqueries if s.fieldname == "title_exact"}
        if len(words) == 1 and (key := skeleton(fold(words.pop()))):
            return query.Or([*q.subqueries, query.Term("sound", key, boost=SOUND_BOOST)])
        return q
    if q.is_leaf():
        return q
    return q.apply(_add_name_tier)


def _plain_words(schema, text: str, any_word: bool = False) -> query.Query:
    words = re.findall(r"\w+", text)
    if any_word:
        words = _content_words(words)[:MAX_ANY_WORDS]
    else:
        words = words[:MAX_TERMS]
    if not words:
        return query.Every()
    return _finish(_parser(schema, any_word).parse(" ".join(words), normalize=False), any_word)


def _finish(parsed: query.Query, any_word: bool) -> query.Query:
    """The parser's tree, not yet normalised (each word still its own group): bounded,
    each word's name tier added, words weighed in any-word mode, then normalised."""
    parsed = _add_name_tier(_bound(parsed))
    if any_word:
        parsed = _weigh_words(parsed)
    return parsed.normalize()


def _content_words(words: list[str]) -> list[str]:
    """``words`` without English stop words, unless nothing else is left."""
    kept = [w for w in words if w.lower() not in STOP_WORDS]
    return kept or words


def parse_user_query(schema, text: str | None, *, any_word: bool = False) -> query.Query:
    """Whoosh query for ``q``; ``Every()`` when there is nothing to search for."""
    if not text or not text.strip():
        return query.Every()
    prepared = prepare(text)
    limit = (MAX_ANY_WORDS if any_word else MAX_TERMS) * (len(FIELD_BOOSTS) + 1)
    try:
        q = _finish(_parser(schema, any_word).parse(prepared, normalize=False), any_word)
    except Exception:  # the parser is lenient, but a degraded query beats any error
        q = _plain_words(schema, text, any_word)
    if q is query.NullQuery or isinstance(q, query.NullQuery.__class__):
        q = _plain_words(schema, text, any_word)
    if len(list(q.leaves())) > limit:
        q = _plain_words(schema, text, any_word)
    return q


def _word_of(group: query.Query) -> str | None:
    """The word a plain word's group stands for (its exact-spelling term), else None."""
    if not isinstance(group, query.Or):
        return None
    for sub in group.subqueries:
        if type(sub) is query.Term and sub.fieldname == "title_exact":
            return sub.text
    return None


def _weigh_words(q: query.Query) -> query.Query:
    """Any-word mode's top-level OR: stop words out (unless only they are left), one
    group per word with its boost times the times the word was said."""
    if not isinstance(q, query.Or):
        return q
    excluded = [g.query for g in q.subqueries if isinstance(g, query.Not)]
    groups = [g for g in q.subqueries if not isinstance(g, query.Not)]
    if not groups:  # only NOTs: every document without them, as in the default mode
        return q
    content = [g for g in groups if (_word_of(g) or "").lower() not in STOP_WORDS]
    if content and any(_word_of(g) is not None for g in content):
        groups = content
    counts: dict[query.Query, int] = {}
    for group in groups:
        counts[group] = counts.get(group, 0) + 1
    weighed = []
    for group, count in counts.items():
        if count > 1:
            group = group.copy()
            group.boost *= count
        weighed.append(group)
    found = query.Or(weighed, boost=q.boost)
    return query.AndNot(found, query.Or(excluded)) if excluded else found


def query_words(q: query.Query) -> list[str]:
    """The folded-field words a query looks for (for did-you-mean and highlighting)."""
    words = []
    for fieldname, text in q.iter_all_terms(phrases=True):
        if fieldname in ("body", "title") and isinstance(text, str) and text not in words:
            words.append(text)
    return words


def expand_terms(q: query.Query, reader, cache=None) -> query.Query:
    """Prefix and fuzzy words -> an OR of at most ``MAX_EXPANSIONS`` index terms each, the
    most frequent ones, scored as one constant (as Whoosh scores an unbounded expansion).
    ``cache`` (``get``/``put``, one index generation) keeps the expansions."""
    if isinstance(q, (query.Prefix, query.FuzzyTerm)):
        fieldname = q.fieldname
        if fieldname not in reader.schema:
            return query.NullQuery
        key = (
            "expand",
            type(q).__name__,
            fieldname,
            q.text,
            getattr(q, "maxdist", 0),
            getattr(q, "prefixlength", 0),
        )
        words = cache.get(key) if cache is not None else None
        if words is None:
            words = _expansions(q, reader)
            if cache is not None:
                cache.put(key, words)
        if not words:
            return query.NullQuery
        terms = [query.Term(fieldname, w) for w in words]
        return query.ConstantScoreQuery(query.Or(terms), score=q.boost)
    if q.is_leaf():
        return q
    return q.apply(lambda child: expand_terms(child, reader, cache))


def _expansions(q: query.Query, reader) -> list[str]:
    fieldname = q.fieldname
    field = reader.schema[fieldname]
    if isinstance(q, query.FuzzyTerm):
        texts = list(terms_within(reader, fieldname, q.text, q.maxdist, q.prefixlength))
    else:
        texts = list(islice(q._btexts(reader), EXPANSION_SCAN))
    if len(texts) > MAX_EXPANSIONS:
        texts.sort(key=lambda t: (-reader.doc_frequency(fieldname, t), t))
        texts = texts[:MAX_EXPANSIONS]
    return sorted(field.from_bytes(t) if isinstance(t, bytes) else t for t in texts)
