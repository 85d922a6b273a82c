"""The fast indexing path gives exactly the postings Whoosh's analyzers give."""

from __future__ import annotations

import random

from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

from indexer.normalize import normalize_file
from search.analysis import index_terms
from search.bulk import Writer
from search.schema import build_schema, document_for
from tests.conftest import SEEDS

TEXTS = [
    "Türkiye and Turkey; Viet Nam, Việt Nam and Vietnam; Hà Nội or Hanoi.",
    "İSTANBUL İstanbul istanbul ISTANBUL Istanbul",
    "Minister Toshpulatov met Tashpulatov and Szijjártó Péter in Budapest.",
    "Vie\u0323\u0302t Nam (decomposed) and Erdog\u0306an",
    "Ⓐbc Ⅻ Ωmega ǅemal _under_score 2024 3rd x86_64 ıi İI",
    "agreements agreement agreed agreeing AGREEMENTS",
    "viet viet nam nam viet nam Viet",
    "Россия и Казахстан; Москва — Астана. ПРЕЗИДЕНТ Путин",
    "",
    "   \n\n  ",
    "word",
]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(11)
    words = [w for text in TEXTS for w in text.split()] + ["\n", "—", "Nam", "Viet"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def test_every_text_field_has_a_fast_path():
    schema = build_schema()
    fast = {name for name, field in schema.items() if index_terms(field)}
    assert fast == {"title", "body", "title_exact", "body_exact", "sound"}


def test_same_postings_as_whoosh():
    schema = build_schema()
    for text in TEXTS + _random_texts(300):
        for name in ("title", "body", "title_exact", "body_exact", "sound"):
            field = schema[name]
            ours = sorted(index_terms(field)(text))
            whoosh = sorted(field.index(text))
            assert ours == whoosh, (name, text)


def _postings(writer_class, documents: list[dict]) -> tuple[list, list]:
    ix = RamStorage().create_index(build_schema())
    writer = writer_class(ix)
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    assert all(type(s.codec()) is W3Codec for s in ix._segments())  # readers need no more
    with ix.reader() as reader:
        postings = list(reader.iter_postings())
        fields = ("title", "body", "title_exact", "body_exact", "sound")
        lengths = [
            [reader.doc_field_length(d, f) for f in fields] for d in range(reader.doc_count())
        ]
        stored = list(reader.all_stored_fields())
    return postings, lengths + stored


def test_same_index_as_whoosh_writer():
    articles = [a for path in sorted(SEEDS.iterdir()) for a in normalize_file(path)]
    documents = [document_for(a.as_dict(), "sha", "1:2") for a in articles]
    for n, text in enumerate(TEXTS):
        documents.append({**documents[0], "id": f"x{n}", "title": text, "body": text * 3})
    assert _postings(Writer, documents) == _postings(SegmentWriter, documents)


def test_segments_of_the_fast_writer_merge_with_whoosh_writers():
    articles = [a for path in sorted(SEEDS.iterdir()) for a in normalize_file(path)]
    documents = [document_for(a.as_dict(), "sha", "1:2") for a in articles]
    ix = RamStorage().create_index(build_schema())
    for n in range(2):
        writer = Writer(ix)
        for document in documents:
            writer.add_document(**{**document, "id": f"{document['id']}-{n}"})
        writer.commit(merge=False)
    writer = ix.writer()
    writer.commit(optimize=True)  # Whoosh's own writer reads both segments back
    merged = RamStorage().create_index(build_schema())
    writer = merged.writer()
    for n in range(2):
        for document in documents:
            writer.add_document(**{**document, "id": f"{document['id']}-{n}"})
    writer.commit()
    with ix.reader() as ours, merged.reader() as theirs:
        assert len(ix._segments()) == 1
        assert list(ours.iter_postings()) == list(theirs.iter_postings())
