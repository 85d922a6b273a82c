"""Indexes for the web tests: the seeds plus an article whose text holds a script tag."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer.pipeline import index_paths
from tests.conftest import SEEDS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCRIPT_ARTICLE = FIXTURES / "script_article.txt"
SCRIPT = "<script>alert(1)</script>"


def build_index(base: Path) -> Path:
    """Copy seeds/ and the script article under ``base`` and index them; return the index."""
    sources = base / "articles"
    shutil.copytree(SEEDS, sources)
    shutil.copy(SCRIPT_ARTICLE, sources / SCRIPT_ARTICLE.name)
    index = base / "index"
    summary = index_paths(index, [sources], progress=False)
    assert summary.added == 6, summary.text()
    return index
