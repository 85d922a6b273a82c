"""What every system in the benchmark offers, and the small parts the peers share.

A *peer* indexes article dicts (the shape of ``indexer.article.Article.as_dict()``: ``id``,
``title``, ``body``, ``date``, ``countries``, ``topics``, ``language``) and answers:

- ``build(articles, directory) -> BuildStats``: a fresh index in ``directory``;
- ``add(articles) -> BuildStats``: an incremental add to the open index;
- ``search(query, filters, sort, facets, highlight, k) -> SearchResult``: the product-like
  search (words are ANDed, ``"quoted phrases"``, four disjunctive facets, highlighted hits);
- ``rank(text, depth) -> list[str]``: ids ranked for a natural-language query (words ORed),
  the relevance evaluation's entry point;
- ``close()``.

Facets are *disjunctive*, as diplosearch's: a facet is counted over the matches narrowed by
every filter except its own; ``year`` is counted without the date filter.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

FACETS = ("country", "topic", "year", "language")
SORTS = ("relevance", "date")
SNIPPET_CHARS = 200
TITLE_WEIGHT = 3.0  # the peers' title weight: diplosearch's nominal TITLE_BOOST
_WORD = re.compile(r"\w+")
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\w+)')


@dataclass
class BuildStats:
    articles: int
    seconds: float
    size_bytes: int

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass
class Filters:
    countries: list[str] = field(default_factory=list)  # ISO 3166 alpha-2, upper case
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None

    def active(self) -> dict[str, list[str]]:
        """facet -> selected values, for the facets that are filtered."""
        chosen = {"country": self.countries, "topic": self.topics, "language": self.languages}
        return {f: v for f, v in chosen.items() if v}

    def dated(self) -> bool:
        return bool(self.date_from or self.date_to)


@dataclass
class Hit:
    id: str
    title: str
    snippet: str  # HTML with the matches marked, "" without highlighting
    date: str | None = None
    score: float | None = None
    title_html: str = ""  # the title with the matches marked, "" without highlighting


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]  # facet -> value -> count


class Peer(Protocol):
    name: str

    def build(self, articles: Iterable[dict], directory: Path) -> BuildStats: ...

    def add(self, articles: Iterable[dict]) -> BuildStats: ...

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        sort: str = "relevance",
        facets: bool = True,
        highlight: bool = True,
        k: int = 10,
    ) -> SearchResult: ...

    def rank(self, text: str, depth: int = 1000) -> list[str]: ...

    def close(self) -> None: ...


# --- shared helpers -------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The words of a natural-language query, lower case (no operator is left in it)."""
    return [w.lower() for w in _WORD.findall(text)]


def clauses(query: str) -> list[list[str]]:
    """A product-style query as its required clauses: a word, or a phrase's words.

    ``vietnam "security cooperation"`` -> ``[["vietnam"], ["security", "cooperation"]]``.
    An unbalanced quote is dropped; anything that is not a word is ignored.
    """
    if query.count('"') % 2:
        query = query.replace('"', " ")
    found = []
    for phrase, word in _PHRASE_OR_WORD.findall(query):
        parts = words(phrase) if phrase else [word.lower()]
        if parts:
            found.append(parts)
    return found


def day_number(iso: str | None) -> int:
    """YYYYMMDD from an ISO date or date-time (0 when absent or unreadable)."""
    if not iso or not re.match(r"\d{4}-\d{2}-\d{2}", iso):
        return 0
    return int(iso[:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


def year_of(iso: str | None) -> str:
    day = day_number(iso)
    return str(day // 10000) if day else "undated"


def dir_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in Path(directory).rglob("*") if p.is_file())


def counted(articles: Iterable[dict], into: list[int]) -> Iterator[dict]:
    """Yield the articles, counting them in ``into[0]``."""
    for article in articles:
        into[0] += 1
        yield article


class Timer:
    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
