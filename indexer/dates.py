"""Dates in headers, datelines, leads and metadata -> ISO strings with their precision.

No date is ever invented: a day and month without a year only get one from a complete
date the same text mentions (SPEC "date"), and every date found keeps the text it was
read from. Patterns run over ``fold_aligned`` text (lower case, no accents, same
positions), so ``date_text`` is quoted from the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from indexer.gazetteer import fold, fold_aligned

# Month names as dates write them, one table a language.
MONTH_NAMES = {
    "en": {
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
        "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
        "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    },
    # Russian: genitive ("5 августа"), and nominative
    "ru": {
        "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
        "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
        "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7,
        "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
    },
    "tr": {
        "ocak": 1, "şubat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "haziran": 6, "temmuz": 7,
        "ağustos": 8, "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12,
    },
    "hu": {
        "január": 1, "február": 2, "március": 3, "április": 4, "május": 5, "június": 6,
        "július": 7, "augusztus": 8, "szeptember": 9, "október": 10,
    },
}  # fmt: skip
# Weekdays -> Python's weekday() (Monday = 0), one table a language.
WEEKDAY_NAMES = {
    "en": {
        "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
        "saturday": 5, "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3,
        "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
    },
    "vi": {
        "thứ hai": 0, "thứ ba": 1, "thứ tư": 2, "thứ năm": 3, "thứ sáu": 4, "thứ bảy": 5,
        "chủ nhật": 6,
    },
    "ru": {
        "понедельник": 0, "вторник": 1, "среда": 2, "четверг": 3, "пятница": 4,
        "суббота": 5, "воскресенье": 6,
    },
    "tr": {
        "pazartesi": 0, "salı": 1, "çarşamba": 2, "perşembe": 3, "cuma": 4,
        "cumartesi": 5, "pazar": 6,
    },
    "hu": {
        "hétfő": 0, "kedd": 1, "szerda": 2, "csütörtök": 3, "péntek": 4, "szombat": 5,
        "vasárnap": 6,
    },
}  # fmt: skip
# Words that may stand before a date on a header line ("Published: 3 May 2024").
HEADER_LABELS = {
    "en": ["published", "posted", "updated", "date", "dated", "on", "last", "first"],
    "ru": ["опубликовано", "дата", "обновлено"],
    "tr": ["yayınlanma", "tarihi", "tarih", "güncelleme", "güncellendi"],
    "vi": ["ngày", "đăng", "cập nhật", "lúc"],
    "hu": ["közzétéve", "frissítve", "dátum"],
}

MONTHS = {fold(name): n for table in MONTH_NAMES.values() for name, n in table.items()}
WEEKDAYS = {fold(name): n for table in WEEKDAY_NAMES.values() for name, n in table.items()}
_LABEL_WORDS = {
    w for words in HEADER_LABELS.values() for label in words for w in fold(label).split()
}

_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_WEEKDAY = "|".join(sorted((re.escape(w) for w in WEEKDAYS), key=len, reverse=True))
_DASH = r"(?:\s*[-–—‒]\s*|\s+(?:to|and|until|den|по|ve|-ig)\s+)"  # ranges: 17–18, 12 to 16
_DAY = r"(?:(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\.?" + _DASH + r")?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"
_TIME = (
    r"(?:(?:[T,\s|–-]|\s+(?:at|luc|в|saat)\s+)+(?P<hh>[01]?\d|2[0-3])[:h.](?P<mi>[0-5]\d)"
    r"(?::(?P<ss>[0-5]\d)(?:\.\d+)?)?(?:\s*(?P<ampm>[ap])\.?m\b\.?)?)?"
)

# Complete dates (day, month, year), over folded text.
ISO_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d\d)-(?P<m>0?[1-9]|1[0-2])-(?P<d>[0-3]?\d)(?!\d)" + _TIME
)
NUMERIC_RE = re.compile(  # 12.04.2024, 05/08/2008 10:35, 19/9/2023
    r"(?<![\d./])(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<y>(?:19|20)\d\d)(?![\d/])" + _TIME
)
DAY_MONTH_YEAR_RE = re.compile(  # 3 October 2024, 17–18 July 2025, 5 августа 2008 года
    rf"(?<!\w){_DAY}\s+(?:of\s+)?(?P<mn>{_MONTH})\.?,?\s+{_YEAR}" + _TIME
)
MONTH_DAY_YEAR_RE = re.compile(  # July 17-18, 2025; Dec. 6, 2024, 10:00 PM; Sep 16 2021
    rf"(?<!\w)(?P<mn>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}" + _TIME
)
YEAR_MONTH_DAY_RE = re.compile(  # Hungarian: 2024. február 24.
    rf"(?<!\d){_YEAR}\.\s*(?P<mn>{_MONTH})\s+{_DAY}\.?" + _TIME
)
VI_WORDS_RE = re.compile(  # ngày 19 tháng 9 năm 2023
    r"(?<!\w)ngay\s+(?P<d>[0-3]?\d)\s+thang\s+(?P<m>0?[1-9]|1[0-2])(?:\s*,?\s*nam)\s+" + _YEAR
)
COMPLETE_PATTERNS = (
    ISO_RE,
    NUMERIC_RE,
    DAY_MONTH_YEAR_RE,
    MONTH_DAY_YEAR_RE,
    YEAR_MONTH_DAY_RE,
    VI_WORDS_RE,
)
# Day and month without a year (dates to infer the year of).
MONTH_DAY_RE = re.compile(
    rf"(?<!\w)(?P<mn>{_MONTH})\.?\s+{_DAY}(?!\s*,?\s*(?:19|20)\d\d)(?![\d\w])"
)
DAY_MONTH_RE = re.compile(
    rf"(?<!\w){_DAY}\.?\s+(?:of\s+)?(?P<mn>{_MONTH})(?!\.?,?\s+(?:19|20)\d\d)(?!\w)"
)
VI_DAY_MONTH_RE = re.compile(  # ngày 30/9, ngày 25 tháng 11
    r"(?<!\w)ngay\s+(?P<d>[0-3]?\d)(?:/|\s+thang\s+)(?P<m>0?[1-9]|1[0-2])(?![\d/])"
)
COMPACT_RE = re.compile(r"^(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>[0-3]\d)$")
_WEEKDAY_PREFIX = re.compile(rf"^(?P<wd>{_WEEKDAY})\b")
MAX_HEADER_CHARS = 80
MAX_HEADER_TRAILER = 25  # "2026-01-21 14:00:00 / News"


@dataclass(frozen=True)
class FoundDate:
    value: datetime
    precision: str  # minute | day | month | year
    text: str

    def iso(self) -> str:
        if self.precision == "minute":
            return self.value.strftime("%Y-%m-%dT%H:%M:00")
        return self.value.strftime("%Y-%m-%d")


# --- building dates from matches --------------------------------------------------------


def _month(groups: dict) -> int:
    return MONTHS[groups["mn"]] if groups.get("mn") else int(groups["m"])


def _with_time(value: datetime, groups: dict) -> tuple[datetime, str]:
    if groups.get("hh") is None or groups.get("mi") is None:
        return value, "day"
    hour = int(groups["hh"])
    if groups.get("ampm") == "p" and hour < 12:
        hour += 12
    elif groups.get("ampm") == "a" and hour == 12:
        hour = 0
    return value.replace(hour=hour, minute=int(groups["mi"])), "minute"


def _build(year: int, month: int, day: int, groups: dict, text: str) -> FoundDate | None:
    try:
        value = datetime(year, month, day)
    except ValueError:
        return None
    value, precision = _with_time(value, groups)
    return FoundDate(value, precision, text)


def _readings(match: re.Match) -> list[tuple[int, int, int]]:
    """(year, month, day) the match can mean, the usual reading first. Numeric dates
    are day first (12.04.2024 is 12 April) unless only month first is possible."""
    groups = match.groupdict()
    year = int(groups["y"])
    if groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        return [(year, b, a), (year, a, b)] if a != b else [(year, b, a)]
    return [(year, _month(groups), int(groups["d"]))]


def _from_match(match: re.Match, original: str, weekday: int | None = None) -> FoundDate | None:
    text = original[match.start() : match.end()].strip(" ,.")
    found = [
        d
        for y, m, day in _readings(match)
        if (d := _build(y, m, day, match.groupdict(), text)) is not None
    ]
    if weekday is not None:  # "Thứ Ba, 19/09/2023": the reading that falls on a Tuesday
        found.sort(key=lambda d: d.value.weekday() != weekday)
    return found[0] if found else None


def _matches(patterns, folded: str):
    for pattern in patterns:
        yield from pattern.finditer(folded)


# --- public helpers ---------------------------------------------------------------------


def find_complete_dates(text: str) -> list[FoundDate]:
    """Every date with day, month and year in the text, in order of appearance."""
    folded = fold_aligned(text)
    found = []
    for match in _matches(COMPLETE_PATTERNS, folded):
        if (value := _from_match(match, text)) is not None:
            found.append((match.start(), value))
    found.sort(key=lambda pair: pair[0])
    return [value for _, value in found]


def find_first_complete(text: str) -> FoundDate | None:
    dates = find_complete_dates(text)
    return dates[0] if dates else None


def _header_prefix_ok(prefix: str) -> tuple[bool, int | None]:
    """(whether only labels and a weekday stand before a header date, that weekday)."""
    words = re.sub(r"[^\w ]+", " ", prefix).strip()
    weekday = None
    if match := _WEEKDAY_PREFIX.match(words):
        weekday = WEEKDAYS[match["wd"]]
        words = words[match.end() :]
    return all(word in _LABEL_WORDS for word in words.split()), weekday


def parse_header_line(line: str) -> FoundDate | None:
    """A date that stands as a header line of its own (``Thứ Ba, 19/09/2023, 20:38``,
    ``2026-01-21 14:00:00 / News``, ``05/08/2008 10:35``, ``Published: 12.04.2024``).
    A weekday on the line decides between day-first and month-first readings."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_HEADER_CHARS:
        return None
    folded = fold_aligned(stripped)
    for match in _matches(COMPLETE_PATTERNS, folded):
        if len(folded) - match.end() > MAX_HEADER_TRAILER:
            continue
        ok, weekday = _header_prefix_ok(folded[: match.start()])
        if ok and (found := _from_match(match, stripped, weekday)) is not None:
            if weekday is None:
                return found
            # The weekday is part of the date as written: "Thứ Ba, 19/09/2023, 20:38".
            return FoundDate(found.value, found.precision, stripped[: match.end()].rstrip(" ,."))
    return None


def _timestamp(value: str) -> datetime | None:
    """Unix time in seconds or milliseconds, as UTC."""
    if not re.fullmatch(r"\d{10}(\d{3})?", value):
        return None
    seconds = int(value) / (1000 if len(value) == 13 else 1)
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def parse_stated(value: str) -> FoundDate | None:
    """A date given as metadata (front matter, HTML, JSON): ISO 8601 and kin, compact
    ``20201001``, Unix time, RFC 2822 (``Fri, 24 Jul 2015 05:36:09 GMT``), a year, a
    year and month, or a short text holding one complete date."""
    value = value.strip()
    if not value:
        return None
    if match := COMPACT_RE.match(value):
        return _build(int(match["y"]), int(match["m"]), int(match["d"]), {}, value)
    if (moment := _timestamp(value)) is not None:
        return FoundDate(moment, "minute", value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        has_time = bool(re.search(r"\d[T ]\d", value))
        return FoundDate(parsed.replace(tzinfo=None), "minute" if has_time else "day", value)
    if re.fullmatch(r"(19|20)\d\d", value):
        return FoundDate(datetime(int(value), 1, 1), "year", value)
    if match := re.fullmatch(r"((?:19|20)\d\d)-(0?[1-9]|1[0-2])", value):
        return FoundDate(datetime(int(match[1]), int(match[2]), 1), "month", value)
    if re.match(r"[A-Za-z]{3}, \d", value):
        try:
            return FoundDate(parsedate_to_datetime(value).replace(tzinfo=None), "minute", value)
        except (TypeError, ValueError):
            pass
    return find_first_complete(value) if len(value) <= MAX_HEADER_CHARS else None


def event_date(lead: str) -> FoundDate | None:
    """The last day of the event a lead reports: ``On 17–18 July 2025`` -> 2025-07-18."""
    return find_first_complete(lead)


def partial_dates(text: str) -> list[tuple[int, int, str]]:
    """(month, day, text) for dates written without a year (``June 25``, ``24 February``,
    ``ngày 30/9``); a range gives its last day."""
    folded = fold_aligned(text)
    found = []
    for match in _matches((MONTH_DAY_RE, DAY_MONTH_RE, VI_DAY_MONTH_RE), folded):
        month, day = _month(match.groupdict()), int(match["d"])
        if 1 <= day <= 31:
            found.append((match.start(), month, day, text[match.start() : match.end()]))
    found.sort()
    return [(month, day, quoted.strip(" ,.")) for _, month, day, quoted in found]


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
