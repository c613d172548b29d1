"""The data model every pipeline stage reads and writes.

Readers produce `Article`s, the text stage cleans them, later stages attach
`Sentence`s, `Entity`s, `Event`s and `Story`s, and the store persists all of
them. Keeping one set of records (rather than one per stage) is what lets the
CLI, the static site and the web app show the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class Source:
    """A news outlet. `id` is a slug derived from the name, stable across runs."""

    id: str
    name: str
    domain: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass
class Sentence:
    """A sentence of an article body, located by character offsets into `Article.text`."""

    index: int
    start: int
    end: int
    text: str


@dataclass
class Entity:
    """A canonical named entity (one person, organisation, place...) across the store."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class LocalEntity:
    """One entity as one article names it: its mentions grouped before store-wide linking.

    `name` is the fullest form the article uses ("Vladimir Putin" for "Putin",
    "International Criminal Court" for "ICC"); `surfaces` are every form seen.
    """

    name: str
    type: str
    surfaces: list[str] = field(default_factory=list)
    mentions: int = 0
    first_offset: int = 0
    entity_id: str | None = None


@dataclass
class TimeExpression:
    """A time expression in an article, resolved to a date when the text allows.

    `value` is an ISO date cut to its granularity ("2016-11-16", "2016-11",
    "2016"); it is None when the expression is relative and there is no
    reference date to resolve it against (`note` says so).
    """

    text: str
    start: int
    end: int
    sentence: int
    value: str | None
    granularity: str | None
    relative: bool = False
    note: str | None = None


@dataclass
class EventDate:
    """When the article's main happening took place, and how sure we are."""

    value: str
    granularity: str
    confidence: float
    evidence: str


@dataclass
class DatedFact:
    """A sentence that places a past happening on a date ("Burundi left the court in 2017")."""

    date: str
    granularity: str
    sentence: int
    text: str
    entities: list[str] = field(default_factory=list)


@dataclass
class Copy:
    """One place an article was seen: every URL, outlet and input file that carried it."""

    url: str | None
    source: str | None
    file: str | None


@dataclass
class Article:
    """One news article, as read from its input and cleaned.

    `text` is the cleaned body (boilerplate, datelines and bylines removed);
    `title`-only articles (headline feeds) have an empty `text`.
    """

    title: str
    text: str = ""
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: datetime | None = None
    file: str | None = None
    format: str = "text"
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    copies: list[Copy] = field(default_factory=list)
    event_id: str | None = None
    story_id: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[LocalEntity] = field(default_factory=list)
    dates: list[TimeExpression] = field(default_factory=list)
    event_date: EventDate | None = None
    dated_facts: list[DatedFact] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        """Every distinct URL that carried this article, first seen first."""
        seen = [self.url] if self.url else []
        for copy in self.copies:
            if copy.url and copy.url not in seen:
                seen.append(copy.url)
        return seen

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class Event:
    """One happening reported by one or more articles."""

    id: str
    date: date | None
    headline: str
    article_ids: list[str] = field(default_factory=list)
    story_id: str | None = None


@dataclass
class Story:
    """A thread of events over months or years."""

    id: str
    label: str
    event_ids: list[str] = field(default_factory=list)


@dataclass
class Rejection:
    """An input (a file, or one record of it) that could not be read, and why."""

    path: str
    reason: str
    part: str | None = None

    def __str__(self) -> str:
        where = f"{self.path} ({self.part})" if self.part else self.path
        return f"{where}: {self.reason}"
