"""Text analysis shared by indexing and querying.

The schema is pickled into the index, so every filter here is an importable class at a
stable path (``search.analysis.X``). Whoosh's own ``accent_map`` is avoided on purpose
(STYLE.md: it misses U+0307, so ``İstanbul`` stays ``i̇stanbul``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh import analysis

from indexer.gazetteer import equivalence_groups, fold

TOKEN_PATTERN = r"\w+"
SKELETON_MIN_LETTERS = 6
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
# Letters transliteration swaps for one another, mapped to one representative.
_SKELETON_MAP = str.maketrans({"q": "k", "c": "k", "w": "v", "z": "s", "j": "y", "x": "k"})


class NfcFilter(analysis.Filter):
    """NFC, so decomposed ``Việt`` is one token as in the documents."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = unicodedata.normalize("NFC", t.text)
            yield t


class FoldFilter(analysis.Filter):
    """Accent-free lower case: ``İstanbul`` -> ``istanbul``, ``Szijjártó`` -> ``szijjarto``."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


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


class EquivalenceFilter(analysis.Filter):
    """Spellings of one place as one word (``Viet Nam``, ``Việt Nam`` -> ``vietnam``).

    Indexing keeps the written words and adds the canonical word at the same position;
    querying replaces a variant by the canonical word.
    """

    def __call__(self, tokens):
        single, pairs = equivalents()
        held = None  # (text, copy) of the previous token, not yet yielded
        for t in tokens:
            if t.mode == "query":
                t.text = single.get(t.text, t.text)
                yield t
                continue
            current = t.copy()
            text = current.text
            if held is not None:
                held_text, held_token = held
                canonical = pairs.get((held_text, text))
                yield held_token
                if canonical:
                    extra = held_token.copy()
                    extra.text = canonical
                    if current.chars:
                        extra.endchar = current.endchar
                    yield extra
            if text in single:
                extra = current.copy()
                extra.text = single[text]
                yield current
                yield extra
                held = None
            else:
                held = (text, current)
        if held is not None:
            yield held[1]


def skeleton(word: str) -> str | None:
    """Consonant skeleton of a long name: ``toshpulatov`` and ``tashpulatov`` -> ``tshplatv``."""
    if len(word) < SKELETON_MIN_LETTERS or not word.isalpha():
        return None
    word = word.translate(_SKELETON_MAP)
    return word[0] + _DOUBLES.sub(r"\1", _VOWELS.sub("", word[1:]))


class SkeletonFilter(analysis.Filter):
    """Long words -> consonant skeletons, the second tier for transliterated names."""

    def __call__(self, tokens):
        for t in tokens:
            key = skeleton(t.text)
            if key:
                t.text = key
                yield t


def _tokenizer():
    return analysis.RegexTokenizer(TOKEN_PATTERN)


def folded_analyzer():
    """Folded, English-stemmed: the main matching fields."""
    return (
        _tokenizer()
        | NfcFilter()
        | FoldFilter()
        | EquivalenceFilter()
        | analysis.StemFilter(lang="en", cachesize=100_000)
    )


def exact_analyzer():
    """Lower case with diacritics kept: exact-spelling matches rank higher."""
    return _tokenizer() | NfcFilter() | analysis.LowercaseFilter()


def spelling_analyzer():
    """Folded, not stemmed: the words did-you-mean offers."""
    return _tokenizer() | NfcFilter() | FoldFilter()


def skeleton_analyzer():
    return _tokenizer() | NfcFilter() | FoldFilter() | SkeletonFilter()
