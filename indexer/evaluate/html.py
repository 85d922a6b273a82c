"""HTML pages with expected metadata: Mozilla readability's test pages and goose3's fixtures.

Measures: the title (SPEC drops a site-name suffix, so a title matches when it equals the
expected one with or without a ``Title | Site`` segment), the publication day, and whether
the first sentence of the expected body text is in our body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from indexer.article import Skip
from indexer.dates import parse_stated
from indexer.decode import decode_bytes
from indexer.evaluate.report import SuiteResult, ratio
from indexer.gazetteer import fold
from indexer.html_reader import read_page
from indexer.normalize import normalize_file

_SITE_SPLIT = re.compile(r"\s+(?:[|·»:]|[-–—]{1,2}|::)\s+|\s*_\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?。])[\"”’)]?\s+")
_WS = re.compile(r"\s+")
MIN_SENTENCE_WORDS = 8
_CAPTION = re.compile("caption", re.I)


@dataclass
class Page:
    name: str
    html: Path
    title: str | None
    date: str | None  # the publication day, YYYY-MM-DD
    text: str | None  # the expected body text


def _key(text: str) -> str:
    text = fold(text).replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return _WS.sub(" ", text).strip()


def _compact(text: str) -> str:
    """Folded, without any whitespace: HTML spacing differs between extractors."""
    return "".join(_key(text).split())


def title_matches(got: str, want: str) -> bool:
    """Equal after folding, or equal to the expected title less a site-name segment."""
    got_key, want_key = _key(got).rstrip("."), _key(want).rstrip(".")
    if got_key == want_key:
        return True
    parts = [p for p in _SITE_SPLIT.split(want_key) if p]
    if len(parts) < 2:
        return False
    # Drop one or more site segments from either end.
    for cut in range(1, len(parts)):
        if got_key in (_join(parts[:cut], want_key), _join(parts[cut:], want_key)):
            return True
    return False


def _join(parts: list[str], original: str) -> str:
    """The parts as they stood in the original (separators kept)."""
    start = original.find(parts[0])
    end = original.find(parts[-1], start) + len(parts[-1])
    return original[start:end]


def first_sentence(text: str) -> str | None:
    """The first sentence of the first paragraph of at least MIN_SENTENCE_WORDS words."""
    for paragraph in text.split("\n"):
        paragraph = _WS.sub(" ", paragraph).strip()
        if len(paragraph.split()) < MIN_SENTENCE_WORDS:
            continue
        sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
        return sentence if len(sentence.split()) >= 3 else paragraph
    return None


def _day(value: str | None) -> str | None:
    if not value:
        return None
    match = re.match(r"(\d{4})-(\d\d)-(\d\d)", value.strip())
    return match.group(0) if match else None


def readability_pages(root: Path) -> Iterator[Page]:
    folder = root / "html_readability_testpages" / "test-pages"
    for page in sorted(p for p in folder.iterdir() if p.is_dir()):
        meta_path, source = page / "expected-metadata.json", page / "source.html"
        if not (meta_path.exists() and source.exists()):
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected = page / "expected.html"
        text = None
        if expected.exists():
            soup = BeautifulSoup(expected.read_text(encoding="utf-8"), "html.parser")
            captions = soup.find_all(["figure", "figcaption"]) + soup.find_all(class_=_CAPTION)
            for caption in captions:
                if not caption.decomposed:
                    caption.decompose()  # SPEC keeps photo captions out of the body
            blocks = soup.find_all(["p", "li", "blockquote", "pre", "td", "div"])
            text = "\n".join(
                " ".join(b.get_text().split()) for b in blocks if not b.find(["p", "div", "li"])
            )
        yield Page(
            f"readability/{page.name}",
            source,
            meta.get("title") or None,
            _day(meta.get("publishedTime")),
            text,
        )


def goose_pages(root: Path) -> Iterator[Page]:
    folder = root / "html_goose3_fixtures" / "data"
    for meta_path in sorted(folder.glob("*/*.json")):
        source = meta_path.with_suffix(".html")
        if not source.exists():
            continue
        try:
            expected = json.loads(meta_path.read_text(encoding="utf-8")).get("expected") or {}
        except json.JSONDecodeError:
            continue
        yield Page(
            f"goose3/{meta_path.parent.name}/{meta_path.stem}",
            source,
            expected.get("title") or None,
            _day(expected.get("publish_date")),
            expected.get("cleaned_text") or None,
        )


@dataclass
class Seen:
    title: str | None
    date: str | None
    body: str | None  # None when the page was skipped as holding no article


def _read(page: Page, result: SuiteResult) -> Seen:
    """The article, or for a page skipped as holding no article text, what its
    metadata states (the title and date measures are about reading those)."""
    try:
        article = normalize_file(page.html)[0]
        return Seen(article.title, article.date, article.body)
    except Skip as exc:
        result.miss("skipped", f"{page.name}: {exc}")
    try:
        given = read_page(decode_bytes(page.html.read_bytes())).given
    except Skip:
        return Seen(None, None, None)
    found = parse_stated(given["date"]) if given.get("date") else None
    return Seen(given.get("title"), found.iso() if found else None, None)


def evaluate(root: Path, limit: int | None = None) -> SuiteResult:
    result = SuiteResult("html")
    if (
        not (root / "html_readability_testpages").is_dir()
        and not (root / "html_goose3_fixtures").is_dir()
    ):
        result.skipped = "no html_readability_testpages or html_goose3_fixtures"
        return result
    pages = list(readability_pages(root)) + list(goose_pages(root))
    if limit is not None:
        pages = pages[:limit]
    titles = title_hits = dates = date_hits = bodies = body_hits = skipped = 0
    for page in pages:
        seen = _read(page, result)
        skipped += seen.body is None
        if page.title:
            titles += 1
            if seen.title and title_matches(seen.title, page.title):
                title_hits += 1
            else:
                result.miss("title", f"{page.name}: want {page.title[:70]!r} got {seen.title!r}")
        if page.date:
            dates += 1
            if (seen.date or "")[:10] == page.date:
                date_hits += 1
            else:
                result.miss("date", f"{page.name}: want {page.date} got {seen.date}")
        sentence = first_sentence(page.text or "")
        if sentence:
            bodies += 1
            if seen.body and _compact(sentence) in _compact(seen.body):
                body_hits += 1
            else:
                result.miss("body", f"{page.name}: missing {sentence[:90]!r}")
    result.add("title matches", ratio(title_hits, titles), 0.90, count=titles)
    result.add(
        "publication day matches (pages that have one)", ratio(date_hits, dates), 0.90, count=dates
    )
    result.add(
        "expected body's first sentence present", ratio(body_hits, bodies), 0.90, count=bodies
    )
    result.add(
        "pages skipped as holding no article text",
        ratio(skipped, len(pages)),
        count=len(pages),
        note="their title and date are still read from the metadata",
    )
    return result
