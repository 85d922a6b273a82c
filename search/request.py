"""Search parameters from a URL or the CLI -> a checked SearchRequest, or BadRequest."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from indexer.gazetteer import is_country_code
from indexer.topics import topic_ids

MAX_PER_PAGE = 100
MAX_DEPTH = 10_000  # page * per_page, as Elasticsearch's max_result_window
MAX_VALUES = 50
SORTS = ("relevance", "date")
MATCHES = ("all", "any")  # every word required (the default), or any one of them
_LANGUAGE = re.compile(r"^(?:[a-z]{2,3}|und)$")


class BadRequest(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class SearchRequest:
    q: str = ""
    country: list[str] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    match: str = "all"
    page: int = 1
    per_page: int = 10

    def filters(self) -> dict:
        return {
            "country": self.country,
            "topic": self.topic,
            "language": self.language,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


def _int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest("invalid_parameter", f"'{name}' must be a whole number") from None
    if not low <= value <= high:
        raise BadRequest("invalid_parameter", f"'{name}' must be from {low} to {high}")
    return value


def _date(name: str, raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadRequest(
            "invalid_parameter", f"'{name}' must be a date written YYYY-MM-DD"
        ) from None


def _values(name: str, raw: Sequence[str], valid, normalise) -> list[str]:
    values = []
    for item in raw:
        for value in (v.strip() for v in item.split(",")):
            if not value:
                continue
            value = normalise(value)
            if not valid(value):
                raise BadRequest("unknown_value", f"unknown {name} '{value[:40]}'")
            if value not in values:
                values.append(value)
    if len(values) > MAX_VALUES:
        raise BadRequest("invalid_parameter", f"at most {MAX_VALUES} values of '{name}'")
    return values


def parse_request(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """``params`` maps each name to all its values (``request.args.to_dict(flat=False)``)."""

    def one(name: str) -> str | None:
        values = params.get(name) or []
        return values[-1] if values else None

    q = one("q") or ""
    sort = (one("sort") or "").strip().lower() or ("relevance" if q.strip() else "date")
    if sort not in SORTS:
        raise BadRequest("invalid_parameter", "'sort' must be 'relevance' or 'date'")
    match = (one("match") or "all").strip().lower()
    if match not in MATCHES:
        raise BadRequest("invalid_parameter", "'match' must be 'all' or 'any'")
    per_page = _int("per_page", one("per_page"), 10, 1, MAX_PER_PAGE)
    page = _int("page", one("page"), 1, 1, MAX_DEPTH)
    if page * per_page > MAX_DEPTH:
        raise BadRequest(
            "invalid_parameter", f"page * per_page must be at most {MAX_DEPTH}; narrow the search"
        )
    request = SearchRequest(
        q=q,
        country=_values("country", params.get("country") or [], is_country_code, str.upper),
        topic=_values("topic", params.get("topic") or [], lambda t: t in topic_ids(), str.lower),
        language=_values(
            "language", params.get("language") or [], lambda v: bool(_LANGUAGE.match(v)), str.lower
        ),
        date_from=_date("from", one("from")),
        date_to=_date("to", one("to")),
        sort=sort,
        match=match,
        page=page,
        per_page=per_page,
    )
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise BadRequest("invalid_parameter", "'from' must not be after 'to'")
    return request
