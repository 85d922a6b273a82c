"""What an HTML page states about its article: title, publication date, site, URL.

Each field is a cascade of small lookups tried in a commented order (STYLE 2). Values
are returned as the page writes them; ``indexer.dates`` parses dates later.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from bs4 import BeautifulSoup, Tag

from indexer.gazetteer import fold

# Publication-date meta tags, most specific first (names compared in lower case).
DATE_META = [
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "rnews:datepublished",
    "originalpublicationdate",
    "publication_date",
    "publish_date",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "date",
]
TITLE_META = ["dc:title", "dc.title", "og:title", "twitter:title", "parsely-title"]
SITE_META = ["og:site_name", "application-name", "twitter:site_name", "publisher"]
_NOT_PUBLISHED = re.compile(r"modif|updat|expir|revis|edit", re.I)
_DATEISH = re.compile(r"date|publish|created|posted", re.I)
_DATE_CLASS = re.compile(
    r"(^|[\s_-])(pub-?date|date-?published|published|publish-?date|post-?date|posted-?on|"
    r"entry-?date|article-?date|timestamp|dateline|date)([\s_-]|$)",
    re.I,
)
_SITE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|»|/)\s+|\s*(?:_|\|)\s*")
_ARTICLE_TYPES = re.compile(r"article|posting|report|webpage", re.I)
MAX_SITE_WORDS = 4
MIN_TITLE_CHARS, MAX_TITLE_CHARS = 15, 150  # a <title> outside these may be the site's name
MIN_H1_WORDS = 5
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")


# --- lookups ----------------------------------------------------------------------------


def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """Every ``<meta>`` by each of its names (``property="og:title twitter:title"`` gives
    two), in lower case; the first tag with a value wins."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        value = (tag.get("content") or tag.get("value") or "").strip()
        if not value:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            for name in (tag.get(attr) or "").lower().split():
                found.setdefault(name, value)
    return found


def meta_value(metas: dict[str, str], names: list[str]) -> str | None:
    for name in names:
        if metas.get(name):
            return metas[name]
    return None


def json_ld(soup: BeautifulSoup) -> list[dict]:
    """Every object in the page's JSON-LD blocks, nested ones (``@graph``) included."""
    found = []
    for tag in soup.find_all("script", attrs={"type": re.compile("ld\\+json", re.I)}):
        raw = _CDATA.sub("", tag.string or "")
        try:
            data = json.loads(raw, strict=False)
        except (json.JSONDecodeError, TypeError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return found


def _ld_types(item: dict) -> str:
    kind = item.get("@type")
    return " ".join(kind) if isinstance(kind, list) else str(kind or "")


def _ld_articles(ld: list[dict]) -> list[dict]:
    """Article-like objects first (NewsArticle, BlogPosting, ReportageNewsArticle…)."""
    return sorted(ld, key=lambda item: not _ARTICLE_TYPES.search(_ld_types(item)))


# --- title ------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", fold(text))


def strip_site_name(title: str, site_names: list[str]) -> str:
    """``Five Lessons - BusinessWeek`` -> ``Five Lessons``; ``TechCrunch | Title`` -> ``Title``.

    A segment at either end goes when it is a known site name (og:site_name, the URL's
    host); a short last segment goes when what stays is a title of several words.
    """
    parts = _SITE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    known = {_squash(s) for s in site_names if s and _squash(s)}

    def is_site(part: str) -> bool:
        squashed = _squash(part)
        return bool(squashed) and any(squashed == k or squashed in k for k in known)

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    while end - start > 1 and is_site(parts[start]):
        start += 1
    if end == len(parts) and start == 0 and end - start >= 2:
        last, rest = parts[-1], parts[:-1]
        if len(last.split()) <= MAX_SITE_WORDS and sum(len(p.split()) for p in rest) >= 4:
            end -= 1
    if (start, end) == (0, len(parts)):
        return title
    first, last = parts[start], parts[end - 1]
    return title[title.find(first) : title.rfind(last) + len(last)].strip()


def _site_names(soup: BeautifulSoup, metas: dict[str, str], url: str | None) -> list[str]:
    names = [meta_value(metas, SITE_META) or ""]
    if url and (host := re.match(r"\w+://(?:www\.)?([^/:]+)", url)):
        names += [host.group(1), host.group(1).rsplit(".", 1)[0]]
    return [n for n in names if n]


def title_from_html(soup: BeautifulSoup, metas: dict[str, str], ld: list[dict]) -> str | None:
    """Stated titles (Dublin Core, Open Graph, Twitter, Parse.ly), then ``<title>`` (or
    the lone ``<h1>`` when the title is very short or long), the JSON-LD headline, the
    first ``<h1>``; the site's name is taken off either end."""
    url = meta_value(metas, ["og:url"]) or _canonical(soup)
    sites = _site_names(soup, metas, url)
    stated = meta_value(metas, TITLE_META)
    if not stated and soup.title:
        stated = soup.title.get_text(" ", strip=True)
        if len(stated) < MIN_TITLE_CHARS or len(stated) > MAX_TITLE_CHARS:
            stated = _lone_h1(soup) or stated  # <title>Site</title> and a real <h1>
    if not stated:
        stated = next(
            (i["headline"] for i in _ld_articles(ld) if isinstance(i.get("headline"), str)), None
        )
    if not stated:
        h1 = soup.find("h1")
        stated = h1.get_text(" ", strip=True) if h1 else None
    if not stated or not stated.strip():
        return None
    return strip_site_name(" ".join(stated.split()), sites)


def _lone_h1(soup: BeautifulSoup) -> str | None:
    """The page's only ``<h1>``, when it is long enough to be a headline."""
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        return None
    text = " ".join(h1s[0].get_text(" ").split())
    return text if len(text.split()) >= MIN_H1_WORDS else None


def _canonical(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", attrs={"rel": "canonical"})
    return link.get("href") if isinstance(link, Tag) and link.get("href") else None


def url_from_html(soup: BeautifulSoup, metas: dict[str, str]) -> str | None:
    return meta_value(metas, ["og:url"]) or _canonical(soup)


def site_from_html(metas: dict[str, str], ld: list[dict]) -> str | None:
    if site := meta_value(metas, ["og:site_name", "application-name"]):
        return site
    for item in _ld_articles(ld):
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return publisher["name"]
    return None


# --- date -------------------------------------------------------------------------------


def _timestamp(value) -> str | None:
    """Unix time in seconds or milliseconds as ISO text, else None."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{10}(\d{3})?", text):
        return None
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _parsely_page(metas: dict[str, str]) -> str | None:
    try:
        data = json.loads(metas.get("parsely-page", ""))
    except json.JSONDecodeError:
        return None
    value = data.get("pub_date") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _from_ld(ld: list[dict]) -> str | None:
    for item in _ld_articles(ld):
        for key in ("datePublished", "dateCreated"):
            value = item.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return _timestamp(int(value))
            if isinstance(value, str) and value.strip():
                return _timestamp(value) or value.strip()
    return None


def _any_date_meta(metas: dict[str, str]) -> str | None:
    """Last resort: a meta tag whose name speaks of a date and not of an update."""
    for name, value in metas.items():
        if _DATEISH.search(name) and not _NOT_PUBLISHED.search(name):
            if re.search(r"\d{4}-\d\d-\d\d|\d{10}", value):
                return _timestamp(value) or value
    return None


def _from_elements(soup: BeautifulSoup) -> list[str]:
    """``itemprop=datePublished``, ``<time pubdate>``, ``<time datetime>``, then elements
    whose class says they hold the date."""
    found = []
    for tag in soup.find_all(attrs={"itemprop": re.compile("^datePublished$", re.I)}):
        found.append(tag.get("datetime") or tag.get("content") or tag.get_text(" ", strip=True))
    times = soup.find_all("time")
    found += [
        t.get("datetime") or t.get_text(" ", strip=True) for t in times if t.has_attr("pubdate")
    ]
    for tag in times:
        if tag.get("datetime") and not _NOT_PUBLISHED.search(" ".join(tag.get("class") or [])):
            found.append(tag["datetime"])
    for tag in soup.find_all(attrs={"class": _DATE_CLASS}):
        text = tag.get_text(" ", strip=True)
        if 6 <= len(text) <= 80 and re.search(r"\d", text):
            found.append(text)
    return found


def date_candidates(soup: BeautifulSoup, metas: dict[str, str], ld: list[dict]) -> list[str]:
    """The page's stated publication dates, best first: JSON-LD of the article, meta
    tags, Parse.ly's page object, any date-named meta tag, then dated elements."""
    found = [
        _from_ld(ld),
        meta_value(metas, DATE_META),
        _parsely_page(metas),
        _any_date_meta(metas),
        *_from_elements(soup),
    ]
    return [_timestamp(v) or v.strip() for v in found if v and v.strip()]
