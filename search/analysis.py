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
from functools import lru_cache

from whoosh import analysis
from whoosh.lang import stemmer_for_language

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
