"""Draft -> Article: the orchestrator. Each step lives in its own module; this only sequences."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path

from indexer.article import Article, Skip
from indexer.cleanup import author_of, clean_paragraphs
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
from indexer.gazetteer import count_mentions, is_country_code
from indexer.language import detect_language
from indexer.readers import Draft, read_bytes, read_file
from indexer.titles import clean_title, is_headline, title_from_lead
from indexer.topics import find_topics, topic_ids

_SLUG = re.compile(r"[^a-z0-9]+")
MAX_HEADER_LINES = 3


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


def _split_title(
    draft: Draft, paragraphs: list[str]
) -> tuple[str | None, str | None, Dateline | None, str]:
    """(title, title_source, dateline of the title line, the consumed title line)."""
    given = draft.given.get("title")
    if isinstance(given, str) and given.strip():
        source = "html" if draft.given_from == "html" else "front-matter"
        return clean_title(given), source, None, ""
    if not draft.first_line_may_be_title or len(paragraphs) < 2:
        return None, None, None, ""
    first = paragraphs[0]
    dateline = parse_dateline(first)
    # "BAKU, Azerbaijan, February 24. Hungary eyes…": a headline after a dated dateline.
    # Without a date or source, "Hà Nội: …" or "Mỹ - …" is part of the headline itself.
    dated = dateline and (dateline.date or dateline.date_text or dateline.source)
    if dated and is_headline(dateline.rest):
        paragraphs.pop(0)
        return clean_title(dateline.rest), "first-line", dateline, first
    if is_headline(first):
        paragraphs.pop(0)
        return clean_title(first), "first-line", None, first
    return None, None, None, ""


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


def _date(
    draft: Draft, header: FoundDate | None, dateline: Dateline | None, lead: str, full_text: str
) -> tuple[FoundDate | None, str | None, str | None]:
    """(date, source, text) by the cascade: stated, header, dateline, lead event, partial."""
    stated = draft.given.get("date")
    if isinstance(stated, str) and (found := parse_stated(stated)) and plausible(found):
        return found, "meta" if draft.given_from == "html" else "front-matter", found.text
    if header and plausible(header):
        return header, "header", header.text
    if dateline and dateline.date and plausible(dateline.date):
        return dateline.date, "dateline", dateline.date.text
    if dateline and dateline.date_text:
        month, day, text = partial_dates(dateline.date_text)[0]
        if inferred := infer_year(month, day, full_text):
            return FoundDate(datetime(inferred.year, month, day), "day", text), "dateline", text
        return None, None, text
    if found := event_date(lead[:400]):
        return found, "event", found.text
    partial = partial_dates(lead[:400])
    if partial:
        month, day, text = partial[0]
        if inferred := infer_year(month, day, full_text):
            return FoundDate(datetime(inferred.year, month, day), "day", text), "event", text
        return None, None, text
    return None, None, None


def _countries(title: str, body: str, dateline_text: str) -> tuple[list[str], dict[str, int]]:
    """Parties by SPEC's rule, and every mention counted (dateline included)."""
    title_counts = count_mentions(title)
    outside = count_mentions(body[len(dateline_text) :] if body.startswith(dateline_text) else body)
    in_dateline = count_mentions(dateline_text)
    mentions = Counter(title_counts) + outside + in_dateline
    named_outside = set(title_counts) | set(outside)
    parties = {
        c
        for c in named_outside
        if title_counts[c] > 0 or outside[c] >= 2 or len(named_outside) == 1
    }
    return sorted(parties), dict(sorted(mentions.items()))


def _given_list(value, valid) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [v for v in value if valid(v)]


def normalize_draft(draft: Draft) -> Article:
    paragraphs = [" ".join(line.split()) for line in draft.text.split("\n") if line.strip()]
    title, title_source, title_dateline, title_line = _split_title(draft, paragraphs)
    header_date, author = _header_lines(paragraphs)
    dateline = title_dateline or (parse_dateline(paragraphs[0]) if paragraphs else None)
    lead = paragraphs[0] if paragraphs else ""
    lead_rest = dateline.rest if dateline and not title_dateline else lead
    if title is None:
        if not lead:
            raise Skip("no text")
        title, title_source = title_from_lead(lead_rest), "lead"
    kept, body_author = clean_paragraphs(paragraphs, title)
    body = "\n\n".join(kept)
    if not body.strip():
        raise Skip("no article text after cleaning")
    full_text = "\n".join([title_line, body])
    date, date_source, date_text = _date(
        draft, header_date, dateline, lead_rest if title_dateline is None else lead, full_text
    )
    dateline_text = (
        title_line[: title_dateline.length]
        if title_dateline
        else (lead[: dateline.length] if dateline else "")
    )
    countries, mentions = _countries(
        title, body if not title_dateline else body, "" if title_dateline else dateline_text
    )
    if title_dateline:
        mentions = dict(sorted((Counter(mentions) + count_mentions(dateline_text)).items()))
    given = draft.given
    language = given.get("language") if isinstance(given.get("language"), str) else None
    article = Article(
        id=article_id(draft.key),
        path=draft.path,
        url=given.get("url") if isinstance(given.get("url"), str) else None,
        title=title,
        body=body,
        title_source=title_source,
        date=date.iso() if date else None,
        date_precision=date.precision if date else None,
        date_source=date_source if date else None,
        date_text=date_text,
        place=dateline.place if dateline else None,
        source=(given.get("source") if isinstance(given.get("source"), str) else None)
        or (dateline.source if dateline else None),
        author=(given.get("author") if isinstance(given.get("author"), str) else None)
        or author
        or body_author,
        language=(language or detect_language(title + "\n" + body)).lower(),
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
