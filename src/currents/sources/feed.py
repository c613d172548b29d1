"""RSS (0.9x, 1.0, 2.0) and Atom feeds: every entry is an article.

feedparser reads every flavour and normalises their fields; the entry's
content (`content:encoded`, Atom `content`) or else its summary is an HTML
fragment that we turn into paragraphs of text. The outlet is the feed's own
title without its section ("Marenport Daily Press – World" is the Marenport
Daily Press), so articles match the same outlet read from other formats.

XML can declare entities that expand to gigabytes ("billion laughs") or pull
in local files; a feed that declares any is refused before feedparser sees it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from currents.model import Article, Rejection
from currents.sources.base import Unreadable
from currents.sources.html import fragment_to_text, url_host
from currents.text.dates import parse_datetime

FORMAT = "feed"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# "Outlet – Section", "Outlet | Section", "Outlet: Section", "Outlet > Section".
_SECTION_SEPARATOR = re.compile(r"\s+[-–—|>:]\s+|:\s+")


def read(data: bytes, path: str) -> Iterator[Article | Rejection]:
    """One article per entry; an entry with no title and no text is a rejection."""
    _refuse_entity_declarations(data)
    # A stream, never a string: feedparser would treat a string as a URL or a file name. Its HTML
    # sanitising and link resolving are off (they are half of its time): `fragment_to_text` keeps
    # only the text, and drops scripts and styles itself.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise Unreadable(f"feed without entries{f' ({problem})' if problem else ''}")
    channel = parsed.feed
    outlet = _outlet(channel.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        article = _article(entry, outlet, channel)
        if article is None:
            yield Rejection(path, "feed entry has neither a title nor any text", f"entry {number}")
        else:
            yield article


def _refuse_entity_declarations(data: bytes) -> None:
    """Raise `Unreadable` if the XML declares entities; malformed XML is left to feedparser's leniency."""
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Unreadable("feed declares XML entities (possible entity-expansion attack); refused") from exc
    except ParseError:
        pass


def _article(entry: Any, outlet: str | None, channel: Any) -> Article | None:
    title = _detail_text(entry.get("title_detail"))
    content = next((_detail_text(detail) for detail in entry.get("content", []) if detail.get("value")), "")
    summary = _detail_text(entry.get("summary_detail"))
    text = content or summary
    if not title and not text:
        return None
    url = entry.get("link") or None
    metadata: dict[str, Any] = {}
    if entry.get("id"):
        metadata["guid"] = entry["id"]
    if content and summary:
        metadata["description"] = summary
    tags = [tag["term"] for tag in entry.get("tags", []) if tag.get("term")]
    if tags:
        metadata["tags"] = tags
    if channel.get("title"):
        metadata["feed_title"] = channel["title"]
    return Article(
        title=title,
        text=text,
        url=url,
        source=outlet or url_host(url or channel.get("link")),
        author=entry.get("author") or None,
        published=_entry_date(entry),
        format=FORMAT,
        language=channel.get("language") or None,
        metadata=metadata,
    )


def _detail_text(detail: Any) -> str:
    """Plain text of a feedparser text construct, which is HTML or plain text by its type."""
    if not detail or not detail.get("value", "").strip():
        return ""
    value = detail["value"]
    return fragment_to_text(value) if detail.get("type") in _HTML_TYPES else value.strip()


def _entry_date(entry: Any) -> datetime | None:
    """Publication (else update) time as the feed states it, keeping its UTC offset.

    feedparser's parsed tuples are in UTC, which can move an article to the
    previous or next day, so the stated value wins when it carries its offset;
    the tuple wins when only feedparser understood the zone ("EST").
    """
    for key in ("published", "updated"):
        stated = parse_datetime(entry.get(key))
        if stated and stated.tzinfo:
            return stated
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime(*parsed[:6], tzinfo=UTC)
        if stated:
            return stated
    return None


def _outlet(feed_title: str | None) -> str | None:
    """The outlet's name from a channel title such as "Outlet – Section"."""
    if not feed_title or not feed_title.strip():
        return None
    return _SECTION_SEPARATOR.split(feed_title.strip(), maxsplit=1)[0].strip() or feed_title.strip()

