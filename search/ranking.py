"""Which documents fill a page: the best scored, or the newest.

Whoosh's default collector calls ``Matcher.replace(minquality)`` as its top-N fills up,
and on 2.7.5 that rewrite is wrong for an AND of ORs (every multi-word query here): a
search for ``boundary layer`` over 300 Cranfield abstracts returned 19 documents out of
106 and missed the best one. ``top_docs`` therefore collects with ``replace=0`` (block
quality skipping stays on: ``tests/test_search_ranking.py`` checks it against scoring
every document).
"""

from __future__ import annotations

from whoosh import collectors

from search.facets import Columns, docnums

USE_BLOCK_QUALITY = True


def top_docs(searcher, q, limit: int, allow: set[int] | None = None) -> list[tuple[float, int]]:
    """(score, docnum) of the ``limit`` best documents, best first; only ``allow`` if given."""
    collector = collectors.TopCollector(limit=limit, usequality=USE_BLOCK_QUALITY, replace=0)
    if allow is not None:
        collector = collectors.FilterCollector(collector, allow=allow)
    searcher.search_with_collector(q, collector)
    return list(collector.results().top_n)


def newest(columns: Columns, matched: int, first: int, count: int) -> list[int]:
    """Docnums ``first`` .. ``first + count`` of ``matched``, newest first, undated last.

    Within a day the document indexed last comes first.
    """
    out: list[int] = []
    skip = first
    undated = matched & ~columns.dated
    buckets = [bits for _, bits in reversed(columns.days)] + [undated]
    for bits in buckets:
        here = bits & matched
        if not here:
            continue
        n = here.bit_count()
        if skip >= n:
            skip -= n
            continue
        ids = docnums(here, reverse=True)
        out += ids[skip : skip + count - len(out)]
        skip = 0
        if len(out) >= count:
            break
    return out
