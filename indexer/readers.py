"""Files -> drafts: the raw text of one article plus whatever the file states about it."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.article import Skip
from indexer.decode import DEFAULT_MAX_BYTES, decode_bytes
from indexer.html_reader import read_html

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

# Keys an input may state; front matter and JSON use the same names.
GIVEN_KEYS = {
    "title",
    "date",
    "url",
    "source",
    "language",
    "countries",
    "topics",
    "id",
    "author",
}


@dataclass
class Draft:
    """One article as read: text with one paragraph a line, plus stated metadata."""

    path: str
    key: str
    text: str
    given: dict = field(default_factory=dict)
    given_from: str = "front-matter"
    first_line_may_be_title: bool = True
    problem: str | None = None  # why this record of a many-record file is no article


def display_path(path: Path, base: Path | None = None) -> str:
    """The path as shown and stored: relative to ``base`` (the index's home folder, see
    ``indexer.pipeline``; by default the working folder) when inside it, else absolute."""
    full = path.resolve()
    try:
        rel = Path(os.path.relpath(full, (base or Path.cwd()).resolve()))
    except ValueError:  # another drive on Windows
        return full.as_posix()
    return full.as_posix() if rel.parts[:1] == ("..",) else rel.as_posix()


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every candidate file under the given files and folders, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and not any(p.startswith(".") for p in sub.parts[-1:]):
                    if sub.suffix.lower() in SUFFIXES:
                        yield sub
        elif path.exists():
            yield path


# --- front matter -------------------------------------------------------------------

_HASH_LINE = re.compile(r"^#\s*([A-Za-z_][\w-]*)\s*=\s*(.*)$")
_YAML_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")


def _value(raw: str):
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    if raw.startswith("[") and raw.endswith("]"):
        return [v.strip().strip("\"'") for v in raw[1:-1].split(",") if v.strip()]
    return raw


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, rest). Accepts a leading ``---`` block or ``# key = value`` lines."""
    lines = text.split("\n")
    meta: dict = {}
    if lines and lines[0].strip() == "---":
        for i, line in enumerate(lines[1:], start=1):
            if line.strip() in ("---", "..."):
                return meta, "\n".join(lines[i + 1 :])
            match = _YAML_LINE.match(line.strip())
            if match:
                meta[match.group(1).lower()] = _value(match.group(2))
            elif line.strip():
                return {}, text  # not front matter after all
        return {}, text
    i = 0
    while i < len(lines) and (match := _HASH_LINE.match(lines[i].strip())):
        meta[match.group(1).lower()] = _value(match.group(2))
        i += 1
    return meta, "\n".join(lines[i:])


def _given(meta: dict) -> dict:
    given = {k: v for k, v in meta.items() if k in GIVEN_KEYS and v not in (None, "", [])}
    for key in ("countries", "topics"):
        if isinstance(given.get(key), str):
            given[key] = [v.strip() for v in given[key].split(",") if v.strip()]
    return given


# --- readers per format ----------------------------------------------------------------


def _read_text(path: str, text: str) -> list[Draft]:
    meta, rest = split_front_matter(text)
    return [Draft(path=path, key=path, text=rest, given=_given(meta))]


def _json_record(path: str, key: str, obj) -> Draft:
    if not isinstance(obj, dict):
        raise Skip("JSON value is not an article object")
    body = obj.get("body") if obj.get("body") is not None else obj.get("text")
    if not isinstance(body, str) or not body.strip():
        raise Skip("JSON article has no 'body' or 'text' string")
    given = _given({k: v for k, v in obj.items() if k != "body" and k != "text"})
    for k, v in list(given.items()):
        if k in ("countries", "topics"):
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise Skip(f"JSON article's '{k}' is not a list of strings")
        elif not isinstance(v, str):
            raise Skip(f"JSON article's '{k}' is not a string")
    if "id" in given:
        key = f"{path}#{given['id']}"
    return Draft(
        path=path,
        key=key,
        text=body,
        given=given,
        given_from="json",
        first_line_may_be_title="title" not in given,
    )


def _loads(text: str, where: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Skip(f"{where} is not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise Skip(f"{where} is JSON nested too deeply") from None


def _read_json(path: str, text: str, lines: bool) -> list[Draft]:
    """Records of a .json (one object or a list) or .jsonl file. A file of several
    records keeps its good ones: a bad record (a line that is not JSON, an object without
    a body) becomes a draft with a ``problem``, named by its number, that the indexer
    reports and skips."""
    if lines:
        records = []
        for n, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    records.append((f"{path}#{n}", f"line {n}", _loads(line, f"line {n}")))
                except Skip as exc:
                    records.append((f"{path}#{n}", f"line {n}", exc))
    else:
        data = _loads(text, "the file")
        items = data if isinstance(data, list) else [data]
        records = [
            (path, "the file", items[0]) if len(items) == 1 else (f"{path}#{n}", f"record {n}", obj)
            for n, obj in enumerate(items, start=1)
        ]
    if not records:
        raise Skip("JSON holds no article")
    drafts = []
    for key, where, obj in records:
        try:
            if isinstance(obj, Skip):
                raise obj
            drafts.append(_json_record(path, key, obj))
        except Skip as exc:
            problem = str(exc) if str(exc).startswith(where) else f"{where}: {exc}"
            if len(records) == 1:
                raise Skip(problem) from None
            drafts.append(Draft(path=path, key=key, text="", problem=problem))
    return drafts  # a stated id given twice names one article: the indexer keeps the last


def read_bytes(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Draft]:
    """Drafts from one file's bytes, or Skip with the reason."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise Skip(f"unsupported file type '{suffix or '(none)'}'")
    text = decode_bytes(data, max_bytes=max_bytes)
    if suffix in HTML_SUFFIXES:
        return [read_html(path, text)]
    if suffix in JSON_SUFFIXES:
        return _read_json(path, text, lines=suffix == ".jsonl")
    return _read_text(path, text)


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Draft]:
    """Drafts from a file on disk, or Skip with the reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Skip(f"too large ({size:,} bytes > limit {max_bytes:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise Skip(f"cannot read ({exc.strerror or exc})") from None
    return read_bytes(display_path(path), data, max_bytes=max_bytes)
