"""Topics from the taxonomy in data/topics.json, matched on folded text.

Every keyword of every topic is in one trie pattern, tried at each word start (so a
keyword inside a longer one still counts: "organized and cybercrime" is organised crime
and cybercrime). Which topics a matched phrase belongs to is worked out once per phrase.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from indexer.gazetteer import fold
from indexer.patterns import trie_pattern


@lru_cache(maxsize=1)
def taxonomy() -> list[dict]:
    with resources.files("indexer").joinpath("data/topics.json").open(encoding="utf-8") as f:
        return json.load(f)["topics"]


def _keywords(topic: dict) -> list[str]:
    """A topic's keywords in every language, folded, one space between words."""
    return [" ".join(fold(k).split()) for lang in topic["keywords"].values() for k in lang]


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, list[tuple[str, re.Pattern]]]:
    """(every keyword at a word start, each topic's keywords anchored at a phrase's start)."""
    everything = [k for topic in taxonomy() for k in _keywords(topic)]
    scan = re.compile(rf"(?<!\w)(?=({trie_pattern(everything)})(?!\w))")
    per_topic = [
        (topic["id"], re.compile(rf"(?:{trie_pattern(_keywords(topic))})(?!\w)"))
        for topic in taxonomy()
    ]
    return scan, per_topic


@lru_cache(maxsize=4096)
def _topics_of(phrase: str) -> frozenset[str]:
    """Topics with a keyword at the start of a matched phrase ("migrant smuggling" is
    human trafficking and, by "migrant*", migration too)."""
    _, per_topic = _patterns()
    return frozenset(topic_id for topic_id, pattern in per_topic if pattern.match(phrase))


def topic_ids() -> list[str]:
    return [t["id"] for t in taxonomy()]


def topic_label(topic_id: str) -> str:
    for topic in taxonomy():
        if topic["id"] == topic_id:
            return topic["label"]
    return topic_id


def find_topics(text: str) -> list[str]:
    """Topic ids whose keywords the text contains, in taxonomy order."""
    scan, _ = _patterns()
    found: set[str] = set()
    for match in scan.finditer(fold(text)):
        found |= _topics_of(match.group(1))
    return [topic_id for topic_id in topic_ids() if topic_id in found]
