"""User query text -> Whoosh query. Only ``q`` comes here; filters are built apart.

Rules (SPEC "Matching"): AND by default; OR, NOT and ``-word``; phrases; ``title:``
and ``body:``; ``prefix*`` (two letters at least); ``word~`` fuzzy (bounded). Anything
malformed degrades to plain words, and nothing here raises on user input.
"""

from __future__ import annotations

import re
from itertools import islice

from whoosh import qparser, query

from indexer.gazetteer import equivalence_groups, fold
from search.analysis import skeleton
from search.lexicon import terms_within
from search.schema import USER_FIELDS

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MIN_PREFIX = 2
MAX_FUZZY_EDITS = 2
MAX_EXPANSIONS = 50  # index terms a prefix or fuzzy word may stand for (the most frequent)
EXPANSION_SCAN = 20_000  # candidate terms looked at to choose them
# The fields every word is looked up in, with their weight. Exact spellings rank above
# folded ones; the consonant skeleton (transliterated names) is a faint second tier.
FIELD_BOOSTS = {"title": 3.0, "body": 1.0, "title_exact": 4.0, "body_exact": 1.5}
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


def _parser(schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS, group=qparser.AndGroup
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


def _plain_words(schema, text: str) -> query.Query:
    words = re.findall(r"\w+", text)[:MAX_TERMS]
    parser = _parser(schema)
    return parser.parse(" ".join(words)) if words else query.Every()


def parse_user_query(schema, text: str | None) -> query.Query:
    """Whoosh query for ``q``; ``Every()`` when there is nothing to search for."""
    if not text or not text.strip():
        return query.Every()
    prepared = prepare(text)
    try:
        q = _bound(_parser(schema).parse(prepared))
        q = _add_name_tier(q.normalize())
    except Exception:  # the parser is lenient, but a degraded query beats any error
        q = _plain_words(schema, text)
    if q is query.NullQuery or isinstance(q, query.NullQuery.__class__):
        q = _plain_words(schema, text)
    if len(list(q.leaves())) > MAX_TERMS * len(FIELD_BOOSTS):
        q = _plain_words(schema, text)
    return q


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
