"""Did-you-mean: respell the words of a query the index does not know.

Candidates come from the unstemmed ``body_exact`` lexicon (lower case, diacritics kept),
are folded, and the closest one wins, the most frequent among equals: ``erdogn`` ->
``erdogan`` (from ``erdoğan``), ``cybercrme`` -> ``cybercrime``.
"""

from __future__ import annotations

import re

from whoosh.support.levenshtein import distance

from indexer.gazetteer import fold
from search.lexicon import terms_within
from search.query import rewrite_equivalents

MIN_WORD = 4
MAX_EDITS = 2
LEXICON = "body_exact"
_WORD = re.compile(rf"(?<![\w:])([^\W\d_]{{{MIN_WORD},}})(?![\w:*~])")
_OPERATORS = {"AND", "OR", "NOT"}
# English words of four letters or more that carry the question, not its subject: never
# respelled (a small index may not hold "what" and would offer "who")
FUNCTION_WORDS = frozenset(
    "about above after again against also among been before being below between both "
    "could does doing done down during each either even ever from further have having "
    "here hers herself himself into itself just least less many more most much must "
    "neither once only other ought ours ourselves over same shall should some such than "
    "that their theirs them themselves then there these they this those though through "
    "under until upon very were what whatever when where whether which while whom whose "
    "will with within without would your yours yourself".split()
)


def _known(reader, analyzer, word: str) -> bool:
    terms = [t.text for t in analyzer(word, mode="query")]
    return all(("body", t) in reader or ("title", t) in reader for t in terms)


def respelling(reader, word: str) -> str | None:
    """The folded word of the index closest to ``word``, or None: one edit away (same first
    letter), else two (same first two letters)."""
    folded = fold(word)
    for edits, prefix in ((1, 1), (MAX_EDITS, 2)):
        found = _closest(reader, folded, edits, prefix)
        if found:
            return found
    return None


def _closest(reader, folded: str, edits: int, prefix: int) -> str | None:
    frequency: dict[str, int] = {}
    for term in terms_within(reader, LEXICON, folded, edits, prefix):
        candidate = fold(term)
        if candidate != folded and candidate.isalpha():
            frequency[candidate] = frequency.get(candidate, 0) + reader.doc_frequency(LEXICON, term)
    if not frequency:
        return None
    return min(frequency, key=lambda c: (distance(folded, c), -frequency[c], c))


def suggestion(searcher, text: str, cache=None) -> str | None:
    """The query with unknown words replaced by their closest known ones, or None.
    ``cache`` (``get``/``put``, one index generation) keeps respellings."""
    reader = searcher.reader()
    if LEXICON not in searcher.schema:
        return None
    analyzer = searcher.schema["body"].analyzer
    changed = False

    def respell(match: re.Match) -> str:
        nonlocal changed
        word = match.group(1)
        if word in _OPERATORS or word.lower() in FUNCTION_WORDS or _known(reader, analyzer, word):
            return word
        key = ("respell", word)
        found = cache.get(key) if cache is not None else None
        if found is None:
            found = respelling(reader, word) or ""
            if cache is not None:
                cache.put(key, found)
        if not found:
            return word
        changed = True
        return found

    corrected = _WORD.sub(respell, rewrite_equivalents(text[:200]))
    return corrected if changed else None
