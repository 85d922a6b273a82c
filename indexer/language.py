"""Language detection with langdetect on a bounded sample, seeded for stable output.

langdetect is pure Python and costs time per character and per trial, so it sees only
the first SAMPLE_CHARS characters (cut at a space) and runs TRIALS random trials instead
of its default seven. On the shared corpora (English, Vietnamese, Russian, Turkish) this
gives the same answers as the whole text at a quarter of the cost (docs/accuracy.md).

``FastDetector`` is langdetect's ``Detector`` with its n-gram extraction rewritten
(the per-character normalisation cached, one loop without method calls) and its text
copied without a per-character loop: the same n-grams, so the same random draws and
the same answers, in about half the time (``tests/test_indexer_language.py`` compares
it with langdetect's own).
"""

from __future__ import annotations

import re
from functools import lru_cache

from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.ngram import NGram

SAMPLE_CHARS = 500
TRIALS = 3
SEED = 0  # langdetect is random by default: same text, same answer
MIN_LETTERS = 3
_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile("  +")


class _Normalised(dict):
    """Character -> langdetect's ``NGram.normalize`` of it, filled on first use."""

    def __missing__(self, ch: str) -> str:
        found = self[ch] = NGram.normalize(ch)
        return found


_NORMALISED = _Normalised()


class FastDetector(Detector):
    """langdetect's detector, same results, faster loops (see the module's doc)."""

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        # the original copies character by character, dropping a space after a space
        self.text += _SPACES.sub(" ", text[: self.max_text_length])

    def _extract_ngrams(self) -> list[str]:
        known = self.word_lang_prob_map
        normalised = _NORMALISED
        result = []
        append = result.append
        grams, capital = " ", False
        for ch in self.text:
            ch = normalised[ch]  # NGram.add_char, inlined
            last = grams[-1]
            if last == " ":
                grams, capital = " ", False
                if ch == " ":
                    continue
            elif len(grams) >= 3:
                grams = grams[1:]
            grams += ch
            if ch.isupper():
                if last.isupper():
                    capital = True
            else:
                capital = False
            if capital:
                continue
            if ch != " " and ch in known:  # the 1-, 2- and 3-grams ending here
                append(ch)
            size = len(grams)
            if size >= 2:
                if grams[-2:] in known:
                    append(grams[-2:])
                if size == 3 and grams in known:
                    append(grams)
        return result


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(SEED)
    return factory


def load_profiles() -> None:
    """Load langdetect's profiles now (0.3 s): before forking workers, so that they
    share one copy instead of each loading its own."""
    _factory()


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The start of the text, at most ``limit`` characters, cut at a space."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit]


def detect_language(text: str) -> str:
    """ISO 639-1 code, or ``und`` when there is nothing to detect."""
    part = sample(text)
    if len(_LETTER.findall(part)) < MIN_LETTERS:
        return "und"
    detector = FastDetector(_factory())
    detector.n_trial = TRIALS
    detector.append(part)
    try:
        code = detector.detect()
    except LangDetectException:
        return "und"
    return "und" if code == "unknown" else code.split("-")[0]
