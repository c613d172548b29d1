"""The default store: one SQLite file in WAL mode with versioned migrations."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from currents.model import (
    Article,
    Copy,
    DatedFact,
    Entity,
    EventDate,
    LocalEntity,
    Sentence,
    Source,
    TimeExpression,
)
from currents.store.base import Store
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


class SQLiteStore(Store):
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
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._in_transaction = False

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
            self._db.execute(
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
            self._db.executemany(
                "INSERT INTO article_bands (band, article_id) VALUES (?, ?)",
                [(band, article.id) for band in fingerprint.bands],
            )
            self.add_copy(article.id, Copy(article.url, article.source, article.file))

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
                " event_date_granularity = ?, event_date_confidence = ?, event_date_evidence = ?, analysed = 1"
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
                found.setdefault(row["key"], []).append(_entity(row))
        return found

    def save_entity(self, entity: Entity, keys: Iterable[str]) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO entities (id, name, type, aliases) VALUES (?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type,"
                " aliases = excluded.aliases",
                (entity.id, entity.name, entity.type, _json(entity.aliases)),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO entity_keys (key, entity_id) VALUES (?, ?)",
                [(key, entity.id) for key in keys],
            )

    def get_entity(self, entity_id: str) -> Entity | None:
        row = self._db.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return _entity(row) if row else None

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
        rows = self._db.execute(
            "SELECT substr(published, 1, 10) AS day, count(*) FROM articles"
            " WHERE published IS NOT NULL GROUP BY day ORDER BY day DESC"
        )
        return [(date.fromisoformat(day), count) for day, count in rows]

    def articles_on(self, day: date | None) -> list[Article]:
        if day is None:
            rows = self._db.execute(f"{self._SELECT} WHERE a.published IS NULL ORDER BY a.title")
        else:
            rows = self._db.execute(
                f"{self._SELECT} WHERE substr(a.published, 1, 10) = ? ORDER BY a.published, a.title",
                (day.isoformat(),),
            )
        return [self._article(row) for row in rows.fetchall()]

    def sources(self) -> list[Source]:
        rows = self._db.execute("SELECT * FROM sources ORDER BY name")
        return [Source(r["id"], r["name"], r["domain"], json.loads(r["aliases"])) for r in rows]

    def _article(self, row: sqlite3.Row) -> Article:
        copies = [
            Copy(c["url"], c["name"], c["file"])
            for c in self._db.execute(
                "SELECT c.url, s.name, c.file FROM article_copies c LEFT JOIN sources s ON s.id = c.source_id"
                " WHERE c.article_id = ? ORDER BY c.rowid",
                (row["id"],),
            )
        ]
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
            **self._analysis(row["id"], row["text"]),
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


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _entity(row: sqlite3.Row) -> Entity:
    return Entity(row["id"], row["name"], row["type"], json.loads(row["aliases"]))


def _statements(sql: str) -> list[str]:
    """Split a migration into statements: comment lines dropped, then split on semicolons.

    Our migrations hold no semicolons inside string literals; executescript()
    would be simpler but commits on its own, outside the migration's transaction.
    """
    code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in code.split(";") if s.strip()]


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None
