"""The store interface: the single source of truth every stage reads and writes.

SQLite implements it today; a PostgreSQL store will implement the same
methods. Stages never write SQL of their own, they call these.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime

from currents.model import (
    Article,
    Copy,
    DatedFact,
    Entity,
    Event,
    EventSummary,
    RelatedEvent,
    SearchFilters,
    SearchResults,
    Source,
    Story,
)
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

    # -- events and stories (the cluster stage) -----------------------------
    @abc.abstractmethod
    def unclustered_article_ids(self) -> list[str]:
        """Analysed articles not yet placed in an event, or whose analysis changed since they were."""

    @abc.abstractmethod
    def articles_for_clustering(self, article_ids: Iterable[str], lead_chars: int) -> list[Article]:
        """Lean articles: metadata, keyphrases, event date, entities and dated facts (dates only), the body cut
        to `lead_chars`."""

    @abc.abstractmethod
    def save_embeddings(self, model: str, vectors: dict[str, bytes]) -> None:
        """Store (or replace) articles' sentence embeddings by encoder `model`, keyed by article id."""

    @abc.abstractmethod
    def article_embeddings(self, article_ids: Iterable[str], model: str) -> dict[str, bytes]:
        """The embeddings by encoder `model` of those of the articles that have one."""

    @abc.abstractmethod
    def entity_article_counts(self, entity_ids: Iterable[str]) -> dict[str, int]:
        """How many articles name each entity (for inverse document frequency)."""

    @abc.abstractmethod
    def event_ids_between(self, first_day: str, last_day: str) -> list[str]:
        """Events whose days overlap [first_day, last_day] (ISO dates)."""

    @abc.abstractmethod
    def open_event_ids_sharing_entities(self, entity_ids: Iterable[str], until: str, limit: int) -> list[str]:
        """Events with no last day (undated, or bounded only from below) that start by `until` (an ISO date) or
        have no first day either, and whose context holds any of `entity_ids`; at most `limit` per entity."""

    @abc.abstractmethod
    def event_ids_sharing_entities(self, entity_ids: Iterable[str], limit: int) -> list[tuple[str, int]]:
        """Events whose context holds the most of `entity_ids`, with how many each shares, most first.

        At most `limit` events are looked at per entity, so the cost stays bounded as the store grows.
        """

    @abc.abstractmethod
    def story_ids_sharing_entities(self, entity_ids: Iterable[str], limit: int) -> list[tuple[str, int]]: ...

    @abc.abstractmethod
    def story_ids_sharing_terms(self, terms: Iterable[str], limit: int) -> list[tuple[str, int]]:
        """Stories whose heaviest terms hold the most of `terms`, with how many each shares, most first.

        As for entities, at most `limit` stories are looked at per term.
        """

    @abc.abstractmethod
    def event_context_ids(self, event_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each event's context entity ids, ranked (a lean read for comparing many events)."""

    @abc.abstractmethod
    def replace_events(self, removed: Iterable[str], events: Iterable[Event]) -> None:
        """Delete the `removed` events and write `events` (members, context, terms), in one transaction.

        Each event's articles get its id; its `story_id` (if set) is written to them too.
        """

    @abc.abstractmethod
    def replace_stories(
        self, removed: Iterable[str], stories: Iterable[Story], context_size: int, lookup_terms: int
    ) -> None:
        """Delete the `removed` stories and write `stories`, setting their events' and articles' story.

        A story's context becomes the `context_size` entities most of its events name, and the
        `lookup_terms` heaviest terms of its vector find it by words (`story_ids_sharing_terms`);
        stories left without events are deleted.
        """

    @abc.abstractmethod
    def save_related(self, event_id: str, related: list[RelatedEvent]) -> None: ...

    @abc.abstractmethod
    def unsummarised_event_ids(self, limit: int) -> list[str]:
        """Events whose members changed since they were last summarised (or never were)."""

    @abc.abstractmethod
    def save_summary(self, event_id: str, summary: EventSummary) -> None:
        """Keep an event's summary; its headline becomes the event's headline."""

    @abc.abstractmethod
    def get_event(self, event_id: str) -> Event | None: ...

    @abc.abstractmethod
    def get_events(self, event_ids: Iterable[str]) -> list[Event]: ...

    @abc.abstractmethod
    def iter_events(self) -> Iterator[Event]:
        """Every event, oldest first (undated last)."""

    @abc.abstractmethod
    def count_events(self) -> int: ...

    @abc.abstractmethod
    def event_days(self) -> list[tuple[date, int]]:
        """Days with events and how many, newest first."""

    @abc.abstractmethod
    def events_on(self, day: date | None) -> list[Event]:
        """Events dated `day` (largest first); `None` gives the undated ones."""

    @abc.abstractmethod
    def events_for_entity(self, entity_id: str) -> list[Event]:
        """Events whose context names the entity, newest first."""

    @abc.abstractmethod
    def get_story(self, story_id: str) -> Story | None: ...

    @abc.abstractmethod
    def get_stories(self, story_ids: Iterable[str]) -> list[Story]: ...

    @abc.abstractmethod
    def iter_stories(self) -> Iterator[Story]:
        """Every story, the most recently active first."""

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
    def sources(self) -> list[Source]: ...

    # -- search and portal reads (the portal) -------------------------------
    @abc.abstractmethod
    def search(
        self, query: str, kind: str, filters: SearchFilters = SearchFilters(), limit: int = 20, offset: int = 0
    ) -> SearchResults:
        """Full-text search of `kind` ("events" or "articles"), best match first.

        `query` is words, "quoted phrases", prefix* words and AND / OR / NOT
        between terms; a query that cannot be understood raises `SearchError`.
        """

    @abc.abstractmethod
    def get_source(self, source_id: str) -> Source | None: ...

    @abc.abstractmethod
    def article_copies(self, article_ids: Iterable[str]) -> dict[str, list[Copy]]:
        """Every copy of each article, in the order they were found (articles without any are left out)."""

    @abc.abstractmethod
    def page_articles(self, article_ids: Iterable[str]) -> list[Article]:
        """Articles as pages show them, in the order asked: every field, copy and sentence, no other analysis.

        Sentences are there because citations point at them (an article page anchors each one);
        entities, dates and facts are left out: no page prints them, and they cost three reads
        per article.
        """

    @abc.abstractmethod
    def article_listing(self, day: date | None) -> list[tuple[str, str, str | None, datetime | None]]:
        """(id, title, outlet, publication) of the articles published on `day` (None: undated), as a day lists them."""

    @abc.abstractmethod
    def event_ids_on(self, day: date | None, limit: int | None = None) -> list[str]:
        """The ids of `events_on(day)`, in its order (largest first), the first `limit` of them."""

    @abc.abstractmethod
    def recent_event_ids(self, limit: int, offset: int = 0) -> list[str]:
        """Event ids, newest first (undated last): for feeds and the API without loading every event."""

    @abc.abstractmethod
    def entities_with_events(self, limit: int | None = None, offset: int = 0) -> list[tuple[Entity, int]]:
        """Entities in the context of at least one event, with how many, most first."""

    @abc.abstractmethod
    def count_entities_with_events(self) -> int: ...

    @abc.abstractmethod
    def article_headlines(self) -> list[tuple[str, str, str | None, str | None, str | None]]:
        """(id, title, publication day, source id, event id) of every article, oldest first: the static search index."""

    @abc.abstractmethod
    def source_coverage(self, source_id: str) -> list[tuple[str, str | None, bool]]:
        """(event id, date, first) of every event the outlet carried an article of, newest first.

        `first` when the event's earliest article with an outlet is this outlet's.
        """

    @abc.abstractmethod
    def source_framing(self, source_id: str) -> dict[str, tuple[int, int]]:
        """(sentences, loaded sentences) of the outlet's telling of each summarised event, by event id."""

    @abc.abstractmethod
    def events_for_entities(self, entity_ids: Iterable[str]) -> dict[str, list[Event]]:
        """`events_for_entity` of many entities in a few reads, by entity id (those without events left out)."""

    @abc.abstractmethod
    def story_labels(self, story_ids: Iterable[str]) -> dict[str, str]:
        """The label of each story, by id (an event page names its story without reading its events)."""

    @abc.abstractmethod
    def story_dated_facts(self, story_id: str) -> list[DatedFact]:
        """The dated facts stated by the articles of a story's events, each distinct sentence once."""


class SearchError(ValueError):
    """A search query that cannot be run, with the reason in words a reader understands."""
