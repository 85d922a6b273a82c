"""Draft -> Article: the orchestrator. Each step lives in its own module; this only sequences."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from indexer.article import Article, Skip
from indexer.cleanup import (
    author_of,
    clean_paragraphs,
    is_boilerplate,
    is_caption,
    strip_office_residue,
)
from indexer.dateline import Dateline, parse_dateline
from indexer.dates import (
    FoundDate,
    event_date,
    infer_year,
    parse_header_line,
    parse_stated,
    partial_dates,
    plausible,
)
from indexer.decode import DEFAULT_MAX_BYTES
from indexer.gazetteer import count_mentions, is_country_code, place_country
from indexer.language import detect_language
from indexer.readers import Draft, read_bytes, read_file
from indexer.titles import clean_title, is_headline, shorten, title_from_lead
from indexer.topics import find_topics, topic_ids

_SLUG = re.compile(r"[^a-z0-9]+")
_ALNUM = re.compile(r"[^\W_]")
MAX_HEADER_LINES = 3
LEAD_CHARS = 400  # how much of the lead an event date or day-and-month is looked for in


def article_id(key: str) -> str:
    """Stable, URL-safe id: a slug of the file name plus a hash of its path (and record)."""
    stem = Path(key.split("#", 1)[0]).stem
    slug = (
        _SLUG.sub(
            "-", unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
        ).strip("-")[:40]
        or "article"
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


def _checksum(article: Article) -> str:
    content = article.as_dict()
    for key in ("id", "path", "checksum"):
        content.pop(key)
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return "sha256:" + hashlib.sha256(blob).hexdigest()


@dataclass
class Head:
    """What the top of the text gives: the title and where it came from."""

    title: str | None = None
    source: str | None = None
    dateline: Dateline | None = None  # a dateline on the title line (seed 004)
    line: str = ""  # the consumed title line, as written


def _split_title(draft: Draft, paragraphs: list[str]) -> Head:
    """Stated title, else the first line when it is a headline (after a dated dateline
    or not); the line is taken out of the paragraphs."""
    given = draft.given.get("title")
    if isinstance(given, str) and given.strip():
        source = "html" if draft.given_from == "html" else "front-matter"
        return Head(clean_title(given), source)
    if not draft.first_line_may_be_title:
        return Head()
    while paragraphs and (is_caption(paragraphs[0]) or is_boilerplate(paragraphs[0])):
        paragraphs.pop(0)  # a photo caption or a share bar above the headline
    if len(paragraphs) < 2:
        return Head()
    first = paragraphs[0]
    dateline = parse_dateline(first)
    # "BAKU, Azerbaijan, February 24. Hungary eyes…": a headline after a dated dateline.
    # Without a date or source, "Hà Nội: …" or "Mỹ - …" is part of the headline itself.
    dated = dateline and (dateline.date or dateline.date_text or dateline.source)
    if dated and is_headline(dateline.rest):
        paragraphs.pop(0)
        return Head(clean_title(dateline.rest), "first-line", dateline, first)
    if is_headline(first):
        paragraphs.pop(0)
        return Head(clean_title(first), "first-line", None, first)
    return Head()


def _header_lines(paragraphs: list[str]) -> tuple[FoundDate | None, str | None]:
    """Date and author lines right under the title; removed from the paragraphs."""
    found, author = None, None
    for _ in range(MAX_HEADER_LINES):
        if not paragraphs:
            break
        if found is None and (date := parse_header_line(paragraphs[0])):
            found = date
        elif author is None and (name := author_of(paragraphs[0])):
            author = name
        else:
            break
        paragraphs.pop(0)
    return found, author


def _with_inferred_year(text: str, full_text: str) -> FoundDate | None:
    """``February 24`` -> the first 24 February after the latest complete date in the text."""
    month, day, quoted = partial_dates(text)[0]
    if inferred := infer_year(month, day, full_text):
        return FoundDate(datetime(inferred.year, month, day), "day", quoted)
    return None


def _date(
    draft: Draft, header: FoundDate | None, dateline: Dateline | None, lead: str, full_text: str
) -> tuple[FoundDate | None, str | None, str | None]:
    """(date, source, text) by the cascade: stated, header, dateline, lead event, partial.
    A date without a year that no complete date fixes stays undated, with its text."""
    stated = draft.given.get("date")
    if isinstance(stated, str) and (found := parse_stated(stated)) and plausible(found):
        return found, "meta" if draft.given_from == "html" else "front-matter", found.text
    if header and plausible(header):
        return header, "header", header.text
    if dateline and dateline.date and plausible(dateline.date):
        return dateline.date, "dateline", dateline.date.text
    if dateline and dateline.date_text:
        found = _with_inferred_year(dateline.date_text, full_text)
        return found, "dateline" if found else None, dateline.date_text
    if (found := event_date(lead[:LEAD_CHARS])) and plausible(found):
        return found, "event", found.text
    if partial := partial_dates(lead[:LEAD_CHARS]):
        found = _with_inferred_year(lead[:LEAD_CHARS], full_text)
        return found, "event" if found else None, partial[0][2]
    return None, None, None


def _countries(
    title: str, body: str, dateline_text: str, place: str | None
) -> tuple[list[str], dict[str, int]]:
    """Parties by SPEC's rule, and every mention counted (the dateline's too).

    ``body`` holds no dateline; a country is a party when the title names it, the body
    names it twice, or it is the only country title and body name.
    """
    in_title = count_mentions(title)
    in_body = count_mentions(body)
    in_dateline = count_mentions(dateline_text)
    if not in_dateline and place and (code := place_country(place)):
        in_dateline = Counter({code: 1})  # "NEW YORK": a city names its country
    named = set(in_title) | set(in_body)
    parties = {c for c in named if in_title[c] or in_body[c] >= 2 or len(named) == 1}
    mentions = in_title + in_body + in_dateline
    return sorted(parties), dict(sorted(mentions.items()))


def _given_list(value, valid) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [v for v in value if valid(v)]


def _given_text(given: dict, key: str) -> str | None:
    value = given.get(key)
    return value if isinstance(value, str) and value.strip() else None


def normalize_draft(draft: Draft) -> Article:
    if draft.problem:
        raise Skip(draft.problem)
    paragraphs = [" ".join(line.split()) for line in draft.text.split("\n") if line.strip()]
    paragraphs = strip_office_residue(paragraphs)
    head = _split_title(draft, paragraphs)
    header_date, author = _header_lines(paragraphs)
    lead = paragraphs[0] if paragraphs else ""
    dateline = head.dateline or (parse_dateline(lead) if lead else None)
    lead_dateline = dateline if dateline and not head.dateline else None
    lead_rest = lead_dateline.rest if lead_dateline else lead
    title, title_source = head.title, head.source
    if title is None:
        if not lead_rest:
            raise Skip("no article text")
        title, title_source = title_from_lead(lead_rest), "lead"
    kept, body_author = clean_paragraphs(paragraphs, title)
    body = "\n\n".join(kept)
    if not body.strip():
        raise Skip("no article text after cleaning")
    if not _ALNUM.search(body):
        raise Skip("no article text (no letters or digits)")
    if not _ALNUM.search(title):  # a lead of only punctuation: the first line with a word
        title = next(shorten(p) for p in kept if _ALNUM.search(p))
    date, date_source, date_text = _date(
        draft, header_date, dateline, lead_rest, "\n".join([head.line, body])
    )
    if head.dateline:
        dateline_text, body_outside = head.line[: head.dateline.length], body
    elif lead_dateline and body.startswith(lead[: lead_dateline.length]):
        dateline_text = lead[: lead_dateline.length]
        body_outside = body[len(dateline_text) :]
    else:
        dateline_text, body_outside = "", body
    countries, mentions = _countries(
        title, body_outside, dateline_text, dateline.place if dateline else None
    )
    given = draft.given
    language = _given_text(given, "language") or detect_language(title + "\n" + body)
    article = Article(
        id=article_id(draft.key),
        path=draft.path,
        url=_given_text(given, "url"),
        title=title,
        body=body,
        title_source=title_source,
        date=date.iso() if date else None,
        date_precision=date.precision if date else None,
        date_source=date_source if date else None,
        date_text=date_text,
        place=dateline.place if dateline else None,
        source=_given_text(given, "source") or (dateline.source if dateline else None),
        author=_given_text(given, "author") or author or body_author,
        language=language.lower(),
        countries=_given_list(given.get("countries"), is_country_code) or countries,
        country_mentions=mentions,
        topics=_given_list(given.get("topics"), lambda t: t in topic_ids())
        or find_topics(title + "\n" + body),
    )
    article.countries = sorted({c.upper() for c in article.countries})
    article.checksum = _checksum(article)
    return article


def normalize_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Article]:
    """Every article in a file, or Skip with the reason."""
    return [normalize_draft(d) for d in read_file(path, max_bytes=max_bytes)]


def normalize_bytes(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Article]:
    """Every article in uploaded bytes named ``name`` (the suffix picks the reader)."""
    return [normalize_draft(d) for d in read_bytes(name, data, max_bytes=max_bytes)]
