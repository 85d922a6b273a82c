"""The page of best hits is the true top N by score.

Whoosh 2.7.5's default collector rewrites the matcher tree with ``replace(minquality)``
as its top N fills up, and that rewrite drops documents from an AND of ORs (see
``search/ranking.py``). ``ranking.top_docs`` must agree with scoring every document.
"""

from __future__ import annotations

import random

import pytest

from search import ranking
from search.query import expand_terms, parse_user_query
from search.schema import document_for
from search.store import open_or_create

WORDS = (
    "boundary layer flow heat transfer shock wave pressure supersonic laminar turbulent "
    "wing body drag lift surface plate jet nozzle mach number velocity profile theory "
    "experiment solution equation stream vortex cylinder cone skin friction"
).split()


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    rng = random.Random(1400)
    ix = open_or_create(tmp_path_factory.mktemp("ranking") / "index")
    writer = ix.writer()
    weights = [1 / (n + 1) for n in range(len(WORDS))]
    for n in range(400):
        words = rng.choices(WORDS, weights=weights, k=rng.randint(20, 200))
        title = " ".join(rng.choices(WORDS, k=rng.randint(2, 8)))
        article = {
            "id": f"doc-{n}",
            "path": f"doc-{n}.txt",
            "title": title,
            "body": " ".join(words),
            "checksum": "sha256:x",
        }
        writer.add_document(**document_for(article, "x"))
        if n == 199:  # two segments, as after an incremental run
            writer.commit()
            writer = ix.writer()
    writer.commit(merge=False)
    with ix.searcher() as opened:
        yield opened


def every_score(searcher, q) -> list[tuple[float, int]]:
    scored = []
    for sub, offset in searcher.leaf_searchers():
        m = q.matcher(sub, sub.context())
        while m.is_active():
            scored.append((m.score(), m.id() + offset))
            m.next()
    return sorted(scored, key=lambda p: (-p[0], p[1]))


@pytest.mark.parametrize(
    "text",
    [
        "boundary layer",
        "heat transfer",
        "supersonic flow",
        "shock wave drag",
        "laminar OR turbulent",
        "mach number -cone",
        '"skin friction"',
        "vortex*",
    ],
)
@pytest.mark.parametrize("top_docs", [ranking.top_docs, ranking.whoosh_top_docs])
def test_top_docs_is_the_true_top_ten(searcher, text, top_docs):
    q = expand_terms(parse_user_query(searcher.schema, text), searcher.reader())
    expected = every_score(searcher, q)[:10]
    got = top_docs(searcher, q, 10)
    assert [round(s, 6) for s, _ in got] == [round(s, 6) for s, _ in expected]
    last = round(expected[-1][0], 6)  # documents tied with the tenth may be either
    assert {d for s, d in got if round(s, 6) > last} == {
        d for s, d in expected if round(s, 6) > last
    }


@pytest.mark.parametrize("top_docs", [ranking.top_docs, ranking.whoosh_top_docs])
def test_top_docs_keeps_to_the_allowed_documents(searcher, top_docs):
    q = parse_user_query(searcher.schema, "boundary layer")
    allowed = set(range(0, 400, 3))
    expected = [p for p in every_score(searcher, q) if p[1] in allowed][:10]
    got = top_docs(searcher, q, 10, allow=allowed)
    assert [round(s, 6) for s, _ in got] == [round(s, 6) for s, _ in expected]
