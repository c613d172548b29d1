"""The SQLite store's search and portal reads (FTS5 indexes from migration 0004).

Kept apart from sqlite.py so the portal's queries live in one place; `SQLiteStore`
inherits them and supplies the connection as `self._db`.
"""

from __future__ import annotations

import json
import re
import sqlite3

from currents.model import DatedFact, Entity, SearchFilters, SearchHit, SearchResults, Source
from currents.store.base import SearchError

KINDS = ("events", "articles")
OPERATORS = ("AND", "OR", "NOT")
# Private-use characters around matched words in FTS5 snippets: never markup, split out before display.
_MARK_START, _MARK_END = "\ue000", "\ue001"
_SNIPPET_TOKENS = 24
_ELLIPSIS = "…"
# Matches in titles weigh more than matches in bodies (bm25 column weights).
_TITLE_WEIGHT, _BODY_WEIGHT = 5.0, 1.0
_TOKEN = re.compile(r'"[^"]*"|[^\s"]+')
_PREFIX = re.compile(r"(\w+)\*", re.UNICODE)
_ENTITY_MATCH = "(SELECT id FROM entities WHERE id = ? OR name = ? COLLATE NOCASE)"


class SQLitePortalReads:
    """Search and the portal's paged reads, over `self._db` (a sqlite3 connection with Row rows)."""

    _db: sqlite3.Connection

    def search(
        self, query: str, kind: str, filters: SearchFilters = SearchFilters(), limit: int = 20, offset: int = 0
    ) -> SearchResults:
        if kind not in KINDS:
            raise SearchError(f"cannot search {kind!r}: choose one of {', '.join(KINDS)}")
        match = fts_query(query)
        table, select, where, args = _search_parts(kind, filters)
        weights = f"bm25({table}, {_TITLE_WEIGHT}, {_BODY_WEIGHT})"
        try:
            total = self._db.execute(
                f"SELECT count(*) FROM {select} WHERE {table} MATCH ?{where}", [match, *args]
            ).fetchone()[0]
            rows = self._db.execute(
                f"SELECT {_hit_columns(kind, table)} FROM {select} WHERE {table} MATCH ?{where}"
                f" ORDER BY {weights} LIMIT ? OFFSET ?",
                [match, *args, limit, offset],
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise SearchError(f"cannot search for {query!r}: {exc}") from exc
        return SearchResults(total, [_hit(kind, row) for row in rows])

    def get_source(self, source_id: str) -> Source | None:
        row = self._db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return Source(row["id"], row["name"], row["domain"], json.loads(row["aliases"])) if row else None

    def recent_event_ids(self, limit: int, offset: int = 0) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM events ORDER BY date IS NULL, date DESC, last_published DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [row[0] for row in rows]

    def entities_with_events(self, limit: int | None = None, offset: int = 0) -> list[tuple[Entity, int]]:
        rows = self._db.execute(
            "SELECT e.*, count(*) AS events FROM event_entities x JOIN entities e ON e.id = x.entity_id"
            " GROUP BY e.id ORDER BY events DESC, e.name, e.id LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [(Entity(r["id"], r["name"], r["type"], json.loads(r["aliases"])), r["events"]) for r in rows]

    def count_entities_with_events(self) -> int:
        return self._db.execute("SELECT count(DISTINCT entity_id) FROM event_entities").fetchone()[0]

    def article_headlines(self) -> list[tuple[str, str, str | None, str | None, str | None]]:
        rows = self._db.execute(
            "SELECT id, title, substr(published, 1, 10), source_id, event_id FROM articles"
            " ORDER BY published IS NULL, published, id"
        )
        return [tuple(row) for row in rows]

    def story_dated_facts(self, story_id: str) -> list[DatedFact]:
        rows = self._db.execute(
            "SELECT f.date, f.granularity, f.sentence, f.text, f.entities FROM dated_facts f"
            " JOIN articles a ON a.id = f.article_id WHERE a.event_id IN (SELECT id FROM events WHERE story_id = ?)"
            " ORDER BY f.date, f.text, a.published IS NULL, a.published, a.id",
            (story_id,),
        )
        facts: dict[tuple[str, str], DatedFact] = {}
        for r in rows:
            facts.setdefault(
                (r["date"], r["text"]),
                DatedFact(r["date"], r["granularity"], r["sentence"], r["text"], json.loads(r["entities"])),
            )
        return list(facts.values())


def fts_query(text: str) -> str:
    """The FTS5 MATCH expression for what a reader typed.

    Every word is quoted, so punctuation ("U.S.", "9/11", "C++") is searched
    rather than parsed as FTS5 syntax; "phrases", prefix* words and AND / OR /
    NOT between terms keep their meaning. Mistakes are reported in words.
    """
    if text.count('"') % 2:
        raise SearchError('the query has an unclosed quotation mark (")')
    terms: list[str] = []
    for token in _TOKEN.findall(text):
        if token in OPERATORS:
            terms.append(token)
        elif token.startswith('"'):
            if token.strip('"').strip():
                terms.append(token)
        elif prefix := _PREFIX.fullmatch(token):
            terms.append(f'"{prefix.group(1)}"*')
        else:
            terms.append(f'"{token}"')
    _check_operators(terms)
    return " ".join(terms)


def _check_operators(terms: list[str]) -> None:
    if all(term in OPERATORS for term in terms):
        raise SearchError("the query has no words to search for")
    for i, term in enumerate(terms):
        alone = i == 0 or i == len(terms) - 1 or terms[i - 1] in OPERATORS or terms[i + 1] in OPERATORS
        if term in OPERATORS and alone:
            raise SearchError(f"{term} must stand between two search terms")


def _search_parts(kind: str, filters: SearchFilters) -> tuple[str, str, str, list]:
    """(FTS table, FROM clause, extra WHERE conditions, their arguments) for `kind` and `filters`."""
    conditions: list[str] = []
    args: list = []
    if kind == "articles":
        table = "articles_fts"
        select = (
            "articles_fts JOIN articles a ON a.rowid = articles_fts.rowid LEFT JOIN sources s ON s.id = a.source_id"
        )
        day, first_day, last_day = "substr(a.published, 1, 10)", None, None
        entity = f"EXISTS (SELECT 1 FROM article_entities x WHERE x.article_id = a.id AND x.entity_id IN {_ENTITY_MATCH})"
        source = "EXISTS (SELECT 1 FROM article_copies c WHERE c.article_id = a.id AND c.source_id = ?)"
    else:
        table = "events_fts"
        select = "events_fts JOIN events e ON e.rowid = events_fts.rowid"
        day, first_day, last_day = None, "coalesce(e.first_day, e.date)", "coalesce(e.last_day, e.date)"
        entity = f"EXISTS (SELECT 1 FROM event_entities x WHERE x.event_id = e.id AND x.entity_id IN {_ENTITY_MATCH})"
        source = (
            "EXISTS (SELECT 1 FROM articles a JOIN article_copies c ON c.article_id = a.id"
            " WHERE a.event_id = e.id AND c.source_id = ?)"
        )
    if filters.since:
        conditions.append(f"{day or last_day} >= ?")
        args.append(filters.since.isoformat())
    if filters.until:
        conditions.append(f"{day or first_day} <= ?")
        args.append(filters.until.isoformat())
    if filters.entity:
        conditions.append(entity)
        args.extend([filters.entity, filters.entity])
    if filters.source:
        conditions.append(source)
        args.append(filters.source)
    where = "".join(f" AND {condition}" for condition in conditions)
    return table, select, where, args


def _hit_columns(kind: str, table: str) -> str:
    marks = f"'{_MARK_START}', '{_MARK_END}'"
    snippet = f"snippet({table}, 1, {marks}, '{_ELLIPSIS}', {_SNIPPET_TOKENS}) AS snippet"
    title = f"highlight({table}, 0, {marks}) AS marked_title"
    if kind == "articles":
        return f"a.id, {title}, substr(a.published, 1, 10) AS date, s.name AS source, {snippet}"
    return f"e.id, {title}, e.date AS date, NULL AS source, {snippet}"


def _hit(kind: str, row: sqlite3.Row) -> SearchHit:
    return SearchHit(
        kind=kind.removesuffix("s"),
        id=row["id"],
        title=marked_segments(row["marked_title"] or ""),
        date=row["date"],
        snippet=marked_segments(row["snippet"] or ""),
        source=row["source"],
    )


def marked_segments(marked: str) -> list[tuple[str, bool]]:
    """Split FTS5 highlight output into (text, matched) pieces, dropping empty ones."""
    segments: list[tuple[str, bool]] = []
    for i, piece in enumerate(marked.split(_MARK_START)):
        matched, _end, rest = piece.partition(_MARK_END) if i else ("", "", piece)
        segments.extend((text, is_match) for text, is_match in ((matched, True), (rest, False)) if text)
    return segments
