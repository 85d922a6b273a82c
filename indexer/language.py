"""Language detection with langdetect on a bounded sample, seeded for stable output.

langdetect is pure Python and costs time per character and per trial, so it sees only
the first SAMPLE_CHARS characters (cut at a space) and runs TRIALS random trials instead
of its default seven. On the shared corpora (English, Vietnamese, Russian, Turkish) this
gives the same answers as the whole text at a quarter of the cost (docs/accuracy.md).

``FastDetector`` is langdetect's ``Detector`` with its n-gram extraction rewritten
(the per-character normalisation cached, one loop without method calls), its text
copied without a per-character loop, and its trials run on numpy arrays: the same
n-grams, the same random draws in the same order, the same floating-point operations
in the same order, so the same probabilities to the last bit, in about a third of the
time (``tests/test_indexer_language.py`` compares it with langdetect's own).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

SAMPLE_CHARS = 500
TRIALS = 3
SEED = 0  # langdetect is random by default: same text, same answer
MIN_LETTERS = 3
_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile("  +")


class _Normalised(dict):
    """Character code -> langdetect's ``NGram.normalize`` of the character, for
    ``str.translate``, filled on first use."""

    def __missing__(self, code: int) -> str:
        found = self[code] = NGram.normalize(chr(code))
        return found


_NORMALISED = _Normalised()
_WORD_GRAMS: dict[tuple[str, bool], list[str]] = {}  # (word, space after) -> its n-grams
_WORD_GRAMS_OF: list = [None]  # the profiles they were found in
WORD_CACHE = 200_000


def _word_ngrams(word: str, space_after: bool, known: dict) -> list[str]:
    """``Detector._extract_ngrams`` of one word (its n-grams never span a space), with
    the n-grams ending in the space after it: ``NGram.add_char`` and the loop, inlined."""
    result = []
    append = result.append
    grams, capital = " ", False
    for ch in word + " " if space_after else word:
        last = grams[-1]
        if last == " ":
            grams, capital = " ", False
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


class FastDetector(Detector):
    """langdetect's detector, same results, faster loops (see the module's doc)."""

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        # the original copies character by character, dropping a space after a space
        self.text += _SPACES.sub(" ", text[: self.max_text_length])

    def _extract_ngrams(self) -> list[str]:
        """The n-grams of the text, word by word: the state langdetect carries from one
        character to the next starts afresh after a space, so a word's n-grams are
        always the same and are found once (then cached)."""
        known = self.word_lang_prob_map
        cache = _WORD_GRAMS
        if _WORD_GRAMS_OF[0] is not known or len(cache) > WORD_CACHE:
            cache.clear()
            _WORD_GRAMS_OF[0] = known
        words = self.text.translate(_NORMALISED).split(" ")
        last = len(words) - 1
        result = []
        for n, word in enumerate(words):
            if word:
                key = (word, n < last)
                grams = cache.get(key)
                if grams is None:
                    grams = cache[key] = _word_ngrams(word, n < last, known)
                result += grams
        return result

    def _detect_block(self) -> None:
        """``Detector._detect_block`` on arrays: a trial multiplies the probabilities by
        the rows of randomly drawn n-grams and normalises them after the first draw and
        every fifth one after it, until one language passes the threshold. The draws
        do not depend on the probabilities, so those between two checks are taken
        together and their rows multiplied in turn."""
        self.cleaning_text()
        ngrams = self._extract_ngrams()
        if not ngrams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        row_of, table = _table(self.word_lang_prob_map)
        draws = [row_of[w] for w in ngrams]
        langprob = np.zeros(len(self.langlist))
        rng = self.random
        choice = rng.choice
        rng.seed(self.seed)
        for _ in range(self.n_trial):
            prob = np.array(self._init_probability(), dtype=np.float64)
            weight = (self.alpha + rng.gauss(0.0, 1.0) * self.ALPHA_WIDTH) / self.BASE_FREQ
            drawn, step = 0, 1  # the first check comes after one draw, then every five
            while True:
                for factors in weight + table[[choice(draws) for _ in range(step)]]:
                    prob *= factors
                drawn += step
                prob /= sum(prob.tolist())  # Python's sum, as langdetect adds them
                if prob.max() > self.CONV_THRESHOLD or drawn > self.ITERATION_LIMIT:
                    break
                step = 5
            langprob += prob / self.n_trial
        self.langprob = langprob.tolist()


_TABLES: dict[int, tuple[dict, dict[str, int], np.ndarray]] = {}


def _table(probabilities: dict) -> tuple[dict[str, int], np.ndarray]:
    """The profiles' n-gram -> row, and every n-gram's probabilities as one array (39 MB
    for langdetect's 87,598 n-grams; made before the workers fork, so shared)."""
    cached = _TABLES.get(id(probabilities))
    if cached is None or cached[0] is not probabilities:
        row_of = {word: n for n, word in enumerate(probabilities)}
        table = np.array(list(probabilities.values()), dtype=np.float64)
        cached = _TABLES[id(probabilities)] = (probabilities, row_of, table)
    return cached[1], cached[2]


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(SEED)
    return factory


def load_profiles() -> None:
    """Load langdetect's profiles now (0.6 s): before forking workers, so that they
    share one copy instead of each loading its own."""
    _table(_factory().word_lang_prob_map)


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
