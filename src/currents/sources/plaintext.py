"""Plain-text reader: one article per file, its title on top, metadata lines around the body.

Saved web text rarely starts with its headline: page furniture ("Follow us
on", a breadcrumb) comes first, a stated date and a section label may follow
it, a dateline opens the body and a byline closes it. The title is the first
line that is not furniture; the metadata lines become fields, the dateline
is cut from the first line of the body proper (past any label or caption),
and the cleaning stage removes the remaining boilerplate.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from currents.config import TextConfig
from currents.model import Article, Rejection
from currents.sources.base import Unreadable
from currents.text.boilerplate import (
    Label,
    intrinsic_label,
    is_interface_line,
    line_features,
    split_navigation,
)
from currents.text.decode import decode_bytes, repair
from currents.text.metadata import (
    extract_dateline,
    extract_metadata,
    parse_byline,
    parse_date_line,
    parse_dateline,
    strip_title_tags,
)

# Readers receive no configuration: they use the defaults.
_CONFIG = TextConfig()
# A stated date line is looked for among this many non-blank lines at the top.
_HEADER_LINES = 8
# A breadcrumb's last part is a headline when it has at least this many words ("Home » World" has one).
_MIN_HEADLINE_WORDS = 4
# Where a sentence ends: after . ! ? (and closing quotes), before a capital,
# unless the word before the stop is an initial or abbreviation ("U.S.", "Mr.").
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,2}|\b(?:[A-Za-z]\.)+[A-Za-z]?)\.$")


def read(data: bytes, path: str) -> Iterator[Article | Rejection]:
    lines = repair(html.unescape(decode_bytes(data))).splitlines()
    found_title = _find_title(lines)
    if found_title is None:
        # No headline line: the file starts with its body (or with metadata lines only).
        title, body = "", lines
    else:
        index, title = found_title
        before = [line for line in lines[:index] if not is_interface_line(line_features(line), _CONFIG)]
        body = before + lines[index + 1 :]
    body, found = extract_metadata(body, _CONFIG.metadata_edge_lines)
    body = extract_dateline(body, found, _is_header_furniture)
    text = "\n".join(body).strip()
    article = Article(title=title, text=text, format="text")
    if not title:
        article.title = _first_sentence(text)
        article.metadata["title_from_body"] = True
    found.apply_to(article)
    if not article.title and not article.text:
        raise Unreadable("no text found")
    yield article


def _is_header_furniture(line: str) -> bool:
    """Boilerplate, or a short label, that may stand between the headline and the body's first line."""
    return intrinsic_label(line_features(line), _CONFIG) in (Label.BOILERPLATE, Label.SHORT)


def _find_title(lines: list[str]) -> tuple[int, str] | None:
    """The headline line and its text, or None when the file opens with its body.

    A stated date line ("Tuesday March 12, 2024 1:15 PM, Coastline News")
    sits right under the headline in scraped pages, so the nearest candidate
    line above it wins over whatever page furniture precedes it; without one,
    the first line that is neither furniture nor a metadata line is the title.
    """
    return _title_above_date_line(lines) or _first_title_line(lines)


def _title_above_date_line(lines: list[str]) -> tuple[int, str] | None:
    header = [i for i, line in enumerate(lines) if line.strip()][:_HEADER_LINES]
    for position, index in enumerate(header):
        if position and parse_date_line(lines[index]):
            above = header[position - 1]
            line = lines[above]
            features = line_features(line)
            if _MIN_HEADLINE_WORDS <= features.words <= _CONFIG.title_max_words and not parse_byline(line):
                return above, strip_title_tags(line.strip())
    return None


def _first_title_line(lines: list[str]) -> tuple[int, str] | None:
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        features = line_features(line)
        if is_interface_line(features, _CONFIG):
            headline = _headline_after_breadcrumb(line)
            if headline:
                return index, headline
            continue
        if parse_date_line(line) or parse_byline(line):
            continue
        too_long = features.words > _CONFIG.title_max_words
        if too_long or (features.ends_sentence and parse_dateline(line)):
            return None
        return index, strip_title_tags(line.strip())
    return None


def _headline_after_breadcrumb(line: str) -> str | None:
    """The headline ending a breadcrumb ("World » Europe » Russia leaves the court"), if there is one."""
    parts = split_navigation(line)
    if len(parts) < 2:
        return None
    last = parts[-1]
    features = line_features(last)
    if features.words < _MIN_HEADLINE_WORDS or is_interface_line(features, _CONFIG):
        return None
    return strip_title_tags(last)


def _first_sentence(text: str) -> str:
    """The body's first sentence, cut to a headline's length, to stand in for a missing headline."""
    paragraph = text.strip().split("\n", 1)[0]
    sentence = paragraph
    for match in _SENTENCE_BREAK.finditer(paragraph):
        candidate = paragraph[: match.start()].rstrip()
        if not _ABBREVIATION.search(candidate.rstrip("\"'”’)")):
            sentence = candidate
            break
    words = sentence.split()
    limit = _CONFIG.title_max_words
    return sentence if len(words) <= limit else " ".join(words[:limit]) + " …"
