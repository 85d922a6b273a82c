"""Did-you-mean: respell the words of a query the index does not know."""

from __future__ import annotations

import re

from indexer.gazetteer import fold
from search.query import rewrite_equivalents

MIN_WORD = 4
_WORD = re.compile(rf"(?<![\w:])([^\W\d_]{{{MIN_WORD},}})(?![\w:*~])")
_OPERATORS = {"AND", "OR", "NOT"}


def suggestion(searcher, text: str) -> str | None:
    """``erdogn`` -> ``erdogan``: the query with unknown words replaced, or None."""
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    changed = False

    def respell(match: re.Match) -> str:
        nonlocal changed
        word = match.group(1)
        if word in _OPERATORS:
            return word
        folded = fold(word)
        if ("spell", folded) in reader:
            return word
        found = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
        if not found:
            return word
        changed = True
        return found[0]

    corrected = _WORD.sub(respell, rewrite_equivalents(text[:200]))
    return corrected if changed else None
