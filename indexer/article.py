"""The one record that flows from the readers to the index and back out."""

from __future__ import annotations

from dataclasses import dataclass, field

FIELD_ORDER = (  # SPEC's order
    "id",
    "path",
    "url",
    "title",
    "title_source",
    "date",
    "date_precision",
    "date_source",
    "date_text",
    "place",
    "source",
    "author",
    "language",
    "countries",
    "country_mentions",
    "topics",
    "body",
    "checksum",
)


@dataclass
class Article:
    id: str
    path: str
    title: str
    body: str
    url: str | None = None
    title_source: str | None = None
    date: str | None = None
    date_precision: str | None = None
    date_source: str | None = None
    date_text: str | None = None
    place: str | None = None
    source: str | None = None
    author: str | None = None
    language: str = "und"
    countries: list[str] = field(default_factory=list)
    country_mentions: dict[str, int] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    checksum: str = ""

    def as_dict(self) -> dict:
        """Fields in SPEC order, ready for JSON (lists and dicts copied, not shared)."""
        data = {key: getattr(self, key) for key in FIELD_ORDER}
        data["countries"] = list(self.countries)
        data["country_mentions"] = dict(self.country_mentions)
        data["topics"] = list(self.topics)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


class Skip(Exception):
    """A file or record that is not an article; the message is the one-line reason."""
