"""Country names in many languages -> ISO codes, compiled once into regular expressions."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources

import pycountry

# Letters that NFKD does not take apart (Turkish dotless i, Polish l, Vietnamese d...).
_FOLD_MAP = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "ð": "d",
        "’": "'",
        "ʼ": "'",
    }
)


def fold(text: str) -> str:
    """Lower-case, accent-free form of text, the same length as its NFKD-folded input.

    ``İstanbul`` -> ``istanbul``, ``Việt Nam`` -> ``viet nam``, ``Szijjártó`` -> ``szijjarto``.
    """
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_MAP))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


@lru_cache(maxsize=1)
def _data() -> dict:
    with resources.files("indexer").joinpath("data/countries.json").open(encoding="utf-8") as f:
        return json.load(f)


def _iso_names() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for country in pycountry.countries:
        forms = {
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        }
        names.setdefault(country.alpha_2, set()).update(
            f for f in forms if f and "," not in f and "(" not in f
        )
    return names


def _pattern(forms: list[str], flags: int = 0) -> re.Pattern:
    """One alternation, longest forms first, whole words only; `x*` allows any ending."""
    parts = []
    for form in sorted(set(forms), key=len, reverse=True):
        stem = re.escape(form.rstrip("*")).replace(r"\ ", r"\s+")
        parts.append(stem + (r"\w*" if form.endswith("*") else ""))
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])", flags)


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern, dict, re.Pattern, dict, list]:
    data = _data()
    folded: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for code, names in _iso_names().items():
        for name in names:
            folded.setdefault(fold(name), code)
    for lang in ("en", "vi", "ru", "tr", "hu"):
        for code, names in data.get(lang, {}).items():
            for name in names:
                key = fold(name)
                if key.endswith("*"):
                    prefixes.append((key[:-1], code))
                folded[key] = code
    exact = {name: code for code, names in data["case_sensitive"].items() for name in names}
    prefixes.sort(key=lambda p: len(p[0]), reverse=True)
    return (_pattern(list(folded)), folded, _pattern(list(exact)), exact, prefixes)


def _code_for(folded_match: str, table: dict, prefixes: list) -> str | None:
    key = " ".join(folded_match.split())
    if key in table:
        return table[key]
    for prefix, code in prefixes:
        if key.startswith(prefix):
            return code
    return None


def find_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO code) for every country name in text, positions in the folded text."""
    pattern, table, exact_pattern, exact, prefixes = _compiled()
    found = []
    folded_text = fold(text)
    for match in pattern.finditer(folded_text):
        code = _code_for(match.group(0), table, prefixes)
        if code:
            found.append((match.start(), match.end(), code))
    if len(folded_text) == len(text):  # case-sensitive forms need aligned positions
        taken = {(s, e) for s, e, _ in found}
        for match in exact_pattern.finditer(text):
            if (match.start(), match.end()) not in taken:
                found.append((match.start(), match.end(), exact[match.group(0)]))
    else:
        for match in exact_pattern.finditer(text):
            found.append((-1, -1, exact[match.group(0)]))
    return found


def count_mentions(text: str) -> Counter:
    return Counter(code for _, _, code in find_mentions(text))


def country_name(code: str) -> str:
    """The short English name users expect (``Vietnam``, not ``Viet Nam``)."""
    common = {
        "VN": "Vietnam",
        "TR": "Turkey",
        "RU": "Russia",
        "KR": "South Korea",
        "KP": "North Korea",
        "IR": "Iran",
        "SY": "Syria",
        "GB": "United Kingdom",
        "US": "United States",
        "LA": "Laos",
        "MD": "Moldova",
        "TW": "Taiwan",
        "BO": "Bolivia",
        "VE": "Venezuela",
        "TZ": "Tanzania",
        "CD": "DR Congo",
        "PS": "Palestine",
        "CZ": "Czechia",
    }
    if code in common:
        return common[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def is_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code.upper()) is not None


def equivalence_groups() -> list[list[str]]:
    """Spellings the search treats as one word, e.g. Vietnam / Viet Nam / Việt Nam."""
    return [list(group) for group in _data()["equivalents"]]


def place_country(place: str) -> str | None:
    """The country of a dateline place (``Tashkent, Uzbekistan`` -> ``UZ``), or None."""
    for part in reversed([p for p in place.split(",") if p.strip()]):
        codes = [code for _, _, code in find_mentions(part)]
        if codes:
            return codes[-1]
    return None
