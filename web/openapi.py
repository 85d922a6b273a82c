"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

Schemas are JSON Schema 2020-12 (what OpenAPI 3.1 uses), so tests validate real responses
against them with ``jsonschema``. Keep them in step with SPEC.md's JSON shapes.
"""

from __future__ import annotations

import pycountry

from indexer.topics import topic_ids
from search.facets import FACETS
from search.request import MATCHES, MAX_DEPTH, MAX_PER_PAGE, MAX_VALUES, SORTS
from web.app import MAX_UPLOAD_BYTES

DATE = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$"
NULLABLE_STRING = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None, extra: bool = True) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": extra,
    }


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


FACET_VALUE = _obj(
    {
        "value": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean"},
    },
    extra=False,
)

HIT = _obj(
    {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "title_html": {"type": "string", "description": "escaped title, query words in <mark>"},
        "date": {"type": ["string", "null"], "pattern": DATE},
        "countries": {"type": "array", "items": _ref("CountryCode")},
        "topics": STRINGS,
        "language": NULLABLE_STRING,
        "source": NULLABLE_STRING,
        "snippet": {"type": "string", "description": "escaped text, query words in <mark>"},
        "score": {"type": ["number", "null"], "description": "null when sorted by date"},
    }
)

FILTERS = _obj(
    {
        "country": {"type": "array", "items": _ref("CountryCode")},
        "topic": STRINGS,
        "language": STRINGS,
        "from": {"type": ["string", "null"], "format": "date"},
        "to": {"type": ["string", "null"], "format": "date"},
    },
    extra=False,
)

SEARCH_RESULT = _obj(
    {
        "query": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "sort": {"enum": list(SORTS)},
        "filters": _ref("Filters"),
        "hits": {"type": "array", "items": _ref("Hit")},
        "facets": _obj(
            {f: {"type": "array", "items": _ref("FacetValue")} for f in FACETS}, extra=False
        ),
        "suggestion": {"type": ["string", "null"], "description": "did you mean"},
        "took_ms": {"type": "integer", "minimum": 0},
    },
    extra=False,
)

RELATED = _obj(
    {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "date": {"type": ["string", "null"], "pattern": DATE},
        "countries": {"type": "array", "items": _ref("CountryCode")},
    }
)

ARTICLE = _obj(
    {
        "id": {"type": "string", "pattern": r"^[A-Za-z0-9._~-]+$"},
        "path": NULLABLE_STRING,
        "url": NULLABLE_STRING,
        "title": {"type": "string"},
        "title_source": {
            "type": ["string", "null"],
            "description": "first-line, lead, html, front-matter…",
        },
        "date": {"type": ["string", "null"], "pattern": DATE},
        "date_precision": {"enum": ["minute", "day", "month", "year", None]},
        "date_source": NULLABLE_STRING,
        "date_text": NULLABLE_STRING,
        "place": NULLABLE_STRING,
        "source": NULLABLE_STRING,
        "author": NULLABLE_STRING,
        "language": {"type": "string"},
        "countries": {"type": "array", "items": _ref("CountryCode")},
        "country_mentions": {
            "type": "object",
            "propertyNames": _ref("CountryCode"),
            "additionalProperties": {"type": "integer", "minimum": 1},
        },
        "topics": STRINGS,
        "body": {"type": "string"},
        "checksum": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
        "title_html": {"type": "string", "description": "only with ?q="},
        "body_html": {"type": "string", "description": "only with ?q="},
        "related": {"type": "array", "items": _ref("Related")},
    },
    required=["id", "title", "date", "countries", "topics", "language", "body", "related"],
)

ARTICLE_INPUT = {
    "type": "object",
    "description": 'SPEC "Inputs": title and body (or text); the rest optional',
    "properties": {
        "title": {"type": "string"},
        "body": {"type": "string"},
        "text": {"type": "string"},
        "date": {"type": "string"},
        "url": {"type": "string"},
        "source": {"type": "string"},
        "language": {"type": "string"},
        "countries": STRINGS,
        "topics": STRINGS,
        "id": {"type": "string"},
    },
}

SUMMARY = _obj(
    {
        "added": {"type": "integer", "minimum": 0},
        "updated": {"type": "integer", "minimum": 0},
        "unchanged": {"type": "integer", "minimum": 0},
        "removed": {"type": "integer", "minimum": 0},
        "skipped": {
            "type": "array",
            "items": _obj({"path": {"type": "string"}, "reason": {"type": "string"}}),
        },
    }
)

ADDED = _obj(
    {
        "id": {"type": "string", "description": "the (first) new article's id"},
        "ids": STRINGS,
        "path": {"type": "string", "description": "where the upload is kept"},
        "summary": _ref("IndexSummary"),
    }
)

ERROR = _obj(
    {
        "error": _obj(
            {
                "code": {
                    "type": "string",
                    "description": "invalid_parameter, unknown_value, not_found, "
                    "unauthorized, admin_disabled, invalid_body, unsupported_type, "
                    "not_an_article, index_busy, no_sources, request_entity_too_large, "
                    "method_not_allowed",
                },
                "message": {"type": "string"},
            },
            extra=False,
        )
    },
    extra=False,
)

HEALTH = _obj({"status": {"const": "ok"}, "articles": {"type": "integer", "minimum": 0}})


def _param(name: str, description: str, schema: dict, many: bool = False) -> dict:
    if many:
        schema = {"type": "array", "items": schema, "maxItems": MAX_VALUES}
    spec = {"name": name, "in": "query", "description": description, "schema": schema}
    if many:
        spec.update(style="form", explode=True)
    return spec


SEARCH_PARAMETERS = [
    _param("q", "query text (SPEC Matching); empty lists every article", {"type": "string"}),
    _param("country", "ISO 3166-1 alpha-2; repeat for several (OR)", _ref("CountryCode"), True),
    _param("topic", "topic id; repeat for several (OR)", {"enum": topic_ids()}, True),
    _param(
        "language", "ISO 639-1 code or und", {"type": "string", "pattern": "^[A-Za-z]{2,3}$"}, True
    ),
    _param("from", "first day, YYYY-MM-DD", {"type": "string", "format": "date"}),
    _param("to", "last day, YYYY-MM-DD", {"type": "string", "format": "date"}),
    _param("sort", "default: relevance with a query, else date", {"enum": list(SORTS)}),
    _param(
        "match",
        "all: every word required (default); any: one word is enough, ranked by how many and "
        "how rare (for questions and pasted text; English stop words ignored)",
        {"enum": list(MATCHES), "default": "all"},
    ),
    _param(
        "page",
        f"page * per_page at most {MAX_DEPTH}",
        {"type": "integer", "minimum": 1, "maximum": MAX_DEPTH // MAX_PER_PAGE, "default": 1},
    ),
    _param(
        "per_page",
        "hits a page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
    ),
]

ADMIN_ERRORS = {
    "401": _error("missing or wrong token"),
    "403": _error("admin endpoints are off (DIPSEARCH_ADMIN_TOKEN unset)"),
    "409": _error("another indexer holds the index"),
}


def _paths() -> dict:
    return {
        "/api/search": {
            "get": {
                "summary": "Search articles",
                "operationId": "search",
                "parameters": SEARCH_PARAMETERS,
                "responses": {
                    "200": _json(_ref("SearchResult"), "hits, facets, suggestion"),
                    "400": _error("a bad parameter"),
                },
            }
        },
        "/api/articles/{id}": {
            "get": {
                "summary": "One normalized article, with related articles",
                "operationId": "getArticle",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    _param(
                        "q",
                        "mark these query words in title_html and body_html",
                        {"type": "string"},
                    ),
                ],
                "responses": {
                    "200": _json(_ref("Article"), "the article"),
                    "404": _error("no such article"),
                },
            }
        },
        "/api/articles": {
            "post": {
                "summary": "Add articles: normalize and index at once",
                "operationId": "addArticle",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "description": f"at most {MAX_UPLOAD_BYTES} bytes",
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    _ref("ArticleInput"),
                                    {"type": "array", "items": _ref("ArticleInput")},
                                ]
                            }
                        },
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                                "required": ["file"],
                            }
                        },
                    },
                },
                "responses": {
                    "200": _json(_ref("Added"), "the same file was added before: its ids"),
                    "201": _json(_ref("Added"), "indexed"),
                    "400": _error("neither a JSON article nor a file"),
                    **ADMIN_ERRORS,
                    "413": _error(f"body over {MAX_UPLOAD_BYTES} bytes"),
                    "415": _error("file type not accepted"),
                    "422": _error("not an article (empty, binary, undecodable…)"),
                },
            }
        },
        "/api/reindex": {
            "post": {
                "summary": "Reindex the remembered sources (incremental)",
                "operationId": "reindex",
                "security": [{"bearer": []}],
                "responses": {"200": _json(_ref("IndexSummary"), "done"), **ADMIN_ERRORS},
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness and article count",
                "operationId": "health",
                "responses": {"200": _json(_ref("Health"), "up")},
            }
        },
        "/search.atom": {
            "get": {
                "summary": "Atom feed of a search, newest first (for feed readers)",
                "operationId": "feed",
                "parameters": [p for p in SEARCH_PARAMETERS if p["name"] != "sort"],
                "responses": {
                    "200": {
                        "description": "an Atom 1.0 feed",
                        "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                    },
                    "400": _error("a bad parameter"),
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapi",
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
            }
        },
    }


def openapi_document(server_url: str = "") -> dict:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "diplosearch",
            "version": "1",
            "description": "Full-text search over diplomatic and security-cooperation news. "
            'Errors are {"error": {"code", "message"}} with a 4xx status.',
        },
        "servers": [{"url": server_url or "/"}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the value of DIPSEARCH_ADMIN_TOKEN",
                }
            },
            "schemas": {
                "CountryCode": {"enum": sorted(c.alpha_2 for c in pycountry.countries)},
                "FacetValue": FACET_VALUE,
                "Hit": HIT,
                "Filters": FILTERS,
                "SearchResult": SEARCH_RESULT,
                "Related": RELATED,
                "Article": ARTICLE,
                "ArticleInput": ARTICLE_INPUT,
                "IndexSummary": SUMMARY,
                "Added": ADDED,
                "Error": ERROR,
                "Health": HEALTH,
            },
        },
    }
