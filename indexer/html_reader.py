"""HTML -> draft: what the page states (title, date, site, URL) and the article's
paragraphs without page chrome (``html_meta`` and ``html_body`` do the work)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from indexer.article import Skip
from indexer.dates import parse_stated
from indexer.gazetteer import fold
from indexer.html_body import article_lines
from indexer.html_meta import (
    date_candidates,
    json_ld,
    meta_tags,
    site_from_html,
    title_from_html,
    url_from_html,
)


@dataclass
class Page:
    given: dict = field(default_factory=dict)  # title, date, source, url as the page states
    lines: list[str] = field(default_factory=list)  # the article's paragraphs


def _same(a: str, b: str) -> bool:
    return " ".join(fold(a).split()) == " ".join(fold(b).split())


def read_page(text: str) -> Page:
    """What a page states about its article, and the article's text."""
    soup = BeautifulSoup(text, "html.parser")
    metas = meta_tags(soup)
    ld = json_ld(soup)
    page = Page()
    if title := title_from_html(soup, metas, ld):
        page.given["title"] = title
    for value in date_candidates(soup, metas, ld):
        if parse_stated(value):  # the first one that reads as a date
            page.given["date"] = value
            break
    if source := site_from_html(metas, ld):
        page.given["source"] = source
    if url := url_from_html(soup, metas):
        page.given["url"] = url
    page.lines = article_lines(text, soup)
    while page.lines and title and _same(page.lines[0], title):
        page.lines.pop(0)
    return page


def read_html(path: str, text: str):
    """One draft from a page, or Skip when it holds no article text."""
    from indexer.readers import Draft  # local: readers imports this module

    page = read_page(text)
    if not page.lines:
        raise Skip("HTML page has no article text")
    return Draft(
        path=path,
        key=path,
        text="\n".join(page.lines),
        given=page.given,
        given_from="html",
        first_line_may_be_title="title" not in page.given,
    )
