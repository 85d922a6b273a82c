"""Which documents fill a page: the best scored, or the newest.

The best are scored term at a time (``search.scoring``), with Whoosh's BM25F numbers.
Whoosh's own collector is kept for other weightings, and never with its defaults: it
calls ``Matcher.replace(minquality)`` as its top N fills up, and on 2.7.5 that rewrite
is wrong for an AND of ORs (every multi-word query here): ``boundary layer`` over 300
Cranfield abstracts returned 19 documents of 106 and missed the best one. So it runs
with ``replace=0`` (``tests/test_search_ranking.py`` checks both against scoring every
document one by one).
"""

from __future__ import annotations

from whoosh import collectors

from search import postings, scoring
from search.docsets import DocSets
from search.facets import Columns, docnums, to_bits

USE_BLOCK_QUALITY = True


def top_docs(
    searcher,
    q,
    limit: int,
    allow: set[int] | None = None,
    *,
    within: int | None = None,
    docsets: DocSets | None = None,
    lengths: scoring.FieldLengths | None = None,
    tables: postings.Tables | None = None,
) -> list[tuple[float, int]]:
    """(score, docnum) of the ``limit`` best documents, best first, ties by docnum; only
    those in ``allow`` (a set) and ``within`` (a bitset) when given."""
    if not scoring.supported(searcher):
        if within is not None:
            allow = set(docnums(within)) & allow if allow is not None else set(docnums(within))
        return whoosh_top_docs(searcher, q, limit, allow)
    reader = searcher.reader()
    if docsets is None:
        docsets = DocSets(searcher, to_bits(reader.all_doc_ids(), reader.doc_count_all()))
    matched = docsets.of(q)
    if within is not None:
        matched &= within
    if allow is not None:
        matched &= to_bits(allow, docsets.size)
    scorer = scoring.Scorer(searcher, docsets, lengths or scoring.FieldLengths(), tables)
    return scorer.top(q, matched, limit)


def whoosh_top_docs(searcher, q, limit: int, allow: set[int] | None = None) -> list:
    """The same through Whoosh's collector (any weighting), with ``replace`` off."""
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
