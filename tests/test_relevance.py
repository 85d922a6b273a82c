"""The relevance evaluator: its measures, its readers of Cranfield and CISI, and one small
end-to-end run (skipped without ../shared/corpora)."""

from __future__ import annotations

import math

import pytest

from bench.relevance import (
    Collection,
    average_precision,
    load,
    ndcg_at,
    precision_at,
    score_rankings,
    smart_records,
    unwrap,
)
from tests.conftest import CORPORA

_absent = pytest.mark.skipif(
    not (CORPORA / "cran").is_dir() or not (CORPORA / "cisi").is_dir(),
    reason="needs ../shared/corpora (cran/ and cisi/)",
)


def needs_corpora(test):
    return pytest.mark.corpora(_absent(test))


@pytest.mark.parametrize(
    ("ranked", "relevant", "expected"),
    [
        (["a", "b", "c"], {"a": 1}, 1.0),
        (["x", "a"], {"a": 1}, 0.5),
        (["a", "x", "b"], {"a": 1, "b": 1}, (1 / 1 + 2 / 3) / 2),
        (["a"], {"a": 1, "b": 1}, 0.5),  # a relevant document never retrieved counts as 0
        (["x", "y"], {"a": 1}, 0.0),
        (["a"], {"a": 0}, 0.0),  # judged not relevant: no relevant document at all
    ],
)
def test_average_precision_of_hand_computed_rankings(ranked, relevant, expected):
    assert average_precision(ranked, relevant) == pytest.approx(expected)


def test_precision_at_ten_counts_relevant_documents_in_the_first_ten():
    ranked = [str(n) for n in range(20)]
    assert precision_at(ranked, {"0": 1, "9": 2, "10": 1}) == pytest.approx(0.2)
    assert precision_at(["0"], {"0": 1}) == pytest.approx(0.1)


def test_ndcg_is_one_for_the_ideal_order_and_uses_graded_gains():
    gains = {"a": 4, "b": 1}
    assert ndcg_at(["a", "b"], gains) == pytest.approx(1.0)
    swapped = (1 + 4 / math.log2(3)) / (4 + 1 / math.log2(3))
    assert ndcg_at(["b", "a"], gains) == pytest.approx(swapped)
    assert ndcg_at(["x"], gains) == 0.0


def test_smart_records_split_fields_and_unwrap_keeps_indented_paragraphs():
    text = (
        ".I 7\n.T\nA title\n.W\nfirst line\nwrapped\n  second paragraph\n.X\n1 2 3\n.I 9\n.W\nq\n"
    )
    records = list(smart_records(text))
    assert [r[0] for r in records] == ["7", "9"]
    assert records[0][1]["T"] == "A title\n"
    assert unwrap(records[0][1]["W"]) == ["first line wrapped", "second paragraph"]


def test_scores_are_means_over_judged_queries_only():
    collection = Collection(
        "tiny",
        docs=[],
        queries={"1": "one", "2": "two", "3": "unjudged"},
        qrels={"1": {"a": 1}, "2": {"b": 1}, "3": {"c": 0}},
    )
    answers = {"one": ["a"], "two": ["x", "b"], "unjudged": ["c"]}
    found_map, _, p10, judged, _ = score_rankings(collection, lambda q: answers[q])
    assert judged == 2
    assert found_map == pytest.approx((1.0 + 0.5) / 2)
    assert p10 == pytest.approx(0.1)


@needs_corpora
def test_cranfield_numbers_queries_in_order_despite_gaps_in_their_ids():
    cran = load("cranfield", CORPORA)
    assert len(cran.docs) == 1400 and len(cran.queries) == 225
    assert len(cran.judged()) == 225
    assert cran.queries["1"].startswith("what similarity laws must be obeyed")
    # the third query is ".I 004" in cran.qry; cranqrel calls it 3
    assert cran.queries["3"].startswith("what problems of heat conduction in composite slabs")
    assert cran.qrels["1"]["184"] == 3  # grade 2 -> gain 3
    assert cran.qrels["1"]["486"] == 0  # -1: judged not relevant
    first = cran.docs[0]
    assert first["title"].startswith("experimental investigation of the aerodynamics")
    assert first["body"].startswith("an experimental study of a wing")  # title repeat dropped


@needs_corpora
def test_cisi_has_112_queries_of_which_76_are_judged():
    cisi = load("cisi", CORPORA)
    assert len(cisi.docs) == 1460 and len(cisi.queries) == 112
    assert len(cisi.judged()) == 76
    assert cisi.docs[0]["title"] == "18 Editions of the Dewey Decimal Classifications"
    assert ".X" not in cisi.docs[0]["body"] and "1004" not in cisi.docs[0]["body"]


@pytest.fixture(scope="module")
def small_cranfield() -> Collection:
    """The first 300 Cranfield documents and the queries with a relevant one among them."""
    cran = load("cranfield", CORPORA)
    docs = [d for d in cran.docs if int(d["id"]) <= 300]
    kept = {d["id"] for d in docs}
    qrels = {q: {d: g for d, g in j.items() if d in kept} for q, j in cran.qrels.items()}
    return Collection("cranfield-300", docs, cran.queries, qrels)


@needs_corpora
@pytest.mark.parametrize("system", ["diplosearch", "sqlite-fts5"])
def test_each_system_ranks_far_better_than_chance(small_cranfield, system, tmp_path):
    from bench.peers import make_peer
    from bench.relevance import evaluate

    peer = make_peer(system)
    try:
        scores = evaluate(peer, system, small_cranfield, tmp_path / system)
    finally:
        peer.close()
    assert scores.queries >= 30
    assert scores.map > 0.25  # chance is about 0.02 here


@needs_corpora
def test_the_shipped_ranking_is_what_the_engine_returns(small_cranfield, tmp_path):
    """The relevance figures of "diplosearch, match=any" are the engine's own answers."""
    from bench.peers.diplosearch_peer import DiplosearchPeer
    from bench.peers.diplosearch_ranking import SHIPPED_ANY
    from search.request import SearchRequest

    peer = DiplosearchPeer(SHIPPED_ANY)
    try:
        peer.build(small_cranfield.docs, tmp_path / "ix")
        for q in ("boundary layer", "what is the heat transfer of a supersonic flow"):
            found = peer.engine.search(SearchRequest(q=q, match="any"))["hits"]
            engine_ids = [peer.ids[h["id"]] for h in found]
            assert len(engine_ids) == 10 and peer.rank(q, depth=10) == engine_ids
    finally:
        peer.close()


def _exact_words(q) -> set[str]:
    return {text for fieldname, text in q.iter_all_terms() if fieldname == "title_exact"}


def test_natural_language_mode_keeps_every_word_of_a_long_question():
    from bench.peers.diplosearch_ranking import Ranking, build_query
    from search.query import parse_user_query
    from search.schema import build_schema

    schema = build_schema()
    question = " ".join(f"word{n}x" for n in range(50))
    assert len(_exact_words(parse_user_query(schema, question))) < 50  # the product's cut
    assert len(_exact_words(build_query(schema, question, Ranking()))) == 50


def test_stop_words_go_and_a_repeated_word_weighs_more():
    from bench.peers.diplosearch_ranking import Ranking, build_query
    from search.schema import build_schema

    q = build_query(
        build_schema(),
        "What is the security of the border? Security!",
        Ranking(stop_words=True, query_tf=True),
    )
    assert _exact_words(q) == {"what", "security", "border"}
    boosts = {t.text: t.boost for t in q.leaves() if getattr(t, "fieldname", "") == "body"}
    assert boosts["secur"] == pytest.approx(2 * boosts["border"])
