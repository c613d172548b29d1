"""The SQLite store: WAL mode, versioned migrations, refusing what it cannot read."""

from __future__ import annotations

import sqlite3

import pytest

from currents.store import SQLiteStore, StoreError, open_store
from currents.store.sqlite import migrations


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
