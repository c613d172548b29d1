"""The default store: one SQLite file in WAL mode with versioned migrations."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from currents.model import (
    Article,
    ContextEntity,
    Copy,
    DatedFact,
    Entity,
    Event,
    EventDate,
    EventSummary,
    LocalEntity,
    RelatedEvent,
    Sentence,
    Source,
    Story,
    TimeExpression,
    summary_from_record,
    summary_record,
)
from currents.store.base import Store
from currents.store.sqlite_portal import IN_JSON_IDS, SQLitePortalReads, entity_from_row
from currents.text.dedup import Fingerprint
from currents.text.names import slugify


class StoreError(RuntimeError):
    """The database cannot be opened or is newer than this version of currents."""


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every bundled migration, in order."""
    found = []
    for entry in resources.files("currents.store").joinpath("migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class SQLiteStore(SQLitePortalReads, Store):
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            # Autocommit mode: transactions are explicit (`transaction()`), never implicit.
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL loses nothing on a process crash (kill -9); only power loss matters.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from exc
        self._in_transaction = False
        # Rowids of the articles the open transaction inserted: indexed for search just before it commits.
        self._unindexed: list[int] = []

    # -- schema -----------------------------------------------------------
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.schema_version()
        known = migrations()
        if known and current > known[-1][0]:
            raise StoreError(f"{self.path}: schema version {current} is newer than this currents knows")
        for version, _name, sql in known:
            if version <= current:
                continue
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={version:d}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # -- transactions -----------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
            self._index_new_articles()
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._in_transaction = False
            self._unindexed.clear()

    def _index_new_articles(self) -> None:
        """Add the transaction's new articles to the full-text index in one statement (migration 0007):
        row by row, each FTS5 write would flush a segment of its own, the largest cost of storing.

        Rows already indexed (they have a docsize entry) are left alone, so a store that still has the
        old per-row trigger is slower, never indexed twice.
        """
        if self._unindexed:
            self._db.execute(
                "INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, text FROM articles"
                f" WHERE rowid {IN_JSON_IDS} AND rowid NOT IN (SELECT id FROM articles_fts_docsize)",
                (_json(self._unindexed),),
            )

    def close(self) -> None:
        self._db.close()

    def own_files(self) -> set[str]:
        base = os.path.realpath(self.path)
        return {base, f"{base}-wal", f"{base}-shm", f"{base}-journal"}

    # -- duplicates -------------------------------------------------------
    def article_id_for_url(self, url: str) -> str | None:
        row = self._db.execute("SELECT article_id FROM article_copies WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def article_id_for_hash(self, content_hash: str) -> str | None:
        row = self._db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def near_duplicate_candidates(self, bands: list[int]) -> list[tuple[str, bytes]]:
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self._db.execute(
            f"SELECT id, minhash FROM articles WHERE id IN "
            f"(SELECT DISTINCT article_id FROM article_bands WHERE band IN ({marks}))",
            list(bands),
        )
        return [(row[0], row[1]) for row in rows]

    # -- writes -----------------------------------------------------------
    def add_article(self, article: Article, fingerprint: Fingerprint) -> None:
        with self.transaction():
            source_id = self._source_id(article.source, article.url)
            inserted = self._db.execute(
                "INSERT INTO articles (id, title, text, url, source_id, author, published, file,"
                " format, language, metadata, content_hash, minhash)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id,
                    article.title,
                    article.text,
                    article.url,
                    source_id,
                    article.author,
                    article.published.isoformat() if article.published else None,
                    article.file,
                    article.format,
                    article.language,
                    _json(article.metadata),
                    fingerprint.content_hash,
                    fingerprint.signature,
                ),
            )
            self._unindexed.append(inserted.lastrowid)
            self._db.executemany(
                "INSERT INTO article_bands (band, article_id) VALUES (?, ?)",
                [(band, article.id) for band in fingerprint.bands],
            )
            # Its first copy, as `add_copy` would add it (a new article has no copy yet, so only the URL can
            # be taken, by another article), in one statement and without a second upsert of the outlet.
            self._db.execute(
                "INSERT OR IGNORE INTO article_copies (article_id, url, source_id, file) VALUES (?,?,?,?)",
                (article.id, article.url, source_id, article.file),
            )

    def add_copy(self, article_id: str, copy: Copy) -> bool:
        with self.transaction():
            if copy.url and self.article_id_for_url(copy.url):
                return False
            if not copy.url:
                known = self._db.execute(
                    "SELECT 1 FROM article_copies a LEFT JOIN sources s ON s.id = a.source_id"
                    " WHERE a.article_id = ? AND a.url IS NULL AND a.file IS ? AND s.name IS ?",
                    (article_id, copy.file, copy.source),
                ).fetchone()
                if known:
                    return False
            self._db.execute(
                "INSERT INTO article_copies (article_id, url, source_id, file) VALUES (?,?,?,?)",
                (article_id, copy.url, self._source_id(copy.source, copy.url), copy.file),
            )
            return True

    def _source_id(self, name: str | None, url: str | None) -> str | None:
        if not name:
            return None
        source_id = slugify(name)
        domain = _domain(url)
        self._db.execute(
            "INSERT INTO sources (id, name, domain) VALUES (?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET domain = coalesce(sources.domain, excluded.domain)",
            (source_id, name, domain),
        )
        return source_id

    def save_analysis(self, article: Article) -> None:
        with self.transaction():
            for table in ("sentences", "article_entities", "time_expressions", "dated_facts"):
                self._db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article.id,))
            self._db.executemany(
                "INSERT INTO sentences (article_id, idx, start, end) VALUES (?,?,?,?)",
                [(article.id, s.index, s.start, s.end) for s in article.sentences],
            )
            self._db.executemany(
                "INSERT INTO article_entities (article_id, entity_id, name, surfaces, mentions, first_offset)"
                " VALUES (?,?,?,?,?,?)",
                [
                    (article.id, e.entity_id, e.name, _json(e.surfaces), e.mentions, e.first_offset)
                    for e in article.entities
                ],
            )
            self._db.executemany(
                "INSERT INTO time_expressions (article_id, start, end, sentence, text, value, granularity,"
                " relative, note) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (article.id, t.start, t.end, t.sentence, t.text, t.value, t.granularity, t.relative, t.note)
                    for t in article.dates
                ],
            )
            self._db.executemany(
                "INSERT INTO dated_facts (article_id, date, granularity, sentence, text, entities)"
                " VALUES (?,?,?,?,?,?)",
                [(article.id, f.date, f.granularity, f.sentence, f.text, _json(f.entities)) for f in article.dated_facts],
            )
            when = article.event_date
            self._db.execute(
                "UPDATE articles SET language = ?, keyphrases = ?, metadata = ?, event_date = ?,"
                " event_date_granularity = ?, event_date_confidence = ?, event_date_evidence = ?, analysed = 1, clustered = 0"
                " WHERE id = ?",
                (
                    article.language,
                    _json(article.keyphrases),
                    _json(article.metadata),
                    when.value if when else None,
                    when.granularity if when else None,
                    when.confidence if when else None,
                    when.evidence if when else None,
                    article.id,
                ),
            )

    def count_unanalysed(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles WHERE analysed = 0").fetchone()[0]

    def unanalysed_articles(self, limit: int) -> list[Article]:
        rows = self._db.execute(
            f"{self._SELECT} WHERE a.analysed = 0 ORDER BY a.rowid LIMIT ?", (limit,)
        ).fetchall()
        return [self._article(row) for row in rows]

    def undated_unresolved_articles(self, limit: int) -> list[Article]:
        rows = self._db.execute(
            f"{self._SELECT} WHERE a.analysed = 1 AND a.published IS NULL AND a.event_date IS NULL"
            " AND json_extract(a.metadata, '$.reference_date') IS NULL"
            " AND EXISTS (SELECT 1 FROM time_expressions t WHERE t.article_id = a.id"
            " AND t.relative AND t.value IS NULL)"
            " ORDER BY a.rowid DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [self._article(row) for row in rows]

    # -- canonical entities -------------------------------------------------
    def entities_for_keys(self, keys: Iterable[str]) -> dict[str, list[Entity]]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, list[Entity]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self._db.execute(
                f"SELECT k.key, e.* FROM entity_keys k JOIN entities e ON e.id = k.entity_id"
                f" WHERE k.key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for row in rows:
                found.setdefault(row["key"], []).append(entity_from_row(row))
        return found

    def save_entity(self, entity: Entity, keys: Iterable[str]) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO entities (id, name, type, aliases, type_counts, name_counts) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type,"
                " aliases = excluded.aliases, type_counts = excluded.type_counts, name_counts = excluded.name_counts",
                (
                    entity.id,
                    entity.name,
                    entity.type,
                    _json(entity.aliases),
                    _json(entity.type_counts),
                    _json(entity.name_counts),
                ),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO entity_keys (key, entity_id) VALUES (?, ?)",
                [(key, entity.id) for key in keys],
            )

    def get_entity(self, entity_id: str) -> Entity | None:
        row = self._db.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return entity_from_row(row) if row else None

    def co_entities(self, entity_id: str, limit: int = 200) -> set[str]:
        rows = self._db.execute(
            "SELECT DISTINCT other.entity_id FROM"
            " (SELECT article_id FROM article_entities WHERE entity_id = ? LIMIT ?) mine"
            " JOIN article_entities other ON other.article_id = mine.article_id"
            " WHERE other.entity_id != ?",
            (entity_id, limit, entity_id),
        )
        return {row[0] for row in rows}

    def articles_sharing_entities(self, entity_ids: Iterable[str], limit: int = 20) -> list[tuple[Article, int]]:
        ids = list(dict.fromkeys(entity_ids))
        if not ids:
            return []
        rows = self._db.execute(
            f"SELECT ae.article_id, count(*) AS shared FROM article_entities ae"
            f" JOIN articles a ON a.id = ae.article_id"
            f" WHERE ae.entity_id IN ({','.join('?' * len(ids))}) AND a.published IS NOT NULL"
            f" GROUP BY ae.article_id ORDER BY shared DESC, ae.article_id LIMIT ?",
            [*ids, limit],
        ).fetchall()
        return [(self.get_article(row[0]), row[1]) for row in rows]

    # -- events and stories (the cluster stage) -----------------------------
    def unclustered_article_ids(self) -> list[str]:
        rows = self._db.execute("SELECT id FROM articles WHERE analysed = 1 AND clustered = 0 ORDER BY id")
        return [row[0] for row in rows]

    def articles_for_clustering(self, article_ids: Iterable[str], lead_chars: int) -> list[Article]:
        found: list[Article] = []
        for chunk in _chunks(list(article_ids)):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT a.id, a.title, substr(a.text, 1, ?) AS lead, a.url, a.published, a.event_id,"
                " a.story_id, a.keyphrases, a.event_date, a.event_date_granularity, a.event_date_confidence,"
                " a.event_date_evidence,"
                f" s.name AS source_name FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
                f" WHERE a.id IN ({marks})",
                [lead_chars, *chunk],
            ).fetchall()
            entities: dict[str, list[LocalEntity]] = {}
            for r in self._db.execute(
                "SELECT ae.article_id, ae.entity_id, ae.name, ae.surfaces, ae.mentions, ae.first_offset, e.type"
                f" FROM article_entities ae JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id IN ({marks})"
                " ORDER BY ae.first_offset",
                chunk,
            ):
                entities.setdefault(r["article_id"], []).append(
                    LocalEntity(
                        r["name"],
                        r["type"],
                        json.loads(r["surfaces"]),
                        r["mentions"],
                        r["first_offset"],
                        r["entity_id"],
                    )
                )
            facts: dict[str, list[DatedFact]] = {}
            for r in self._db.execute(
                f"SELECT article_id, date, granularity, sentence FROM dated_facts WHERE article_id IN ({marks})", chunk
            ):
                facts.setdefault(r["article_id"], []).append(DatedFact(r["date"], r["granularity"], r["sentence"], ""))
            for row in rows:
                found.append(
                    Article(
                        id=row["id"],
                        title=row["title"],
                        text=row["lead"],
                        url=row["url"],
                        source=row["source_name"],
                        published=datetime.fromisoformat(row["published"]) if row["published"] else None,
                        event_id=row["event_id"],
                        story_id=row["story_id"],
                        keyphrases=json.loads(row["keyphrases"]),
                        event_date=(
                            EventDate(
                                row["event_date"],
                                row["event_date_granularity"],
                                row["event_date_confidence"],
                                row["event_date_evidence"] or "",
                            )
                            if row["event_date"]
                            else None
                        ),
                        entities=entities.get(row["id"], []),
                        dated_facts=facts.get(row["id"], []),
                    )
                )
        return found

    def save_embeddings(self, model: str, vectors: dict[str, bytes]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO article_embeddings (article_id, model, vector) VALUES (?,?,?)",
                [(article_id, model, vector) for article_id, vector in vectors.items()],
            )

    def article_embeddings(self, article_ids: Iterable[str], model: str) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for chunk in _chunks(list(article_ids)):
            rows = self._db.execute(
                f"SELECT article_id, vector FROM article_embeddings WHERE model = ?"
                f" AND article_id IN ({','.join('?' * len(chunk))})",
                [model, *chunk],
            )
            found.update({row[0]: row[1] for row in rows})
        return found

    def entity_article_counts(self, entity_ids: Iterable[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for chunk in _chunks(list(dict.fromkeys(entity_ids))):
            rows = self._db.execute(
                f"SELECT entity_id, count(*) FROM article_entities WHERE entity_id IN ({','.join('?' * len(chunk))})"
                " GROUP BY entity_id",
                chunk,
            )
            counts.update({row[0]: row[1] for row in rows})
        return counts

    def event_ids_between(self, first_day: str, last_day: str) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM events WHERE first_day <= ? AND last_day >= ? ORDER BY id", (last_day, first_day)
        )
        return [row[0] for row in rows]

    def open_event_ids_sharing_entities(self, entity_ids: Iterable[str], until: str, limit: int) -> list[str]:
        query = (
            "SELECT ee.event_id FROM event_entities ee JOIN events e ON e.id = ee.event_id"
            " WHERE ee.entity_id = ? AND e.last_day IS NULL AND (e.first_day IS NULL OR e.first_day <= ?)"
            " ORDER BY ee.event_id LIMIT ?"
        )
        return sorted(set(self._holders(query, entity_ids, limit, until)))

    def event_ids_sharing_entities(self, entity_ids: Iterable[str], limit: int) -> list[tuple[str, int]]:
        return self._sharing("event_entities", "event_id", entity_ids, limit)

    def story_ids_sharing_entities(self, entity_ids: Iterable[str], limit: int) -> list[tuple[str, int]]:
        return self._sharing("story_entities", "story_id", entity_ids, limit)

    def story_ids_sharing_terms(self, terms: Iterable[str], limit: int) -> list[tuple[str, int]]:
        return self._sharing("story_terms", "story_id", terms, limit, key="term")

    def _sharing(
        self, table: str, column: str, keys: Iterable[str], limit: int, key: str = "entity_id"
    ) -> list[tuple[str, int]]:
        query = f"SELECT {column} FROM {table} WHERE {key} = ? ORDER BY {column} LIMIT ?"
        shared = Counter(self._holders(query, keys, limit))
        return sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def _holders(self, query: str, keys: Iterable[str], limit: int, *params: str) -> Iterator[str]:
        """What `query` lists for each key (its parameters: the key, `params`, then `limit`).

        At most `limit` per key: an entity named everywhere (a country, a league) would otherwise make one
        lookup cost as much as the store is large; rare entities, the ones that say two events are related,
        are listed whole.
        """
        for value in dict.fromkeys(keys):
            yield from (row[0] for row in self._db.execute(query, (value, *params, limit)))

    def event_context_ids(self, event_ids: Iterable[str]) -> dict[str, list[str]]:
        context: dict[str, list[str]] = {}
        for chunk in _chunks(list(dict.fromkeys(event_ids))):
            rows = self._db.execute(
                f"SELECT event_id, entity_id FROM event_entities WHERE event_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY event_id, rank",
                chunk,
            )
            for event_id, entity_id in rows:
                context.setdefault(event_id, []).append(entity_id)
        return context

    def replace_events(self, removed: Iterable[str], events: Iterable[Event]) -> None:
        with self.transaction():
            gone = list(removed)
            for chunk in _chunks(gone):
                marks = ",".join("?" * len(chunk))
                self._db.execute(f"UPDATE articles SET event_id = NULL WHERE event_id IN ({marks})", chunk)
                self._db.execute(f"DELETE FROM events WHERE id IN ({marks})", chunk)
            for event in events:
                self._write_event(event)

    def _write_event(self, event: Event) -> None:
        self._db.execute(
            "INSERT INTO events (id, date, granularity, headline, story_id, first_published, last_published,"
            " first_day, last_day, keyphrases, vector) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET date = excluded.date, granularity = excluded.granularity,"
            " headline = excluded.headline, story_id = excluded.story_id,"
            " first_published = excluded.first_published, last_published = excluded.last_published,"
            " first_day = excluded.first_day, last_day = excluded.last_day, keyphrases = excluded.keyphrases,"
            " vector = excluded.vector, summary = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (
                event.id,
                event.date,
                event.granularity,
                event.headline,
                event.story_id,
                _iso(event.first_published),
                _iso(event.last_published),
                event.first_day,
                event.last_day,
                _json(event.keyphrases),
                _json(event.vector),
            ),
        )
        self._db.execute("DELETE FROM event_entities WHERE event_id = ?", (event.id,))
        self._db.executemany(
            "INSERT INTO event_entities (event_id, entity_id, rank, articles) VALUES (?,?,?,?)",
            [(event.id, c.id, rank, c.articles) for rank, c in enumerate(event.context)],
        )
        self._db.execute("UPDATE articles SET event_id = NULL WHERE event_id = ?", (event.id,))
        for chunk in _chunks(event.article_ids):
            self._db.execute(
                f"UPDATE articles SET event_id = ?, story_id = ?, clustered = 1 WHERE id IN ({','.join('?' * len(chunk))})",
                [event.id, event.story_id, *chunk],
            )

    def replace_stories(
        self, removed: Iterable[str], stories: Iterable[Story], context_size: int, lookup_terms: int
    ) -> None:
        with self.transaction():
            for chunk in _chunks(list(removed)):
                marks = ",".join("?" * len(chunk))
                self._db.execute(f"UPDATE events SET story_id = NULL WHERE story_id IN ({marks})", chunk)
                self._db.execute(f"UPDATE articles SET story_id = NULL WHERE story_id IN ({marks})", chunk)
                self._db.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
            for story in stories:
                self._write_story(story, context_size, lookup_terms)
            self._db.execute("DELETE FROM stories WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.story_id = stories.id)")

    def _write_story(self, story: Story, context_size: int, lookup_terms: int) -> None:
        self._db.execute(
            "INSERT INTO stories (id, label, first_date, last_date, keyphrases, vector) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET label = excluded.label, first_date = excluded.first_date,"
            " last_date = excluded.last_date, keyphrases = excluded.keyphrases, vector = excluded.vector,"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (story.id, story.label, story.first_date, story.last_date, _json(story.keyphrases), _json(story.vector)),
        )
        for chunk in _chunks(story.event_ids):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"UPDATE events SET story_id = ? WHERE id IN ({marks})", [story.id, *chunk])
            self._db.execute(f"UPDATE articles SET story_id = ? WHERE event_id IN ({marks})", [story.id, *chunk])
        # Its context: the entities most of its events have in theirs (a thread is about what recurs),
        # then those with most articles, added up from its events' counts (see `ContextEntity`).
        self._db.execute("DELETE FROM story_entities WHERE story_id = ?", (story.id,))
        self._db.execute(
            "INSERT INTO story_entities (story_id, entity_id, rank, articles)"
            " SELECT ?, entity_id, row_number() OVER (ORDER BY events DESC, articles DESC, entity_id) - 1, articles"
            " FROM (SELECT entity_id, count(*) AS events, sum(articles) AS articles FROM event_entities"
            "       WHERE event_id IN (SELECT id FROM events WHERE story_id = ?) GROUP BY entity_id)"
            " ORDER BY events DESC, articles DESC, entity_id LIMIT ?",
            (story.id, story.id, context_size),
        )
        # Its lookup terms: the heaviest of the vector just written.
        self._db.execute("DELETE FROM story_terms WHERE story_id = ?", (story.id,))
        self._db.execute(
            "INSERT INTO story_terms (story_id, term) SELECT s.id, t.key FROM stories s, json_each(s.vector, '$.terms') t"
            " WHERE s.id = ? ORDER BY t.value DESC, t.key LIMIT ?",
            (story.id, lookup_terms),
        )

    def save_related(self, event_id: str, related: list[RelatedEvent]) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM related_events WHERE event_id = ?", (event_id,))
            self._db.executemany(
                "INSERT INTO related_events (event_id, related_id, rank, score, shared) VALUES (?,?,?,?,?)",
                [
                    (event_id, r.event_id, rank, r.score, _json([c.id for c in r.shared]))
                    for rank, r in enumerate(related)
                ],
            )

    def unsummarised_event_ids(self, limit: int) -> list[str]:
        rows = self._db.execute("SELECT id FROM events WHERE summary IS NULL ORDER BY id LIMIT ?", (limit,))
        return [row[0] for row in rows]

    def save_summary(self, event_id: str, summary: EventSummary) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE events SET summary = ?, headline = ? WHERE id = ?",
                (_json(summary_record(summary)), summary.headline.text, event_id),
            )

    def get_event(self, event_id: str) -> Event | None:
        found = self.get_events([event_id])
        return found[0] if found else None

    def get_events(self, event_ids: Iterable[str]) -> list[Event]:
        wanted = list(dict.fromkeys(event_ids))
        by_id: dict[str, Event] = {}
        for chunk in _chunks(wanted):
            rows = self._db.execute(f"SELECT * FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            by_id.update({event.id: event for event in self._events(rows.fetchall())})
        return [by_id[i] for i in wanted if i in by_id]

    def iter_events(self) -> Iterator[Event]:
        rows = self._db.execute("SELECT * FROM events ORDER BY date IS NULL, date, first_published, id").fetchall()
        for start in range(0, len(rows), _CHUNK):
            yield from self._events(rows[start : start + _CHUNK])

    def count_events(self) -> int:
        return self._db.execute("SELECT count(*) FROM events").fetchone()[0]

    def event_days(self) -> list[tuple[date, int]]:
        # day_counts is kept by triggers (migration 0005), so no request counts the whole store.
        rows = self._db.execute("SELECT day, events FROM day_counts WHERE events > 0 ORDER BY day DESC")
        return [(date.fromisoformat(day), count) for day, count in rows]

    def events_on(self, day: date | None) -> list[Event]:
        return self.get_events(self.event_ids_on(day))

    def events_for_entity(self, entity_id: str) -> list[Event]:
        return self.events_for_entities([entity_id]).get(entity_id, [])

    def get_story(self, story_id: str) -> Story | None:
        found = self.get_stories([story_id])
        return found[0] if found else None

    def get_stories(self, story_ids: Iterable[str]) -> list[Story]:
        wanted = list(dict.fromkeys(story_ids))
        by_id: dict[str, Story] = {}
        for chunk in _chunks(wanted):
            rows = self._db.execute(f"SELECT * FROM stories WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            by_id.update({row["id"]: self._story(row) for row in rows.fetchall()})
        return [by_id[i] for i in wanted if i in by_id]

    def iter_stories(self) -> Iterator[Story]:
        rows = self._db.execute("SELECT * FROM stories ORDER BY last_date IS NULL, last_date DESC, id")
        for row in rows.fetchall():
            yield self._story(row)

    def _events(self, rows: list[sqlite3.Row]) -> list[Event]:
        """The events in `rows`, in order; members, context and related events read in one query each for all."""
        ids = _json([row["id"] for row in rows])
        members: dict[str, list[tuple[str, str | None]]] = {}
        for event_id, article_id, source in self._db.execute(
            "SELECT a.event_id, a.id, s.name FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
            f" WHERE a.event_id {IN_JSON_IDS} ORDER BY a.published IS NULL, a.published, a.id",
            (ids,),
        ):
            members.setdefault(event_id, []).append((article_id, source))
        context = self._ranked_entities("event_entities", "event_id", ids)
        related = self._related(ids)
        return [
            self._event(row, members.get(row["id"], []), context.get(row["id"], []), related.get(row["id"], []))
            for row in rows
        ]

    def _related(self, event_ids: str) -> dict[str, list[RelatedEvent]]:
        """Related events of each event in the JSON list `event_ids`, best first."""
        rows = self._db.execute(
            # Relations are found from the newer side; either side lists the other.
            "SELECT x.owner, x.other AS related_id, max(x.score) AS score, x.shared, e.headline, e.date FROM"
            " (SELECT event_id AS owner, related_id AS other, score, shared FROM related_events"
            f"  WHERE event_id {IN_JSON_IDS}"
            f"  UNION ALL SELECT related_id, event_id, score, shared FROM related_events WHERE related_id {IN_JSON_IDS}) x"
            " JOIN events e ON e.id = x.other GROUP BY x.owner, x.other ORDER BY x.owner, score DESC, x.other",
            (event_ids, event_ids),
        ).fetchall()
        shared = self._context_entities([i for r in rows for i in json.loads(r["shared"])])
        related: dict[str, list[RelatedEvent]] = {}
        for r in rows:
            entities = [shared[i] for i in json.loads(r["shared"]) if i in shared]
            related.setdefault(r["owner"], []).append(
                RelatedEvent(r["related_id"], r["score"], entities, r["headline"], r["date"])
            )
        return related

    def _event(
        self,
        row: sqlite3.Row,
        members: list[tuple[str, str | None]],
        context: list[ContextEntity],
        related: list[RelatedEvent],
    ) -> Event:
        return Event(
            id=row["id"],
            date=row["date"],
            granularity=row["granularity"],
            headline=row["headline"],
            article_ids=[m[0] for m in members],
            story_id=row["story_id"],
            sources=list(dict.fromkeys(m[1] for m in members if m[1])),
            first_published=_datetime(row["first_published"]),
            last_published=_datetime(row["last_published"]),
            context=context,
            keyphrases=json.loads(row["keyphrases"]),
            related=related,
            vector=json.loads(row["vector"]),
            first_day=row["first_day"],
            last_day=row["last_day"],
            summary=summary_from_record(json.loads(row["summary"])) if row["summary"] else None,
        )

    def _story(self, row: sqlite3.Row) -> Story:
        events = self._db.execute(
            "SELECT id FROM events WHERE story_id = ? ORDER BY date IS NULL, date, id", (row["id"],)
        ).fetchall()
        return Story(
            id=row["id"],
            label=row["label"],
            event_ids=[e[0] for e in events],
            first_date=row["first_date"],
            last_date=row["last_date"],
            context=self._ranked_entities("story_entities", "story_id", _json([row["id"]])).get(row["id"], []),
            keyphrases=json.loads(row["keyphrases"]),
            vector=json.loads(row["vector"]),
        )

    def _ranked_entities(self, table: str, column: str, owners: str) -> dict[str, list[ContextEntity]]:
        """The ranked context of each owner (event or story) in the JSON list `owners`."""
        rows = self._db.execute(
            f"SELECT x.{column} AS owner, e.id, e.name, e.type, x.articles FROM {table} x"
            f" JOIN entities e ON e.id = x.entity_id WHERE x.{column} {IN_JSON_IDS} ORDER BY x.rank",
            (owners,),
        )
        ranked: dict[str, list[ContextEntity]] = {}
        for r in rows:
            ranked.setdefault(r["owner"], []).append(ContextEntity(r["id"], r["name"], r["type"], r["articles"]))
        return ranked

    def _context_entities(self, entity_ids: list[str]) -> dict[str, ContextEntity]:
        """The entities named, by id (unknown ids left out), read in one query."""
        rows = self._db.execute(f"SELECT id, name, type FROM entities WHERE id {IN_JSON_IDS}", (_json(entity_ids),))
        return {r["id"]: ContextEntity(r["id"], r["name"], r["type"]) for r in rows}

    # -- reads ------------------------------------------------------------
    _SELECT = (
        "SELECT a.*, s.name AS source_name FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
    )

    def get_article(self, article_id: str) -> Article | None:
        row = self._db.execute(f"{self._SELECT} WHERE a.id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def iter_articles(self) -> Iterator[Article]:
        rows = self._db.execute(f"{self._SELECT} ORDER BY a.published IS NULL, a.published, a.id")
        for row in rows.fetchall():
            yield self._article(row)

    def count_articles(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def days(self) -> list[tuple[date, int]]:
        rows = self._db.execute("SELECT day, articles FROM day_counts WHERE articles > 0 ORDER BY day DESC")
        return [(date.fromisoformat(day), count) for day, count in rows]

    def sources(self) -> list[Source]:
        rows = self._db.execute("SELECT * FROM sources ORDER BY name")
        return [Source(r["id"], r["name"], r["domain"], json.loads(r["aliases"])) for r in rows]

    def _article(self, row: sqlite3.Row, copies: list[Copy] | None = None, analysis: bool = True) -> Article:
        """The article in `row`; `copies` when the caller read them already, its analysis unless told not to."""
        if copies is None:
            copies = self.article_copies([row["id"]]).get(row["id"], [])
        return Article(
            id=row["id"],
            title=row["title"],
            text=row["text"],
            url=row["url"],
            source=row["source_name"],
            author=row["author"],
            published=datetime.fromisoformat(row["published"]) if row["published"] else None,
            file=row["file"],
            format=row["format"],
            language=row["language"],
            metadata=json.loads(row["metadata"]),
            copies=copies,
            event_id=row["event_id"],
            story_id=row["story_id"],
            keyphrases=json.loads(row["keyphrases"]),
            event_date=(
                EventDate(
                    row["event_date"],
                    row["event_date_granularity"],
                    row["event_date_confidence"],
                    row["event_date_evidence"],
                )
                if row["event_date"]
                else None
            ),
            **(self._analysis(row["id"], row["text"]) if analysis else {}),
        )

    def _analysis(self, article_id: str, text: str) -> dict:
        """Sentences, entities, dates and facts of one article, as the model's lists."""
        query = self._db.execute
        return {
            "sentences": [
                Sentence(r["idx"], r["start"], r["end"], text[r["start"] : r["end"]])
                for r in query("SELECT * FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,))
            ],
            "entities": [
                LocalEntity(r["name"], r["type"], json.loads(r["surfaces"]), r["mentions"], r["first_offset"], r["entity_id"])
                for r in query(
                    "SELECT ae.*, e.type FROM article_entities ae JOIN entities e ON e.id = ae.entity_id"
                    " WHERE ae.article_id = ? ORDER BY ae.first_offset",
                    (article_id,),
                )
            ],
            "dates": [
                TimeExpression(r["text"], r["start"], r["end"], r["sentence"], r["value"], r["granularity"], bool(r["relative"]), r["note"])
                for r in query("SELECT * FROM time_expressions WHERE article_id = ? ORDER BY start", (article_id,))
            ],
            "dated_facts": [
                DatedFact(r["date"], r["granularity"], r["sentence"], r["text"], json.loads(r["entities"]))
                for r in query("SELECT * FROM dated_facts WHERE article_id = ? ORDER BY sentence, date", (article_id,))
            ],
        }


# Bound on SQL parameters per statement (SQLite's default limit is 32766; stay well under).
_CHUNK = 900


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements: comment lines dropped, then split on semicolons.

    A piece is joined to the next until SQLite calls it complete, so a trigger's
    BEGIN ... END body stays one statement. Our migrations hold no semicolons
    inside string literals; executescript() would be simpler but commits on its
    own, outside the migration's transaction.
    """
    code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    statements, pending = [], ""
    for piece in code.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip().removesuffix(";").strip())
            pending = ""
    return [statement for statement in statements if statement]


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None
