"""Page contexts for what the cluster stage finds: events, entities, stories, outlets, feeds.

Same rules as `currents.publish.context`: plain JSON-ready data from the store,
links only as site paths or checked http(s) URLs, every string shown as text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from currents.model import Entity, Event, Source, Story
from currents.publish.context import (
    ENTITIES,
    EVENT_FORMATS,
    FEED,
    HOME,
    SEARCH,
    SITEMAP,
    SOURCES,
    STORIES,
    Day,
    Page,
    article_path,
    entity_link,
    entity_path,
    event_date,
    event_path,
    event_summary,
    day_path,
    linkable,
    month_link,
    month_path,
    numbered_page_path,
    pager,
    portal_days,
    publication,
    source_path,
    story_path,
)
from currents.publish.summary import Notes, comparison_data, summary_data
from currents.publish.timeline import Moment, start_of, timeline
from currents.store import Store

# The sitemap protocol's limit on URLs in one file.
SITEMAP_MAX_URLS = 50_000
_TEMPLATES = {"html": "event.html", "json": None, "xml": None, "md": "event.md"}


# -- events -------------------------------------------------------------------
def event_page(store: Store, event: Event, suffix: str = "html") -> Page:
    """The event page in one of EVENT_FORMATS."""
    return event_pages(store, event, (suffix,))[0]


def event_pages(store: Store, event: Event, suffixes: tuple[str, ...] = EVENT_FORMATS) -> list[Page]:
    """The event page in each of `suffixes`: one data, read once, for all of them."""
    data = event_data(store, event)
    return [Page(event_path(event.id, suffix), _TEMPLATES[suffix], event.headline, data) for suffix in suffixes]


def event_data(store: Store, event: Event) -> dict[str, Any]:
    articles = store.page_articles(event.article_ids)
    by_id = {article.id: article for article in articles}
    notes = Notes(by_id)
    summary = summary_data(event.summary, notes) if event.summary else None
    outlets = {copy.source for article in articles for copy in article.copies if copy.source}
    return {
        "id": event.id,
        "headline": event.headline,
        "date": event_date(event.date, event.granularity),
        "first_published": publication(event.first_published),
        "last_published": publication(event.last_published),
        "story": _story_link(store, event.story_id),
        "outlets": sorted(outlets),
        "articles": [
            {
                "id": article.id,
                "title": article.title,
                "source": article.source,
                "published": publication(article.published),
                "path": article_path(article.id),
                "url": article.url,
                "href": linkable(article.url),
            }
            for article in articles
        ],
        "context": [{**entity_link(c.id, c.name), "type": c.type, "articles": c.articles} for c in event.context],
        "keyphrases": event.keyphrases,
        "related": [
            {
                "id": r.event_id,
                "headline": r.headline,
                "date": event_date(r.date, None),
                "path": event_path(r.event_id),
                "shared": [entity_link(c.id, c.name) for c in r.shared],
            }
            for r in event.related
        ],
        "summary": summary,
        "notes": notes.items,
        "comparison": comparison_data(event.summary.comparison, by_id) if event.summary else None,
        "formats": {suffix: event_path(event.id, suffix) for suffix in EVENT_FORMATS},
    }


def _story_link(store: Store, story_id: str | None) -> dict[str, Any] | None:
    label = store.story_labels([story_id]).get(story_id) if story_id else None
    return None if label is None else {"id": story_id, "label": label, "path": story_path(story_id)}


# -- entities -----------------------------------------------------------------
def entities_page(store: Store) -> Page:
    return Page(
        ENTITIES,
        "entities.html",
        "Entities",
        {"entities": [entity_item(entity, count) for entity, count in store.entities_with_events()]},
    )


def entity_item(entity: Entity, events: int) -> dict[str, Any]:
    """An entity as lists show it: linked, with its type and how many events name it."""
    return {**entity_link(entity.id, entity.name), "type": entity.type, "events": events}


def entity_page(store: Store, entity: Entity, per_page: int, number: int = 1) -> Page | None:
    """Page `number` of the events with the entity in their context (1: the newest, the entity's own page);
    None without any, or past the last page."""
    pages = _entity_pages(entity, store.events_for_entity(entity.id), per_page)
    return pages[number - 1] if 1 <= number <= len(pages) else None


def entity_pages(entity: Entity, events: list[Event], entries: int, per_page: int) -> list[Page]:
    """The entity's pages and its feed from its `events`, newest first (the build reads many entities' at once)."""
    return [*_entity_pages(entity, events, per_page), _entity_feed(entity, events[:entries])] if events else []


def _entity_pages(entity: Entity, events: list[Event], per_page: int) -> list[Page]:
    """`events` (newest first) `per_page` a page, each page with the timeline of its own events."""
    runs = [events[start : start + per_page] for start in range(0, len(events), per_page)]
    first = entity_path(entity.id)
    return [
        Page(
            numbered_page_path(first, number),
            "entity.html",
            entity.name if number == 1 else f"{entity.name} (page {number} of {len(runs)})",
            {
                "id": entity.id,
                "name": entity.name,
                "type": entity.type,
                "aliases": [alias for alias in entity.aliases if alias != entity.name],
                "event_count": len(events),
                "events": [event_summary(event) for event in run],
                "timeline": timeline([_event_moment(e) for e in run if e.date]),
                "pager": pager(first, number, len(runs)),
                "feed": entity_path(entity.id, "atom"),
            },
        )
        for number, run in enumerate(runs, 1)
    ]


# -- stories ------------------------------------------------------------------
def stories_page(store: Store) -> Page:
    return Page(STORIES, "stories.html", "Stories", {"stories": [story_summary(s) for s in store.iter_stories()]})


def story_page(store: Store, story: Story, per_page: int, number: int = 1) -> Page | None:
    """Page `number` of the story's chronology (1: the newest, the story's own page); None past the last."""
    pages = _story_pages(store, story, store.get_events(story.event_ids), per_page)
    return pages[number - 1] if 1 <= number <= len(pages) else None


def story_pages(store: Store, story: Story, entries: int, per_page: int) -> list[Page]:
    """Every page of the story's chronology and its feed (the build's way: one read of its events for all)."""
    events = store.get_events(story.event_ids)
    return [*_story_pages(store, story, events, per_page), _story_feed(story, events, entries)]


def _story_pages(store: Store, story: Story, events: list[Event], per_page: int) -> list[Page]:
    """The story's events and its articles' dated background facts, on a timeline and as a list,
    `per_page` events a page, the newest page first.

    A long-running story has thousands of events: one page of them all would be
    megabytes. Each page holds a run of consecutive dated events and the facts
    dated in its span (facts older than the story go on its oldest page, newer
    ones on its newest). An event with no date is listed apart, on the first
    page, as undated: never placed at a guessed date.
    """
    dated = sorted((e for e in events if e.date), key=lambda e: (start_of(e.date), e.headline))
    runs = [dated[max(0, end - per_page) : end] for end in range(len(dated), 0, -per_page)] or [[]]
    facts = [Moment(f.date, "fact", f.text, f"fact-{n}") for n, f in enumerate(store.story_dated_facts(story.id), 1)]
    # A page holds the facts from its oldest event's start to the next newer page's (open at both ends).
    lowers = [start_of(run[0].date) for run in runs[:-1]] + [None]
    uppers = [None, *lowers[:-1]]
    pages = []
    for number, (run, lower, upper) in enumerate(zip(runs, lowers, uppers), 1):
        inside = [m for m in facts if _within(start_of(m.value), lower, upper)]
        moments = [_event_moment(e) for e in run] + inside
        pages.append(_story_page(story, run, moments, events if number == 1 else [], (number, len(runs))))
    return pages


def _within(day: date, lower: date | None, upper: date | None) -> bool:
    """`lower` <= `day` < `upper`, a missing bound being open."""
    return (lower is None or lower <= day) and (upper is None or day < upper)


def _story_page(
    story: Story, run: list[Event], moments: list[Moment], events: list[Event], place: tuple[int, int]
) -> Page:
    """One page of a story's chronology: `run` (its dated events), `moments` (them and their facts),
    the undated ones among `events`, and where it sits (`place`: its number, of how many)."""
    dated_events = {f"event-{e.id}": e for e in run}
    chronology = sorted(moments, key=lambda m: (start_of(m.value), m.kind != "event", m.label))
    number, pages = place
    return Page(
        numbered_page_path(story_path(story.id), number),
        "story.html",
        story.label if number == 1 else f"{story.label} (page {number} of {pages})",
        {
            **story_summary(story),
            "context": [{**entity_link(c.id, c.name), "type": c.type} for c in story.context],
            "keyphrases": story.keyphrases,
            "timeline": timeline(moments),
            "chronology": [
                {
                    "kind": m.kind,
                    "anchor": m.anchor,
                    # A fact's day is not a day of the portal: its date is shown, not linked.
                    "date": {**event_date(m.value, None), **({} if m.kind == "event" else {"day_path": None})},
                    "text": m.label,
                    "event": event_summary(dated_events[m.anchor]) if m.kind == "event" else None,
                }
                for m in chronology
            ],
            "undated": [event_summary(e) for e in events if not e.date],
            "pager": pager(story_path(story.id), number, pages),
            "feed": story_path(story.id, "atom"),
        },
    )


def story_summary(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "label": story.label,
        "first_date": event_date(story.first_date, None),
        "last_date": event_date(story.last_date, None),
        "events": len(story.event_ids),
        "path": story_path(story.id),
    }


def _event_moment(event: Event) -> Moment:
    return Moment(event.date or "", "event", event.headline, f"event-{event.id}")


# -- outlets ------------------------------------------------------------------
def source_page(store: Store, source: Source, latest: int) -> Page:
    """What an outlet covered, month by month, how often its article was the first one on an event,
    and how loaded its telling was (its framing share, overall and by month).

    Only the `latest` events are listed: a busy outlet covers thousands, and its page
    must stay readable (and quick to draw); its coverage by month counts every one.
    """
    coverage = store.source_coverage(source.id)
    first = {event_id for event_id, _date, is_first in coverage if is_first}
    framing = store.source_framing(source.id)
    events = store.get_events(event_id for event_id, _date, _first in coverage[:latest])
    return Page(
        source_path(source.id),
        "source.html",
        source.name,
        {
            "id": source.id,
            "name": source.name,
            "domain": source.domain,
            "event_count": len(coverage),
            "first_count": len(first),
            "framing": _framing_share(framing.values()),
            "months": _coverage_by_month(coverage, framing, portal_days(store)),
            "events": [{**event_summary(e), "first": e.id in first} for e in events],
        },
    )


def _framing_share(tellings: Iterable[tuple[int, int]]) -> dict[str, Any] | None:
    """The share of loaded sentences over `tellings` ((sentences, loaded) pairs); None when there are none."""
    sentences = loaded = 0
    for told, loaded_there in tellings:
        sentences += told
        loaded += loaded_there
    if not sentences:
        return None
    return {"sentences": sentences, "loaded": loaded, "percent": round(100 * loaded / sentences)}


def _coverage_by_month(
    coverage: list[tuple[str, str | None, bool]], framing: dict[str, tuple[int, int]], days: list[Day]
) -> list[dict[str, Any]]:
    """Events, firsts and framing per month, newest first (events known to a year only, or undated, are left out).

    A month links to its page when the portal has one (a month with only month-precise events has none).
    """
    with_pages = {(d.day.year, d.day.month) for d in days}
    events: Counter[tuple[int, int]] = Counter()
    firsts: Counter[tuple[int, int]] = Counter()
    tellings: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for event_id, day, is_first in coverage:
        if day and len(day) >= len("YYYY-MM"):
            month = (int(day[:4]), int(day[5:7]))
            events[month] += 1
            firsts[month] += is_first
            if event_id in framing:
                tellings[month].append(framing[event_id])
    return [
        {**month_link(*month), "path": month_path(*month) if month in with_pages else None}
        | {"events": events[month], "first": firsts[month], "framing": _framing_share(tellings[month])}
        for month in sorted(events, reverse=True)
    ]


# -- feeds and the sitemap ----------------------------------------------------
def feed_page(path: str, title: str, html_path: str, events: list[Event]) -> Page:
    """An Atom feed of `events` (newest first); `html_path` is the page it follows."""
    entries = [
        {
            "id": e.id,
            "headline": e.headline,
            "path": event_path(e.id),
            "updated": atom_time(e.last_published or e.first_published, e.date),
            "date": event_date(e.date, e.granularity),
            "outlets": len(e.sources),
            "context": [c.name for c in e.context],
        }
        for e in events
    ]
    updated = max((entry["updated"] for entry in entries), default=atom_time(None, None))
    return Page(path, "feed.atom", title, {"title": title, "html_path": html_path, "updated": updated, "entries": entries})


def events_feed(store: Store, entries: int) -> Page:
    return feed_page(FEED, "All events", HOME, store.get_events(store.recent_event_ids(entries)))


def entity_feed(store: Store, entity: Entity, entries: int) -> Page | None:
    events = store.events_for_entity(entity.id)[:entries]
    return _entity_feed(entity, events) if events else None


def _entity_feed(entity: Entity, newest: list[Event]) -> Page:
    return feed_page(entity_path(entity.id, "atom"), entity.name, entity_path(entity.id), newest)


def story_feed(store: Store, story: Story, entries: int) -> Page:
    return _story_feed(story, store.get_events(story.event_ids), entries)


def _story_feed(story: Story, events: list[Event], entries: int) -> Page:
    newest = sorted(events, key=lambda e: (e.date is not None, e.date or ""), reverse=True)[:entries]
    return feed_page(story_path(story.id, "atom"), story.label, story_path(story.id), newest)


def atom_time(moment: datetime | None, day: str | None) -> str:
    """An RFC 3339 time for Atom: a moment, else the start of `day`'s period; naive times are taken as UTC."""
    if moment is None:
        moment = datetime.combine(start_of(day), time()) if day else datetime(1970, 1, 1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def sitemap_page(store: Store) -> Page:
    """Every page a search engine should know, up to the protocol's limit (newest events first).

    Article pages are left out: they republish outlets' own text.
    """
    days = portal_days(store)
    paths = [HOME, SOURCES, ENTITIES, STORIES, SEARCH]
    paths += sorted({month_path(d.day.year, d.day.month) for d in days}, reverse=True)
    paths += [day_path(d.day) for d in days]
    paths += [story_path(s.id) for s in store.iter_stories()]
    paths += [entity_path(entity.id) for entity, _count in store.entities_with_events()]
    paths += [source_path(s.id) for s in store.sources()]
    paths += [event_path(i) for i in store.recent_event_ids(SITEMAP_MAX_URLS)]
    return Page(SITEMAP, "sitemap.xml", "Sitemap", {"paths": paths[:SITEMAP_MAX_URLS]})
