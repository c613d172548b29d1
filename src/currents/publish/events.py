"""Page contexts for what the cluster stage finds: events, entities, stories, outlets, feeds.

Same rules as `currents.publish.context`: plain JSON-ready data from the store,
links only as site paths or checked http(s) URLs, every string shown as text.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
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
    Page,
    article_path,
    entity_link,
    entity_path,
    event_date,
    event_path,
    event_summary,
    day_path,
    linkable,
    month_path,
    portal_days,
    publication,
    source_path,
    story_path,
)
from currents.publish.timeline import Moment, start_of, timeline
from currents.store import Store

# The sitemap protocol's limit on URLs in one file.
SITEMAP_MAX_URLS = 50_000
_TEMPLATES = {"html": "event.html", "json": None, "xml": None, "md": "event.md"}


# -- events -------------------------------------------------------------------
def event_page(store: Store, event: Event, suffix: str = "html") -> Page:
    """The event page in one of EVENT_FORMATS; all four carry the same data."""
    return Page(event_path(event.id, suffix), _TEMPLATES[suffix], event.headline, event_data(store, event))


def event_data(store: Store, event: Event) -> dict[str, Any]:
    articles = [a for a in (store.get_article(i) for i in event.article_ids) if a]
    story = store.get_story(event.story_id) if event.story_id else None
    outlets = {copy.source for article in articles for copy in article.copies if copy.source}
    return {
        "id": event.id,
        "headline": event.headline,
        "date": event_date(event.date, event.granularity),
        "first_published": publication(event.first_published),
        "last_published": publication(event.last_published),
        "story": {"id": story.id, "label": story.label, "path": story_path(story.id)} if story else None,
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
        # Filled by the summarize stage (issue 5) once Event carries them.
        "summary": None,
        "comparison": None,
        "formats": {suffix: event_path(event.id, suffix) for suffix in EVENT_FORMATS},
    }


# -- entities -----------------------------------------------------------------
def entities_page(store: Store) -> Page:
    return Page(
        ENTITIES,
        "entities.html",
        "Entities",
        {
            "entities": [
                {**entity_link(entity.id, entity.name), "type": entity.type, "events": count}
                for entity, count in store.entities_with_events()
            ]
        },
    )


def entity_page(store: Store, entity: Entity) -> Page | None:
    """Every event with the entity in its context, newest first, and their timeline; None without any."""
    events = store.events_for_entity(entity.id)
    if not events:
        return None
    return Page(
        entity_path(entity.id),
        "entity.html",
        entity.name,
        {
            "id": entity.id,
            "name": entity.name,
            "type": entity.type,
            "aliases": [alias for alias in entity.aliases if alias != entity.name],
            "events": [event_summary(event) for event in events],
            "timeline": timeline([_event_moment(e) for e in events if e.date]),
            "feed": entity_path(entity.id, "atom"),
        },
    )


# -- stories ------------------------------------------------------------------
def stories_page(store: Store) -> Page:
    return Page(STORIES, "stories.html", "Stories", {"stories": [story_summary(s) for s in store.iter_stories()]})


def story_page(store: Store, story: Story) -> Page:
    """The story's events and its articles' dated background facts, on a timeline and as a list.

    An event with no date is listed apart as undated, never placed at a guessed date.
    """
    events = store.get_events(story.event_ids)
    facts = store.story_dated_facts(story.id)
    moments = [_event_moment(e) for e in events if e.date] + [
        Moment(f.date, "fact", f.text, f"fact-{n}") for n, f in enumerate(facts, 1)
    ]
    dated_events = {f"event-{e.id}": e for e in events if e.date}
    chronology = sorted(moments, key=lambda m: (start_of(m.value), m.kind != "event", m.label))
    return Page(
        story_path(story.id),
        "story.html",
        story.label,
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
def source_page(store: Store, source: Source) -> Page:
    """What an outlet covered, and how often its article was the first one published on an event."""
    events = store.events_for_source(source.id)
    first = {e.id for e in events if e.first_published and e.sources and e.sources[0] == source.name}
    return Page(
        source_path(source.id),
        "source.html",
        source.name,
        {
            "id": source.id,
            "name": source.name,
            "domain": source.domain,
            "events": [{**event_summary(e), "first": e.id in first} for e in events],
            "first_count": len(first),
            # Framing over time comes with the summarize stage's source comparison (issue 5).
            "framing": None,
        },
    )


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
    return feed_page(entity_path(entity.id, "atom"), entity.name, entity_path(entity.id), events) if events else None


def story_feed(store: Store, story: Story, entries: int) -> Page:
    events = store.get_events(story.event_ids)
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
