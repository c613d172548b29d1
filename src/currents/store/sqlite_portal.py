"""The SQLite store's search and portal reads (FTS5 indexes from migration 0004).

Kept apart from sqlite.py so the portal's queries live in one place; `SQLiteStore`
inherits them and supplies the connection as `self._db`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date, datetime

from currents.model import Article, Copy, DatedFact, Entity, Event, SearchFilters, SearchHit, SearchResults, Sentence, Source
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
# Ids bound as one JSON array parameter: any number of them in one query, no SQL variable limit.
IN_JSON_IDS = "IN (SELECT value FROM json_each(?))"


class SQLitePortalReads:
    """Search and the portal's paged reads, over `self._db` (a sqlite3 connection with Row rows)."""

    _db: sqlite3.Connection
    # From SQLiteStore: the articles SELECT (with the outlet's name) and the row readers.
    _SELECT: str
    _article: Callable[..., Article]
    _events: Callable[[list[sqlite3.Row]], list[Event]]

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

    def article_copies(self, article_ids: Iterable[str]) -> dict[str, list[Copy]]:
        """Every copy (URL, outlet, file) of each article, in the order they were found: one query for all."""
        rows = self._db.execute(
            "SELECT c.rowid, c.article_id, c.url, s.name, c.file FROM article_copies c"
            f" LEFT JOIN sources s ON s.id = c.source_id WHERE c.article_id {IN_JSON_IDS}",
            (json.dumps(list(article_ids)),),
        )
        copies: dict[str, list[Copy]] = {}
        for _rowid, article_id, url, source, file in sorted(tuple(row) for row in rows):
            copies.setdefault(article_id, []).append(Copy(url, source, file))
        return copies

    def page_articles(self, article_ids: Iterable[str]) -> list[Article]:
        wanted = list(dict.fromkeys(article_ids))
        rows = self._db.execute(f"{self._SELECT} WHERE a.id {IN_JSON_IDS}", (json.dumps(wanted),)).fetchall()
        found = self._page_articles(rows)
        return [found[i] for i in wanted if i in found]

    def article_listing(self, day: date | None) -> list[tuple[str, str, str | None, datetime | None]]:
        select = "SELECT a.id, a.title, s.name, a.published FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
        if day is None:
            rows = self._db.execute(f"{select} WHERE a.published IS NULL ORDER BY a.title")
        else:
            rows = self._db.execute(
                f"{select} WHERE substr(a.published, 1, 10) = ? ORDER BY a.published, a.title", (day.isoformat(),)
            )
        return [(i, title, source, datetime.fromisoformat(when) if when else None) for i, title, source, when in rows]

    def _page_articles(self, rows: list[sqlite3.Row]) -> dict[str, Article]:
        """The articles in `rows` (in their order), their copies and sentences (a query each), no other analysis."""
        ids = [row["id"] for row in rows]
        copies = self.article_copies(ids)
        articles = {row["id"]: self._article(row, copies.get(row["id"], []), analysis=False) for row in rows}
        spans = self._db.execute(
            f"SELECT article_id, idx, start, end FROM sentences WHERE article_id {IN_JSON_IDS} ORDER BY 1, 2",
            (json.dumps(ids),),
        )
        for article_id, index, start, end in spans:
            article = articles[article_id]
            article.sentences.append(Sentence(index, start, end, article.text[start:end]))
        return articles

    def get_source(self, source_id: str) -> Source | None:
        row = self._db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return Source(row["id"], row["name"], row["domain"], json.loads(row["aliases"])) if row else None

    def event_ids_on(self, day: date | None, limit: int | None = None) -> list[str]:
        if day is None:
            where, args = "granularity IS NULL OR granularity != 'day'", ()
        else:
            where, args = "granularity = 'day' AND date = ?", (day.isoformat(),)
        rows = self._db.execute(
            f"SELECT e.id FROM events e WHERE {where} ORDER BY"
            " (SELECT count(*) FROM articles a WHERE a.event_id = e.id) DESC, e.first_published, e.id LIMIT ?",
            (*args, -1 if limit is None else limit),
        )
        return [row[0] for row in rows]

    def recent_event_ids(self, limit: int, offset: int = 0) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM events ORDER BY date IS NULL, date DESC, last_published DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [row[0] for row in rows]

    def entities_with_events(self, limit: int | None = None, offset: int = 0) -> list[tuple[Entity, int]]:
        # event_count is kept by triggers (migration 0005): the order is walked in an index, not counted.
        rows = self._db.execute(
            "SELECT * FROM entities WHERE event_count > 0 ORDER BY event_count DESC, name, id LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [(entity_from_row(r), r["event_count"]) for r in rows]

    def count_entities_with_events(self) -> int:
        return self._db.execute("SELECT count(*) FROM entities WHERE event_count > 0").fetchone()[0]

    def article_headlines(self) -> list[tuple[str, str, str | None, str | None, str | None]]:
        rows = self._db.execute(
            "SELECT id, title, substr(published, 1, 10), source_id, event_id FROM articles"
            " ORDER BY published IS NULL, published, id"
        )
        return [tuple(row) for row in rows]

    def source_coverage(self, source_id: str) -> list[tuple[str, str | None, bool]]:
        # First: the event's earliest article with an outlet is this outlet's (as Event.sources[0] says).
        rows = self._db.execute(
            "SELECT e.id, e.date, e.first_published IS NOT NULL AND :source = (SELECT a.source_id FROM articles a"
            " WHERE a.event_id = e.id AND a.source_id IS NOT NULL ORDER BY a.published IS NULL, a.published, a.id"
            " LIMIT 1) FROM events e WHERE e.id IN (SELECT a.event_id FROM article_copies c"
            " JOIN articles a ON a.id = c.article_id WHERE c.source_id = :source)"
            " ORDER BY e.date IS NULL, e.date DESC, e.id",
            {"source": source_id},
        )
        return [(event_id, day, bool(first)) for event_id, day, first in rows]

    def source_framing(self, source_id: str) -> dict[str, tuple[int, int]]:
        rows = self._db.execute(
            "SELECT event_id, sentences, loaded FROM outlet_framing WHERE source_id = ?", (source_id,)
        )
        return {event_id: (sentences, loaded) for event_id, sentences, loaded in rows}

    def events_for_entities(self, entity_ids: Iterable[str]) -> dict[str, list[Event]]:
        rows = self._db.execute(
            "SELECT x.entity_id, e.* FROM event_entities x JOIN events e ON e.id = x.event_id"
            f" WHERE x.entity_id {IN_JSON_IDS} ORDER BY e.date IS NULL, e.date DESC, e.id",
            (json.dumps(list(entity_ids)),),
        ).fetchall()
        events = {event.id: event for event in self._events(list({row["id"]: row for row in rows}.values()))}
        by_entity: dict[str, list[Event]] = {}
        for row in rows:
            by_entity.setdefault(row["entity_id"], []).append(events[row["id"]])
        return by_entity

    def story_labels(self, story_ids: Iterable[str]) -> dict[str, str]:
        rows = self._db.execute(f"SELECT id, label FROM stories WHERE id {IN_JSON_IDS}", (json.dumps(list(story_ids)),))
        return {story_id: label for story_id, label in rows}

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


def entity_from_row(row: sqlite3.Row) -> Entity:
    return Entity(
        row["id"],
        row["name"],
        row["type"],
        json.loads(row["aliases"]),
        json.loads(row["type_counts"]),
        json.loads(row["name_counts"]),
    )
