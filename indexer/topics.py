"""Topics from the taxonomy in data/topics.json, matched on folded text."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from indexer.gazetteer import fold


@lru_cache(maxsize=1)
def taxonomy() -> list[dict]:
    with resources.files("indexer").joinpath("data/topics.json").open(encoding="utf-8") as f:
        return json.load(f)["topics"]


def _keyword_re(keyword: str) -> str:
    parts = []
    for piece in fold(keyword).split():
        stem = re.escape(piece).replace(r"\*", r"\w*")
        parts.append(stem)
    return r"\s+".join(parts)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    compiled = []
    for topic in taxonomy():
        words = [k for lang in topic["keywords"].values() for k in lang]
        alternation = "|".join(_keyword_re(k) for k in sorted(words, key=len, reverse=True))
        compiled.append((topic["id"], re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")))
    return compiled


def topic_ids() -> list[str]:
    return [t["id"] for t in taxonomy()]


def topic_label(topic_id: str) -> str:
    for topic in taxonomy():
        if topic["id"] == topic_id:
            return topic["label"]
    return topic_id


def find_topics(text: str) -> list[str]:
    """Topic ids whose keywords the text contains, in taxonomy order."""
    folded = fold(text)
    return [topic_id for topic_id, pattern in _patterns() if pattern.search(folded)]
