"""JSON API: /api/search and /api/articles/<id> (SPEC "HTTP")."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from search.request import BadRequest, parse_request
from web.app import engine, error_response

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def api_search():
    try:
        req = parse_request(request.args.to_dict(flat=False))
    except BadRequest as exc:
        return error_response(400, exc.code, exc.message)
    return jsonify(engine().search(req))


@bp.get("/articles/<article_id>")
def api_article(article_id: str):
    q = request.args.get("q", "")[:1000]
    article = engine().article(article_id, q=q or None)
    if article is None:
        abort(404, description=f"no article with id {article_id[:80]!r}")
    if not q:
        article.pop("title_html", None)
        article.pop("body_html", None)
    return jsonify(article)
