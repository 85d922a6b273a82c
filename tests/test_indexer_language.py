"""The fast language detector gives langdetect's own answers, probabilities and all."""

from __future__ import annotations

import random

import pytest
from langdetect.detector import Detector

from indexer.language import TRIALS, FastDetector, _factory, detect_language, sample
from tests.conftest import CORPORA, SEEDS

TEXTS = [
    "The foreign ministers of Hungary and Uzbekistan signed a cooperation agreement.",
    "Bộ trưởng Bộ Công an Tô Lâm tiếp Đại sứ Hoa Kỳ tại Hà Nội về phòng chống ma túy.",
    "Bo\u0323\u0302 tru\u031bo\u031b\u0309ng (decomposed Vietnamese marks)",
    "Dışişleri Bakanı Türkiye ile İstanbul'da görüştü; ÇAĞRI MERKEZİ AÇILDI.",
    "Министр иностранных дел России провёл переговоры в Москве с коллегой из Казахстана.",
    "Szijjártó Péter külügyminiszter Budapesten tárgyalt az üzbég delegációval.",
    "NATO AND EU LEADERS MEET IN BRUSSELS    to   discuss   security",
    "See https://example.org/a?b=c and write to press@example.org today.",
    "中华人民共和国外交部发言人表示，双方将加强合作。日本の外務大臣は、ソウルで会談した。",
    "وزير الخارجية الإيراني یک سفر رسمی به بغداد انجام داد",
    "한국 외교부 장관은 미국 국무장관과 회담했다",
    "Ромскої мови та українська: МЗС України повідомило",
    "ǅemal ȘȚ şţ «quoted» — dashes… and ½ odd ¿signs?",
    "a",
    "   ",
]


def _probabilities(cls, text: str) -> list[tuple[str, float]]:
    detector = cls(_factory())
    detector.n_trial = TRIALS
    detector.append(text)
    try:
        return [(p.lang, p.prob) for p in detector.get_probabilities()]
    except Exception as exc:  # noqa: BLE001 - the same failure is part of the same answer
        return [("error", type(exc).__name__)]


def _corpus_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.is_file()]
    if CORPORA.is_dir():
        files = sorted(p for p in CORPORA.rglob("*.txt") if p.stat().st_size < 200_000)
        for path in random.Random(4).sample(files, min(60, len(files))):
            raw = path.read_bytes()
            texts.append(raw.decode("utf-8", errors="replace"))
    return texts


@pytest.mark.parametrize("text", TEXTS)
def test_same_answer_as_langdetect(text):
    assert _probabilities(FastDetector, text) == _probabilities(Detector, text)


def test_same_answer_on_real_articles():
    texts = _corpus_texts()
    for text in texts:
        part = sample(text)
        assert _probabilities(FastDetector, part) == _probabilities(Detector, part)


def test_random_characters():
    rng = random.Random(7)
    alphabet = "aAbBeEiIşŞğĞıİöÖüÜđĐơưạảấ ё Ж ж , . - 1 \u0301\u0323 字かカ가ي"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120)))
        assert _probabilities(FastDetector, text) == _probabilities(Detector, text)


def _raw(cls, text: str) -> list[float]:
    """Every language's probability, before langdetect drops and sorts them."""
    detector = cls(_factory())
    detector.n_trial = TRIALS
    detector.append(text)
    detector._detect_block()
    return detector.langprob


def test_every_probability_to_the_last_bit():
    texts = TEXTS[:-2] + [sample(t) for t in _corpus_texts()[:20]]
    for text in texts:
        ours = _raw(FastDetector, text)
        assert type(ours) is list and all(type(p) is float for p in ours)
        assert ours == _raw(Detector, text), text


@pytest.mark.parametrize("limit", [0, 3, 5, 7, 11])
def test_trials_cut_by_the_iteration_limit(monkeypatch, limit):
    monkeypatch.setattr(Detector, "ITERATION_LIMIT", limit)
    monkeypatch.setattr(Detector, "CONV_THRESHOLD", 2.0)  # never reached: every trial runs out
    for text in TEXTS[:-2]:
        assert _raw(FastDetector, text) == _raw(Detector, text), text


def test_detect_language_codes():
    assert detect_language(TEXTS[0]) == "en"
    assert detect_language(TEXTS[1]) == "vi"
    assert detect_language(TEXTS[4]) == "ru"
    assert detect_language("12 34 !!") == "und"
