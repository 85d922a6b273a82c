"""SQLite FTS5 through the standard library: what an analyst might pick instead.

One database file: ``articles`` (id, date, year, language), ``fts`` (title, body; the
``porter unicode61 remove_diacritics 2`` tokenizer; ranked by ``bm25`` with a title
weight, set once as the table's ``rank``), and two join tables for the multi-valued
facets (``article_country``, ``article_topic``). A search puts the matching rowids in a
temporary table once; the total, the four facets (``GROUP BY`` over that set, each
narrowed by the other facets' filters) and the page of hits all read from it.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from bench.peers.common import (
    FACETS,
    TITLE_WEIGHT,
    BuildStats,
    Filters,
    Hit,
    SearchResult,
    Timer,
    clauses,
    counted,
    day_number,
    dir_size,
    words,
    year_of,
)

DB_NAME = "fts5.sqlite3"
TOKENIZE = "porter unicode61 remove_diacritics 2"
SNIPPET_TOKENS = 16
BATCH = 1000
# Control characters as match markers, so the text can be escaped before <mark> is added.
_OPEN, _CLOSE = "\x02", "\x03"

_SCHEMA = f"""
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, date TEXT, day INTEGER NOT NULL,
    year TEXT NOT NULL, language TEXT NOT NULL);
CREATE INDEX articles_day ON articles(day);
CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='{TOKENIZE}');
CREATE TABLE article_country(rowid INTEGER NOT NULL, code TEXT NOT NULL);
CREATE INDEX article_country_code ON article_country(code, rowid);
CREATE INDEX article_country_rowid ON article_country(rowid);
CREATE TABLE article_topic(rowid INTEGER NOT NULL, topic TEXT NOT NULL);
CREATE INDEX article_topic_topic ON article_topic(topic, rowid);
CREATE INDEX article_topic_rowid ON article_topic(rowid);
"""


def match_all(query: str) -> str | None:
    """FTS5 syntax for a product query: every word and phrase required, all quoted."""
    found = clauses(query)
    return " ".join('"' + " ".join(c) + '"' for c in found) if found else None


def match_any(text: str) -> str | None:
    """FTS5 syntax for a natural-language query: any of its words, each as often as the
    text has it (bm25 sums over the query's phrases, so a repeated word weighs more)."""
    found = words(text)
    return " OR ".join(f'"{w}"' for w in found) if found else None


def _marked(text: str | None) -> str:
    escaped = html.escape(text or "", quote=True)
    return escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


class Fts5Peer:
    name = "sqlite-fts5"

    def __init__(self, title_weight: float = TITLE_WEIGHT):
        self.title_weight = title_weight
        self.con: sqlite3.Connection | None = None
        self.directory: Path | None = None

    # --- building ---------------------------------------------------------------------

    def build(self, articles: Iterable[dict], directory: Path) -> BuildStats:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob(DB_NAME + "*"):
            stale.unlink()
        self.close()
        with Timer() as timer:
            self.con = self._connect(directory)
            self.con.executescript(_SCHEMA)
            self.con.execute(
                "INSERT INTO fts(fts, rank) VALUES('rank', ?)",
                (f"bm25({self.title_weight}, 1.0)",),
            )
            n = self._insert(articles)
            self.con.execute("INSERT INTO fts(fts) VALUES('optimize')")
            self.con.commit()
            self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return BuildStats(n, timer.seconds, dir_size(directory))

    def open(self, directory: Path) -> None:
        self.close()
        self.con = self._connect(Path(directory))

    def add(self, articles: Iterable[dict]) -> BuildStats:
        with Timer() as timer:
            n = self._insert(articles, replace=True)
            self.con.commit()
        return BuildStats(n, timer.seconds, dir_size(self.directory))

    def _connect(self, directory: Path) -> sqlite3.Connection:
        self.directory = directory
        con = sqlite3.connect(directory / DB_NAME)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("CREATE TEMP TABLE IF NOT EXISTS matched(rowid INTEGER PRIMARY KEY)")
        return con

    def _insert(self, articles: Iterable[dict], replace: bool = False) -> int:
        seen = [0]
        batch: list[dict] = []
        for article in counted(articles, seen):
            batch.append(article)
            if len(batch) >= BATCH:
                self._insert_batch(batch, replace)
                batch = []
        if batch:
            self._insert_batch(batch, replace)
        return seen[0]

    def _insert_batch(self, batch: list[dict], replace: bool) -> None:
        con = self.con
        for article in batch:
            if replace:
                self._delete(article["id"])
            date = article.get("date")
            cursor = con.execute(
                "INSERT INTO articles(id, date, day, year, language) VALUES (?, ?, ?, ?, ?)",
                (
                    article["id"],
                    date,
                    day_number(date),
                    year_of(date),
                    article.get("language") or "und",
                ),
            )
            rowid = cursor.lastrowid
            con.execute(
                "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                (rowid, article.get("title") or "", article.get("body") or ""),
            )
            con.executemany(
                "INSERT INTO article_country VALUES (?, ?)",
                [(rowid, c) for c in article.get("countries") or []],
            )
            con.executemany(
                "INSERT INTO article_topic VALUES (?, ?)",
                [(rowid, t) for t in article.get("topics") or []],
            )

    def _delete(self, article_id: str) -> None:
        row = self.con.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row:
            for table in ("fts", "article_country", "article_topic", "articles"):
                self.con.execute(f"DELETE FROM {table} WHERE rowid = ?", row)

    # --- searching --------------------------------------------------------------------

    def rank(self, text: str, depth: int = 1000) -> list[str]:
        match = match_any(text)
        if match is None:
            return []
        rows = self.con.execute(
            "SELECT a.id FROM fts JOIN articles a ON a.rowid = fts.rowid"
            " WHERE fts MATCH ? ORDER BY fts.rank LIMIT ?",
            (match, depth),
        )
        return [r[0] for r in rows]

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        sort: str = "relevance",
        facets: bool = True,
        highlight: bool = True,
        k: int = 10,
    ) -> SearchResult:
        filters = filters or Filters()
        match = match_all(query)
        self._fill_matched(match)
        where, params = _where(filters)
        total = self.con.execute(
            "SELECT count(*) FROM temp.matched m JOIN articles a ON a.rowid = m.rowid" + where,
            params,
        ).fetchone()[0]
        counts = {f: self._facet(f, filters) for f in FACETS} if facets else {}
        hits = self._hits(match, filters, sort, highlight, k) if total else []
        return SearchResult(total, hits, counts)

    def _fill_matched(self, match: str | None) -> None:
        self.con.execute("DELETE FROM temp.matched")
        if match is None:
            self.con.execute("INSERT INTO temp.matched SELECT rowid FROM articles")
        else:
            self.con.execute(
                "INSERT INTO temp.matched SELECT rowid FROM fts WHERE fts MATCH ?", (match,)
            )

    def _facet(self, facet: str, filters: Filters) -> dict[str, int]:
        if facet == "year":
            where, params = _where(filters, with_dates=False)
        else:
            where, params = _where(filters, skip=facet)
        source = {
            "country": ("c.code", " JOIN article_country c ON c.rowid = m.rowid"),
            "topic": ("t.topic", " JOIN article_topic t ON t.rowid = m.rowid"),
            "year": ("a.year", ""),
            "language": ("a.language", ""),
        }
        column, join = source[facet]
        sql = (
            f"SELECT {column}, count(*) FROM temp.matched m"
            f" JOIN articles a ON a.rowid = m.rowid{join}{where} GROUP BY {column}"
        )
        return dict(self.con.execute(sql, params).fetchall())

    def _hits(
        self, match: str | None, filters: Filters, sort: str, highlight: bool, k: int
    ) -> list[Hit]:
        where, params = _where(filters)
        narrowed = "SELECT m.rowid FROM temp.matched m JOIN articles a ON a.rowid = m.rowid"
        if sort == "relevance" and match is not None:
            restrict = f" AND fts.rowid IN ({narrowed}{where})" if where else ""
            rows = self.con.execute(
                "SELECT fts.rowid, fts.rank FROM fts WHERE fts MATCH ?"
                f"{restrict} ORDER BY fts.rank LIMIT ?",
                (match, *params, k),
            ).fetchall()
        else:
            rows = self.con.execute(
                "SELECT m.rowid, NULL FROM temp.matched m JOIN articles a ON a.rowid = m.rowid"
                f"{where} ORDER BY a.day DESC, m.rowid LIMIT ?",
                (*params, k),
            ).fetchall()
        rowids = [r[0] for r in rows]
        marked = self._highlights(match, rowids) if highlight and match is not None else {}
        meta = self._meta(rowids)
        hits = []
        for rowid, score in rows:
            article_id, date, title = meta[rowid]
            title_html, snippet = marked.get(rowid, ("", ""))
            score = -score if score is not None else None  # FTS5's bm25 is lower-is-better
            hits.append(Hit(article_id, title, snippet, date, score, title_html))
        return hits

    def _highlights(self, match: str, rowids: list[int]) -> dict[int, tuple[str, str]]:
        if not rowids:
            return {}
        marks = f"'{_OPEN}', '{_CLOSE}'"
        rows = self.con.execute(
            f"SELECT rowid, highlight(fts, 0, {marks}), snippet(fts, 1, {marks}, ' … ', "
            f"{SNIPPET_TOKENS}) FROM fts WHERE fts MATCH ? AND rowid IN "
            f"({','.join('?' * len(rowids))})",
            (match, *rowids),
        )
        return {r[0]: (_marked(r[1]), _marked(r[2])) for r in rows}

    def _meta(self, rowids: list[int]) -> dict[int, tuple[str, str | None, str]]:
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        rows = self.con.execute(
            "SELECT a.rowid, a.id, a.date, fts.title FROM articles a"
            f" JOIN fts ON fts.rowid = a.rowid WHERE a.rowid IN ({marks})",
            rowids,
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _where(filters: Filters, skip: str | None = None, with_dates: bool = True) -> tuple[str, list]:
    """`` WHERE …`` over ``m`` (matched) and ``a`` (articles) for the active filters."""
    parts, params = [], []
    tables = {"country": ("article_country", "code"), "topic": ("article_topic", "topic")}
    for facet, values in filters.active().items():
        if facet == skip:
            continue
        marks = ",".join("?" * len(values))
        if facet == "language":
            parts.append(f"a.language IN ({marks})")
        else:
            table, column = tables[facet]
            parts.append(f"m.rowid IN (SELECT rowid FROM {table} WHERE {column} IN ({marks}))")
        params += values
    if with_dates and filters.dated():
        parts.append("a.day BETWEEN ? AND ?")
        params += [day_number(filters.date_from) or 1, day_number(filters.date_to) or 99991231]
    return (" WHERE " + " AND ".join(parts) if parts else ""), params
