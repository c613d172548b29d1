"""One context per portal page, built from the store and nothing else.

A `Page` says where the page lives (its path in the static site, which is also
its URL path on the live server), which template draws it, and `data`: plain
JSON-ready values. The static build and the live server render the same
templates from these same builders, and an event's JSON, XML and Markdown
twins serialise the same `data`, so no two views of a page can disagree.
`currents.publish.pages` maps every path to its builder.

Every string in `data` comes from untrusted web pages. Templates autoescape it;
this module's part is to turn links into hrefs only when they are http(s).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from currents.model import Article, Event, Sentence
from currents.store import Store

# The URL scheme, shared by the static site (file paths) and the live server
# (the same paths as URLs). Directory pages end in index.html so links work
# from file:// too; the live server also answers them without "index.html".
HOME = "index.html"
SOURCES = "sources/index.html"
ENTITIES = "entities/index.html"
STORIES = "stories/index.html"
SEARCH = "search/index.html"
# The static site's search index: a script, not JSON, because browsers refuse fetch() from file://.
SEARCH_INDEX = "search/index.js"
UNDATED = "undated/index.html"
FEED = "feed.atom"
SITEMAP = "sitemap.xml"
NOT_FOUND = "404.html"
STATIC = "static"
STYLESHEET = f"{STATIC}/style.css"
SEARCH_SCRIPT = f"{STATIC}/search.js"
ICON = f"{STATIC}/favicon.svg"
# The JSON Schemas of every JSON shape the portal publishes (copied from publish/schemas/ as they are).
SCHEMAS = "schema"
# An event page and its machine-readable twins share one stem: events/ID.html, .json, .xml, .md.
EVENT_FORMATS = ("html", "json", "xml", "md")
# Ids are file names in the static site: nothing that could climb out of its folder.
_ID = r"[A-Za-z0-9_-]+"
_SAFE_ID = re.compile(_ID)
ARTICLE_PATH = re.compile(rf"articles/({_ID})\.html")
EVENT_PATH = re.compile(rf"events/({_ID})\.(html|json|xml|md)")
ENTITY_PATH = re.compile(rf"entities/({_ID})\.(html|atom)")
STORY_PATH = re.compile(rf"stories/({_ID})\.(html|atom)")
# Later pages of a long story's chronology or entity's event list (page 1 is the story's or entity's own path).
STORY_PAGE_PATH = re.compile(rf"stories/({_ID})/page-([1-9][0-9]*)\.html")
ENTITY_PAGE_PATH = re.compile(rf"entities/({_ID})/page-([1-9][0-9]*)\.html")
SOURCE_PATH = re.compile(rf"sources/({_ID})\.html")
DAY_PATH = re.compile(r"(\d{4})/(\d{2})/(\d{2})/index\.html")
MONTH_PATH = re.compile(r"(\d{4})/(\d{2})/index\.html")
# A language tag worth putting in a lang attribute (BCP 47 shape, not validated further).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_LINKABLE_SCHEMES = ("http", "https")
# Whitespace and control characters: browsers strip them from hrefs, so such a URL is never linked.
_NOT_IN_LINKS = re.compile(r"[\s\x00-\x1f\x7f]")
_UNTITLED = "(untitled)"
# The article page's anchor for its title.
TITLE_ANCHOR = "title"
# Context entities named beside an event in lists (its page names them all).
CONTEXT_IN_LISTS = 5


@dataclass(frozen=True)
class Page:
    """One page of the portal: where it lives, how it is drawn, and what it shows.

    `template` names the Jinja template that draws it; None means `data` is
    published as it is, serialised by the path's suffix (.json or .xml).
    """

    path: str
    template: str | None
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 200


# -- paths --------------------------------------------------------------------
def day_path(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/index.html"


def month_path(year: int, month: int) -> str:
    return f"{year:04d}/{month:02d}/index.html"


def article_path(article_id: str) -> str:
    return _id_path("articles", article_id, "html")


def event_path(event_id: str, suffix: str = "html") -> str:
    return _id_path("events", event_id, suffix)


def entity_path(entity_id: str, suffix: str = "html") -> str:
    return _id_path("entities", entity_id, suffix)


def story_path(story_id: str, suffix: str = "html") -> str:
    return _id_path("stories", story_id, suffix)


def numbered_page_path(first: str, number: int) -> str:
    """Page `number` of a paged list whose first (newest) page is at `first` ("stories/ID.html")."""
    return first if number == 1 else f"{first.removesuffix('.html')}/page-{number}.html"


def pager(first: str, number: int, pages: int) -> dict[str, Any]:
    """Where page `number` of `pages` sits: the paths of its newer and older neighbours."""
    return {
        "number": number,
        "pages": pages,
        "newer": numbered_page_path(first, number - 1) if number > 1 else None,
        "older": numbered_page_path(first, number + 1) if number < pages else None,
    }


def source_path(source_id: str) -> str:
    return _id_path("sources", source_id, "html")


def sentence_anchor(sentence: int | None) -> str:
    """The id of sentence number `sentence` on its article's page (None: the title, which
    is what a headline-only article's citations point at)."""
    return TITLE_ANCHOR if sentence is None else f"s-{sentence}"


def schema_path(name: str) -> str:
    """The published JSON Schema of one shape: "event", "events", "error", ... (publish/schemas/NAME.json)."""
    return f"{SCHEMAS}/{name}.json"


def _id_path(folder: str, ident: str, suffix: str) -> str:
    if not _SAFE_ID.fullmatch(ident):
        raise ValueError(f"{folder[:-1]} id {ident!r} cannot be used in a page path")
    return f"{folder}/{ident}.{suffix}"


def relative_url(from_page: str, target: str) -> str:
    """The href from page `from_page` to site path `target`, both relative to the site root.

    Relative links let the static site work from any folder, any host prefix,
    or straight from disk; going up to the root and down again keeps the rule
    trivially right for every pair of pages.
    """
    return "../" * from_page.count("/") + target


def page_path(url_path: str) -> str:
    """The site path a live URL path asks for: "/" and "/2024/05/01/" name their index.html."""
    path = url_path.lstrip("/")
    return path + HOME if path == "" or path.endswith("/") else path


# -- the days ------------------------------------------------------------------
@dataclass(frozen=True)
class Day:
    """A day with events or articles, and how many of each."""

    day: date
    events: int
    articles: int


def portal_days(store: Store) -> list[Day]:
    """Every day with an event or an article published, newest first."""
    events = dict(store.event_days())
    articles = dict(store.days())
    return [Day(day, events.get(day, 0), articles.get(day, 0)) for day in sorted({*events, *articles}, reverse=True)]


def home_page(store: Store, home_days: int, events_per_day: int) -> Page:
    """The latest `home_days` days with their largest events, then the archive by month."""
    days = portal_days(store)
    articles, events = store.count_articles(), store.count_events()
    # Whatever is on no day is undated (events known only to a month or a year included).
    undated = {"events": events - sum(d.events for d in days), "articles": articles - sum(d.articles for d in days)}
    return Page(
        HOME,
        "home.html",
        "Current events",
        {
            "article_count": articles,
            "event_count": events,
            "latest": [_day_with_events(store, day, events_per_day) for day in days[:home_days]],
            "months": _months(days),
            "undated": {**undated, "path": UNDATED} if any(undated.values()) else None,
        },
    )


def day_page(store: Store, day: date, days: list[Day]) -> Page | None:
    """The events and articles of `day`; `days` is `portal_days(store)`, for the newer/older links.

    None when the day has neither, so unknown days are "not found".
    """
    events = store.events_on(day)
    articles = store.article_listing(day)
    if not events and not articles:
        return None
    known = [d.day for d in days]
    newer = [d for d in known if d > day]
    older = [d for d in known if d < day]
    return Page(
        day_path(day),
        "day.html",
        day_label(day),
        {
            "date": day.isoformat(),
            "label": day_label(day),
            "month": month_link(day.year, day.month),
            "events": [event_summary(event) for event in events],
            "articles": [_article_summary(*article) for article in articles],
            "newer": _day_link(min(newer)) if newer else None,
            "older": _day_link(max(older)) if older else None,
        },
    )


def month_page(store: Store, year: int, month: int, days: list[Day], events_per_day: int) -> Page | None:
    """The days of one month with their largest events; None for a month without any."""
    in_month = [d for d in days if (d.day.year, d.day.month) == (year, month)]
    if not in_month:
        return None
    months = [(m["year"], m["month"]) for m in _months(days)]
    newer = [m for m in months if m > (year, month)]
    older = [m for m in months if m < (year, month)]
    link = month_link(year, month)
    return Page(
        month_path(year, month),
        "month.html",
        link["label"],
        {
            **link,
            "days": [_day_with_events(store, day, events_per_day) for day in in_month],
            "newer": month_link(*min(newer)) if newer else None,
            "older": month_link(*max(older)) if older else None,
        },
    )


def undated_page(store: Store) -> Page | None:
    events = store.events_on(None)
    articles = store.article_listing(None)
    if not events and not articles:
        return None
    return Page(
        UNDATED,
        "day.html",
        "Undated",
        {
            "date": None,
            "label": "Undated",
            "month": None,
            "events": [event_summary(event) for event in events],
            "articles": [_article_summary(*article) for article in articles],
            "newer": None,
            "older": None,
        },
    )


def _day_with_events(store: Store, day: Day, limit: int) -> dict[str, Any]:
    """A day in a list of days: its `limit` largest events, and how many it has in all."""
    events = store.get_events(store.event_ids_on(day.day, limit)) if day.events else []
    return {
        **_day_link(day.day),
        "articles": day.articles,
        "event_count": day.events,
        "events": [event_summary(e) for e in events],
    }


def _months(days: list[Day]) -> list[dict[str, Any]]:
    """The months of `days`, newest first, with their event and article counts."""
    months: dict[tuple[int, int], dict[str, Any]] = {}
    for d in days:
        month = months.setdefault((d.day.year, d.day.month), {**month_link(d.day.year, d.day.month), "events": 0, "articles": 0})
        month["events"] += d.events
        month["articles"] += d.articles
    return list(months.values())


# -- articles and outlets -------------------------------------------------------
def article_page(article: Article) -> Page:
    title = article.title or _UNTITLED
    return Page(
        article_path(article.id),
        "article.html",
        title,
        {
            "id": article.id,
            "title": title,
            "source": article.source,
            "author": article.author,
            "published": publication(article.published),
            "language": article.language if _LANGUAGE_TAG.fullmatch(article.language or "") else None,
            "paragraphs": paragraphs(article.text, article.sentences),
            "copies": [
                {"source": copy.source, "url": copy.url, "href": linkable(copy.url)}
                for copy in article.copies
            ],
            "event": {"id": article.event_id, "path": event_path(article.event_id)} if article.event_id else None,
        },
    )


def sources_page(store: Store) -> Page:
    return Page(
        SOURCES,
        "sources.html",
        "Sources",
        {
            "sources": [
                {"id": s.id, "name": s.name, "domain": s.domain, "path": source_path(s.id)} for s in store.sources()
            ]
        },
    )


def not_found_page(path: str = NOT_FOUND) -> Page:
    """The "not found" page, drawn for `path` so its relative links work wherever it is served."""
    return Page(path, "not_found.html", "Not found", {}, status=404)


# -- pieces -------------------------------------------------------------------
def paragraphs(text: str, sentences: list[Sentence]) -> list[list[dict[str, Any]]]:
    """The cleaned body as paragraphs (one per line, as readers and the text stage leave them),
    each cut into pieces at sentence starts so citations can point at a sentence.

    A piece is {"anchor": the sentence's id (`sentence_anchor`) if one starts there, "text": ...,
    "tail": the spaces after it, kept out of the anchored element so a highlight ends with the sentence}.
    A sentence the recogniser ran across two lines is anchored where it starts.
    """
    starts = {s.start: sentence_anchor(s.index) for s in sentences}
    cuts = sorted(starts)
    result = []
    offset = 0
    for line in text.splitlines(keepends=True):
        begin = offset + len(line) - len(line.lstrip())
        end = offset + len(line.rstrip())
        offset += len(line)
        if begin >= end:
            continue
        bounds = [begin, *cuts[bisect_right(cuts, begin) : bisect_left(cuts, end)], end]
        result.append([_piece(text[a:b], starts.get(a)) for a, b in zip(bounds, bounds[1:])])
    return result


def _piece(text: str, anchor: str | None) -> dict[str, Any]:
    words = text.rstrip()
    return {"anchor": anchor, "text": words, "tail": text[len(words) :]}


def linkable(url: str | None) -> str | None:
    """`url` if it is safe to put in an href (an absolute http or https URL), else None.

    Anything else (javascript:, data:, relative paths, URLs with spaces or
    control characters that browsers would silently strip) is shown as text.
    """
    if not url or _NOT_IN_LINKS.search(url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in _LINKABLE_SCHEMES and parts.netloc else None


def _article_summary(article_id: str, title: str, source: str | None, published: datetime | None) -> dict[str, Any]:
    """An article as a day's list shows it (one row of `Store.article_listing`)."""
    return {
        "id": article_id,
        "title": title or _UNTITLED,
        "source": source,
        "published": publication(published),
        "path": article_path(article_id),
    }


def event_summary(event: Event) -> dict[str, Any]:
    """An event as lists show it: headline, date, how many outlets, its leading context entities."""
    return {
        "id": event.id,
        "headline": event.headline,
        "date": event_date(event.date, event.granularity),
        "outlets": len(event.sources),
        "articles": len(event.article_ids),
        "context": [entity_link(c.id, c.name) for c in event.context[:CONTEXT_IN_LISTS]],
        "path": event_path(event.id),
    }


def entity_link(entity_id: str, name: str) -> dict[str, Any]:
    return {"id": entity_id, "name": name, "path": entity_path(entity_id)}


def event_date(value: str | None, granularity: str | None) -> dict[str, Any] | None:
    """An ISO date cut to its granularity ("2016", "2016-11", "2016-11-16"), labelled for people.

    Only a full day links to a day page: a month or a year is never shown as a day.
    """
    if not value:
        return None
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return {"value": value, "granularity": granularity or "day", "label": day_label(day), "day_path": day_path(day)}
    if len(parts) == 2:
        return {"value": value, "granularity": "month", "label": f"{date(parts[0], parts[1], 1):%B %Y}", "day_path": None}
    return {"value": value, "granularity": "year", "label": str(parts[0]), "day_path": None}


def _day_link(day: date) -> dict[str, Any]:
    return {"date": day.isoformat(), "label": day_label(day), "path": day_path(day)}


def month_link(year: int, month: int) -> dict[str, Any]:
    return {"year": year, "month": month, "label": f"{date(year, month, 1):%B %Y}", "path": month_path(year, month)}


@lru_cache(maxsize=4096)
def day_label(day: date) -> str:
    """"Wednesday 1 May 2024"; cached, since a build labels the same few thousand days again and again."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def publication(moment: datetime | None) -> dict[str, Any] | None:
    """The publication moment as shown: its day, and its time only when one was given.

    The store cannot tell "published at midnight" from "published that day,
    time unknown" (dates parse to midnight), so a bare midnight shows no time
    rather than an invented one.
    """
    if moment is None:
        return None
    day = moment.date()
    has_time = moment.time() != time(0)
    return {
        "datetime": moment.isoformat() if has_time else day.isoformat(),
        "date": day.isoformat(),
        "day_label": day_label(day),
        "time_label": f"{moment:%H:%M}{_offset_label(moment)}" if has_time else None,
        "day_path": day_path(day),
    }


def _offset_label(moment: datetime) -> str:
    """" UTC", " +02:00" or "" (a naive time, whose zone the source did not say)."""
    offset = moment.strftime("%z")
    if not offset:
        return ""
    return " UTC" if moment.utcoffset().total_seconds() == 0 else f" {offset[:3]}:{offset[3:5]}"
