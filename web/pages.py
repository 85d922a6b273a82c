"""HTML pages: search, article, health."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from search.request import BadRequest, parse_request
from web.app import engine, error_response
from web.context import page_context

bp = Blueprint("pages", __name__)


@bp.get("/")
@bp.get("/search")
def search_page():
    try:
        req = parse_request(request.args.to_dict(flat=False))
    except BadRequest as exc:
        return error_response(400, exc.code, exc.message)
    result = engine().search(req)
    return render_template("search.html", **page_context(result, req))


@bp.get("/articles/<article_id>")
def article_page(article_id: str):
    q = request.args.get("q", "")[:1000]
    article = engine().article(article_id, q=q or None)
    if article is None:
        abort(404, description=f"no article with id {article_id[:80]!r}")
    return render_template("article.html", article=article, q=q)


@bp.get("/healthz")
def healthz():
    stats = engine().searcher().doc_count()
    return jsonify({"status": "ok", "articles": stats})


@bp.get("/help")
def help_page():
    return render_template("help.html")
