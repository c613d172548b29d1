"""Markdown: current-events records and plain Markdown articles.

An event record (the shape of seeds/003) reads, top to bottom: a `Formats:`
line linking the record's HTML/JSON/XML versions, a `### [YYYY-MM-DD](...)`
date heading, a topic heading, the `# headline`, the summary paragraphs, then
`### Sources:` (the outlets it cites) and `### Related:` (earlier events, each
with its `_Context: ..._` entities). The headline and summary are the article;
the lists are links, not prose, so they go to `metadata` where later stages
can use them (cited sources for source comparison, related events and their
context for story threading).

A plain Markdown article (a `# title` and paragraphs, perhaps YAML front
matter) reads the same way without the extras.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from currents.model import Article, Rejection
from currents.sources.base import Unreadable
from currents.text.dates import parse_datetime
from currents.text.decode import decode_bytes

FORMAT = "markdown"
# Section headings whose lists cite the outlets an event record is built from.
SOURCE_SECTIONS = frozenset({"sources", "source", "references", "citations"})
# Section headings whose lists point elsewhere; never body text.
RELATED_SECTIONS = frozenset(
    {
        "related",
        "related events",
        "related stories",
        "related articles",
        "see also",
        "more",
        "read more",
        "further reading",
        "external links",
        "links",
    }
)
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")
# Front matter keys read into Article fields.
_FRONT_MATTER_FIELDS = {"title", "date", "published", "author", "source", "url"}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_DATE = re.compile(r"^\[?(\d{4}-\d{2}-\d{2})\]?(?:\([^)]*\))?$")
_FORMATS_LINE = re.compile(r"^Formats:\s", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_CONTEXT = re.compile(r"_Context:\s*(.*?)_\s*$")
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)
_FRONT_MATTER_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`([^`]*)`")


def read(data: bytes, path: str) -> Iterator[Article | Rejection]:
    """A Markdown file is one article."""
    yield parse_markdown(decode_bytes(data))


def parse_markdown(text: str) -> Article:
    """The article in a Markdown document: title, body paragraphs, date and link lists."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, text = _front_matter(text)
    lines = text.split("\n")
    record = _Record(title_line=_title_line(lines, any_level=not front.get("title")))
    record.read(lines)
    title = record.title or _plain(front.get("title", ""))
    body = "\n\n".join(record.body)
    if not title and not body:
        raise Unreadable("Markdown without a title or any text")
    published = record.published or parse_datetime(front.get("published") or front.get("date"))
    metadata = {key: value for key, value in front.items() if key not in _FRONT_MATTER_FIELDS}
    metadata.update(record.metadata())
    return Article(
        title=title,
        text=body,
        url=front.get("url") or None,
        source=front.get("source") or None,
        author=front.get("author") or None,
        published=published,
        format=FORMAT,
        metadata=metadata,
    )


def _title_line(lines: list[str], any_level: bool) -> int | None:
    """Where the title is: the first `# ` heading, else (`any_level`) the first that names no date or section.

    A document whose front matter gives the title keeps its `##` headings as body subheadings.
    """
    candidates = []
    for number, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading and not _DATE.match(heading.group(2)) and _section(heading.group(2)) == "body":
            if len(heading.group(1)) == 1:
                return number
            candidates.append(number)
    return candidates[0] if candidates and any_level else None


def _section(heading: str) -> str:
    name = _plain(heading).rstrip(":").strip().lower()
    if name in SOURCE_SECTIONS:
        return "sources"
    return "related" if name in RELATED_SECTIONS else "body"


@dataclass
class _Record:
    """What one top-to-bottom pass over the lines finds.

    Lines before the title line hold the record's furniture (formats, date,
    topic); prose there is not the article's. Without any title heading the
    whole document is body.
    """

    title_line: int | None
    title: str | None = None
    published: datetime | None = None
    topic: str | None = None
    path: str | None = None
    image: str | None = None
    body: list[str] = field(default_factory=list)
    cited_sources: list[dict[str, str]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)
    section: str = "body"
    paragraph: list[str] = field(default_factory=list)
    in_code: bool = False

    def read(self, lines: list[str]) -> None:
        for number, line in enumerate(lines):
            if number == self.title_line:
                self._end_paragraph()
                self.title, self.section = _plain(_HEADING.match(line).group(2)), "body"
            else:
                self._line(line)
        self._end_paragraph()

    @property
    def in_body(self) -> bool:
        return self.section == "body" and (self.title is not None or self.title_line is None)

    def metadata(self) -> dict[str, Any]:
        found = {
            "path": self.path,
            "topic": self.topic,
            "image": self.image,
            "cited_sources": self.cited_sources,
            "related": self.related,
        }
        return {key: value for key, value in found.items() if value}

    def _line(self, line: str) -> None:
        if _FENCE.match(line):
            self.in_code = not self.in_code
            self._end_paragraph()
            return
        if self.in_code:
            self._prose(line)
            return
        heading = _HEADING.match(line)
        if heading:
            self._end_paragraph()
            self._heading(heading.group(2))
        elif not line.strip() or _RULE.match(line):
            self._end_paragraph()
        elif _FORMATS_LINE.match(line) and self.title is None:
            self._formats(line)
        elif item := _LIST_ITEM.match(line):
            self._end_paragraph()
            self._list_item(item.group(1))
        else:
            self._prose(line.lstrip("> "))

    def _heading(self, text: str) -> None:
        date = _DATE.match(text)
        if date and self.published is None:
            self.published = parse_datetime(date.group(1))
            return
        self.section = _section(text)
        name = _plain(text).rstrip(":").strip()
        if self.in_body:
            self.body.append(name)
        elif self.title is None and self.topic is None and self.section == "body":
            self.topic = name

    def _formats(self, line: str) -> None:
        for _, label, target in _LINK.findall(line):
            if label.strip().upper() == "HTML":
                self.path = target

    def _list_item(self, item: str) -> None:
        links = _LINK.findall(item)
        if self.section == "sources":
            for is_image, label, target in links:
                self._cite(label.strip(), target, bool(is_image))
        elif self.section == "related":
            if links:
                context = _CONTEXT.search(item)
                entities = [name.strip() for name in context.group(1).split(",")] if context else []
                self.related.append({"title": _plain(links[0][1]).strip(), "url": links[0][2], "context": entities})
        elif self.in_body and not _is_link_only(item):
            self.body.append(_plain(item))

    def _cite(self, name: str, url: str, is_image: bool) -> None:
        if not url.startswith(("http://", "https://")):
            return
        if is_image or url.lower().split("?")[0].endswith(IMAGE_EXTENSIONS):
            self.image = self.image or url
        else:
            self.cited_sources.append({"name": name, "url": url})

    def _prose(self, line: str) -> None:
        if self.in_body:
            self.paragraph.append(line.strip())

    def _end_paragraph(self) -> None:
        text = _plain(" ".join(self.paragraph))
        if text:
            self.body.append(text)
        self.paragraph = []


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` YAML front matter (Jekyll, Hugo) and the text after it."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text
    found = {}
    for line in match.group(1).split("\n"):
        pair = _FRONT_MATTER_LINE.match(line)
        if pair and pair.group(2):
            found[pair.group(1).lower()] = pair.group(2).strip("\"'")
    return found, text.lstrip("\ufeff")[match.end() :]


def _is_link_only(item: str) -> bool:
    """A list item that is a link (maybe with its `_Context_`) and no prose of its own."""
    rest = _CONTEXT.sub("", _LINK.sub("", item))
    return bool(_LINK.search(item)) and not rest.strip(" \t-–—:|")


def _plain(text: str) -> str:
    """Markdown inline syntax removed: link text kept, images dropped, emphasis and code unwrapped."""
    text = _LINK.sub(lambda link: "" if link.group(1) else link.group(2), text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _CODE.sub(r"\1", text)
    return " ".join(text.split())
