"""Reuters-21578: are the countries we find the ones the human PLACES list names?

Each story with a body becomes a plain-text article (title line, then dateline and body),
is normalised, and ``countries`` plus the dateline place's country is compared with
PLACES mapped to ISO codes. Places without one current ISO code (Yugoslavia,
Czechoslovakia, the Netherlands Antilles) are left out of the answer key and counted.
The target is measured on stories whose PLACES names at least one place (an empty list
means nobody labelled the story); the figure over every story with a body is shown too.
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


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    stories: int = 0
    exact: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)
        self.stories += 1
        self.exact += predicted == gold

    @property
    def precision(self) -> float:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def predict(story: Story, result: SuiteResult) -> tuple[set[str], str | None]:
    """(countries plus the dateline place's country, the place) for one story."""
    try:
        (article,) = normalize_bytes(f"reut-{story.newid}.txt", story.as_text().encode())
    except Skip as exc:
        result.miss("skipped", f"{story.newid}: {exc}")
        return set(), None
    predicted = set(article.countries)
    if article.place and (code := place_country(article.place)):
        predicted.add(code)
    return predicted, article.place


def evaluate(root: Path, limit: int | None = None) -> SuiteResult:
    result = SuiteResult("reuters")
    folder = root / "reuters21578"
    if not folder.is_dir():
        result.skipped = f"no {folder}"
        return result
    labelled, everything = Tally(), Tally()
    dropped = 0
    for story in iter_stories(folder):
        if limit is not None and everything.stories >= limit:
            break
        codes = [place_code(name) for name in story.places]
        dropped += codes.count(None)
        gold = {c for c in codes if c}
        predicted, place = predict(story, result)
        everything.add(predicted, gold)
        if story.places:
            labelled.add(predicted, gold)
        if predicted != gold:
            result.miss(
                "countries",
                f"{story.newid}: gold {sorted(gold)} got {sorted(predicted)} "
                f"place={place!r} title={story.title[:60]!r}",
                keep=5000,
            )
    n = labelled.stories
    result.add("countries ∪ place country: precision", labelled.precision, count=n)
    result.add("countries ∪ place country: recall", labelled.recall, count=n)
    result.add("countries ∪ place country: F1", labelled.f1, 0.85, unit="F1", count=n)
    result.add(
        "stories whose set is exactly PLACES",
        ratio(labelled.exact, n),
        count=n,
        note=f"{dropped} places without a current ISO code left out",
    )
    result.add(
        "F1 counting stories with an empty PLACES too",
        everything.f1,
        unit="F1",
        count=everything.stories,
        note=f"P {everything.precision:.3f} R {everything.recall:.3f}",
    )
    return result
