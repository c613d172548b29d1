"""The SQLite store: WAL, versioned migrations, refusing what it cannot read, searching what is committed."""

from __future__ import annotations

import sqlite3

import pytest
from portal_data import add

import currents
from currents.store import SQLiteStore, StoreError, open_store
from currents.store.sqlite import _statements, migrations


def test_new_store_is_in_wal_mode_at_the_latest_schema(tmp_path):
    store = open_store(tmp_path / "s.db")
    assert store.schema_version() == migrations()[-1][0]
    store.close()
    with sqlite3.connect(tmp_path / "s.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_does_not_migrate_twice(tmp_path):
    SQLiteStore(tmp_path / "s.db").close()
    store = SQLiteStore(tmp_path / "s.db")
    assert store.count_articles() == 0
    store.close()


def test_store_from_a_newer_currents_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "s.db") as connection:
        connection.execute("PRAGMA user_version=999")
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(tmp_path / "s.db")


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / "s.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        SQLiteStore(tmp_path / "s.db")


def test_writes_inside_a_failed_transaction_are_rolled_back(tmp_path):
    from currents.config import DedupConfig
    from currents.model import Article
    from currents.text.dedup import fingerprint

    store = SQLiteStore(tmp_path / "s.db")
    article = Article(title="A headline only", url="https://example.org/a", source="Example")
    article.id = "a1"
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_article(article, fingerprint(article, DedupConfig()))
            raise RuntimeError("crash in the middle of a batch")
    assert store.count_articles() == 0
    assert store.article_id_for_url("https://example.org/a") is None
    store.close()


# -- the full-text index, filled once per transaction (migration 0007) ---------------------------
# The last schema before it, when a trigger indexed every article as it was inserted.
ROW_BY_ROW_INDEXING = 6


def found(app, query: str) -> set[str]:
    return {hit.id for hit in app.store.search(query, "articles", limit=100).hits}


def assert_index_is_exact(path) -> None:
    """FTS5's own check against the articles table: raises when a row is missing, extra or stale."""
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_search_finds_the_articles_of_every_committed_batch_and_none_of_a_failed_one(app):
    for word in ("harbour", "reservoir", "lighthouse"):
        with app.store.transaction():
            for n in range(3):
                add(app, f"{word}-{n}", title=f"The {word} story, part {n}", text=f"More about the {word}.")
    add(app, "alone", title="A lighthouse keeper retires")  # outside a batch: its own transaction
    with pytest.raises(RuntimeError):
        with app.store.transaction():
            add(app, "lost", title="The pier collapses")
            raise RuntimeError("crash in the middle of a batch")
    assert found(app, "harbour") == {"harbour-0", "harbour-1", "harbour-2"}
    assert found(app, "lighthouse") == {"lighthouse-0", "lighthouse-1", "lighthouse-2", "alone"}
    assert found(app, "pier") == set()
    assert_index_is_exact(app.store.path)


def test_an_article_changed_or_removed_before_its_batch_commits_is_searched_as_committed(app):
    with app.store.transaction():
        add(app, "renamed", title="Ferries stop for the winter")
        add(app, "removed", title="Tunnel opens", url="https://example.org/tunnel")
        app.store._db.execute("UPDATE articles SET title = 'Bridges close for the winter' WHERE id = 'renamed'")
        for table, column in (("article_copies", "article_id"), ("article_bands", "article_id"), ("articles", "id")):
            app.store._db.execute(f"DELETE FROM {table} WHERE {column} = 'removed'")
    assert found(app, "winter") == found(app, "bridges") == {"renamed"}
    assert found(app, "ferries") == found(app, "tunnel") == set()
    assert_index_is_exact(app.store.path)


def test_a_store_indexed_row_by_row_searches_the_same_after_migrating(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path, isolation_level=None) as old:
        for version, _name, sql in migrations():
            if version <= ROW_BY_ROW_INDEXING:
                for statement in _statements(sql):
                    old.execute(statement)
                old.execute(f"PRAGMA user_version={version}")
        old.execute(
            "INSERT INTO articles (id, title, text, format, content_hash)"
            " VALUES ('old', 'Harbour council votes', 'The pier will be repaired.', 'text', 'hash-of-old')"
        )
    with currents.open(path) as app:
        assert app.store.schema_version() == migrations()[-1][0]
        add(app, "new", title="Harbour reopens", text="Boats are back at the pier.")
        assert found(app, "harbour") == found(app, "pier") == {"old", "new"}
        app.store._db.execute("UPDATE articles SET title = 'Lighthouse council votes' WHERE id = 'old'")
        assert found(app, "harbour") == {"new"}
        assert found(app, "lighthouse") == {"old"}
        assert_index_is_exact(path)


def test_a_store_that_still_indexes_row_by_row_indexes_each_article_once(app):
    """A store migrated out of order may keep migration 0004's per-row trigger: slower, never wrong."""
    app.store._db.execute(
        "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN"
        " INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text); END"
    )
    with app.store.transaction():
        add(app, "twice", title="Harbour council votes")
    assert [hit.id for hit in app.store.search("harbour", "articles").hits] == ["twice"]
    assert_index_is_exact(app.store.path)
