"""Highlights: every character of the article escaped, only ``<mark>`` added.

Where a word matched is read from the index, not from re-tokenising the text: the
``title`` and ``body`` fields store each word's character offsets (``chars=True``), so a
hit costs one posting lookup per query word (STYLE.md: 20 hits in 3.5 ms instead of 42).
Marked are the words the query looks for, as analysed, so stemmed and folded forms match
(``agreements`` marks "agreement", ``erdogan`` marks "Erdoğan"); words under NOT are not.

A snippet is up to three passages of the body, about 200 characters in all, joined with
`` … ``: the passages with the most different query words, each widened to whole words
and, when a sentence starts shortly before, to that sentence start, so it reads naturally.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from whoosh import query
from whoosh.reading import TermNotFound

from search import postings
from search.analysis import folded_word, stemmed_word
from search.facets import to_bits

SNIPPET_CHARS = 200
FRAGMENTS = 3
SEPARATOR = " … "
ELLIPSIS = "…"
CLUSTER_GAP = 40  # matches closer than this share a passage
SENTENCE_REACH = 120  # move a passage start back to a sentence start this close
_SPACE = re.compile(r"\s+")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;]\s+|\n\s*)(?=\S)")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")
_WORD_CHAR = re.compile(r"\w")

Span = tuple[int, int]


# --- which words, where -----------------------------------------------------------------


def positive_terms(q: query.Query, reader, fieldname: str) -> set[bytes]:
    """The terms of ``fieldname`` that ``q`` looks for, outside NOT, expanded."""
    found: set[bytes] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if node.is_leaf() or isinstance(node, query.Phrase):
            try:
                terms = node.existing_terms(reader, phrases=True, expand=True)
            except Exception:  # an odd leaf marks nothing rather than failing the search
                return
            found.update(t for f, t in terms if f == fieldname)
            return
        for child in node.children():
            walk(child)

    walk(q)
    return found


def spans_by_doc(reader, fieldname: str, terms: Iterable[bytes], docs: list[int]) -> dict:
    """docnum -> sorted (start, end) character spans of ``terms`` in ``fieldname``.

    Only the postings blocks that hold one of ``docs`` are read (``search.postings``),
    and only those documents' offsets are decoded."""
    spans: dict[int, list[Span]] = {d: [] for d in docs}
    fmt = reader.schema[fieldname].format
    if not fmt.supports("characters"):
        return {}
    if not docs:
        return spans
    size = max(docs) + 1
    wanted = to_bits(docs, size).to_bytes(size // 8 + 1, "little")
    for btext in terms:
        try:
            blocks = postings.values(reader, fieldname, btext, wanted)
            for offset, ids, values in blocks:
                for i, docnum in enumerate(ids):
                    d = docnum + offset
                    if d < size and wanted[d >> 3] >> (d & 7) & 1:
                        spans[d] += [(a, e) for _, a, e in fmt.decode_characters(values[i])]
        except TermNotFound:
            continue
    return {d: _merged(s) for d, s in spans.items()}


def spans_from_text(text: str, terms: set[str], analyzer) -> list[Span]:
    """Spans found by analysing ``text`` (for an index without character offsets)."""
    if not terms:
        return []
    tokens = analyzer(text, chars=True, mode="index", removestops=False)
    return _merged([(t.startchar, t.endchar) for t in tokens if t.text in terms])


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


class Marker:
    """Where to mark the query's words in the title and body of some hits.

    From the stored offsets when the index has them; by analysing the text for an index
    written before it did; and for a hit found only as a transliteration (the name
    skeleton tier), the words whose skeleton the query looks for.
    """

    FIELDS = ("title", "body")

    def __init__(self, searcher, q: query.Query, docs: list[int]):
        reader, schema = searcher.reader(), searcher.schema
        self.offsets: dict[str, dict[int, list[Span]]] = {}
        self.analysed: dict[str, tuple[set[str], object]] = {}
        for fieldname in self.FIELDS:
            terms = positive_terms(q, reader, fieldname)
            if not terms:
                continue
            if schema[fieldname].format.supports("characters"):
                self.offsets[fieldname] = spans_by_doc(reader, fieldname, terms, docs)
            else:
                words = {t.decode("utf-8") for t in terms}
                self.analysed[fieldname] = (words, schema[fieldname].analyzer)
        self.sound = None
        if "sound" in schema:
            skeletons = positive_terms(q, reader, "sound")
            if skeletons:
                words = {t.decode("utf-8") for t in skeletons}
                self.sound = (words, schema["sound"].analyzer)

    def _spans(self, fieldname: str, docnum: int, text: str) -> list[Span]:
        if fieldname in self.offsets:
            return self.offsets[fieldname].get(docnum, [])
        if fieldname in self.analysed:
            return spans_from_text(text, *self.analysed[fieldname])
        return []

    def spans(self, docnum: int, title: str, body: str) -> tuple[list[Span], list[Span]]:
        """(title spans, body spans) of one hit."""
        title_spans = self._spans("title", docnum, title)
        body_spans = self._spans("body", docnum, body)
        if self.sound and not (title_spans or body_spans):
            title_spans = spans_from_text(title, *self.sound)
            body_spans = spans_from_text(body, *self.sound)
        return title_spans, body_spans


# --- rendering ----------------------------------------------------------------------------


def mark(
    text: str, spans: list[Span], start: int = 0, end: int | None = None, collapse: bool = True
) -> str:
    """``text[start:end]`` escaped with ``spans`` in <mark> (and, with ``collapse``, each
    run of whitespace as one space)."""

    def escape(piece: str) -> str:
        return html.escape(_SPACE.sub(" ", piece) if collapse else piece, quote=True)

    end = len(text) if end is None else end
    out, at = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start, at), min(e, end)
        out.append(escape(text[at:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        at = e
    out.append(escape(text[at:end]))
    return "".join(out)


def lead_snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The text's beginning, cut at a word, escaped: the snippet when nothing matched."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return html.escape(flat, quote=True)
    return html.escape(flat[:limit].rsplit(" ", 1)[0], quote=True) + " " + ELLIPSIS


def _clusters(spans: list[Span], text: str) -> list[list[Span]]:
    groups: list[list[Span]] = []
    for span in spans:
        if groups and span[0] - groups[-1][-1][1] <= CLUSTER_GAP:
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def _best(groups: list[list[Span]], text: str) -> list[list[Span]]:
    """Up to FRAGMENTS groups, in text order: the one with the most different words, then
    those adding a word not yet shown, then (for a second passage) the next best."""

    def words(group: list[Span]) -> set[str]:
        return {stemmed_word(folded_word(text[s:e])) for s, e in group}

    ranked = sorted(range(len(groups)), key=lambda i: (-len(words(groups[i])), i))
    chosen = ranked[:1]
    covered = words(groups[ranked[0]])
    for i in sorted(ranked[1:]):
        if len(chosen) < FRAGMENTS and not words(groups[i]) <= covered:
            chosen.append(i)
            covered |= words(groups[i])
    if len(chosen) < 2 and len(ranked) > 1:
        chosen.append(ranked[1])
    return [groups[i] for i in sorted(chosen)]


def _word_start(text: str, at: int) -> int:
    """Move ``at`` back to the start of the word it is in."""
    while at > 0 and _WORD_CHAR.match(text[at - 1]):
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    while at < len(text) and _WORD_CHAR.match(text[at]):
        at += 1
    return at


def _window(text: str, group: list[Span], budget: int) -> Span:
    """A passage around ``group`` of about ``budget`` characters, on word boundaries."""
    first, last = group[0][0], group[-1][1]
    spare = max(budget - (last - first), 0)
    start = max(0, first - spare // 3)
    # a sentence that starts shortly before the first match: begin there
    starts = [
        m.end() for m in _SENTENCE_START.finditer(text, max(0, first - SENTENCE_REACH), first + 1)
    ]
    if starts and first - starts[-1] <= spare:
        start = starts[-1]
    start = _word_start(text, start)
    end = min(len(text), max(last, start + budget))
    # end where a sentence ends after the last match, if one does in the window
    stops = [m.end() for m in _SENTENCE_END.finditer(text, last, end)]
    if stops:
        return start, stops[-1]
    return start, _word_end(text, end) if last < end < len(text) else end


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?…:;\n" or text[start - 1] == "\n"


def snippet(text: str, spans: list[Span]) -> str:
    """Up to three marked passages of ``text``, ~200 characters, joined with `` … ``."""
    if not spans:
        return lead_snippet(text)
    groups = _best(_clusters(spans, text), text)
    budget = max(SNIPPET_CHARS // len(groups), 60)
    windows: list[Span] = []
    for group in groups:
        start, end = _window(text, group, budget)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    parts = []
    for start, end in windows:
        piece = mark(text, spans, start, end).strip()
        if start > 0 and not _starts_sentence(text, start):
            piece = ELLIPSIS + " " + piece
        parts.append(piece)
    out = SEPARATOR.join(p.removeprefix(ELLIPSIS + " ") if i else p for i, p in enumerate(parts))
    if windows[-1][1] < len(text.rstrip()):
        out += " " + ELLIPSIS
    return out
