"""Which page lives at which path: the one map both the static build and the live server use.

`site_pages` yields every page of the static site; `resolve` builds the one
page at a path for the live server. Both call the same builders, so a path
shows the same thing whether it was built or served.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from currents.config import PortalConfig
from currents.publish.context import (
    ARTICLE_PATH,
    DAY_PATH,
    ENTITIES,
    ENTITY_PAGE_PATH,
    ENTITY_PATH,
    EVENT_PATH,
    FEED,
    HOME,
    MONTH_PATH,
    SEARCH,
    SEARCH_INDEX,
    SITEMAP,
    SOURCE_PATH,
    SOURCES,
    STORIES,
    STORY_PAGE_PATH,
    STORY_PATH,
    UNDATED,
    Page,
    article_page,
    day_page,
    home_page,
    month_page,
    not_found_page,
    portal_days,
    sources_page,
    undated_page,
)
from currents.publish.events import (
    entities_page,
    entity_feed,
    entity_page,
    entity_pages,
    event_page,
    event_pages,
    events_feed,
    sitemap_page,
    source_page,
    stories_page,
    story_feed,
    story_page,
    story_pages,
)
from currents.publish.search import search_index_page, search_page
from currents.store import Store


T = TypeVar("T")
# Events, entities and articles are read this many at a time.
_READ = 500


@dataclass(frozen=True)
class Share:
    """The part of the site one of `of` builders writes: every `of`-th item of each kind, from `index`.

    The first share also writes the site's fixed pages. Shares never overlap, and together they
    are the whole site, so builders can work side by side in one folder.
    """

    index: int = 0
    of: int = 1

    def take(self, items: Sequence[T]) -> Sequence[T]:
        return items[self.index :: self.of]


def site_pages(store: Store, config: PortalConfig, share: Share = Share()) -> Iterator[Page]:
    """Every page of the static site (or the part of it in `share`)."""
    if share.index == 0:
        yield from _fixed_pages(store, config)
    days = portal_days(store)
    for year, month in share.take(sorted({(d.day.year, d.day.month) for d in days})):
        if page := month_page(store, year, month, days, config.events_per_day):
            yield page
    for d in share.take(days):
        if page := day_page(store, d.day, days):
            yield page
    event_ids = share.take(store.recent_event_ids(store.count_events()))
    for start in range(0, len(event_ids), _READ):
        for event in store.get_events(event_ids[start : start + _READ]):
            yield from event_pages(store, event)
    entities = [entity for entity, _count in share.take(store.entities_with_events())]
    for start in range(0, len(entities), _READ):
        chunk = entities[start : start + _READ]
        events = store.events_for_entities(entity.id for entity in chunk)
        for entity in chunk:
            yield from entity_pages(entity, events.get(entity.id, []), config.feed_entries, config.chronology_events)
    for story in share.take(list(store.iter_stories())):
        yield from story_pages(store, story, config.feed_entries, config.chronology_events)
    for source in share.take(store.sources()):
        yield source_page(store, source, config.source_events)
    article_ids = share.take([row[0] for row in store.article_headlines()])
    for start in range(0, len(article_ids), _READ):
        yield from map(article_page, store.page_articles(article_ids[start : start + _READ]))


def _fixed_pages(store: Store, config: PortalConfig) -> Iterator[Page]:
    yield home_page(store, config.home_days, config.events_per_day)
    yield sources_page(store)
    yield entities_page(store)
    yield stories_page(store)
    yield search_page(store, config)
    yield search_index_page(store)
    yield events_feed(store, config.feed_entries)
    yield sitemap_page(store)
    yield not_found_page()
    if undated := undated_page(store):
        yield undated


_FIXED = {
    HOME: lambda store, config: home_page(store, config.home_days, config.events_per_day),
    SOURCES: lambda store, _config: sources_page(store),
    ENTITIES: lambda store, _config: entities_page(store),
    STORIES: lambda store, _config: stories_page(store),
    SEARCH: lambda store, config: search_page(store, config),
    SEARCH_INDEX: lambda store, _config: search_index_page(store),
    FEED: lambda store, config: events_feed(store, config.feed_entries),
    SITEMAP: lambda store, _config: sitemap_page(store),
    UNDATED: lambda store, _config: undated_page(store),
}


def resolve(store: Store, path: str, config: PortalConfig) -> Page | None:
    """The page at site path `path` (see `context.page_path`), or None when there is none."""
    if path in _FIXED:
        return _FIXED[path](store, config)
    if match := DAY_PATH.fullmatch(path):
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
        return day_page(store, day, portal_days(store))
    if match := MONTH_PATH.fullmatch(path):
        year, month = (int(part) for part in match.groups())
        return month_page(store, year, month, portal_days(store), config.events_per_day) if 1 <= month <= 12 else None
    if match := ARTICLE_PATH.fullmatch(path):
        article = store.get_article(match.group(1))
        return article_page(article) if article else None
    if match := EVENT_PATH.fullmatch(path):
        event = store.get_event(match.group(1))
        return event_page(store, event, match.group(2)) if event else None
    return _named_page(store, path, config)


def _named_page(store: Store, path: str, config: PortalConfig) -> Page | None:
    """Entity, story and outlet pages (and their feeds)."""
    if match := ENTITY_PATH.fullmatch(path):
        entity = store.get_entity(match.group(1))
        if entity is None:
            return None
        if match.group(2) == "atom":
            return entity_feed(store, entity, config.feed_entries)
        return entity_page(store, entity, config.chronology_events)
    if match := ENTITY_PAGE_PATH.fullmatch(path):
        entity = store.get_entity(match.group(1))
        number = int(match.group(2))
        # Page 1 lives at the entity's own path only: one URL per page.
        return entity_page(store, entity, config.chronology_events, number) if entity and number > 1 else None
    if match := STORY_PATH.fullmatch(path):
        story = store.get_story(match.group(1))
        if story is None:
            return None
        if match.group(2) == "atom":
            return story_feed(store, story, config.feed_entries)
        return story_page(store, story, config.chronology_events)
    if match := STORY_PAGE_PATH.fullmatch(path):
        story = store.get_story(match.group(1))
        number = int(match.group(2))
        # Page 1 lives at the story's own path only: one URL per page.
        return story_page(store, story, config.chronology_events, number) if story and number > 1 else None
    if match := SOURCE_PATH.fullmatch(path):
        source = store.get_source(match.group(1))
        return source_page(store, source, config.source_events) if source else None
    return None
