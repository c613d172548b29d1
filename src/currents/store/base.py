"""The store interface: the single source of truth every stage reads and writes.

SQLite implements it today; a PostgreSQL store will implement the same
methods. Stages never write SQL of their own, they call these.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import date

from currents.model import Article, Copy, Entity, Source
from currents.text.dedup import Fingerprint


class Store(abc.ABC):
    """Persistence for articles and (in later stages) events and stories."""

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all of them are stored when the block exits, or none."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def own_files(self) -> set[str]:
        """Real paths of the files the store itself writes (so ingest never reads them as input)."""
        return set()

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

    @abc.abstractmethod
    def save_analysis(self, article: Article) -> None:
        """Replace what the understanding stage found in `article` (sentences, entities, dates...).

        Its `entities` must already carry their canonical `entity_id`.
        """

    @abc.abstractmethod
    def count_unanalysed(self) -> int: ...

    @abc.abstractmethod
    def unanalysed_articles(self, limit: int) -> list[Article]:
        """Up to `limit` stored articles the understanding stage has not seen, oldest first."""

    @abc.abstractmethod
    def undated_unresolved_articles(self, limit: int) -> list[Article]:
        """Analysed articles with no publication date, no event date, and relative dates left unresolved."""

    # -- canonical entities -------------------------------------------------
    @abc.abstractmethod
    def entities_for_keys(self, keys: Iterable[str]) -> dict[str, list[Entity]]:
        """The entities registered under each lookup key (a key may name several)."""

    @abc.abstractmethod
    def save_entity(self, entity: Entity, keys: Iterable[str]) -> None:
        """Insert or update a canonical entity and register its lookup keys."""

    @abc.abstractmethod
    def get_entity(self, entity_id: str) -> Entity | None: ...

    @abc.abstractmethod
    def co_entities(self, entity_id: str, limit: int = 200) -> set[str]:
        """Entities mentioned in the same articles as `entity_id` (its context)."""

    @abc.abstractmethod
    def articles_sharing_entities(self, entity_ids: Iterable[str], limit: int = 20) -> list[tuple[Article, int]]:
        """Dated articles mentioning the most of `entity_ids`, with how many each shares."""

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
