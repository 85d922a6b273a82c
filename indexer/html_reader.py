"""HTML -> draft: title, date, source and the article's paragraphs, without page chrome."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup, Comment

from indexer.article import Skip

# Elements that never hold article text.
_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "footer",
    "header",
    "aside",
    "form",
    "button",
    "iframe",
    "select",
    "figure",
    "figcaption",
]
# class/id words of boxes around the article (share bars, related links, cookie banners...).
_CHROME = re.compile(
    r"(^|[\s_-])(share|sharing|social|related|recommend|cookie|consent|banner|newsletter|"
    r"subscribe|comment|comments|footer|nav|navbar|menu|sidebar|breadcrumb|promo|advert|"
    r"ads|outbrain|taboola|popup|modal|tags|byline-share)([\s_-]|$)",
    re.I,
)
_BLOCKS = ["p", "h2", "h3", "h4", "blockquote", "li", "pre"]
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:·»]\s+[^|\-–—:·»]{2,60}$")


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = (
            soup.find("meta", attrs={"property": name})
            or soup.find("meta", attrs={"name": name})
            or soup.find("meta", attrs={"itemprop": name})
        )
        if tag and tag.get("content", "").strip():
            return tag["content"].strip()
    return None


def _json_ld(soup: BeautifulSoup) -> list[dict]:
    found = []
    for tag in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(tag.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return found


def title_from_html(soup: BeautifulSoup) -> str | None:
    """og:title, then the first <h1>, then <title> without its site suffix."""
    og = _meta(soup, "og:title", "twitter:title")
    if og:
        return og
    h1 = soup.find("h1")
    if h1 and h1.get_text(" ", strip=True):
        return h1.get_text(" ", strip=True)
    if soup.title and soup.title.get_text(strip=True):
        return _TITLE_SUFFIX.sub("", soup.title.get_text(" ", strip=True))
    return None


def date_from_html(soup: BeautifulSoup, ld: list[dict]) -> str | None:
    """Meta published time, then JSON-LD datePublished, then the first <time datetime>."""
    meta = _meta(
        soup,
        "article:published_time",
        "og:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "date",
        "dc.date",
        "DC.date.issued",
        "sailthru.date",
    )
    if meta:
        return meta
    for item in ld:
        if isinstance(item.get("datePublished"), str):
            return item["datePublished"]
    time = soup.find("time", attrs={"datetime": True})
    if time and time["datetime"].strip():
        return time["datetime"].strip()
    return None


def _paragraphs(root) -> list[str]:
    lines = []
    for block in root.find_all(_BLOCKS):
        if block.find_parent(_BLOCKS):  # text of nested blocks is taken with the outer one
            continue
        text = " ".join(block.get_text(" ", strip=True).split())
        if text:
            lines.append(text)
    if not lines:
        lines = [" ".join(line.split()) for line in root.get_text("\n").split("\n")]
    return [line for line in lines if line]


def read_html(path: str, text: str):
    from indexer.readers import Draft  # local: readers imports this module

    soup = BeautifulSoup(text, "html.parser")
    ld = _json_ld(soup)
    given = {}
    if title := title_from_html(soup):
        given["title"] = " ".join(title.split())
    if date := date_from_html(soup, ld):
        given["date"] = date
    if source := _meta(soup, "og:site_name", "application-name"):
        given["source"] = source
    if url := _meta(soup, "og:url"):
        given["url"] = url
    html_tag = soup.find("html")
    if html_tag and html_tag.get("lang"):
        given["language_hint"] = html_tag["lang"]

    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed if hasattr(tag, "decomposed") else False:
            continue
        attrs = " ".join([tag.get("id") or "", " ".join(tag.get("class") or [])])
        if attrs.strip() and _CHROME.search(attrs) and tag.name not in ("body", "html", "article"):
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    paragraphs = _paragraphs(root)
    if "title" in given and paragraphs and paragraphs[0] == given["title"]:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise Skip("HTML page has no article text")
    return Draft(
        path=path,
        key=path,
        text="\n".join(paragraphs),
        given=given,
        given_from="html",
        first_line_may_be_title="title" not in given,
    )
