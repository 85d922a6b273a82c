"""Highlights: every character of the article escaped, only <mark> added."""

from __future__ import annotations

import html

from whoosh import highlight

SNIPPET_CHARS = 200
FRAGMENTS = 3
SEPARATOR = " … "


class MarkFormatter(highlight.Formatter):
    """Escapes all text (quotes too) and wraps matches in <mark>."""

    between = SEPARATOR

    def _text(self, text: str) -> str:
        return html.escape(text, quote=True)

    def format_token(self, text, token, replace=False):
        return (
            "<mark>" + html.escape(highlight.get_text(text, token, replace), quote=True) + "</mark>"
        )


def snippet_highlighter() -> highlight.Highlighter:
    fragmenter = highlight.ContextFragmenter(
        maxchars=SNIPPET_CHARS // FRAGMENTS + 20, surround=30, charlimit=None
    )
    return highlight.Highlighter(
        fragmenter=fragmenter, formatter=MarkFormatter(), order=highlight.FIRST
    )


def whole_highlighter() -> highlight.Highlighter:
    return highlight.Highlighter(
        fragmenter=highlight.WholeFragmenter(charlimit=None), formatter=MarkFormatter()
    )


def lead_snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The text's beginning, cut at a word, escaped: the snippet when nothing matched."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return html.escape(text, quote=True)
    return html.escape(text[:limit].rsplit(" ", 1)[0], quote=True) + " …"


def mark_text(text: str, words: set[str], analyzer) -> str:
    """The whole text escaped with every token whose analysed form is in ``words`` marked."""
    if not words:
        return html.escape(text, quote=True)
    marked = highlight.highlight(
        text,
        frozenset(words),
        analyzer,
        highlight.WholeFragmenter(charlimit=None),
        MarkFormatter(),
        top=1,
        minscore=1,
    )
    return marked or html.escape(text, quote=True)
