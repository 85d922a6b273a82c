"""Reuters-21578: are the countries we find the ones the human PLACES list names?

Each story with a body becomes a plain-text article (title line, then dateline and body),
is normalised, and ``countries`` plus the dateline place's country is compared with
PLACES mapped to ISO codes. Places without one current ISO code (Yugoslavia,
Czechoslovakia, the Netherlands Antilles) are left out of the answer key and counted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pycountry

from indexer.article import Skip
from indexer.evaluate.report import SuiteResult, ratio
from indexer.gazetteer import place_country
from indexer.normalize import normalize_bytes

# Reuters place names pycountry does not look up by themselves.
PLACE_CODES = {
    "usa": "US",
    "uk": "GB",
    "ussr": "RU",  # the successor state the ISO list keeps
    "west-germany": "DE",
    "east-germany": "DE",
    "hong-kong": "HK",
    "south-korea": "KR",
    "north-korea": "KP",
    "uae": "AE",
    "ivory-coast": "CI",
    "zaire": "CD",
    "congo": "CG",
    "kampuchea": "KH",
    "burma": "MM",
    "yemen-arab-republic": "YE",
    "yemen-demo-republic": "YE",
    "trinidad-tobago": "TT",
    "antigua": "AG",
    "swaziland": "SZ",
    "taiwan": "TW",
    "iran": "IR",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "vatican": "VA",
    "macao": "MO",
    "western-samoa": "WS",
    "us-virgin-islands": "VI",
    "british-virgin-islands": "VG",
    "cape-verde": "CV",
    "south-africa": "ZA",
    "north-yemen": "YE",
}
NO_CURRENT_CODE = {"yugoslavia", "czechoslovakia", "netherlands-antilles"}

_DOC = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_FIELD = {
    name: re.compile(rf"<{name}>(.*?)</{name}>", re.S)
    for name in ("TITLE", "DATELINE", "BODY", "PLACES")
}
_D = re.compile(r"<D>(.*?)</D>")
_NEWID = re.compile(r'NEWID="(\d+)"')
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Story:
    newid: str
    title: str
    dateline: str
    body: str
    places: list[str]

    def as_text(self) -> str:
        """The story as a plain-text article: title line, then one paragraph a line."""
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s{3,}", self.body)]
        paragraphs = [p for p in paragraphs if p]
        if paragraphs:
            paragraphs[0] = " ".join(self.dateline.split()) + " " + paragraphs[0]
        lines = ([self.title] if self.title else []) + paragraphs
        return "\n".join(lines)


def _text(raw: str) -> str:
    return _CONTROL.sub("", html.unescape(raw))


def iter_stories(folder: Path) -> Iterator[Story]:
    """Stories with a body, in file order."""
    for path in sorted(folder.glob("reut2-*.sgm")):
        data = path.read_text(encoding="latin-1")
        for doc in _DOC.findall(data):
            body = _FIELD["BODY"].search(doc)
            if not body:
                continue
            fields = {k: (m.group(1) if (m := p.search(doc)) else "") for k, p in _FIELD.items()}
            yield Story(
                newid=_NEWID.search(doc).group(1),
                title=" ".join(_text(fields["TITLE"]).split()),
                dateline=_text(fields["DATELINE"]),
                body=_text(body.group(1)),
                places=_D.findall(fields["PLACES"]),
            )


def place_code(name: str) -> str | None:
    """A Reuters place name as an ISO 3166-1 alpha-2 code (None when it has none)."""
    if name in NO_CURRENT_CODE:
        return None
    if name in PLACE_CODES:
        return PLACE_CODES[name]
    try:
        return pycountry.countries.lookup(name.replace("-", " ")).alpha_2
    except LookupError:
        return None


def evaluate(root: Path, limit: int | None = None) -> SuiteResult:
    result = SuiteResult("reuters")
    folder = root / "reuters21578"
    if not folder.is_dir():
        result.skipped = f"no {folder}"
        return result
    tp = fp = fn = stories = dropped = exact = 0
    for story in iter_stories(folder):
        if limit is not None and stories >= limit:
            break
        stories += 1
        gold = set()
        for name in story.places:
            code = place_code(name)
            if code is None:
                dropped += 1
            else:
                gold.add(code)
        try:
            (article,) = normalize_bytes(f"reut-{story.newid}.txt", story.as_text().encode())
        except Skip as exc:
            result.miss("skipped", f"{story.newid}: {exc}")
            predicted, place = set(), None
        else:
            predicted, place = set(article.countries), article.place
            if place and (code := place_country(place)):
                predicted.add(code)
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        exact += predicted == gold
        if predicted != gold:
            result.miss(
                "countries",
                f"{story.newid}: gold {sorted(gold)} got {sorted(predicted)} "
                f"place={place!r} title={story.title[:60]!r}",
                keep=5000,
            )
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result.add("countries ∪ place country: precision", precision, count=tp + fp)
    result.add("countries ∪ place country: recall", recall, count=tp + fn)
    result.add("countries ∪ place country: F1", f1, 0.85, unit="F1", count=stories)
    result.add(
        "stories whose set is exactly PLACES",
        ratio(exact, stories),
        count=stories,
        note=f"{dropped} places without a current ISO code left out",
    )
    return result
