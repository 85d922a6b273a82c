"""Application factory: defaults, then DIPSEARCH_* environment, then the given config."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from indexer.gazetteer import country_name
from indexer.topics import topic_label
from search.engine import Engine
from search.store import IndexMissing, index_dir

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MACHINE_ROUTES = ("/healthz", "/search.atom", "/opensearch.xml")
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    # ids never hold '/': '/articles//x' is an unknown id (404), not a redirect to merge
    app.url_map.merge_slashes = False
    app.config.update(
        INDEX=str(index_dir()),
        ADMIN_TOKEN=os.environ.get("DIPSEARCH_ADMIN_TOKEN", ""),
        UPLOADS=os.environ.get("DIPSEARCH_UPLOADS", "var/uploads"),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        JSON_SORT_KEYS=False,
        DEBUG=False,
        PROPAGATE_EXCEPTIONS=False,
    )
    app.config.update(config or {})
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["engine"] = Engine(Path(app.config["INDEX"]))
    app.add_template_filter(country_name, "country_name")
    app.add_template_filter(topic_label, "topic_label")

    from web import admin, api, feeds, pages
    from web.formatting import FILTERS

    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
    for blueprint in (pages.bp, api.bp, admin.bp, feeds.bp):
        app.register_blueprint(blueprint)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return error_response(
            413, "request_entity_too_large", f"the request body is over the {limit} MB limit"
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(IndexMissing)
    def no_index(exc: IndexMissing):
        return error_response(503, "no_index", str(exc))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # never a traceback to a client
        app.logger.exception("unexpected error")
        return error_response(500, "internal_error", "something went wrong on our side")

    return app


def wants_json() -> bool:
    """Errors of the API and of machine-read routes are JSON; pages get an HTML page."""
    return request.path.startswith("/api/") or request.path in MACHINE_ROUTES


def error_response(status: int, code: str, message: str):
    if wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status


def engine() -> Engine:
    from flask import current_app

    return current_app.extensions["engine"]
