"""One search context for both renderings (STYLE 7): the page adds URLs to the API's JSON."""

from __future__ import annotations

from urllib.parse import urlencode

from search.request import SearchRequest

PARAMS = ("q", "country", "topic", "language", "from", "to", "sort", "per_page")


def request_params(req: SearchRequest) -> list[tuple[str, str]]:
    """The request as URL parameters, without defaults (page 1, 10 a page)."""
    pairs = [("q", req.q)] if req.q else []
    pairs += [("country", v) for v in req.country]
    pairs += [("topic", v) for v in req.topic]
    pairs += [("language", v) for v in req.language]
    if req.date_from:
        pairs.append(("from", req.date_from.isoformat()))
    if req.date_to:
        pairs.append(("to", req.date_to.isoformat()))
    default_sort = "relevance" if req.q.strip() else "date"
    if req.sort != default_sort:
        pairs.append(("sort", req.sort))
    if req.per_page != 10:
        pairs.append(("per_page", str(req.per_page)))
    return pairs


def url_with(base: str, pairs: list[tuple[str, str]], **changes) -> str:
    """``base?…`` with some parameters replaced (None removes), page reset unless given."""
    kept = [(k, v) for k, v in pairs if k not in changes]
    for key, value in changes.items():
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        kept += [(key, str(v)) for v in values]
    return base + ("?" + urlencode(kept) if kept else "")


def toggle_url(base: str, pairs: list[tuple[str, str]], facet: str, value: str) -> str:
    current = [v for k, v in pairs if k == facet]
    values = [v for v in current if v != value] if value in current else current + [value]
    return url_with(base, pairs, **{facet: values or None})


def page_context(result: dict, req: SearchRequest, base: str = "/search") -> dict:
    """The template's view of a search result: the JSON plus links for every action."""
    pairs = request_params(req)
    for facet, values in result["facets"].items():
        if facet == "year":
            for item in values:
                year = item["value"]
                item["url"] = (
                    url_with(base, pairs, **{"from": f"{year}-01-01", "to": f"{year}-12-31"})
                    if year.isdigit()
                    else None
                )
                item["selected"] = bool(
                    req.date_from
                    and req.date_to
                    and year.isdigit()
                    and req.date_from.isoformat() == f"{year}-01-01"
                    and req.date_to.isoformat() == f"{year}-12-31"
                )
        else:
            for item in values:
                item["url"] = toggle_url(base, pairs, facet, item["value"])
    pages = max(1, -(-result["total"] // req.per_page))
    nav = {
        "pages": pages,
        "prev": url_with(base, pairs, page=req.page - 1) if req.page > 1 else None,
        "next": url_with(base, pairs, page=req.page + 1) if req.page < pages else None,
    }
    clear = {
        facet: url_with(base, pairs, **{facet: None}) for facet in ("country", "topic", "language")
    }
    clear["year"] = url_with(base, pairs, **{"from": None, "to": None})
    has_filters = any(k in ("country", "topic", "language", "from", "to") for k, _ in pairs)
    q_only = [(k, v) for k, v in pairs if k == "q"]
    return {
        "result": result,
        "req": req,
        "nav": nav,
        "clear": clear,
        "clear_all": url_with(base, q_only) if has_filters else None,
        "suggestion_url": url_with(base, pairs, q=result["suggestion"])
        if result.get("suggestion")
        else None,
        "sort_urls": {s: url_with(base, pairs, sort=s) for s in ("relevance", "date")},
        "json_url": url_with("/api/search", pairs, page=req.page if req.page > 1 else None),
        "article_query": req.q,
        "has_filters": has_filters,
    }
