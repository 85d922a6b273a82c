"""JSON API: /api/search, /api/articles/<id> and the OpenAPI document (SPEC "HTTP")."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from search.request import BadRequest
from web.app import error_response
from web.context import find_article, run_search
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
    article, q = find_article(article_id, request.args)
    if not q:
        article.pop("title_html", None)
        article.pop("body_html", None)
    return jsonify(article)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(request.url_root.rstrip("/")))
