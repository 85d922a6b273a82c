"""Text analysis shared by indexing and querying.

The schema is pickled into the index, so every tokenizer and filter here is an importable
class at a stable path (``search.analysis.X``), holding no state but its settings.
Whoosh's own ``accent_map`` is avoided on purpose (STYLE.md: it misses U+0307, so
``İstanbul`` stays ``i̇stanbul``).

Indexing cost is per token and per filter, so the main chain does its work in one filter
with per-word caches: a word is folded, mapped to its place equivalent and stemmed once
per process, not once per occurrence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from pickle import dumps

from whoosh import analysis, formats
from whoosh.lang import stemmer_for_language
from whoosh.system import pack_uint

from indexer.gazetteer import equivalence_groups, fold

TOKEN_PATTERN = r"\w+"
STEM_LANGUAGE = "en"
SKELETON_MIN_LETTERS = 6
CACHE_WORDS = 400_000  # per cache; a full cache is emptied and refilled
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
# Letters transliteration swaps for one another, mapped to one representative.
_SKELETON_MAP = str.maketrans({"q": "k", "c": "k", "w": "v", "z": "s", "j": "y", "x": "k"})


# --- per-word caches -----------------------------------------------------------------

_FOLDED: dict[str, str] = {}
_STEMMED: dict[str, str] = {}
_SKELETONS: dict[str, str | None] = {}


def folded_word(word: str) -> str:
    """``Erdoğan`` -> ``erdogan``, cached."""
    found = _FOLDED.get(word)
    if found is None:
        if len(_FOLDED) >= CACHE_WORDS:
            _FOLDED.clear()
        found = _FOLDED[word] = fold(word)
    return found


@lru_cache(maxsize=1)
def _stemmer():
    return stemmer_for_language(STEM_LANGUAGE)


def stemmed_word(folded: str) -> str:
    """English stem of a folded word (``agreements`` -> ``agreement``), cached."""
    found = _STEMMED.get(folded)
    if found is None:
        if len(_STEMMED) >= CACHE_WORDS:
            _STEMMED.clear()
        found = _STEMMED[folded] = _stemmer()(folded)
    return found


def skeleton(word: str) -> str | None:
    """Consonant skeleton of a long folded name (``toshpulatov``, ``tashpulatov``: ``tshplatv``)."""
    if len(word) < SKELETON_MIN_LETTERS or not word.isalpha():
        return None
    word = word.translate(_SKELETON_MAP)
    return word[0] + _DOUBLES.sub(r"\1", _VOWELS.sub("", word[1:]))


def word_skeleton(word: str) -> str | None:
    """The skeleton of a word as written (folded first), cached."""
    if word in _SKELETONS:
        return _SKELETONS[word]
    if len(_SKELETONS) >= CACHE_WORDS:
        _SKELETONS.clear()
    found = _SKELETONS[word] = skeleton(folded_word(word))
    return found


@lru_cache(maxsize=1)
def equivalents() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """(single word -> canonical, word pair -> canonical), all folded."""
    single: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}
    for group in equivalence_groups():
        canonical = "".join(re.findall(TOKEN_PATTERN, fold(group[0])))
        for form in group:
            words = re.findall(TOKEN_PATTERN, fold(form))
            if len(words) == 1 and words[0] != canonical:
                single[words[0]] = canonical
            elif len(words) == 2:
                pairs[(words[0], words[1])] = canonical
    return single, pairs


# --- tokenizer and filters -------------------------------------------------------------


class NfcTokenizer(analysis.RegexTokenizer):
    """Words (``\\w+``) of the NFC form, so decomposed ``Việt`` is one token.

    Documents are NFC already (the indexer normalises them), so character offsets
    point into the stored text.
    """

    def __init__(self, expression=TOKEN_PATTERN, gaps=False):
        super().__init__(expression=expression, gaps=gaps)

    def __call__(self, value, **kwargs):
        return super().__call__(unicodedata.normalize("NFC", value), **kwargs)


@lru_cache(maxsize=1)
def _capitalised_words() -> analysis.RegexTokenizer:
    """Words that start with a capital letter (any script), found by the regex engine."""
    capitals = "".join(
        chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000 and chr(c).isupper()
    )
    return analysis.RegexTokenizer(r"(?<!\w)[" + re.escape(capitals) + r"]\w*")


class NameTokenizer(NfcTokenizer):
    """For indexing, only the words that start with a capital letter (names; a sixth of
    a news text); for a query, every word."""

    def __call__(self, value, **kwargs):
        if kwargs.get("mode") == "query":
            return super().__call__(value, **kwargs)
        return _capitalised_words()(unicodedata.normalize("NFC", value), **kwargs)


class FoldStemFilter(analysis.Filter):
    """Folded, English-stemmed words, with place spellings joined.

    Index mode keeps each written word and adds the canonical word of a place
    (``Türkiye`` -> ``turkey``, ``Viet Nam`` -> ``vietnam``) at the same position (for a
    pair, the second word's, spanning both); query mode replaces a variant by its
    canonical word.
    """

    is_morph = True

    def __call__(self, tokens):
        single, pairs = equivalents()
        previous, previous_start = None, 0
        for t in tokens:
            folded = folded_word(t.text)
            if t.mode == "query":
                t.text = stemmed_word(single.get(folded, folded))
                yield t
                continue
            start = t.startchar if t.chars else 0
            joined = pairs.get((previous, folded)) if previous else None
            canonical = single.get(folded)
            previous = folded
            t.text = stemmed_word(folded)
            yield t
            if joined:
                t.text = stemmed_word(joined)
                if t.chars:
                    t.startchar = previous_start
                yield t
            elif canonical:
                t.text = stemmed_word(canonical)
                yield t
            previous_start = start


class NameSkeletonFilter(analysis.Filter):
    """Consonant skeletons of capitalised long words (names), the second tier for
    transliterations; a query skeletonises every long word."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if t.mode != "query" and not text[:1].isupper():
                continue
            key = word_skeleton(text)
            if key:
                t.text = key
                yield t


def folded_analyzer():
    """Folded, English-stemmed, places joined: the main matching fields."""
    return NfcTokenizer() | FoldStemFilter()


def exact_analyzer():
    """Lower case with diacritics kept: exact-spelling matches rank higher."""
    return NfcTokenizer() | analysis.LowercaseFilter()


def skeleton_analyzer():
    return NameTokenizer() | NameSkeletonFilter()


# --- indexing without token objects ---------------------------------------------------
#
# Whoosh indexes a field by running its analyzer (a chain of generators handing one
# ``Token`` object along) and collecting the tokens in the field's format. For the
# analyzers above, ``index_terms`` does the same work in one plain loop per field, and a
# text's words are found once for its folded and exact fields. The postings are the
# same, byte for byte (``tests/test_search_analysis_fast.py``).

Posting = tuple[bytes, int, float, bytes]  # (term, frequency, weight, encoded value)
_ONE = pack_uint(1)
_WORDS = re.compile(TOKEN_PATTERN)
_last_words: list = [None, None, None]  # (text, words, spans) of the last text split


def _words(value: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The NFC text's words and their character spans (the last text's, reused)."""
    if _last_words[0] is value:
        return _last_words[1], _last_words[2]
    matches = list(_WORDS.finditer(unicodedata.normalize("NFC", value)))
    words = [m.group() for m in matches]
    spans = [m.span() for m in matches]
    _last_words[:] = [value, words, spans]
    return words, spans


def _folded_postings(value: str, format_: formats.Characters) -> Iterator[Posting]:
    """``NfcTokenizer() | FoldStemFilter()`` into ``Characters``, as Whoosh would."""
    words, spans = _words(value)
    single, pairs = equivalents()
    seen: dict[str, list] = {}
    previous, previous_start = None, 0
    for pos, word in enumerate(words):
        folded = _FOLDED.get(word) or folded_word(word)
        start, end = spans[pos]
        joined = pairs.get((previous, folded)) if previous else None
        canonical = single.get(folded)
        previous = folded
        term = _STEMMED.get(folded) or stemmed_word(folded)
        entry = seen.get(term)
        if entry is None:
            seen[term] = [(pos, start, end)]
        else:
            entry.append((pos, start, end))
        if joined:
            seen.setdefault(stemmed_word(joined), []).append((pos, previous_start, end))
        elif canonical:
            seen.setdefault(stemmed_word(canonical), []).append((pos, start, end))
        previous_start = start
    boost = format_.field_boost
    for term, entries in seen.items():
        yield term.encode("utf-8"), len(entries), float(len(entries)) * boost, _chars(entries)


def _chars(entries: list[tuple[int, int, int]]) -> bytes:
    """``Characters.encode``: (position, start, end) as deltas, pickled."""
    if len(entries) == 1:
        pos, start, end = entries[0]
        return _ONE + dumps([(pos, start, end - start)], 2)
    deltas = []
    posbase = charbase = 0
    for pos, start, end in entries:
        deltas.append((pos - posbase, start - charbase, end - start))
        posbase, charbase = pos, end
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def _positions(entries: list[int]) -> bytes:
    """``Positions.encode``: positions as deltas, pickled."""
    if len(entries) == 1:
        return _ONE + dumps(entries, 2)
    deltas = [b - a for a, b in zip([0, *entries], entries, strict=False)]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def _exact_postings(value: str, format_: formats.Positions) -> Iterator[Posting]:
    """``NfcTokenizer() | LowercaseFilter()`` into ``Positions``, as Whoosh would."""
    words, _ = _words(value)
    seen: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        term = word.lower()
        entry = seen.get(term)
        if entry is None:
            seen[term] = [pos]
        else:
            entry.append(pos)
    boost = format_.field_boost
    for term, entries in seen.items():
        yield term.encode("utf-8"), len(entries), float(len(entries)) * boost, _positions(entries)


def _skeleton_postings(value: str, format_: formats.Frequency) -> Iterator[Posting]:
    """``NameTokenizer() | NameSkeletonFilter()`` into ``Frequency``, as Whoosh would."""
    counts: dict[str, int] = {}
    text = unicodedata.normalize("NFC", value)
    for word in _capitalised_words().expression.findall(text):
        if not word[:1].isupper():
            continue
        key = word_skeleton(word)
        if key:
            counts[key] = counts.get(key, 0) + 1
    boost = format_.field_boost
    for key, n in counts.items():
        yield key.encode("utf-8"), n, float(n) * boost, pack_uint(n)


_FAST = {
    ((NfcTokenizer, FoldStemFilter), formats.Characters): _folded_postings,
    ((NfcTokenizer, analysis.LowercaseFilter), formats.Positions): _exact_postings,
    ((NameTokenizer, NameSkeletonFilter), formats.Frequency): _skeleton_postings,
}


def index_terms(field) -> Callable[[str], Iterator[Posting]] | None:
    """A faster ``field.index`` for a text value, when the field uses one of this module's
    analyzers as built here; else None (use Whoosh's)."""
    analyzer = getattr(field, "analyzer", None)
    format_ = getattr(field, "format", None)
    if type(analyzer) is not analysis.CompositeAnalyzer or format_ is None:
        return None
    items = analyzer.items
    tokenizer = items[0]
    if not isinstance(tokenizer, NfcTokenizer) or tokenizer.gaps:
        return None
    if tokenizer.expression.pattern != TOKEN_PATTERN:
        return None
    fast = _FAST.get((tuple(type(item) for item in items), type(format_)))
    return partial(fast, format_=format_) if fast else None


# --- kept so that indexes written before the one-filter chain still open -------------


class NfcFilter(analysis.Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = unicodedata.normalize("NFC", t.text)
            yield t


class FoldFilter(analysis.Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = folded_word(t.text)
            yield t


class EquivalenceFilter(analysis.Filter):
    def __call__(self, tokens):
        single, pairs = equivalents()
        held = None
        for t in tokens:
            if t.mode == "query":
                t.text = single.get(t.text, t.text)
                yield t
                continue
            current = t.copy()
            if held is not None:
                canonical = pairs.get((held.text, current.text))
                yield held
                if canonical:
                    extra = held.copy()
                    extra.text = canonical
                    yield extra
            if current.text in single:
                extra = current.copy()
                extra.text = single[current.text]
                yield current
                yield extra
                held = None
            else:
                held = current
        if held is not None:
            yield held


class SkeletonFilter(analysis.Filter):
    def __call__(self, tokens):
        for t in tokens:
            key = skeleton(t.text)
            if key:
                t.text = key
                yield t
