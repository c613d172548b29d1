"""The store interface: the single source of truth every stage reads and writes.

SQLite implements it today; a PostgreSQL store will implement the same
methods. Stages never write SQL of their own, they call these.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date

from currents.model import Article, Copy, Source
from currents.text.dedup import Fingerprint


class Store(abc.ABC):
    """Persistence for articles and (in later stages) events and stories."""

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all of them are stored when the block exits, or none."""

    @abc.abstractmethod
    def close(self) -> None: ...

    # -- duplicates -------------------------------------------------------
    @abc.abstractmethod
    def article_id_for_url(self, url: str) -> str | None:
        """The article any copy of which was carried by `url`."""

    @abc.abstractmethod
    def article_id_for_hash(self, content_hash: str) -> str | None: ...

    @abc.abstractmethod
    def near_duplicate_candidates(self, bands: list[int]) -> list[tuple[str, bytes]]:
        """Articles sharing at least one MinHash band, with their signatures."""

    # -- writes -----------------------------------------------------------
    @abc.abstractmethod
    def add_article(self, article: Article, fingerprint: Fingerprint) -> None:
        """Store a new article (its `id` already set) and its first copy."""

    @abc.abstractmethod
    def add_copy(self, article_id: str, copy: Copy) -> bool:
        """Record another URL/outlet/file carrying an article; False if already known."""

    # -- reads ------------------------------------------------------------
    @abc.abstractmethod
    def get_article(self, article_id: str) -> Article | None: ...

    @abc.abstractmethod
    def iter_articles(self) -> Iterator[Article]:
        """Every article, oldest publication first (undated last)."""

    @abc.abstractmethod
    def count_articles(self) -> int: ...

    @abc.abstractmethod
    def days(self) -> list[tuple[date, int]]:
        """Publication days with their article counts, newest first."""

    @abc.abstractmethod
    def articles_on(self, day: date | None) -> list[Article]:
        """Articles published on `day`; `None` gives the undated ones."""

    @abc.abstractmethod
    def sources(self) -> list[Source]: ...
