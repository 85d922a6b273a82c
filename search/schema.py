"""The one schema, shared by the indexer (writing) and the search (reading)."""

from __future__ import annotations

from datetime import datetime

from whoosh import fields

from search import analysis

TITLE_BOOST = 3.0
# Fields a user may name in a query (``title:word``), and what each searches.
USER_FIELDS = ("title", "body")
FACET_FIELDS = ("country", "topic", "year", "language")


def build_schema() -> fields.Schema:
    folded = analysis.folded_analyzer()
    exact = analysis.exact_analyzer()
    return fields.Schema(
        # identity and the reindexing manifest (sortable = a fast column per document)
        id=fields.ID(stored=True, unique=True, sortable=True),
        path=fields.ID(stored=True, sortable=True),
        file_sha=fields.ID(stored=True, sortable=True),
        checksum=fields.ID(stored=True, sortable=True),
        # text: folded+stemmed for matching, exact for ranking exact spellings higher
        title=fields.TEXT(
            analyzer=folded, stored=True, field_boost=TITLE_BOOST, multitoken_query="and"
        ),
        body=fields.TEXT(analyzer=folded, stored=True, multitoken_query="and"),
        title_exact=fields.TEXT(analyzer=exact, field_boost=TITLE_BOOST),
        body_exact=fields.TEXT(analyzer=exact),
        spell=fields.TEXT(analyzer=analysis.spelling_analyzer(), phrase=False),
        sound=fields.TEXT(analyzer=analysis.skeleton_analyzer(), phrase=False),
        # facets and filters
        country=fields.KEYWORD(stored=True, commas=True, scorable=False),
        topic=fields.KEYWORD(stored=True, commas=True, scorable=False),
        language=fields.ID(stored=True),
        source=fields.ID(stored=True),
        year=fields.ID(),
        day=fields.NUMERIC(int, bits=32, sortable=True, stored=False, signed=False),
        # the whole normalized article, for show / GET /api/articles/<id>
        article=fields.STORED(),
    )


def day_number(iso_date: str | None) -> int:
    """YYYYMMDD as an int; 0 for an undated article (sorts last, newest first)."""
    if not iso_date:
        return 0
    value = datetime.fromisoformat(iso_date)
    return value.year * 10000 + value.month * 100 + value.day


def document_for(article: dict, file_sha: str) -> dict:
    """The Whoosh document of a normalized article (a plain dict in, a plain dict out)."""
    text = article["title"] + "\n" + article["body"]
    day = day_number(article.get("date"))
    return {
        "id": article["id"],
        "path": article["path"],
        "file_sha": file_sha,
        "checksum": article["checksum"],
        "title": article["title"],
        "body": article["body"],
        "title_exact": article["title"],
        "body_exact": article["body"],
        "spell": text,
        "sound": text,
        "country": ",".join(article.get("countries") or []),
        "topic": ",".join(article.get("topics") or []),
        "language": article.get("language") or "und",
        "source": article.get("source") or "",
        "year": str(day // 10000) if day else "undated",
        "day": day,
        "article": article,
    }
