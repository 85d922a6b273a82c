"""What browsers and feed readers expect: OpenSearch description, Atom feed, favicon."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from indexer.pipeline import read_state
from search.request import BadRequest
from web.app import error_response
from web.context import request_params, run_search, url_with

bp = Blueprint("feeds", __name__)
FEED_PER_PAGE = 20


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml", root=request.url_root.rstrip("/"))
    return body, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}


@bp.get("/search.atom")
def atom_feed():
    """A search as an Atom feed, newest first, for alerts in a feed reader."""
    overrides = {"sort": "date"}
    if not request.args.get("per_page"):
        overrides["per_page"] = FEED_PER_PAGE
    try:
        req, result = run_search(request.args, **overrides)
    except BadRequest as exc:
        return error_response(400, exc.code, exc.message)
    root = request.url_root.rstrip("/")
    implied = {"sort", *overrides}  # set by the feed, not by the reader's URL
    pairs = [(k, v) for k, v in request_params(req) if k not in implied]
    fallback = _index_time()
    entries = [
        {**hit, "updated": _rfc3339(hit["date"]) or fallback, "url": f"{root}/articles/{hit['id']}"}
        for hit in result["hits"]
    ]
    body = render_template(
        "search.atom.xml",
        req=req,
        result=result,
        entries=entries,
        self_url=root + url_with("/search.atom", pairs),
        html_url=root + url_with("/search", pairs),
        updated=max((e["updated"] for e in entries), default=fallback),
        root=root,
    )
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def _rfc3339(value: str | None) -> str | None:
    """Article dates carry no zone: they are given as UTC, which Atom requires."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=when.tzinfo or UTC).isoformat().replace("+00:00", "Z")


def _index_time() -> str:
    """When the index last changed: the date given to undated entries and empty feeds."""
    stamp = read_state(current_app.extensions["engine"].path).get("last_update") or ""
    try:
        when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        when = datetime(2000, 1, 1, tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
