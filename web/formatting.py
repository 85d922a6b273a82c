"""Template filters: dates at their precision, language and country names."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from search.engine import facet_label

MONTHS = (
    "January February March April May June July August September October November December"
).split()
PRECISION_WORDS = {
    "minute": "to the minute",
    "day": "to the day",
    "month": "to the month",
    "year": "to the year",
}


def human_date(value: str | None, precision: str | None = None) -> str:
    """``2023-09-19T20:38:00`` at minute precision -> ``19 September 2023, 20:38``."""
    if not value:
        return "undated"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    precision = precision or ("minute" if "T" in value else "day")
    if precision == "year":
        return str(when.year)
    if precision == "month":
        return f"{MONTHS[when.month - 1]} {when.year}"
    text = f"{when.day} {MONTHS[when.month - 1]} {when.year}"
    if precision == "minute":
        text += f", {when:%H:%M}"
    return text


def short_date(value: str | None) -> str:
    """The compact form of hit lists: ``2023-09-19 20:38`` or ``2025-07-18``."""
    if not value:
        return "undated"
    return value[:16].replace("T", " ")


def precision_words(precision: str | None) -> str:
    return PRECISION_WORDS.get(precision or "", "precision unknown")


def language_name(code: str | None) -> str:
    return facet_label("language", code) if code else "unknown"


def web_link(url: str | None) -> str | None:
    """An article's own URL, only when it is http(s): ``javascript:`` and the like never
    become links, whatever the input file says."""
    if not isinstance(url, str):
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


FILTERS = {
    "web_link": web_link,
    "human_date": human_date,
    "short_date": short_date,
    "precision_words": precision_words,
    "language_name": language_name,
}
