"""Datelines: ``Tashkent, Uzbekistan (UzDaily.com) —``, ``BAKU, Azerbaijan, February 24.``,
``İSTANBUL, 3 October 2024 —``, ``NEW YORK, March 3 -``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.dates import FoundDate, find_first_complete, partial_dates
from indexer.gazetteer import find_mentions, place_country

# A place name of up to four words; a part may be an abbreviation ("Ark.", "N.Y.").
_NAME = r"[^\W\d_][^\W\d_'’.\-]*(?:[ '’.\-][^\W\d_][^\W\d_'’.\-]*){0,3}\.?"
DATELINE_RE = re.compile(
    rf"^(?P<place>{_NAME}(?:,\s*{_NAME}){{0,2}})"
    r"(?:\s*\((?P<source>[^()]{2,60})\))?"
    r"(?:,\s*(?P<date>[^\W_][\w ,]{2,28}?))?"
    r"\s*(?P<sep>—|–|--|\s-|\.|:)\s+(?P<rest>\S.*)$",
    re.S,
)


@dataclass
class Dateline:
    place: str
    source: str | None
    date: FoundDate | None
    date_text: str | None
    rest: str
    length: int  # characters of the line the dateline takes


def _tidy_place(place: str) -> str:
    parts = [p.strip() for p in place.split(",")]
    return ", ".join(p.title() if p.isupper() else p for p in parts)


def parse_dateline(line: str) -> Dateline | None:
    match = DATELINE_RE.match(line.strip())
    if not match:
        return None
    place, source, date_part = match["place"], match["source"], match["date"]
    first = place.split(",")[0].strip()
    shouting = first.isupper() and len(first) > 2
    known_place = bool(find_mentions(place)) or place_country(place) is not None
    if not (shouting or source or known_place or date_part):
        return None
    if not (shouting or all(w[0].isupper() for w in place.replace(",", " ").split())):
        return None
    found = None
    date_text = None
    if date_part:
        found = find_first_complete(date_part)
        if found is None:
            partial = partial_dates(date_part)
            if not partial:
                return None
            date_text = partial[0][2]
        else:
            date_text = found.text
    elif match["sep"] == ".":
        return None  # "Place. Sentence" is too weak without a date
    return Dateline(
        place=_tidy_place(place),
        source=source.strip() if source else None,
        date=found,
        date_text=date_text,
        rest=match["rest"].strip(),
        length=match.start("rest"),
    )
