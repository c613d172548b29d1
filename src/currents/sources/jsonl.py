"""JSON Lines (one article object per line) and JSON arrays of the same objects.

Known keys fill the article (`url`, `title`, `text` or `html`, `published`,
`source`, `author`); every other key is kept in `metadata`. A line with a
title and no body is a headline, which is a valid article. A bad line is
rejected on its own, by line number, and the lines after it are still read.

This is the bulk path (dumps of thousands of articles), so the work per line
is one `json.loads` and a few dictionary look-ups; only lines that carry
`html` instead of `text` pay for HTML extraction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from currents.model import Article, Rejection
from currents.sources.base import Unreadable
from currents.sources.html import extract_html
from currents.text.dates import parse_datetime
from currents.text.decode import decode_bytes

FORMAT = "jsonl"
# Keys read into Article fields; they must be strings (or null) when present.
STRING_FIELDS = ("url", "title", "text", "html", "published", "source", "author")


def read(data: bytes, path: str) -> Iterator[Article | Rejection]:
    """One article per line (or per element of a top-level JSON array)."""
    text = decode_bytes(data)
    records = _whole_document(text, path)
    if records is not None:
        for number, record in enumerate(records, start=1):
            yield _result(record, path, f"record {number}")
        return
    # Only "\n" ends a line: str.splitlines would also split at U+2028 and other
    # separators that JSON allows raw inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(path, f"invalid JSON ({exc.msg} at column {exc.colno})", f"line {number}")
            continue
        yield _result(record, path, f"line {number}")


def _whole_document(text: str, path: str) -> list[Any] | None:
    """The records of a file that is one JSON document (an array, or a pretty-printed .json object).

    None means the input is JSON Lines. A leading "[" can only start a whole
    array, so an array that does not parse makes the input unreadable.
    """
    stripped = text.lstrip()
    if not stripped.startswith("[") and not path.lower().endswith(".json"):
        return None
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if stripped.startswith("["):
            raise Unreadable(f"invalid JSON array ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
        return None
    return document if isinstance(document, list) else [document]


def _result(record: Any, path: str, part: str) -> Article | Rejection:
    try:
        return _article(record)
    except Unreadable as exc:
        return Rejection(path, str(exc), part)


def _article(record: Any) -> Article:
    """The article in one JSON object; `Unreadable` says what is wrong with the object."""
    if not isinstance(record, dict):
        raise Unreadable(f"expected a JSON object, found {_json_type(record)}")
    for key in STRING_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise Unreadable(f"{key!r} must be a string, not {_json_type(value)}")
    title = (record.get("title") or "").strip()
    text = record.get("text") or ""
    html = record.get("html") or ""
    if not title and not text.strip() and not html.strip():
        raise Unreadable("no title and no text")
    metadata = {key: value for key, value in record.items() if key not in STRING_FIELDS}
    published = parse_datetime(record.get("published"))
    if html and not text:
        return _from_html(record, html, title, published, metadata)
    return Article(
        title=title,
        text=text,
        url=record.get("url") or None,
        source=record.get("source") or None,
        author=record.get("author") or None,
        published=published,
        format=FORMAT,
        metadata=metadata,
    )


def _from_html(
    record: dict[str, Any], html: str, title: str, published: datetime | None, metadata: dict[str, Any]
) -> Article:
    """The page's extracted article, with what the line states winning over what the page says.

    Markup with no article text still leaves a valid headline when the line has a title.
    """
    try:
        article = extract_html(html, url=record.get("url") or None, fallback_date=published)
    except Unreadable:
        if not title:
            raise
        article = Article(title=title, url=record.get("url") or None)
    article.title = title or article.title
    article.source = record.get("source") or article.source
    article.author = record.get("author") or article.author
    article.published = published or article.published
    article.format = FORMAT
    article.metadata = {**article.metadata, **metadata}
    return article


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")
