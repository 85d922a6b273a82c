"""The one schema, shared by the indexer (writing) and the search (reading)."""

from __future__ import annotations

from datetime import datetime

from whoosh import fields

from search import analysis

TITLE_BOOST = 3.0
# Fields a user may name in a query (``title:word``), and what each searches.
USER_FIELDS = ("title", "body")
FACET_FIELDS = ("country", "topic", "year", "language")
# A field whose presence marks the current schema; an index without it was written by an
# earlier version and is rebuilt by the next ``index`` run.
SCHEMA_MARK = "schema_v2"


def build_schema() -> fields.Schema:
    folded = analysis.folded_analyzer()
    exact = analysis.exact_analyzer()
    return fields.Schema(
        # identity and the reindexing manifest (sortable = a fast column per document)
        id=fields.ID(stored=True, unique=True, sortable=True),
        path=fields.ID(sortable=True),
        file_sha=fields.ID(sortable=True),
        file_stat=fields.ID(sortable=True),  # "size:mtime_ns": unchanged files skip hashing
        checksum=fields.ID(sortable=True),
        # text: folded+stemmed for matching (character offsets for fast highlights),
        # exact for ranking exact spellings higher, name skeletons for transliterations.
        # The text itself is stored once, in ``article``.
        title=fields.TEXT(
            analyzer=folded, chars=True, field_boost=TITLE_BOOST, multitoken_query="and"
        ),
        body=fields.TEXT(analyzer=folded, chars=True, multitoken_query="and"),
        title_exact=fields.TEXT(analyzer=exact, field_boost=TITLE_BOOST),
        body_exact=fields.TEXT(analyzer=exact),
        sound=fields.TEXT(analyzer=analysis.skeleton_analyzer(), phrase=False),
        # facets and filters
        country=fields.KEYWORD(commas=True, scorable=False),
        topic=fields.KEYWORD(commas=True, scorable=False),
        language=fields.ID(),
        source=fields.ID(),
        year=fields.ID(),
        day=fields.NUMERIC(int, bits=32, sortable=True, stored=False, signed=False),
        # the whole normalized article, for hits, show and GET /api/articles/<id>
        article=fields.STORED(),
        **{SCHEMA_MARK: fields.STORED()},
    )


def is_current(schema: fields.Schema) -> bool:
    return SCHEMA_MARK in schema


def day_number(iso_date: str | None) -> int:
    """YYYYMMDD as an int; 0 for an undated article (sorts last, newest first)."""
    if not iso_date:
        return 0
    value = datetime.fromisoformat(iso_date)
    return value.year * 10000 + value.month * 100 + value.day


def document_for(article: dict, file_sha: str, file_stat: str = "") -> dict:
    """The Whoosh document of a normalized article (a plain dict in, a plain dict out)."""
    day = day_number(article.get("date"))
    return {
        "id": article["id"],
        "path": article["path"],
        "file_sha": file_sha,
        "file_stat": file_stat,
        "checksum": article["checksum"],
        "title": article["title"],
        "body": article["body"],
        "title_exact": article["title"],
        "body_exact": article["body"],
        "sound": article["title"] + "\n" + article["body"],
        "country": ",".join(article.get("countries") or []),
        "topic": ",".join(article.get("topics") or []),
        "language": article.get("language") or "und",
        "source": article.get("source") or "",
        "year": str(day // 10000) if day else "undated",
        "day": day,
        "article": article,
    }


def fit(document: dict, schema: fields.Schema) -> dict:
    """The document with only the fields ``schema`` has (an older index lacks some)."""
    return {k: v for k, v in document.items() if k in schema}
