"""Language detection on a bounded sample, seeded for stable output."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect

DetectorFactory.seed = 0  # langdetect is random by default: same text, same answer
SAMPLE_CHARS = 1200
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str:
    """ISO 639-1 code, or ``und`` when there is nothing to detect."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < 3:
        return "und"
    try:
        code = detect(sample)
    except LangDetectException:
        return "und"
    return code.split("-")[0]
