"""Country names in many languages -> ISO codes, compiled once into one regular expression.

Names come from pycountry (English names and the translations it ships for Vietnamese,
Russian, Turkish and Hungarian) and from ``data/countries.json`` (short names, demonyms,
capitals, inflected forms). Matching is on folded text (no accents, lower case) with a
trie-shaped pattern, so one pass over an article finds every name, longest first:

- a form written with a capital in the data must start with a capital in the text, so
  the bird "turkey" is not Turkey (all-caps text still matches);
- a trailing ``*`` in the data allows any word ending (Russian and Hungarian inflections);
- ``case_sensitive`` forms match exactly as written (``US`` is not "us", ``Lào`` not "lao");
- ``not_countries`` are names that contain a country's name but are not it (New Mexico);
- ``places`` (cities, states) only say which country a dateline's place is in.
"""

from __future__ import annotations

import gettext
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pycountry

from indexer.patterns import trie_pattern

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
LANGUAGES = ("en", "vi", "ru", "tr", "hu")  # name tables in data/countries.json
_WORD = re.compile(r"\w+")
_SEPARATOR = r"(?:[\s'.\-]{1,3})"  # between the words of a name: "Viet Nam", "Mát-xcơ-va"


class _FoldTable(dict):
    """ord -> folded text for ``str.translate``, filled on first sight of a character."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_FOLD_MAP))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, accent-free form of text, the same length as its NFKD-folded input.

    ``İstanbul`` -> ``istanbul``, ``Việt Nam`` -> ``viet nam``, ``Szijjártó`` -> ``szijjarto``.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE).lower()


class _AlignedTable(dict):
    """Like ``_FoldTable`` but one character for one: ``…`` -> ``.``, ``ß`` -> ``s``."""

    def __missing__(self, code: int) -> str:
        folded = _FOLD_TABLE[code]
        one = folded[:1] if folded else chr(code)
        self[code] = one
        return one


_ALIGNED_TABLE = _AlignedTable()


def fold_aligned(text: str) -> str:
    """``fold`` that keeps every character's position: ``len(fold_aligned(t)) == len(t)``.

    For finding things (names, dates) in folded text and quoting them from the original.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_ALIGNED_TABLE).lower()


@lru_cache(maxsize=1)
def _data() -> dict:
    with resources.files("indexer").joinpath("data/countries.json").open(encoding="utf-8") as f:
        return json.load(f)


# --- the name table -------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    code: str | None  # None for a blocker (a place that only contains a country's name)
    capital: bool  # must start with a capital letter in the text


def _key(form: str) -> str:
    """A name's folded words joined by single spaces: the key matches are looked up by."""
    return " ".join(_WORD.findall(fold(form)))


def _pycountry_forms() -> dict[str, dict[str, set[str]]]:
    """{language: {code: names}} from pycountry's ISO names and their translations."""
    forms: dict[str, dict[str, set[str]]] = {}
    for lang in LANGUAGES:
        try:
            translate = (
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
                if lang != "en"
                else str
            )
        except OSError:
            continue
        table = forms.setdefault(lang, {})
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                if value := getattr(country, attr, None):
                    name = translate(value)
                    if "," not in name and "(" not in name:
                        table.setdefault(country.alpha_2, set()).add(name)
    return forms


def _inflected(lang: str, name: str) -> str:
    """Hungarian and Russian attach case endings: ``Magyarországon``, ``Германии``."""
    if " " in name or "*" in name or len(name) < 6:
        return name
    if lang == "hu":
        return name + "*"
    if lang == "ru" and name.endswith(("ия", "ая")):
        return name[:-1] + "*"
    return name


def _all_forms() -> list[tuple[str, str | None]]:
    """(form as written, code) for every name, data tables last so they win."""
    data = _data()
    # Places first, as blockers: "British Columbia" is no mention of Britain. Country
    # names and capitals below override them.
    pairs: list[tuple[str, str | None]] = [
        (name, None) for names in data.get("places", {}).values() for name in names
    ]
    for lang, table in _pycountry_forms().items():
        for code, names in table.items():
            pairs.extend((_inflected(lang, name), code) for name in names)
    for lang in LANGUAGES:
        for code, names in data.get(lang, {}).items():
            pairs.extend((name, code) for name in names)
    pairs.extend((name, None) for name in data.get("not_countries", []))
    return pairs


@dataclass(frozen=True)
class _Compiled:
    pattern: re.Pattern  # folded names
    exact: dict[str, _Name]  # folded key -> name
    prefixes: dict[str, list[tuple[str, _Name]]]  # first 3 letters -> (prefix key, name)
    cased_pattern: re.Pattern | None
    cased: dict[str, str]  # form as written -> code


def _add(table: dict, key: str, name: _Name) -> None:
    """Later entries override earlier ones; a lower-case form lifts the capital rule."""
    old = table.get(key)
    if old is not None and old.code == name.code:
        name = _Name(name.code, old.capital and name.capital)
    table[key] = name


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    exact: dict[str, _Name] = {}
    prefix_table: dict[str, _Name] = {}
    for form, code in _all_forms():
        key = _key(form)
        if not key:
            continue
        name = _Name(code, form[:1].isupper())
        _add(prefix_table if form.endswith("*") else exact, key, name)
    prefixes: dict[str, list[tuple[str, _Name]]] = {}
    for key, name in sorted(prefix_table.items(), key=lambda kv: -len(kv[0])):
        prefixes.setdefault(key[:3], []).append((key, name))
    keys = list(exact) + [key + "*" for key in prefix_table]
    pattern = re.compile(r"(?<![\w@])(?<!\w\.)" + trie_pattern(keys, _SEPARATOR) + r"(?!\w)")
    cased = {form: code for code, forms in _data()["case_sensitive"].items() for form in forms}
    cased_pattern = None
    if cased:
        alternation = "|".join(re.escape(f) for f in sorted(cased, key=len, reverse=True))
        cased_pattern = re.compile(rf"(?<![\w@])(?<!\w\.)(?:{alternation})(?!\w)")
    return _Compiled(pattern, exact, prefixes, cased_pattern, cased)


def _lookup(matched: str, compiled: _Compiled) -> _Name | None:
    key = " ".join(_WORD.findall(matched))
    if (name := compiled.exact.get(key)) is not None:
        return name
    for prefix, name in compiled.prefixes.get(key[:3], ()):
        if key.startswith(prefix):
            return name
    return None


# --- public API -------------------------------------------------------------------------


def find_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO code) for every country name in text, in order of appearance."""
    compiled = _compiled()
    folded = fold_aligned(text)
    found = []
    taken: set[int] = set()
    for match in compiled.pattern.finditer(folded):
        name = _lookup(match.group(0), compiled)
        if name is None:
            continue
        start, end = match.span()
        if name.capital and not text[start].isupper():
            continue
        taken.update(range(start, end))
        if name.code is not None:
            found.append((start, end, name.code))
    if compiled.cased_pattern is not None:
        for match in compiled.cased_pattern.finditer(text):
            start, end = match.span()
            if start in taken or end - 1 in taken:
                continue
            found.append((start, end, compiled.cased[match.group(0)]))
    found.sort()
    return found


def count_mentions(text: str) -> Counter:
    return Counter(code for _, _, code in find_mentions(text))


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Folded place name -> code: cities and states from the data, US states from
    pycountry; a name two countries share is left out."""
    owners: dict[str, set[str]] = {}
    for code, names in _data().get("places", {}).items():
        for name in names:
            owners.setdefault(_key(name), set()).add(code)
    for sub in pycountry.subdivisions.get(country_code="US") or []:
        if sub.type == "State":
            owners.setdefault(_key(sub.name), set()).add("US")
    return {key: codes.pop() for key, codes in owners.items() if len(codes) == 1}


def place_country(place: str) -> str | None:
    """The country of a dateline place (``Tashkent, Uzbekistan`` -> ``UZ``,
    ``ROCHESTER, N.Y.`` -> ``US``), or None. The last part that names one decides."""
    for part in reversed([p.strip() for p in place.split(",") if p.strip()]):
        codes = [code for _, _, code in find_mentions(part)]
        if codes:
            return codes[-1]
        if code := _places().get(_key(part)):
            return code
    return None


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
