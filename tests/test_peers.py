"""The benchmark's peers answer the same questions the same way on a few generated articles.

Expected totals and facet counts are computed here in plain Python from the articles, so
a peer that miscounts (or counts facets non-disjunctively) fails.
"""

from __future__ import annotations

import random
import re

import pytest

from bench.peers import Filters, make_peer, tantivy_available

COUNTRIES = ["VN", "HU", "UZ", "TR", "RU"]
TOPICS = ["terrorism", "cybercrime", "customs", "migration"]
FILLER = "ministers delegation talks agreement signed visit meeting officials week".split()
SUBJECTS = ["security", "treaty", "border", "energy", "trade"]
PEERS = ["diplosearch", "sqlite-fts5"] + (["tantivy"] if tantivy_available() else [])


def generated(n: int, seed: int = 6, start: int = 0) -> list[dict]:
    rng = random.Random(seed)
    articles = []
    for i in range(start, start + n):
        subject = SUBJECTS[i % len(SUBJECTS)]
        words = rng.sample(FILLER, 6) + [subject]
        if i % 3 == 0:
            words += ["security", "cooperation"]  # the phrase, adjacent
        elif i % 3 == 1:
            words += ["cooperation", "on", "security"]  # both words, not as the phrase
        rng.shuffle(words[:7])
        articles.append(
            {
                "id": f"art-{i:03d}",
                "title": f"{subject.capitalize()} talks number {i}",
                "body": " ".join(words) + ".",
                "date": f"202{3 + i % 2}-0{1 + i % 9}-1{i % 10}",
                "countries": sorted(set(rng.sample(COUNTRIES, 1 + i % 2))),
                "topics": [TOPICS[i % len(TOPICS)]],
                "language": "en",
            }
        )
    return articles


ARTICLES = generated(30)


def has(article: dict, *words: str) -> bool:
    found = set(re.findall(r"\w+", (article["title"] + " " + article["body"]).lower()))
    return all(w in found for w in words)


def has_phrase(article: dict, phrase: str) -> bool:
    return phrase in " ".join(re.findall(r"\w+", article["body"].lower()))


def expected_facets(matches: list[dict], filters: Filters) -> dict[str, dict[str, int]]:
    def keep(a: dict, skip: str | None = None, dates: bool = True) -> bool:
        ok = True
        if skip != "country" and filters.countries:
            ok &= bool(set(a["countries"]) & set(filters.countries))
        if skip != "topic" and filters.topics:
            ok &= bool(set(a["topics"]) & set(filters.topics))
        if dates and filters.date_from:
            ok &= a["date"] >= filters.date_from
        return ok

    counts: dict[str, dict[str, int]] = {f: {} for f in ("country", "topic", "year", "language")}
    for a in matches:
        for code in a["countries"] if keep(a, skip="country") else []:
            counts["country"][code] = counts["country"].get(code, 0) + 1
        for topic in a["topics"] if keep(a, skip="topic") else []:
            counts["topic"][topic] = counts["topic"].get(topic, 0) + 1
        if keep(a, dates=False):
            counts["year"][a["date"][:4]] = counts["year"].get(a["date"][:4], 0) + 1
        if keep(a):
            counts["language"]["en"] = counts["language"].get("en", 0) + 1
    return counts


@pytest.fixture(scope="module", params=PEERS)
def peer(request, tmp_path_factory):
    system = make_peer(request.param)
    stats = system.build(iter(ARTICLES), tmp_path_factory.mktemp(request.param) / "ix")
    assert stats.articles == len(ARTICLES)
    assert stats.size_bytes > 0 and stats.seconds > 0
    yield system
    system.close()


def test_a_word_finds_every_article_containing_it_with_marked_snippets(peer):
    result = peer.search("security", k=50)
    expected = {a["id"] for a in ARTICLES if has(a, "security")}
    assert result.total == len(expected)
    assert {h.id for h in result.hits} == expected
    assert all("<mark>" in h.snippet or "<mark>" in h.title_html for h in result.hits)
    assert result.facets == expected_facets([a for a in ARTICLES if has(a, "security")], Filters())


def test_words_are_anded_and_a_phrase_needs_its_words_adjacent(peer):
    both = {a["id"] for a in ARTICLES if has(a, "security", "cooperation")}
    phrase = {a["id"] for a in ARTICLES if has_phrase(a, "security cooperation")}
    assert phrase and phrase < both
    assert {h.id for h in peer.search("security cooperation", k=50).hits} == both
    assert {h.id for h in peer.search('"security cooperation"', k=50).hits} == phrase


def test_filters_narrow_the_hits_and_facets_stay_disjunctive(peer):
    filters = Filters(countries=["VN", "HU"], topics=["terrorism"], date_from="2024-01-01")
    result = peer.search("security", filters=filters, k=50)
    matches = [a for a in ARTICLES if has(a, "security")]
    expected = {
        a["id"]
        for a in matches
        if set(a["countries"]) & {"VN", "HU"}
        and "terrorism" in a["topics"]
        and a["date"] >= "2024-01-01"
    }
    assert {h.id for h in result.hits} == expected
    assert result.total == len(expected)
    assert result.facets == expected_facets(matches, filters)


def test_date_sort_puts_the_newest_first(peer):
    hits = peer.search("security", sort="date", k=5).hits
    newest = sorted((a["date"] for a in ARTICLES if has(a, "security")), reverse=True)[:5]
    assert [h.date[:10] for h in hits] == newest


def test_rank_returns_the_articles_with_any_of_the_words(peer):
    ranked = peer.rank("energy xylophone", depth=100)
    energy = {a["id"] for a in ARTICLES if has(a, "energy")}
    assert set(ranked) == energy
    assert peer.rank("", depth=10) == []


def test_added_articles_are_found(peer):
    more = [
        {
            "id": f"added-{n}",
            "title": f"Airship hangar {n}",
            "body": "A zeppelin was shown to the delegation.",
            "date": "2024-05-0{n}",
            "countries": ["HU"],
            "topics": ["customs"],
            "language": "en",
        }
        for n in (1, 2, 3)
    ]
    stats = peer.add(iter(more))
    assert stats.articles == 3
    assert {h.id for h in peer.search("zeppelin").hits} == {a["id"] for a in more}


def test_diplosearch_reads_files_end_to_end_and_the_peers_get_the_same_articles(tmp_path):
    import shutil

    from bench.peers.diplosearch_peer import DiplosearchPeer, articles_from_files
    from tests.conftest import SEEDS

    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    articles = list(articles_from_files(sorted(folder.iterdir())))
    assert {a["id"] for a in articles} == {p.stem for p in folder.iterdir()}
    system = DiplosearchPeer()
    try:
        stats = system.build_files([folder], tmp_path / "ix")
        assert stats.articles == len(articles)
        browsed = system.search("", sort="date", k=50)
        assert {h.id for h in browsed.hits} == {a["id"] for a in articles}
    finally:
        system.close()
    fts5 = make_peer("sqlite-fts5")
    try:
        fts5.build(articles, tmp_path / "fts5")
        assert fts5.search("", k=50).facets["country"] == browsed.facets["country"]
    finally:
        fts5.close()
