"""The store stage: the single source of truth (SQLite by default)."""

from __future__ import annotations

from pathlib import Path

from currents.store.base import SearchError, Store
from currents.store.sqlite import SQLiteStore, StoreError


def open_store(db: str | Path) -> Store:
    """Open (creating and migrating if needed) the store at `db`.

    A path is a SQLite file; a `postgresql://` URL is reserved for the
    PostgreSQL store, which is not part of this version.
    """
    if str(db).startswith(("postgres://", "postgresql://")):
        raise StoreError(f"{db}: the PostgreSQL store is not available in this version")
    return SQLiteStore(db)


__all__ = ["SQLiteStore", "SearchError", "Store", "StoreError", "open_store"]
