"""Clean one article's title and body, whatever reader produced it.

Every format's body passes through here, so the steps are safe on text that
is already clean and give the same result when run twice: decode HTML
entities, repair encoding damage, normalise spacing, drop boilerplate lines
and bracketed title tags.
"""

from __future__ import annotations

import html
import re

from currents.config import TextConfig
from currents.errors import Unreadable
from currents.model import Article
from currents.text.boilerplate import remove_boilerplate
from currents.text.decode import repair
from currents.text.metadata import strip_title_tags

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Line separators of other systems and the Unicode ones: each ends a line.
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Other C0/C1 control characters never belong in article text (and make HTML and XML invalid).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# A character that one of the three patterns above would change. Most texts have none (and no
# double space), and one search for it costs less than the three substitutions, which replace
# every single space between words by itself.
_CHANGED_BY_SUBSTITUTION = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def clean_article(article: Article, config: TextConfig) -> Article:
    """Clean the title and body in place.

    Raises `Unreadable` when nothing is left to store (no title and no text).
    """
    article.title = strip_title_tags(" ".join(line for line in _clean_lines(article.title) if line))
    text = "\n".join(remove_boilerplate(_clean_lines(article.text), config))
    if "\n\n\n" in text:  # rare, and looking costs a tenth of substituting
        text = _BLANK_LINES.sub("\n\n", text)
    article.text = text.strip()
    if not article.title and not article.text:
        raise Unreadable("no text found")
    return article


def _clean_lines(text: str) -> list[str]:
    """Entities decoded, encoding repaired, each line's spacing normalised."""
    text = repair(_unescape(text))
    if "  " in text or _CHANGED_BY_SUBSTITUTION.search(text):
        text = _SPACES.sub(" ", _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text)))
    return [line.strip() for line in text.split("\n")]


def _unescape(text: str) -> str:
    """Entities decoded until none is left.

    Feeds escape twice ("&amp;#039;"), and a second clean must change nothing.
    """
    while "&" in text:
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text
