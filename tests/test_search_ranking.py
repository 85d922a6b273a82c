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


# --- the product's weighting: BM25 idf, title and body as one field ---------------------


@pytest.fixture(scope="module")
def product_searcher(searcher):
    from whoosh.searching import Searcher

    from search.scoring import Bm25

    return Searcher(searcher.reader(), weighting=Bm25(), closereader=False)


def _reference_scores(searcher, groups) -> dict[int, float]:
    """``search.scoring.Bm25`` worked out by hand, document by document, from the reader's
    postings and lengths: each word's title and body counts, each divided by its length
    normalisation, summed and saturated once (the body's boost); the title (and any other
    unpaired term) also scores on its own at its boost."""
    import math

    from search.scoring import Bm25

    model = Bm25()
    reader = searcher.reader()
    schema = searcher.schema
    k1, b = model.K1, model.B
    n_docs = reader.doc_count()

    def postings(fieldname, text) -> dict[int, float]:
        if (fieldname, text) not in reader:
            return {}
        boost = schema[fieldname].format.field_boost or 1.0
        m = reader.postings(fieldname, text)
        found = {}
        while m.is_active():
            found[m.id()] = m.weight() / boost
            m.next()
        return found

    def norm(fieldname, docnum) -> float:
        length = reader.doc_field_length(docnum, fieldname, 1) or 1
        return (1 - b) + b * length / (searcher.avg_field_length(fieldname) or 1)

    def idf(having) -> float:
        return math.log(1 + (n_docs - len(having) + 0.5) / (len(having) + 0.5))

    scores: dict[int, float] = {}

    def add(d, value):
        scores[d] = scores.get(d, 0.0) + value

    for group in groups:
        terms = {t.fieldname: t for t in group.subqueries}
        for title_field, body_field in model.pairs.items():
            title, body = terms[title_field], terms.pop(body_field)
            in_title, in_body = postings(title_field, title.text), postings(body_field, body.text)
            weight = idf(set(in_title) | set(in_body))
            for d in set(in_title) | set(in_body):
                x = in_title.get(d, 0) / norm(title_field, d) + in_body.get(d, 0) / norm(
                    body_field, d
                )
                add(d, body.boost * weight * (k1 + 1) * x / (x + k1))
        for term in terms.values():  # on their own: the title bonus, the name tier
            found = postings(term.fieldname, term.text)
            for d, t in found.items():
                add(d, term.boost * idf(found) * (k1 + 1) * t / (t + k1 * norm(term.fieldname, d)))
    return scores


@pytest.mark.parametrize(
    "text", ["boundary layer", "heat transfer heat", "shock wave drag of the wing", "jet"]
)
def test_the_product_weighting_matches_a_reference(product_searcher, text):
    from whoosh import query

    from search.analysis import skeleton
    from search.query import parse_user_query

    q = parse_user_query(product_searcher.schema, text, any_word=True)
    # the reference reads one group per word: rebuild them from the flat OR (a word's
    # title/body terms share the folded text; its exact terms are the word itself, its
    # name-tier term the word's skeleton)
    words = {}
    for term in q.subqueries:
        words.setdefault((term.fieldname.endswith("_exact"), term.fieldname == "sound"), []).append(
            term
        )
    folded = words[(False, False)]
    groups = []
    for word in dict.fromkeys(t.text for t in words[(True, False)]):
        stem = _fold_stem(product_searcher, word)
        mine = [t for t in folded if t.text == stem]
        mine += [t for t in words[(True, False)] if t.text == word]
        mine += [t for t in words.get((False, True), []) if t.text == skeleton(word)]
        groups.append(query.Or(mine))
    assert sum(len(g.subqueries) for g in groups) == len(q.subqueries)
    expected = _reference_scores(product_searcher, groups)
    got = ranking.top_docs(product_searcher, q, 400)
    assert len(got) == len(expected) > 0
    assert {d: round(s, 6) for s, d in got} == {d: round(s, 6) for d, s in expected.items()}


def _fold_stem(searcher, word: str) -> str:
    return next(t.text for t in searcher.schema["body"].analyzer(word, mode="query"))


def test_a_title_match_ranks_above_the_same_match_in_the_body(tmp_path):
    from whoosh.searching import Searcher

    from search.query import parse_user_query
    from search.scoring import Bm25

    ix = open_or_create(tmp_path / "index")
    filler = "council ministers met in the capital to discuss trade and transport links"
    with ix.writer() as writer:
        for n, (title, body) in enumerate(
            [
                ("Extradition treaty signed", filler),
                ("Trade talks", "The extradition treaty was signed. " + filler[:-13]),
                *[(f"Other news {k}", filler) for k in range(8)],
            ]
        ):
            article = {"id": f"a{n}", "path": f"a{n}.txt", "title": title, "body": body}
            writer.add_document(**document_for({**article, "checksum": "x"}, "x"))
    with Searcher(ix.reader(), weighting=Bm25()) as s:
        for mode in (False, True):
            q = parse_user_query(s.schema, "extradition treaty", any_word=mode)
            best = ranking.top_docs(s, q, 2)
            assert [s.stored_fields(d)["article"]["id"] for _, d in best] == ["a0", "a1"]
