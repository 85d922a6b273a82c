"""The article's text in an HTML page, without navigation, share bars, related links,
cookie banners, comments or footers.

A small version of Mozilla Readability's method: drop what never holds article text,
drop boxes whose class or id names page furniture, score every element by the
paragraphs inside it (commas and length count, links count against), take the best one
and the siblings that score nearly as well, and read their text block by block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

# Elements that never hold article text.
DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "dialog",
    "menu",
]
# Elements that start a new line of text; everything else is inline.
BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_PARAGRAPH_TAGS = {"p", "pre", "td", "blockquote"}
_CONTAINER_TAGS = {"div", "section", "article", "main"}
_ROLES = {"navigation", "banner", "complementary", "contentinfo", "dialog", "menu", "menubar"}
# class/id words of page furniture, and of the article itself (Readability's lists).
UNLIKELY = re.compile(
    r"banner|breadcrumb|combx|comment|community|cookie|consent|disqus|extra|foot|gdpr|"
    r"header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|"
    r"sponsor|supplemental|ad-break|agegate|pagination|pager|popup|caption|"
    r"newsletter|subscri|promo|outbrain|taboola|signup|toolbar|navbar|masthead",
    re.I,
)
MAYBE_CONTENT = re.compile(r"and|article|body|column|content|main|shadow|story|entry|post", re.I)
POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story", re.I
)
NEGATIVE = re.compile(
    r"-ad-|hidden|banner|combx|comment|com-|contact|foot|gdpr|masthead|media|meta|outbrain|"
    r"promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|"
    r"widget|byline|author",
    re.I,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_COMMAS = re.compile(r"[,،、，]")
MIN_PARAGRAPH_CHARS = 25
MIN_TEXT_CHARS = 250  # less than this after the strict pass: try again, keeping more
LINK_LINE_SHARE = 0.6  # a short line mostly of links is navigation
LINK_LINE_WORDS = 12
ALTERNATIVES = 5  # runner-up boxes looked at when the article may span several
MIN_CLOSE_ALTERNATIVES = 3
MAX_DROPPED_SHARE = 0.3  # a "furniture" box with more of the page's paragraphs is kept
ARTICLE_SHARE = 0.5  # the best box stands for its <article> when it holds this much of it


@dataclass
class _Line:
    text: str
    link_chars: int


def _attrs(tag: Tag) -> str:
    return " ".join([tag.get("id") or "", " ".join(tag.get("class") or [])])


def _is_hidden(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or (tag.get("aria-hidden") or "").lower() == "true"
        or bool(_HIDDEN_STYLE.search(tag.get("style") or ""))
    )


def _paragraph_chars(tag: Tag) -> int:
    return sum(len(p.get_text()) for p in tag.find_all("p"))


def _drop_furniture(soup: BeautifulSoup, strict: bool) -> None:
    """Comments, scripts, hidden boxes, and (when strict) boxes named like furniture,
    unless such a box holds much of the page's paragraph text (then the name lies)."""
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    doomed = []
    for tag in soup.find_all(True):
        if tag.name in ("html", "body", "article", "main"):
            continue
        if _is_hidden(tag) or (tag.get("role") or "").lower() in _ROLES:
            doomed.append(tag)
        elif strict and (attrs := _attrs(tag).strip()):
            if UNLIKELY.search(attrs) and not MAYBE_CONTENT.search(attrs):
                doomed.append(tag)
    total = _paragraph_chars(soup) or 1
    for tag in doomed:
        if not tag.decomposed and _paragraph_chars(tag) < total * MAX_DROPPED_SHARE:
            tag.decompose()


def _text_length(tag: Tag) -> int:
    return len(" ".join(tag.get_text(" ").split()))


def _link_density(tag: Tag) -> float:
    total = _text_length(tag)
    if not total:
        return 0.0
    return sum(_text_length(a) for a in tag.find_all("a")) / total


def _base_score(tag: Tag) -> float:
    score = {"div": 5, "article": 10, "main": 5, "pre": 3, "td": 3, "blockquote": 3}.get(
        tag.name, 0
    )
    if tag.name in ("address", "ol", "ul", "dl", "dd", "dt", "li", "form"):
        score -= 3
    elif tag.name in ("h1", "h2", "h3", "h4", "h5", "h6", "th"):
        score -= 5
    attrs = _attrs(tag)
    if attrs.strip():
        score += 25 * bool(POSITIVE.search(attrs)) - 25 * bool(NEGATIVE.search(attrs))
    if (tag.get("itemprop") or "").lower() == "articlebody":
        score += 50
    return score


def _paragraphs(root: Tag) -> list[Tag]:
    """Elements scored as paragraphs: p, pre, td, blockquote, and containers holding
    text but no block of their own."""
    found = []
    for tag in root.find_all(True):
        if tag.name in _PARAGRAPH_TAGS:
            found.append(tag)
        elif tag.name in _CONTAINER_TAGS and not tag.find(list(BLOCK_TAGS - {"br"})):
            found.append(tag)
    return found


def _best_candidates(root: Tag) -> tuple[Tag | None, dict[int, float], dict[int, Tag]]:
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for paragraph in _paragraphs(root):
        text = " ".join(paragraph.get_text(" ").split())
        if len(text) < MIN_PARAGRAPH_CHARS:
            continue
        points = 1 + len(_COMMAS.findall(text)) + min(len(text) // 100, 3)
        ancestor, level = paragraph.parent, 0
        while isinstance(ancestor, Tag) and level < 3 and ancestor.name != "[document]":
            if id(ancestor) not in scores:
                scores[id(ancestor)] = _base_score(ancestor)
                tags[id(ancestor)] = ancestor
            scores[id(ancestor)] += points / (1 if level == 0 else 2 if level == 1 else level * 3)
            ancestor, level = ancestor.parent, level + 1
    for key, tag in tags.items():
        scores[key] *= 1 - _link_density(tag)
    if not scores:
        return None, scores, tags
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = tags[ranked[0]]
    return _climb(best, [tags[k] for k in ranked[1 : ALTERNATIVES + 1]], scores), scores, tags


def _climb(best: Tag, others: list[Tag], scores: dict[int, float]) -> Tag:
    """An article split into several scored boxes is their common ancestor; a box that is
    its parent's only child stands for the parent (Readability's own corrections)."""
    close = [t for t in others if scores[id(t)] >= scores[id(best)] * 0.75]
    if len(close) >= MIN_CLOSE_ALTERNATIVES:
        parent = best.parent
        while isinstance(parent, Tag) and parent.name not in ("body", "[document]"):
            inside = sum(1 for t in close if parent in t.parents)
            if inside >= MIN_CLOSE_ALTERNATIVES:
                best = parent
                break
            parent = parent.parent
    article = best if best.name == "article" else best.find_parent("article")
    if article is not None and _text_length(best) >= ARTICLE_SHARE * _text_length(article):
        best = article  # with the article's own header: standfirst, dateline
    while (
        isinstance(best.parent, Tag)
        and best.parent.name not in ("body", "[document]")
        and len([c for c in best.parent.children if isinstance(c, Tag)]) == 1
    ):
        best = best.parent
    return best


def _with_siblings(best: Tag, scores: dict[int, float]) -> list[Tag]:
    """The best element and the siblings that belong to the same article."""
    parent = best.parent
    if not isinstance(parent, Tag):
        return [best]
    threshold = max(10.0, scores.get(id(best), 0) * 0.2)
    chosen = []
    for sibling in parent.children:
        if not isinstance(sibling, Tag):
            continue
        if sibling is best or scores.get(id(sibling), -1) >= threshold:
            chosen.append(sibling)
        elif sibling.name == "p":
            text = " ".join(sibling.get_text(" ").split())
            density = _link_density(sibling)
            if (len(text) > 80 and density < 0.25) or (
                0 < len(text) <= 80 and density == 0 and re.search(r"\.( |$)", text)
            ):
                chosen.append(sibling)
    return chosen


def _block_of(node: NavigableString, stop: Tag) -> tuple[Tag | None, bool]:
    """(nearest block ancestor, whether the text is inside a link)."""
    in_link = False
    parent = node.parent
    while isinstance(parent, Tag) and parent is not stop:
        if parent.name == "a":
            in_link = True
        if parent.name in BLOCK_TAGS:
            return parent, in_link
        parent = parent.parent
    return stop, in_link


def text_lines(root: Tag) -> list[_Line]:
    """The text of an element, one line per block; inline elements join without spaces
    of their own (``<b>Viet</b>nam`` is ``Vietnam``)."""
    lines: list[_Line] = []
    parts: list[str] = []
    link_chars = 0
    current: Tag | None = None

    def flush() -> None:
        nonlocal link_chars
        text = " ".join("".join(parts).split())
        if text:
            lines.append(_Line(text, link_chars))
        parts.clear()
        link_chars = 0

    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name in BLOCK_TAGS:
                flush()
                current = node
            continue
        if type(node) is not NavigableString:  # comments, doctypes, CDATA
            continue
        block, in_link = _block_of(node, root)
        if block is not current:
            flush()
            current = block
        parts.append(str(node))
        if in_link:
            link_chars += len(node.strip())
    flush()
    return lines


def _keep(line: _Line) -> bool:
    """Short lines made mostly of links are menus and tag lists."""
    share = line.link_chars / max(len(line.text), 1)
    return not (share > LINK_LINE_SHARE and len(line.text.split()) <= LINK_LINE_WORDS)


def _extract(soup: BeautifulSoup, strict: bool) -> list[str]:
    _drop_furniture(soup, strict)
    body = soup.body or soup
    best, scores, _ = _best_candidates(body)
    roots = _with_siblings(best, scores) if best is not None else [body]
    lines = [line for root in roots for line in text_lines(root)]
    return [line.text for line in lines if _keep(line)]


def article_lines(html: str, soup: BeautifulSoup | None = None) -> list[str]:
    """The article's text, one paragraph a line. ``soup`` (the parsed ``html``, if the
    caller has it) is changed in place. A page that loses almost all its text to the
    furniture rules is read again with only the sure rules."""
    lines = _extract(soup or BeautifulSoup(html, "html.parser"), strict=True)
    if sum(len(line) for line in lines) < MIN_TEXT_CHARS:
        relaxed = _extract(BeautifulSoup(html, "html.parser"), strict=False)
        if sum(map(len, relaxed)) > sum(map(len, lines)):
            lines = relaxed
    return lines
