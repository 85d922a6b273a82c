"""HTML pages: search, article, help, health."""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, jsonify, render_template, request

from search.request import BadRequest
from web.app import engine, error_response
from web.context import find_article, page_context, run_search

bp = Blueprint("pages", __name__)


@bp.get("/")
@bp.get("/search")
def search_page():
    try:
        req, result = run_search(request.args)
    except BadRequest as exc:
        return error_response(400, exc.code, exc.message)
    return render_template("search.html", **page_context(result, req))


@bp.get("/articles/<article_id>")
def article_page(article_id: str):
    article, q = find_article(article_id, request.args)
    return render_template(
        "article.html",
        article=article,
        q=q,
        back_url=_back_to_results(q),
        file_name=PurePath(article.get("path") or "").name,
        json_url=f"/api/articles/{article['id']}",
        paragraphs=[p for p in article["body_html"].split("\n\n") if p.strip()],
    )


def _back_to_results(q: str) -> str:
    """The search the reader came from (same site only), else a search for ``q``."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc == request.host and came_from.path in ("/", "/search"):
        return came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return "/search" + (f"?{urlencode({'q': q})}" if q else "")


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok", "articles": engine().searcher().doc_count()})


@bp.get("/help")
def help_page():
    return render_template("help.html")
