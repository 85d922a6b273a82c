"""JSON API: /api/search, /api/articles/<id> and the OpenAPI document (SPEC "HTTP")."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from search.request import BadRequest
from web.app import engine, error_response
from web.context import MAX_QUERY_CHARS, run_search
from web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def api_search():
    try:
        _, result = run_search(request.args)
    except BadRequest as exc:
        return error_response(400, exc.code, exc.message)
    return jsonify(result)


@bp.get("/articles/<article_id>")
def api_article(article_id: str):
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    article = engine().article(article_id, q=q or None)
    if article is None:
        abort(404, description=f"no article with id {article_id[:80]!r}")
    if not q:
        article.pop("title_html", None)
        article.pop("body_html", None)
    return jsonify(article)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(request.url_root.rstrip("/")))
