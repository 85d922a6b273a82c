"""Admin endpoints: add articles and reindex, behind the bearer token of SPEC."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.utils import secure_filename

from indexer.article import Skip
from indexer.normalize import normalize_bytes
from indexer.pipeline import NothingToIndex, WriterBusy, index_home, index_paths
from indexer.readers import SUFFIXES, display_path
from web.app import error_response

bp = Blueprint("admin", __name__)
LOCK_WAIT_SECONDS = 30


def _token_problem(given: str | None):
    """None when ``given`` is the admin token, else the error response to send."""
    expected = current_app.config.get("ADMIN_TOKEN") or ""
    if not expected:
        return error_response(
            403, "admin_disabled", "admin endpoints are off: set DIPSEARCH_ADMIN_TOKEN to enable"
        )
    if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        return error_response(401, "unauthorized", "missing or wrong admin token")
    return None


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _uploads() -> Path:
    folder = Path(current_app.config["UPLOADS"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _store_and_index(name: str, data: bytes) -> tuple[dict, bool]:
    """Normalize (to refuse bad input before keeping it), save under uploads/, index it.

    Returns the answer and whether anything was new. The ids are those the indexer gives
    the stored file (its id depends on the path), whatever else the run also indexed.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise Refused(
            415,
            "unsupported_type",
            f"file type {suffix or '(none)'!r} is not one of " + ", ".join(sorted(SUFFIXES)),
        )
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem = secure_filename(Path(name).stem)[:60] or "article"
    target = _uploads() / f"{stem}-{digest}{suffix}"
    try:
        # the path (and so the ids) as the index will store it: relative to its home
        shown = display_path(target, index_home(Path(current_app.config["INDEX"])))
        articles = normalize_bytes(shown, data)
    except Skip as exc:
        raise Refused(422, "not_an_article", str(exc)) from None
    if not articles:
        raise Refused(422, "not_an_article", "no article in the file")
    target.write_bytes(data)
    try:
        summary = index_paths(
            Path(current_app.config["INDEX"]),
            [target],
            progress=False,
            lock_timeout=LOCK_WAIT_SECONDS,
        )
    except WriterBusy as exc:
        raise Refused(409, "index_busy", str(exc)) from None
    ids = list(dict.fromkeys(a.id for a in articles))
    created = bool(set(ids) & set(summary.ids))
    answer = {"id": ids[0], "ids": ids, "path": target.as_posix(), "summary": summary.as_dict()}
    return answer, created


@bp.post("/api/articles")
def add_article():
    if (problem := _token_problem(_bearer())) is not None:
        return problem
    upload = request.files.get("file")
    if upload is not None:
        name, data = upload.filename or "upload.txt", upload.read()
    else:
        payload = request.get_json(silent=True)
        if not isinstance(payload, (dict, list)):
            return error_response(
                400,
                "invalid_body",
                "send a JSON article object (title, body…) or a file upload in the field 'file'",
            )
        name, data = "api.json", json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        answer, created = _store_and_index(name, data)
    except Refused as exc:
        return error_response(exc.status, exc.code, exc.message)
    return jsonify(answer), 201 if created else 200


@bp.post("/api/reindex")
def reindex():
    if (problem := _token_problem(_bearer())) is not None:
        return problem
    index = Path(current_app.config["INDEX"])
    try:  # the sources the index remembers, wherever the server was started
        summary = index_paths(index, None, progress=False, lock_timeout=LOCK_WAIT_SECONDS)
    except WriterBusy as exc:
        return error_response(409, "index_busy", str(exc))
    except NothingToIndex as exc:
        return error_response(409, "no_sources", str(exc))
    return jsonify(summary.as_dict())


@bp.get("/admin")
def admin_form():
    return render_template(
        "admin.html", message=None, enabled=bool(current_app.config.get("ADMIN_TOKEN"))
    )


@bp.post("/admin")
def admin_upload():
    enabled = bool(current_app.config.get("ADMIN_TOKEN"))
    problem = _token_problem(request.form.get("token"))
    if problem is not None:
        return render_template(
            "admin.html", message="Missing or wrong token.", enabled=enabled
        ), problem[1]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "admin.html", message="Choose a file to upload.", enabled=enabled
        ), 400
    try:
        added, created = _store_and_index(upload.filename, upload.read())
    except Refused as exc:
        return render_template(
            "admin.html", message=f"Not added: {exc.message}", enabled=enabled
        ), exc.status
    message = "Added." if created else "This file was added before."
    return render_template(
        "admin.html", message=message, added=added, enabled=enabled
    ), 201 if created else 200
