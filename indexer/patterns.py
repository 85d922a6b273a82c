"""Word lists compiled into one trie-shaped regular expression.

An alternation of thousands of words makes Python's ``re`` try each word at each
position; branching letter by letter instead costs one step per letter. ``*`` in a
word stands for any word characters (``drug traffick*``, ``правов* помощ*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str], space: str = r"\s+") -> str:
    """A pattern matching any of the words, longer words first where they share a start."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branch(trie, space)


def _branch(node: dict, space: str) -> str:
    branches = []
    for ch in sorted(k for k in node if k not in ("", "*")):
        step = space if ch == " " else re.escape(ch)
        branches.append(step + _branch(node[ch], space))
    if "*" in node:
        branches.append(r"\w*" + _branch(node["*"], space))
    if "" in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
