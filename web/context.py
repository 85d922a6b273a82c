"""One search context for both renderings (STYLE 7): the page adds URLs to the API's JSON.

``run_search`` builds the result that ``/api/search``, the search page and the Atom feed
all render; ``page_context`` adds a link for every action the page offers (toggle a facet
value, clear a facet, page, sort, follow the suggestion), so every state lives in the URL.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlencode

from flask import abort
from werkzeug.datastructures import MultiDict

from search.request import MATCHES, BadRequest, SearchRequest, parse_request
from web.app import engine
from web.histogram import year_histogram

MAX_QUERY_CHARS = 1000
FACET_SHOWN = 8  # values shown before "more"; the rest sit in a <details>
FILTER_FACETS = ("country", "topic", "language")
FACET_TITLES = {"country": "Country", "topic": "Topic", "language": "Language", "year": "Year"}
PER_PAGE_CHOICES = (10, 25, 50, 100)
_WORD = re.compile(r"[^\W_]+")


def parse_args(args: MultiDict) -> SearchRequest:
    """The checked request of a query string, or BadRequest (a 400 for the client)."""
    params = args.to_dict(flat=False)
    if len(params.get("q", [""])[-1]) > MAX_QUERY_CHARS:
        raise BadRequest("invalid_parameter", f"'q' must be at most {MAX_QUERY_CHARS} characters")
    return parse_request(params)


def run_search(args: MultiDict, **overrides) -> tuple[SearchRequest, dict]:
    """Parse, search, and return the request with the SPEC JSON of the result."""
    req = parse_args(args)
    if overrides:
        req = replace(req, **overrides)
    return req, engine().search(req)


def find_article(article_id: str, args: MultiDict) -> tuple[dict, str]:
    """(article with ``q``'s words marked, q) for both renderings; 404 when unknown."""
    q = args.get("q", "")[:MAX_QUERY_CHARS]
    article = engine().article(article_id, q=q or None)
    if article is None:
        abort(404, description=f"no article with id {article_id[:80]!r}")
    return article, q


def request_params(req: SearchRequest) -> list[tuple[str, str]]:
    """The request as URL parameters, without defaults (page 1, 10 a page, default sort)."""
    pairs = [("q", req.q)] if req.q else []
    pairs += [(facet, v) for facet in FILTER_FACETS for v in getattr(req, facet)]
    if req.date_from:
        pairs.append(("from", req.date_from.isoformat()))
    if req.date_to:
        pairs.append(("to", req.date_to.isoformat()))
    if req.sort != default_sort(req.q):
        pairs.append(("sort", req.sort))
    if req.match != "all":
        pairs.append(("match", req.match))
    if req.per_page != 10:
        pairs.append(("per_page", str(req.per_page)))
    return pairs


def default_sort(q: str) -> str:
    return "relevance" if q.strip() else "date"


def url_with(base: str, pairs: list[tuple[str, str]], **changes) -> str:
    """``base?…`` with some parameters replaced (None removes); the page resets unless given."""
    kept = [(k, v) for k, v in pairs if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        kept += [(key, str(v)) for v in values]
    return base + ("?" + urlencode(kept) if kept else "")


def toggle_url(base: str, pairs: list[tuple[str, str]], facet: str, value: str) -> str:
    """The URL with ``value`` added to ``facet``'s selection, or removed if it was there."""
    current = [v for k, v in pairs if k == facet]
    values = [v for v in current if v != value] if value in current else current + [value]
    return url_with(base, pairs, **{facet: values or None})


def page_context(result: dict, req: SearchRequest, base: str = "/search") -> dict:
    """The template's view of a search result: the JSON plus links for every action."""
    pairs = request_params(req)
    has_filters = any(k in (*FILTER_FACETS, "from", "to") for k, _ in pairs)
    return {
        "result": result,
        "req": req,
        "facets": _facet_blocks(result, pairs, base),
        "histogram": year_histogram(result["facets"].get("year", []), req, pairs, base),
        "active": _active_filters(result, req, pairs, base),
        "nav": _pager(result["total"], req, pairs, base),
        "clear_all": url_with(base, [(k, v) for k, v in pairs if k == "q"])
        if has_filters
        else None,
        "has_filters": has_filters,
        "suggestion_url": url_with(base, pairs, q=result["suggestion"])
        if result.get("suggestion")
        else None,
        "sort_urls": {s: url_with(base, pairs, sort=s) for s in ("relevance", "date")},
        "match_urls": {m: url_with(base, pairs, match=None if m == "all" else m) for m in MATCHES},
        "per_page_urls": {n: url_with(base, pairs, per_page=n) for n in PER_PAGE_CHOICES},
        "topic_urls": {
            t: toggle_url(base, pairs, "topic", t) for hit in result["hits"] for t in hit["topics"]
        },
        "article_suffix": "?" + urlencode({"q": req.q}) if req.q else "",
        "json_url": url_with("/api/search", pairs, page=req.page if req.page > 1 else None),
        "feed_url": url_with("/search.atom", [(k, v) for k, v in pairs if k != "sort"]),
        "hidden_fields": [(k, v) for k, v in pairs if k in ("q", "sort", "match", "per_page")],
        "keep_fields": [(k, v) for k, v in pairs if k != "q"],
        "date_clear_url": url_with(base, pairs, **{"from": None, "to": None}),
        "relax": _relaxations(result, req, pairs, base) if result["total"] == 0 else [],
    }


def _facet_blocks(result: dict, pairs: list[tuple[str, str]], base: str) -> list[dict]:
    """Each filter facet: its values with toggle URLs, split into shown and "more"."""
    blocks = []
    for facet in FILTER_FACETS:
        values = [
            {**item, "url": toggle_url(base, pairs, facet, item["value"])}
            for item in result["facets"].get(facet, [])
        ]
        selected = [v for v in values if v["selected"]]
        room = max(FACET_SHOWN, len(selected))
        blocks.append(
            {
                "name": facet,
                "title": FACET_TITLES[facet],
                "shown": values[:room],
                "more": values[room:],
                "selected": len(selected),
                "clear_url": url_with(base, pairs, **{facet: None}) if selected else None,
            }
        )
    return blocks


def _active_filters(
    result: dict, req: SearchRequest, pairs: list[tuple[str, str]], base: str
) -> list[dict]:
    """One removable chip per selected value and one for the date range."""
    chips = []
    for facet in FILTER_FACETS:
        labels = {v["value"]: v["label"] for v in result["facets"].get(facet, [])}
        for value in getattr(req, facet):
            chips.append(
                {
                    "facet": FACET_TITLES[facet],
                    "label": labels.get(value, value),
                    "url": toggle_url(base, pairs, facet, value),
                    "without": {facet: [v for v in getattr(req, facet) if v != value]},
                }
            )
    if req.date_from or req.date_to:
        chips.append(
            {
                "facet": "Date",
                "label": date_range_label(req),
                "url": url_with(base, pairs, **{"from": None, "to": None}),
                "without": {"date_from": None, "date_to": None},
            }
        )
    return chips


def date_range_label(req: SearchRequest) -> str:
    start = req.date_from.isoformat() if req.date_from else None
    end = req.date_to.isoformat() if req.date_to else None
    if start and end:
        if start[5:] == "01-01" and end[5:] == "12-31" and start[:4] == end[:4]:
            return start[:4]
        return f"{start} to {end}"
    return f"from {start}" if start else f"until {end}"


def _pager(total: int, req: SearchRequest, pairs: list[tuple[str, str]], base: str) -> dict:
    pages = max(1, -(-total // req.per_page))
    window = range(max(1, req.page - 2), min(pages, req.page + 2) + 1)
    return {
        "pages": pages,
        "prev": url_with(base, pairs, page=req.page - 1 if req.page > 2 else None)
        if req.page > 1
        else None,
        "next": url_with(base, pairs, page=req.page + 1) if req.page < pages else None,
        "first": url_with(base, pairs) if window.start > 1 else None,
        "last": url_with(base, pairs, page=pages) if window.stop <= pages else None,
        "gap_before": window.start > 2,
        "gap_after": window.stop < pages,
        "numbers": [
            {"n": n, "url": url_with(base, pairs, page=n if n > 1 else None)} for n in window
        ],
    }


def _relaxations(
    result: dict, req: SearchRequest, pairs: list[tuple[str, str]], base: str
) -> list[dict]:
    """For an empty result: what removing one filter (or requiring fewer words) would find."""
    found = []
    for chip in _active_filters(result, req, pairs, base):
        total = _total(replace(req, **chip["without"]))
        if total:
            found.append(
                {
                    "text": f"without {chip['facet'].lower()} {chip['label']}",
                    "url": chip["url"],
                    "total": total,
                }
            )
    if req.q and req.match == "all" and len(_WORD.findall(req.q)) > 1:
        total = _total(replace(req, match="any"))
        if total:
            found.append(
                {
                    "text": "with any of the words",
                    "url": url_with(base, pairs, match="any"),
                    "total": total,
                }
            )
    return found


def _total(req: SearchRequest) -> int:
    return engine().search(replace(req, page=1, per_page=1))["total"]
