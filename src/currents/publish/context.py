"""One context per portal page, built from the store and nothing else.

A `Page` says where the page lives (its path in the static site, which is also
its URL path on the live server), which template draws it, and `data`: plain
JSON-ready values. The static build and the live server render the same
templates from these same builders, and later JSON/XML/Markdown twins will
serialise the same `data`, so no two views of a page can disagree.

Every string in `data` comes from untrusted web pages. Templates autoescape it;
this module's part is to turn links into hrefs only when they are http(s).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from currents.model import Article
from currents.store import Store

# The URL scheme, shared by the static site (file paths) and the live server
# (the same paths as URLs). Directory pages end in index.html so links work
# from file:// too; the live server also answers them without "index.html".
HOME = "index.html"
SOURCES = "sources/index.html"
UNDATED = "undated/index.html"
NOT_FOUND = "404.html"
STATIC = "static"
STYLESHEET = f"{STATIC}/style.css"
# Article ids are file names in the static site: nothing that could climb out of articles/.
_ARTICLE_ID = r"[A-Za-z0-9_-]+"
_SAFE_ID = re.compile(_ARTICLE_ID)
_ARTICLE_PATH = re.compile(rf"articles/({_ARTICLE_ID})\.html")
_DAY_PATH = re.compile(r"(\d{4})/(\d{2})/(\d{2})/index\.html")
# A language tag worth putting in a lang attribute (BCP 47 shape, not validated further).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_LINKABLE_SCHEMES = ("http", "https")
_UNTITLED = "(untitled)"


@dataclass(frozen=True)
class Page:
    """One page of the portal: where it lives, how it is drawn, and what it shows."""

    path: str
    template: str
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 200


# -- paths --------------------------------------------------------------------
def day_path(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/index.html"


def article_path(article_id: str) -> str:
    if not _SAFE_ID.fullmatch(article_id):
        raise ValueError(f"article id {article_id!r} cannot be used in a page path")
    return f"articles/{article_id}.html"


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


# -- pages --------------------------------------------------------------------
def home_page(store: Store) -> Page:
    days = store.days()
    dated = sum(count for _day, count in days)
    total = store.count_articles()
    return Page(
        HOME,
        "home.html",
        "Publication days",
        {
            "article_count": total,
            "days": [_day_link(day, count) for day, count in days],
            "undated": {"count": total - dated, "path": UNDATED} if total > dated else None,
        },
    )


def day_page(store: Store, day: date, days: list[tuple[date, int]]) -> Page | None:
    """The articles published on `day`; `days` is `store.days()`, for the newer/older links.

    None when no article was published that day, so unknown days are "not found".
    """
    articles = store.articles_on(day)
    if not articles:
        return None
    known = [known_day for known_day, _count in days]
    newer = [d for d in known if d > day]
    older = [d for d in known if d < day]
    return Page(
        day_path(day),
        "day.html",
        _day_label(day),
        {
            "date": day.isoformat(),
            "label": _day_label(day),
            "articles": [_article_summary(article) for article in articles],
            "newer": _day_link(min(newer)) if newer else None,
            "older": _day_link(max(older)) if older else None,
        },
    )


def undated_page(store: Store) -> Page | None:
    articles = store.articles_on(None)
    if not articles:
        return None
    return Page(
        UNDATED,
        "day.html",
        "Undated articles",
        {
            "date": None,
            "label": "Undated articles",
            "articles": [_article_summary(article) for article in articles],
            "newer": None,
            "older": None,
        },
    )


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
            "published": _published(article.published),
            "language": article.language if _LANGUAGE_TAG.fullmatch(article.language or "") else None,
            "paragraphs": paragraphs(article.text),
            "copies": [
                {"source": copy.source, "url": copy.url, "href": linkable(copy.url)}
                for copy in article.copies
            ],
        },
    )


def sources_page(store: Store) -> Page:
    return Page(
        SOURCES,
        "sources.html",
        "Sources",
        {"sources": [{"id": s.id, "name": s.name, "domain": s.domain} for s in store.sources()]},
    )


def not_found_page(path: str = NOT_FOUND) -> Page:
    """The "not found" page, drawn for `path` so its relative links work wherever it is served."""
    return Page(path, "not_found.html", "Not found", {}, status=404)


def site_pages(store: Store) -> Iterator[Page]:
    """Every page of the static site."""
    yield home_page(store)
    yield sources_page(store)
    yield not_found_page()
    undated = undated_page(store)
    if undated:
        yield undated
    days = store.days()
    for day, _count in days:
        page = day_page(store, day, days)
        if page:
            yield page
    for article in store.iter_articles():
        yield article_page(article)


def resolve(store: Store, path: str) -> Page | None:
    """The page at site path `path` (see `page_path`), or None when there is none."""
    if path == HOME:
        return home_page(store)
    if path == SOURCES:
        return sources_page(store)
    if path == UNDATED:
        return undated_page(store)
    if match := _DAY_PATH.fullmatch(path):
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
        return day_page(store, day, store.days())
    if match := _ARTICLE_PATH.fullmatch(path):
        article = store.get_article(match.group(1))
        return article_page(article) if article else None
    return None


# -- pieces -------------------------------------------------------------------
def paragraphs(text: str) -> list[str]:
    """The cleaned body as paragraphs: readers and the text stage leave one paragraph per line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def linkable(url: str | None) -> str | None:
    """`url` if it is safe to put in an href (an absolute http or https URL), else None.

    Anything else (javascript:, data:, relative paths, URLs with spaces or
    control characters that browsers would silently strip) is shown as text.
    """
    if not url or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in _LINKABLE_SCHEMES and parts.netloc else None


def _article_summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title or _UNTITLED,
        "source": article.source,
        "published": _published(article.published),
        "path": article_path(article.id),
    }


def _day_link(day: date, count: int | None = None) -> dict[str, Any]:
    link: dict[str, Any] = {"date": day.isoformat(), "label": _day_label(day), "path": day_path(day)}
    if count is not None:
        link["count"] = count
    return link


def _day_label(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _published(moment: datetime | None) -> dict[str, Any] | None:
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
        "day_label": _day_label(day),
        "time_label": f"{moment:%H:%M}{_offset_label(moment)}" if has_time else None,
        "day_path": day_path(day),
    }


def _offset_label(moment: datetime) -> str:
    """" UTC", " +02:00" or "" (a naive time, whose zone the source did not say)."""
    offset = moment.strftime("%z")
    if not offset:
        return ""
    return " UTC" if moment.utcoffset().total_seconds() == 0 else f" {offset[:3]}:{offset[3:5]}"
