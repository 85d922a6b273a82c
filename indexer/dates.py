"""Dates in headers, datelines, leads and metadata -> ISO strings with their precision.

No date is ever invented: a day and month without a year only get one from a complete
date the same text mentions (SPEC "date").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from indexer.gazetteer import fold

# Month names by language (folded: lower case, no accents), one table a language.
MONTHS = {
    # English
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    # Russian (genitive, as in dates, and nominative)
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
    "январь": 1,
    "февраль": 2,
    "март": 3,
    "апрель": 4,
    "май": 5,
    "июнь": 6,
    "июль": 7,
    "август": 8,
    "сентябрь": 9,
    "октябрь": 10,
    "ноябрь": 11,
    "декабрь": 12,
    # Turkish (folded)
    "ocak": 1,
    "subat": 2,
    "mart": 3,
    "nisan": 4,
    "mayis": 5,
    "haziran": 6,
    "temmuz": 7,
    "agustos": 8,
    "eylul": 9,
    "ekim": 10,
    "kasim": 11,
    "aralik": 12,
    # Hungarian (folded)
    "januar": 1,
    "februar": 2,
    "marcius": 3,
    "aprilis": 4,
    "majus": 5,
    "junius": 6,
    "julius": 7,
    "augusztus": 8,
    "szeptember": 9,
    "oktober": 10,
}
# Vietnamese weekdays (folded) -> Python weekday(), Monday = 0.
VI_WEEKDAYS = {
    "thu hai": 0,
    "thu ba": 1,
    "thu tu": 2,
    "thu nam": 3,
    "thu sau": 4,
    "thu bay": 5,
    "chu nhat": 6,
}
EN_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DASH = r"[-–—‒]"
_TIME = r"(?:[T,\s]+(?P<hh>[01]?\d|2[0-3])[:h](?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?)?"

# Patterns over folded text. Each names its groups y, m (number or name: mn), d.
ISO_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>0?[1-9]|1[0-2])-(?P<d>[0-3]?\d)(?!\d)" + _TIME
)
COMPACT_RE = re.compile(r"^(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>[0-3]\d)$")
NUMERIC_RE = re.compile(
    r"(?<![\d.])(?P<a>[0-3]?\d)[/.](?P<b>[01]?\d)[/.](?P<y>(?:19|20)\d\d)"
    r"(?![\d])" + _TIME
)
DAY_MONTH_YEAR_RE = re.compile(
    rf"(?<!\w)(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*{_DASH}\s*[0-3]?\d)?\.?\s+(?:of\s+)?"
    rf"(?P<mn>{_MONTH_RE})\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)" + _TIME
)
MONTH_DAY_YEAR_RE = re.compile(
    rf"(?<!\w)(?P<mn>{_MONTH_RE})\.?\s+(?:[0-3]?\d\s*{_DASH}\s*)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
    rf",?\s+(?P<y>(?:19|20)\d\d)(?!\d)" + _TIME
)
YEAR_MONTH_DAY_RE = re.compile(  # Hungarian: 2024. február 24.
    rf"(?<!\d)(?P<y>(?:19|20)\d\d)\.\s*(?P<mn>{_MONTH_RE})\s+(?P<d>[0-3]?\d)\.?"
)
# Day and month without a year (dates to infer the year of).
MONTH_DAY_RE = re.compile(
    rf"(?<!\w)(?P<mn>{_MONTH_RE})\.?\s+(?:[0-3]?\d\s*{_DASH}\s*)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
    rf"(?!\s*,?\s*(?:19|20)\d\d)(?![\d\w])"
)
DAY_MONTH_RE = re.compile(
    rf"(?<!\w)(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn>{_MONTH_RE})"
    rf"(?!\.?,?\s+(?:19|20)\d\d)(?!\w)"
)
VI_HEADER_RE = re.compile(
    r"^(?P<wd>thu\s+(?:hai|ba|tu|nam|sau|bay)|chu\s+nhat)\s*,\s*"
    r"(?P<a>[0-3]?\d)/(?P<b>[01]?\d)/(?P<y>(?:19|20)\d\d)" + _TIME
)
_PRECISION_ORDER = {"year": 0, "month": 1, "day": 2, "minute": 3}


@dataclass(frozen=True)
class FoundDate:
    value: datetime
    precision: str  # minute | day | month | year
    text: str

    def iso(self) -> str:
        if self.precision == "minute":
            return self.value.strftime("%Y-%m-%dT%H:%M:00")
        return self.value.strftime("%Y-%m-%d")


def _month(match: re.Match) -> int:
    groups = match.groupdict()
    if groups.get("mn"):
        return MONTHS[groups["mn"]]
    return int(groups["m"])


def _build(y: int, m: int, d: int, match: re.Match, text: str) -> FoundDate | None:
    try:
        value = datetime(y, m, d)
    except ValueError:
        return None
    groups = match.groupdict()
    precision = "day"
    if groups.get("hh") is not None and groups.get("mi") is not None:
        value = value.replace(hour=int(groups["hh"]), minute=int(groups["mi"]))
        precision = "minute"
    return FoundDate(value, precision, text)


def _from_match(match: re.Match, original: str) -> FoundDate | None:
    text = original[match.start() : match.end()].strip(" ,")
    groups = match.groupdict()
    if "a" in groups and groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        day, month = (a, b) if b <= 12 else (b, a)  # day first unless impossible
        return _build(int(groups["y"]), month, day, match, text)
    return _build(int(groups["y"]), _month(match), int(groups["d"]), match, text)


def parse_header_line(line: str) -> FoundDate | None:
    """A date that stands as a header line of its own (``Thứ Ba, 19/09/2023, 20:38``,
    ``2026-01-21 14:00:00 / News``, ``05/08/2008 10:35``, ``12.04.2024``)."""
    stripped = line.strip()
    if not stripped or len(stripped) > 80:
        return None
    folded = fold(stripped)
    if match := VI_HEADER_RE.match(folded):
        found = _from_match(match, stripped)
        wanted = VI_WEEKDAYS[" ".join(match.group("wd").split())]
        if found and found.value.weekday() != wanted:
            swapped = _build(int(match["y"]), int(match["a"]), int(match["b"]), match, found.text)
            if swapped and swapped.value.weekday() == wanted:
                return swapped
        return found
    # The line must be mostly the date: allow a weekday and short trailers like "/ News".
    for pattern in (ISO_RE, NUMERIC_RE, DAY_MONTH_YEAR_RE, MONTH_DAY_YEAR_RE, YEAR_MONTH_DAY_RE):
        match = pattern.search(folded)
        if match and match.start() <= 25 and len(folded) - match.end() <= 25:
            before = folded[: match.start()].strip(" ,-|")
            if before and not (before in EN_WEEKDAYS or len(before.split()) <= 2):
                continue
            return _from_match(match, stripped)
    return None


def parse_stated(value: str) -> FoundDate | None:
    """A date given as metadata (front matter, HTML meta, JSON): ISO 8601 and kin."""
    value = value.strip()
    if match := COMPACT_RE.match(value):
        return _build(int(match["y"]), int(match["m"]), int(match["d"]), match, value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        naive = parsed.replace(tzinfo=None)
        has_time = "T" in value or " " in value.strip()
        return FoundDate(naive, "minute" if has_time else "day", value)
    if re.fullmatch(r"(19|20)\d\d", value):
        return FoundDate(datetime(int(value), 1, 1), "year", value)
    if match := re.fullmatch(r"((?:19|20)\d\d)-(0?[1-9]|1[0-2])", value):
        return FoundDate(datetime(int(match[1]), int(match[2]), 1), "month", value)
    return find_first_complete(value)


def find_complete_dates(text: str) -> list[FoundDate]:
    """Every date with day, month and year in the text, in order of appearance."""
    folded = fold(text)
    if len(folded) != len(text):
        text = folded
    found = []
    for pattern in (ISO_RE, NUMERIC_RE, DAY_MONTH_YEAR_RE, MONTH_DAY_YEAR_RE, YEAR_MONTH_DAY_RE):
        for match in pattern.finditer(folded):
            if (date_found := _from_match(match, text)) is not None:
                found.append((match.start(), date_found))
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def find_first_complete(text: str) -> FoundDate | None:
    dates = find_complete_dates(text)
    return dates[0] if dates else None


def event_date(lead: str) -> FoundDate | None:
    """The last day of the event a lead reports: ``On 17–18 July 2025`` -> 2025-07-18."""
    folded = fold(lead)
    range_re = re.compile(
        rf"(?<!\w)(?P<d1>[0-3]?\d)\s*{_DASH}\s*(?P<d>[0-3]?\d)\s+"
        rf"(?P<mn>{_MONTH_RE}),?\s+(?P<y>(?:19|20)\d\d)"
    )
    if match := range_re.search(folded):
        return _from_match(match, lead if len(folded) == len(lead) else folded)
    dates = find_complete_dates(lead)
    return dates[0] if dates else None


def partial_dates(text: str) -> list[tuple[int, int, str]]:
    """(month, day, text) for dates written without a year (``June 25``, ``24 February``)."""
    folded = fold(text)
    out = []
    for pattern in (MONTH_DAY_RE, DAY_MONTH_RE):
        for match in pattern.finditer(folded):
            if not 1 <= int(match["d"]) <= 31:
                continue
            out.append(
                (
                    match.start(),
                    MONTHS[match["mn"]],
                    int(match["d"]),
                    text[match.start() : match.end()]
                    if len(folded) == len(text)
                    else match.group(0),
                )
            )
    return [(m, d, t) for _, m, d, t in sorted(out)]


def infer_year(month: int, day: int, text: str) -> date | None:
    """The first such day after the latest complete date the text mentions, or None."""
    complete = find_complete_dates(text)
    if not complete:
        return None
    latest = max(d.value.date() for d in complete)
    for year in (latest.year, latest.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate > latest:
            return candidate
    return None


def plausible(found: FoundDate, today: date | None = None) -> bool:
    """Publication dates lie between 1900 and a day after today."""
    today = today or date.today()
    return (
        datetime(1900, 1, 1)
        <= found.value
        <= datetime.combine(today, datetime.min.time()) + timedelta(days=2)
    )
