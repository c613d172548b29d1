"""Which page lives at which path: the one map both the static build and the live server use.

`site_pages` yields every page of the static site; `resolve` builds the one
page at a path for the live server. Both call the same builders, so a path
shows the same thing whether it was built or served.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from currents.config import PortalConfig
from currents.publish.context import (
    ARTICLE_PATH,
    DAY_PATH,
    ENTITIES,
    ENTITY_PATH,
    EVENT_FORMATS,
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
    event_page,
    events_feed,
    sitemap_page,
    source_page,
    stories_page,
    story_feed,
    story_page,
)
from currents.publish.search import search_index_page, search_page
from currents.store import Store


def site_pages(store: Store, config: PortalConfig) -> Iterator[Page]:
    """Every page of the static site."""
    yield from _fixed_pages(store, config)
    days = portal_days(store)
    months = sorted({(d.day.year, d.day.month) for d in days})
    for year, month in months:
        if page := month_page(store, year, month, days):
            yield page
    for d in days:
        if page := day_page(store, d.day, days):
            yield page
    for event in store.iter_events():
        for suffix in EVENT_FORMATS:
            yield event_page(store, event, suffix)
    for entity, _count in store.entities_with_events():
        yield from (p for p in (entity_page(store, entity), entity_feed(store, entity, config.feed_entries)) if p)
    for story in store.iter_stories():
        yield story_page(store, story)
        yield story_feed(store, story, config.feed_entries)
    for source in store.sources():
        yield source_page(store, source)
    for article in store.iter_articles():
        yield article_page(article)


def _fixed_pages(store: Store, config: PortalConfig) -> Iterator[Page]:
    yield home_page(store, config.home_days)
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
    HOME: lambda store, config: home_page(store, config.home_days),
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
        return month_page(store, year, month, portal_days(store)) if 1 <= month <= 12 else None
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
        return entity_page(store, entity)
    if match := STORY_PATH.fullmatch(path):
        story = store.get_story(match.group(1))
        if story is None:
            return None
        return story_feed(store, story, config.feed_entries) if match.group(2) == "atom" else story_page(store, story)
    if match := SOURCE_PATH.fullmatch(path):
        source = store.get_source(match.group(1))
        return source_page(store, source) if source else None
    return None
