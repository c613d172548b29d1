"""The data model every pipeline stage reads and writes.

Readers produce `Article`s, the text stage cleans them, later stages attach
`Sentence`s, `Entity`s, `Event`s and `Story`s, and the store persists all of
them. Keeping one set of records (rather than one per stage) is what lets the
CLI, the static site and the web app show the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

# Entity types (spaCy's labels) that name where things are: a setting rather than an actor.
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
PERSON_TYPE = "PERSON"


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
    # The type most of its linked names were tagged with (see `type_counts`).
    type: str
    aliases: list[str] = field(default_factory=list)
    # How many names linked to it (an article's mentions of one name count once) the tagger gave each
    # type: spaCy types one name differently from one article to the next ("Arsenal" as ORG and GPE).
    type_counts: dict[str, int] = field(default_factory=dict)
    # How many articles named it in each spelling: its name is the spelling most of them used.
    name_counts: dict[str, int] = field(default_factory=dict)


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

    # Ends the evidence of a date resolved against another article's publication date.
    BORROWED: ClassVar[str] = "reference date borrowed from article"

    @property
    def borrowed(self) -> bool:
        """Resolved against a related article's date: which article lent it depends on what was stored first."""
        return self.BORROWED in self.evidence


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
class ContextEntity:
    """A canonical entity as it matters to an event or story: how many of its articles name it.

    A story counts the articles of its events that have the entity in their context: an event's
    passing mention is left out, so that writing a story costs what its events do, not its articles.
    """

    id: str
    name: str
    type: str
    articles: int = 0


@dataclass
class RelatedEvent:
    """Another event that shares context with this one, and the entities they share."""

    event_id: str
    score: float
    shared: list[ContextEntity] = field(default_factory=list)
    headline: str = ""
    date: str | None = None


@dataclass
class Event:
    """One happening reported by one or more articles.

    `date` is an ISO date cut to `granularity` (the articles' agreed event
    date, else the first publication day); `headline` is a provisional label
    (the earliest article's title) until the summarize stage writes its own.
    `first_published`/`last_published` bound when it was reported.
    """

    id: str
    date: str | None
    granularity: str | None
    headline: str
    article_ids: list[str] = field(default_factory=list)
    story_id: str | None = None
    sources: list[str] = field(default_factory=list)
    first_published: datetime | None = None
    last_published: datetime | None = None
    context: list[ContextEntity] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)
    related: list[RelatedEvent] = field(default_factory=list)
    # {"terms": {...}, "entities": {...}}: its articles' mean vectors (heaviest entries), what stories match.
    vector: dict[str, dict[str, float]] = field(default_factory=dict)
    first_day: str | None = None
    last_day: str | None = None
    # The summarize stage's headline, cited summary and source comparison; None until it has run.
    summary: EventSummary | None = None


@dataclass
class Story:
    """A thread of events over months or years, labelled from its keyphrases and entities."""

    id: str
    label: str
    event_ids: list[str] = field(default_factory=list)
    first_date: str | None = None
    last_date: str | None = None
    context: list[ContextEntity] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)
    # {"terms": {...}, "entities": {...}}: sums of its events' vectors, what new events are matched on.
    vector: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to: a day range (inclusive), an entity (id or name), an outlet (id)."""

    since: date | None = None
    until: date | None = None
    entity: str | None = None
    source: str | None = None


@dataclass
class SearchHit:
    """One search result: an event or an article, its matched words marked.

    `title` and `snippet` are (text, matched) segments, so a page can mark the
    matches without ever treating stored text as markup.
    """

    kind: str
    id: str
    title: list[tuple[str, bool]]
    date: str | None
    snippet: list[tuple[str, bool]] = field(default_factory=list)
    source: str | None = None


@dataclass
class SearchResults:
    """One page of hits for a query, and how many there are in all."""

    total: int
    hits: list[SearchHit] = field(default_factory=list)


@dataclass
class Citation:
    """The source of a summary statement: one sentence of one article, by character span.

    `start`/`end` are offsets into the article's `text` and `sentence` indexes its
    `sentences`; for an article with no sentences (headline only) `sentence` is None
    and the span is in its `title`.
    """

    article_id: str
    sentence: int | None
    start: int
    end: int


@dataclass
class SummarySentence:
    """A headline or summary sentence and the source sentences that say it."""

    text: str
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Claim:
    """One thing the event's articles report, with every outlet that reports it.

    `single_source` is true when one outlet alone reports it; outlets in
    `syndicated` carry a verbatim copy of another's sentence and do not count
    as independent confirmation.
    """

    text: str
    outlets: list[str]
    citations: list[Citation]
    single_source: bool
    syndicated: list[str] = field(default_factory=list)


@dataclass
class Reading:
    """One version of a disputed detail and the outlets that give it."""

    value: str
    outlets: list[str]
    citations: list[Citation]


@dataclass
class Conflict:
    """Outlets giving different numbers, dates or names (`kind`) for the same thing (`about`)."""

    kind: str
    about: str
    readings: list[Reading]


@dataclass
class Quote:
    """A direct quote, who said it (None when no source says), and the outlets carrying it."""

    text: str
    speaker: str | None
    outlets: list[str]
    citations: list[Citation]


@dataclass
class OutletFraming:
    """How loaded one outlet's telling is: the share of its sentences using loaded words."""

    source: str
    article_ids: list[str]
    sentences: int
    loaded_share: float
    loaded_phrases: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """What the outlets agree on, dispute, quote, and how each frames the event."""

    facts: list[Claim] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    framing: list[OutletFraming] = field(default_factory=list)


@dataclass
class EventSummary:
    """The summarize stage's output for one event: every statement cites its sources."""

    headline: SummarySentence
    summary: list[SummarySentence] = field(default_factory=list)
    comparison: Comparison = field(default_factory=Comparison)
    # One independent outlet reports the whole event (syndicated copies do not count).
    single_source: bool = False


def summary_record(summary: EventSummary) -> dict[str, Any]:
    """`summary` as plain JSON-ready data (what the store keeps in `events.summary`)."""
    return asdict(summary)


def summary_from_record(record: dict[str, Any]) -> EventSummary:
    """The `EventSummary` that `summary_record` wrote; a malformed record raises ValueError."""
    try:
        comparison = record["comparison"]
        return EventSummary(
            headline=_summary_sentence(record["headline"]),
            summary=[_summary_sentence(item) for item in record["summary"]],
            comparison=Comparison(
                facts=[Claim(**_with_citations(item)) for item in comparison["facts"]],
                conflicts=[
                    Conflict(item["kind"], item["about"], [Reading(**_with_citations(r)) for r in item["readings"]])
                    for item in comparison["conflicts"]
                ],
                quotes=[Quote(**_with_citations(item)) for item in comparison["quotes"]],
                framing=[OutletFraming(**item) for item in comparison["framing"]],
            ),
            single_source=record["single_source"],
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed event summary record: {exc!r}") from exc


def _summary_sentence(item: dict[str, Any]) -> SummarySentence:
    return SummarySentence(item["text"], [Citation(**c) for c in item["citations"]])


def _with_citations(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "citations": [Citation(**c) for c in item["citations"]]}


@dataclass
class Rejection:
    """An input (a file, or one record of it) that could not be read, and why."""

    path: str
    reason: str
    part: str | None = None

    def __str__(self) -> str:
        where = f"{self.path} ({self.part})" if self.part else self.path
        return f"{where}: {self.reason}"
