"""The title cascade: stated -> first line when it is a headline -> dateline headline -> lead."""

from __future__ import annotations

import re

MAX_TITLE_WORDS = 30
LEAD_TITLE_CHARS = 100
_WORD_CHAR = re.compile(r"[^\W_]")
_SENTENCE_END = re.compile(r"(?<=[^\s.A-Z][.!?])\s+(?=[A-Z\"“(])")


def is_headline(line: str) -> bool:
    """A first line is a headline when it is short and is not a paragraph of sentences."""
    words = line.split()
    if not words or len(words) > MAX_TITLE_WORDS or len(line) > 250:
        return False
    if not _WORD_CHAR.search(line):  # "..." or "***" is no headline
        return False
    if _SENTENCE_END.search(line):  # two sentences: a paragraph
        return False
    if line.rstrip().endswith(".") and len(words) > 15:
        return False
    return True


def first_sentence(text: str) -> str:
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return parts[0].strip()


def shorten(text: str, limit: int = LEAD_TITLE_CHARS) -> str:
    """Cut at a word boundary to at most ``limit`` characters, marking the cut with …."""
    text = text.strip().rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"


def title_from_lead(lead: str) -> str:
    return shorten(first_sentence(lead))


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return title
