"""Recognise the metadata lines news text carries at its edges: datelines, date lines, bylines, title tags.

Wire copy opens with a dateline ("WASHINGTON (Reuters) -"), web pages put a
stated date under the headline ("Thursday November 17, 2016 6:35 PM, IINA"),
and a byline sits at either end ("By Jane Doe", "Reporting by X; Editing by
Y", "This report prepared by Jim Carey for the Geopolitics Alert."). Each
kind has one parser that takes a line and returns what it states, or None;
`extract_metadata` applies them to the edges of a body and blanks the lines
it understood, `extract_dateline` cuts the dateline off the body's first
line, and `EdgeMetadata.apply_to` fills an article's empty fields. Any reader
can use them.

Nothing here invents a value: a date without a year, a name that does not
look like a person's, an outlet that is a role ("Staff Writer") give None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from currents.model import Article
from currents.text.dates import parse_datetime

# -- names ---------------------------------------------------------------------------
_NAME_WORD = r"(?:[A-Z][a-zA-Z'’\-]+|[A-Z]\.)"
_NAME_PARTICLE = r"(?:de|da|del|della|di|du|van|von|der|den|al|el|la|le|bin|ibn)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_PARTICLE}\s+)?{_NAME_WORD}){{1,3}}"
_NAMES = rf"{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})*"
_OUTLET = r"[A-Z0-9][\w.&'’\- ]{1,50}?"
# Words of section names ("World News | Europe"), never of a person's name.
_NOT_A_NAME = frozenset(
    "news world home sport sports business politics opinion video live latest more top local".split()
)
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)
# Words of job titles ("Staff Writer", "science editor"), never of an outlet's name.
_ROLE_WORDS = ("writer", "correspondent", "reporter", "editor", "staff", "contributor", "columnist")
_OUTLET_SMALL_WORDS = frozenset("of the and for on in de la".split())

# -- bylines -------------------------------------------------------------------------
_BY_LINE = re.compile(
    rf"^(?:[Bb]y|BY|Written by|Posted by|Words by|Story by|Report by)\s+(?P<author>{_NAMES})"
    rf"(?:\s*(?:,|\||–|—|-|\bfor\b)\s*(?:the\s+)?(?P<outlet>{_OUTLET}))?\s*\.?$"
)
_REPORTING_LINE = re.compile(
    r"^\(?(?:Reporting|Writing|Reported|Written)\s+by\s+(?P<authors>[^;()]+?)\s*(?:;[^()]*)?\)?\.?$"
)
_NAME_ROLE_LINE = re.compile(
    rf"^(?P<author>{_NAME}),\s*(?P<role>[A-Za-z ]{{2,40}}?)(?:,\s*(?P<outlet>[^,]{{2,50}}))?\s*$"
)
_NAME_AND_OUTLET_LINE = re.compile(rf"^(?P<author>{_NAME})\s*\|\s*(?P<outlet>{_OUTLET})\s*$")
_INPUTS_LINE = re.compile(
    rf"^(?P<outlet>{_OUTLET})\s+with\s+(?:inputs?|additional reporting|reporting)\s+(?:from|by)"
    r"\s+[\w ,.&'’-]{1,60}$"
)
_PREPARED_LINE = re.compile(
    r"^(?:This|The)\s+(?:report|article|story|piece)\s+(?:was\s+)?"
    r"(?:prepared|written|compiled|produced|reported)\s+by\s+"
    rf"(?P<author>{_NAMES})(?:\s+for\s+(?:the\s+)?(?P<outlet>{_OUTLET}))?\s*\.?$"
)
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*)*")
_NAME_SEPARATOR = re.compile(r"\s*(?:,|\band\b|&)\s*")

# -- date lines ----------------------------------------------------------------------
_DATE_LABEL = re.compile(
    r"^(?:(?:First\s+)?Published|Updated|Last updated|Posted|Date|Dated)(?:\s+on)?\s*:?\s*", re.I
)
_OUTLET_BEFORE_WEEKDAY = re.compile(
    r"^(?P<outlet>[A-Z][^,]{1,50}?)\s+(?P<date>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b.*)$"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_COMPACT_TIME = re.compile(r"\b([01]\d|2[0-3])([0-5]\d)\s+(?=GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT)")
# A line longer than this is a sentence that mentions a date, not a date line.
_DATE_LINE_MAX_WORDS = 12
# Date lines whose parse is remembered (see `parse_date_line`).
_PARSED_LINES_KEPT = 256

# -- datelines -----------------------------------------------------------------------
_SEPARATOR = r"(?:--|[–—]|(?<=\s)-(?=\s|$)|:(?=\s|$))"
_DATELINE = re.compile(
    rf"^(?P<head>[^()]{{0,60}}?)\s*(?:\((?P<outlet>[^()]{{2,40}})\)\s*)?(?P<separator>{_SEPARATOR})\s*(?P<rest>.*)$",
    re.S,
)
# "Paris (CNN)Authorities said...": the outlet's closing parenthesis is the separator.
_DATELINE_WITHOUT_SEPARATOR = re.compile(
    r"^(?P<head>[^()]{1,60}?)\s*\((?P<outlet>[^()]{2,40})\)(?P<rest>[A-Z].*)$", re.S
)
_CAPS_PLACE = re.compile(r"^[A-Z][A-Z.'’\-]*(?:\s+[A-Z][A-Z.'’\-]*){0,4}$")
_TITLE_PLACE = re.compile(r"^[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|de|la|el|al|upon|on|of)){0,4}$")
_MONTH_DAY = re.compile(
    r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}$"
    r"|^\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?$"
)
# Upper-case words that open a line like a place would, but are labels.
_LABELS = frozenset(
    "UPDATE UPDATED BREAKING NEW EXCLUSIVE WATCH VIDEO PHOTOS LIVE OPINION ANALYSIS EDITORIAL NOTE".split()
)
# What follows a dateline: a sentence's start, or nothing (a dateline on its own line).
_REST_START = re.compile(r"^(?:$|[A-Z0-9\"'“‘(])")

# -- title tags ----------------------------------------------------------------------
# A short bracketed tag at either end of a title ("[PPIO]", "[VIDEO]").
_TITLE_TAG = re.compile(r"^\s*\[[^\[\]]{1,30}\]\s*|\s*\[[^\[\]]{1,30}\]\s*$")


@dataclass(frozen=True)
class Byline:
    author: str | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class StatedDate:
    published: datetime
    outlet: str | None = None


@dataclass(frozen=True)
class Dateline:
    place: str | None
    outlet: str | None
    date: datetime | None
    rest: str


@dataclass
class EdgeMetadata:
    """What the metadata lines of one body stated."""

    author: str | None = None
    outlet: str | None = None  # named by a byline: the best evidence of the outlet
    date_outlet: str | None = None  # named after a stated date
    published: datetime | None = None
    dateline: str | None = None
    source_abbreviation: str | None = None

    def apply_to(self, article: Article) -> None:
        """Fill the article's empty fields; what the reader already knew wins."""
        article.author = article.author or self.author
        article.source = article.source or self.outlet or self.date_outlet or self.source_abbreviation
        article.published = article.published or self.published
        if self.dateline:
            article.metadata.setdefault("dateline", self.dateline)
        if self.source_abbreviation:
            article.metadata.setdefault("source_abbreviation", self.source_abbreviation)


def parse_byline(line: str) -> Byline | None:
    """Author and/or outlet from a byline or credit line, or None if `line` is not one."""
    text = line.strip()
    for pattern in (_BY_LINE, _PREPARED_LINE, _NAME_AND_OUTLET_LINE):
        match = pattern.match(text)
        if match and _is_person(match.group("author")):
            return Byline(_clean_names(match.group("author")), _outlet(match.group("outlet")))
    match = _NAME_ROLE_LINE.match(text)
    if match and any(role in match.group("role").lower() for role in _ROLE_WORDS) and _is_person(match.group("author")):
        return Byline(_clean_names(match.group("author")), _outlet(match.group("outlet")))
    match = _REPORTING_LINE.match(text)
    if match:
        authors = _clean_names(_IN_PLACE.sub("", match.group("authors")))
        return Byline(authors) if authors and _is_person(authors) else None
    match = _INPUTS_LINE.match(text)
    if match:
        outlet = _outlet(match.group("outlet"))
        return Byline(outlet=outlet) if outlet else None
    return None


def _is_person(names: str) -> bool:
    words = re.findall(r"[\w'’\-]+", names)
    return bool(words) and not any(word.lower() in _NOT_A_NAME for word in words)


def _clean_names(names: str) -> str:
    """Names joined by ", ", without job titles ("Jane Doe, Staff Writer" -> "Jane Doe")."""
    parts = (part.strip() for part in _NAME_SEPARATOR.split(names.strip().rstrip(".")))
    return ", ".join(part for part in parts if part and not any(role in part.lower() for role in _ROLE_WORDS))


def _outlet(value: str | None) -> str | None:
    """A plausible outlet name: capitalised words, not a job title."""
    if not value:
        return None
    name = value.strip().rstrip(".").strip()
    if _DOMAIN.match(name):
        return name
    words = name.split()
    if not words or len(words) > 6 or any(role in name.lower() for role in _ROLE_WORDS):
        return None
    if not all(word[0].isupper() or word[0].isdigit() or word.lower() in _OUTLET_SMALL_WORDS for word in words):
        return None
    return name


# The plain-text reader asks about a date line when it looks for the title, and again when it
# takes the metadata lines out; the second answer comes from here.
@lru_cache(maxsize=_PARSED_LINES_KEPT)
def parse_date_line(line: str) -> StatedDate | None:
    """A line that only states a date (and maybe its outlet), or None.

    "Thursday November 17, 2016 6:35 PM, IINA" -> 2016-11-17 18:35, "IINA";
    "China National News Wednesday 5th March, 2014" -> 2014-03-05, "China National News".
    The time is kept as stated (naive): the line rarely says which zone.
    """
    text = _DATE_LABEL.sub("", line.strip()).replace("|", " ").strip()
    if not text or len(text.split()) > _DATE_LINE_MAX_WORDS or not _YEAR.search(text):
        return None
    text = _COMPACT_TIME.sub(r"\1:\2 ", text)
    date_part, _, tail = text.rpartition(",")
    if date_part and not any(char.isdigit() for char in tail):
        outlet = _outlet(tail)
        published = _parse(date_part)
        if published and outlet:
            return StatedDate(published, outlet)
    published = _parse(text)
    if published:
        return StatedDate(published)
    prefixed = _OUTLET_BEFORE_WEEKDAY.match(text)
    if prefixed:
        outlet, published = _outlet(prefixed.group("outlet")), _parse(prefixed.group("date"))
        if outlet and published:
            return StatedDate(published, outlet)
    return None


def _parse(text: str) -> datetime | None:
    parsed = parse_datetime(text)
    return parsed.replace(tzinfo=None) if parsed else None


def parse_dateline(line: str) -> Dateline | None:
    """The dateline opening a body ("LONDON —", "The Hague, Netherlands (GPA) –"), or None.

    A place must be upper case ("WASHINGTON", "ST.-DENIS, France"), or be in
    title case with an outlet in parentheses or a region after a comma;
    a date ("30 June 2011 –") or an outlet alone ("(Reuters) -") also opens
    a dateline. The text after the dateline must start like a sentence.
    """
    text = line.strip()
    match = _DATELINE.match(text) or _DATELINE_WITHOUT_SEPARATOR.match(text)
    if not match or not _REST_START.match(match.group("rest")):
        return None
    head = match.group("head").strip().rstrip(",")
    outlet = match.group("outlet").strip() if match.group("outlet") else None
    colon = match.groupdict().get("separator") == ":"
    rest = match.group("rest").strip()
    if not head:
        return Dateline(None, outlet, None, rest) if outlet and not colon else None
    date = _parse(head) if _YEAR.search(head) else None
    if date or (outlet and _MONTH_DAY.match(head)):
        return Dateline(None, outlet, date, rest)
    if _is_place(head, has_outlet=outlet is not None, colon=colon):
        return Dateline(head, outlet, None, rest)
    return None


def _is_place(head: str, has_outlet: bool, colon: bool) -> bool:
    place, _, region = head.partition(",")
    place, region = place.strip(), region.strip()
    if not place or place in _LABELS:
        return False
    if region and not _TITLE_PLACE.match(region):
        return False
    if _CAPS_PLACE.match(place) and any(char.isalpha() for char in place):
        return True
    # "The Hague, Netherlands (GPA)": a title-case place needs more evidence than a capital letter.
    return not colon and bool(_TITLE_PLACE.match(place)) and (has_outlet or bool(region))


def strip_title_tags(title: str) -> str:
    """`title` without bracketed tags such as a trailing "[PPIO]" or a leading "[VIDEO]".

    Parenthesised endings stay: "(ICC)" is part of a headline.
    """
    if "[" not in title:  # most titles: a search for the tags tries every position
        return title.strip()
    previous = None
    while previous != title:
        previous, title = title, _TITLE_TAG.sub("", title).strip()
    return title


def extract_metadata(lines: list[str], edge_lines: int) -> tuple[list[str], EdgeMetadata]:
    """Find date lines and bylines among the first and last `edge_lines` non-blank lines.

    Returns the lines with those metadata lines blanked, and what they stated;
    the first of each kind wins.
    """
    found = EdgeMetadata()
    kept = list(lines)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for index in sorted(set(filled[:edge_lines] + filled[-edge_lines:])):
        if _take_date_line(lines[index], found) or _take_byline(lines[index], found):
            kept[index] = ""
    return kept, found


def extract_dateline(
    lines: list[str], found: EdgeMetadata, is_furniture: Callable[[str], bool] | None = None
) -> list[str]:
    """Cut the dateline off the body's first line, recording what it stated in `found`.

    Lines for which `is_furniture` is true (a section label, a caption) are
    passed over; the search stops at the first other non-blank line.
    """
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        dateline = parse_dateline(line)
        if dateline is None:
            if is_furniture is not None and is_furniture(line):
                continue
            return lines
        found.dateline = dateline.place
        found.source_abbreviation = dateline.outlet
        found.published = found.published or dateline.date
        return lines[:index] + [dateline.rest] + lines[index + 1 :]
    return lines


def _take_date_line(line: str, found: EdgeMetadata) -> bool:
    stated = parse_date_line(line)
    if not stated:
        return False
    found.published = found.published or stated.published
    found.date_outlet = found.date_outlet or stated.outlet
    return True


def _take_byline(line: str, found: EdgeMetadata) -> bool:
    byline = parse_byline(line)
    if not byline:
        return False
    found.author = found.author or byline.author
    found.outlet = found.outlet or byline.outlet
    return True
