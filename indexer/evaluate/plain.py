"""Plain-text corpora in Vietnamese, Russian and Turkish: language, dates, titles, cleanliness.

- dantri (vi_underthesea_unc): ``# doc_id``/``# url``/``# date = 20201001`` header lines,
  then the title line, then the body.
- NEREL (ru_nerel): Russian Wikinews; title line, sometimes a date line like
  ``05/08/2008 10:35``, then the body.
- TTC-3600 (tr_ttc3600): Turkish news saved with a BOM and CRLF line ends.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from indexer.article import Article, Skip
from indexer.evaluate.report import SuiteResult, ratio
from indexer.gazetteer import fold
from indexer.normalize import normalize_file

# Russian month names in the genitive, as dates write them (the answer key's own table).
RU_MONTHS = {
    m: i
    for i, m in enumerate(
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
        start=1,
    )
}
_NUMERIC_LINE = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ ,]+(\d{1,2}):(\d\d))?\s*$")
WIKINEWS_SINCE = 2005
_WORDS_LINE = re.compile(r"^\s*(\d{1,2})\s+([а-я]+)\s+(\d{4})(?:\s+года)?\.?\s*$")


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).split()).rstrip(".")

    return norm(a) == norm(b)


def _articles(paths: list[Path], result: SuiteResult) -> Iterator[tuple[Path, Article]]:
    for path in paths:
        try:
            articles = normalize_file(path)
        except Skip as exc:
            result.miss("skipped", f"{path.parent.name}/{path.name}: {exc}")
            continue
        for article in articles:
            yield path, article


def _files(folder: Path, pattern: str, limit: int | None) -> list[Path]:
    paths = sorted(folder.glob(pattern))
    return paths[:limit] if limit is not None else paths


def _stated_date_is_in_file(article: Article, raw: str) -> bool:
    """Never an invented date: the text a date was read from is in the file."""
    if article.date is None or article.date_source in ("front-matter",):
        return True
    return bool(article.date_text) and " ".join(article.date_text.split()) in " ".join(
        unicodedata.normalize("NFC", raw).split()
    )


def _common(result: SuiteResult, language: str, seen: list[tuple[Path, Article]], files: int):
    hits = sum(a.language == language for _, a in seen)
    for path, a in seen:
        if a.language != language:
            result.miss(
                f"language {language}",
                f"{path.parent.name}/{path.name}: {a.language} {a.title[:60]!r}",
            )
    result.add(f"language {language}", ratio(hits, len(seen)), 0.99, count=len(seen))
    honest = 0
    for path, article in seen:
        raw = path.read_text(encoding="utf-8-sig", errors="replace")
        if _stated_date_is_in_file(article, raw):
            honest += 1
        else:
            result.miss("date text in file", f"{path.name}: {article.date_text!r}")
    dated = sum(a.date is not None for _, a in seen)
    result.add(
        "dates whose text is in the file (none invented)",
        ratio(honest, len(seen)),
        1.0,
        count=len(seen),
        note=f"{dated} dated",
    )


def _compact_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _has_title_line(url: str, first_line: str) -> bool:
    """Only some dantri files keep their title: it is the line whose slug is the URL's."""
    name = url.rsplit("/", 1)[-1]
    slug = re.sub(r"-?\d{10,}\.htm$", "", name)
    return bool(slug) and _compact_slug(first_line) == _compact_slug(slug)


def evaluate_dantri(root: Path, limit: int | None = None) -> SuiteResult:
    result = SuiteResult("vi-dantri")
    folder = root / "vi_underthesea_unc" / "datasets" / "CP_Vietnamese-UNC"
    if not folder.is_dir():
        result.skipped = f"no {folder}"
        return result
    paths = _files(folder, "*.txt", limit)
    seen = list(_articles(paths, result))
    date_hits = titled = title_hits = 0
    for path, article in seen:
        lines = path.read_text(encoding="utf-8").split("\n")
        header = {}
        body_start = 0
        for i, line in enumerate(lines):
            if match := re.match(r"#\s*(\w+)\s*=\s*(.*)", line):
                header[match[1]] = match[2].strip()
            else:
                body_start = i
                break
        stated = header.get("date", "")
        want_date = f"{stated[:4]}-{stated[4:6]}-{stated[6:8]}"
        if (article.date or "")[:10] == want_date:
            date_hits += 1
        else:
            result.miss("date", f"{path.name}: want {want_date} got {article.date}")
        first = next((x for x in lines[body_start:] if x.strip()), "")
        if _has_title_line(header.get("url", ""), first):
            titled += 1
            if _same_text(article.title, first):
                title_hits += 1
            else:
                result.miss("title", f"{path.name}: want {first[:80]!r} got {article.title[:80]!r}")
    _common(result, "vi", seen, len(paths))
    result.add("date equals the # date header", ratio(date_hits, len(paths)), 1.0, count=len(paths))
    result.add(
        "title equals the title line (files that have one)",
        ratio(title_hits, titled),
        0.99,
        count=titled,
    )
    return result


def date_line(lines: list[str]) -> str | None:
    """The ISO date (and time) of a line that is only a date, among the first five.
    Years before Russian Wikinews (2005) are photo captions' dates, not publication."""
    for line in lines[:5]:
        if (match := re.search(r"\d{4}", line)) and int(match.group(0)) < WIKINEWS_SINCE:
            continue
        if match := _NUMERIC_LINE.match(line):
            day, month, year = int(match[1]), int(match[2]), int(match[3])
            if month > 12:
                day, month = month, day
            value = f"{year:04d}-{month:02d}-{day:02d}"
            return value + (f"T{int(match[4]):02d}:{match[5]}:00" if match[4] else "")
        if (match := _WORDS_LINE.match(line.lower())) and match[2] in RU_MONTHS:
            return f"{int(match[3]):04d}-{RU_MONTHS[match[2]]:02d}-{int(match[1]):02d}"
    return None


def evaluate_nerel(root: Path, limit: int | None = None) -> SuiteResult:
    result = SuiteResult("ru-nerel")
    folder = root / "ru_nerel"
    if not folder.is_dir():
        result.skipped = f"no {folder}"
        return result
    paths = _files(folder, "**/*.txt", limit)
    paths = [p for p in paths if p.name != "README.md"]
    seen = list(_articles(paths, result))
    with_line = hits = 0
    for path, article in seen:
        want = date_line(path.read_text(encoding="utf-8").split("\n"))
        if want is None:
            continue
        with_line += 1
        if article.date == want or (article.date or "")[:10] == want:
            hits += 1
        else:
            result.miss("date line", f"{path.name}: want {want} got {article.date}")
    _common(result, "ru", seen, len(paths))
    result.add("date equals its date line", ratio(hits, with_line), 0.95, count=with_line)
    return result


def _clean_of(article: Article, chars: str) -> bool:
    return not any(ch in article.title or ch in article.body for ch in chars)


def evaluate_ttc(root: Path, limit: int | None = None) -> SuiteResult:
    result = SuiteResult("tr-ttc3600")
    folder = root / "tr_ttc3600" / "TTC-3600_Orj"
    if not folder.is_dir():
        result.skipped = f"no {folder}"
        return result
    paths = _files(folder, "*/*", limit)
    seen = list(_articles(paths, result))
    _common(result, "tr", seen, len(paths))
    clean = sum(_clean_of(a, "\ufeff\r") for _, a in seen)
    result.add("no U+FEFF or CR in title or body", ratio(clean, len(seen)), 1.0, count=len(seen))
    controls = sum(_clean_of(a, "".join(map(chr, range(0x80, 0xA0)))) for _, a in seen)
    result.add(
        "no C1 control characters in title or body",
        ratio(controls, len(seen)),
        1.0,
        count=len(seen),
    )
    result.add(
        "files skipped as holding no article text",
        ratio(len(paths) - len(seen), len(paths)),
        count=len(paths),
        note="e.g. only 'DEVAMI İÇİN TIKLAYIN' (read on)",
    )
    return result


SUITES: dict[str, Callable[[Path, int | None], SuiteResult]] = {
    "vi-dantri": evaluate_dantri,
    "ru-nerel": evaluate_nerel,
    "tr-ttc3600": evaluate_ttc,
}
