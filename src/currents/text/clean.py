"""Clean one article's title and body, whatever reader produced it."""

from __future__ import annotations

import html
import re

from currents.config import TextConfig
from currents.errors import Unreadable
from currents.model import Article
from currents.text.decode import repair

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_article(article: Article, config: TextConfig) -> Article:
    """Repair encoding damage, decode HTML entities and normalise spacing in place.

    Raises `Unreadable` when nothing is left to store (no title and no text).
    """
    article.title = _clean_text(article.title).replace("\n", " ")
    article.text = _clean_text(article.text)
    if not article.title and not article.text:
        raise Unreadable("no text found")
    return article


def _clean_text(text: str) -> str:
    text = repair(html.unescape(text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
