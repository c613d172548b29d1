"""HTML pages: the main text and its metadata from one trafilatura parse.

`extract_html` is the project's only way from a web page to an `Article`;
the WARC reader and JSON lines that carry `html` use it too, so a page reads
the same whichever container brought it. trafilatura gives the text, title,
outlet, author, canonical URL and a publication *day*; the time of day, which
it drops, is read from the page's own meta tags with a cheap scan of the raw
markup, so the document is parsed into a tree only once.

`fragment_to_text` is the light path for HTML snippets that are already the
article body (feed items), where main-text extraction has nothing to remove.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml.etree import ParserError

from currents.model import Article, Rejection
from currents.sources.base import Unreadable
from currents.text.dates import parse_datetime
from currents.text.decode import decode_html

FORMAT = "html"

# trafilatura's fast mode skips re-extracting each page with its readability and
# jusText fallbacks, which costs about a third of the extraction time; on news
# pages the main extractor alone does nearly as well, and the benchmark holds our
# whole HTML path to 1.3 times bare `trafilatura.extract`.
_FAST = True
# htmldate's "extensive search" guesses dates from any link or text on the page
# (a related story's URL, a date mentioned in passing); only structured markup,
# the page's own URL and its visible date elements are the page's statement.
_DATE_SEARCH = {"original_date": True, "extensive_search": False}

# Meta names and properties by which pages state when they were published.
PUBLISHED_META_NAMES = frozenset(
    {
        "article:published_time",
        "og:article:published_time",
        "og:published_time",
        "datepublished",
        "dc.date.issued",
        "dcterms.issued",
        "dc.date",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "parsely-pub-date",
        "sailthru.date",
    }
)
# Fields of trafilatura's result kept in `Article.metadata`.
KEPT_FIELDS = ("description", "categories", "tags", "image")
# A first body line that starts with the title and is at most this long is the
# page's visible headline (often fuller than og:title), not a paragraph.
HEADLINE_MAX_WORDS = 40

_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.I)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_TIME_ELEMENT = re.compile(r"""<time\b[^>]*\bdatetime\s*=\s*["']([^"']+)["']""", re.I)
_CLOCK = re.compile(r"T\d|\d:\d")

# Elements after which a reader sees a line or paragraph break.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main ol p pre section table tr ul".split()
)
_BLANK_RUN = re.compile(r"\s*\n\s*\n\s*")


def read(data: bytes, path: str) -> Iterator[Article | Rejection]:
    """A saved web page is one article; its URL comes from its canonical link."""
    yield extract_html(data)


def extract_html(html: str | bytes, url: str | None = None, fallback_date: datetime | None = None) -> Article:
    """The article in `html`: main text, title, outlet, author, URL and publication date.

    `url` is where the page was fetched (a WARC target, a JSON line's url) and
    wins over the page's canonical link, which some sites point at their home
    page; the canonical link is kept in metadata when it differs. `fallback_date`
    (a capture time) is used only when the page states no date of its own.
    """
    markup = decode_html(html) if isinstance(html, bytes) else html
    document = trafilatura.bare_extraction(
        markup,
        url=url,
        fast=_FAST,
        with_metadata=True,
        include_comments=False,
        date_extraction_params=_DATE_SEARCH,
    )
    if document is None or not (document.text or "").strip():
        raise Unreadable("HTML page without article text")
    page_url = url or document.url
    title, text = _headline_and_body(document.title or "", document.text)
    metadata = {name: getattr(document, name) for name in KEPT_FIELDS if getattr(document, name)}
    if document.url and document.url != page_url:
        metadata["canonical_url"] = document.url
    return Article(
        title=title,
        text=text,
        url=page_url,
        source=document.sitename or url_host(page_url),
        author=document.author,
        published=_published(markup, document.date) or fallback_date,
        format=FORMAT,
        language=document.language,
        metadata=metadata,
    )


def fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML snippet, one paragraph per block element, without main-text extraction."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except ParserError:
        return ""
    for unseen in root.xpath(".//script|.//style"):
        unseen.drop_tree()
    for element in root.iter():
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    return _BLANK_RUN.sub("\n\n", root.text_content()).strip()


def url_host(url: str | None) -> str | None:
    """The host of `url` without "www.", the outlet's name of last resort."""
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _headline_and_body(title: str, text: str) -> tuple[str, str]:
    """Take the visible headline out of the body; it is the title, often a fuller one than og:title."""
    first_line, _, rest = text.strip().partition("\n")
    headline = first_line.strip()
    if title and headline.lower().startswith(title.lower()) and len(headline.split()) <= HEADLINE_MAX_WORDS:
        return headline, rest.strip()
    return title, text.strip()


def _published(html: str | bytes, day: str | None) -> datetime | None:
    """The page's own publication date, with its time of day when the page states one.

    A date-and-time from the page's head (meta tags, JSON-LD) wins; otherwise a
    `<time datetime>` on the day trafilatura found gives that day its time;
    otherwise the day alone (at midnight).
    """
    # Bytes here are not UTF-8; the dates sought are ASCII, which Latin-1 keeps as it is.
    markup = html if isinstance(html, str) else html.decode("latin-1")
    stated = _head_published(markup)
    if stated:
        return stated
    found = datetime.fromisoformat(day) if day else None
    if found is None:
        return None
    for value in _TIME_ELEMENT.findall(markup):
        timed = parse_datetime(value) if _CLOCK.search(value) else None
        if timed and timed.date() == found.date():
            return timed
    return found


def _head_published(markup: str) -> datetime | None:
    end = _HEAD_END.search(markup)
    head = markup[: end.start()] if end else markup
    for tag in _META_TAG.findall(head):
        attributes = {name.lower(): "".join(value) for name, *value in _ATTRIBUTE.findall(tag)}
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or "").lower()
        if key in PUBLISHED_META_NAMES:
            found = parse_datetime(attributes.get("content"))
            if found:
                return found
    for value in _JSON_LD_PUBLISHED.findall(head):
        found = parse_datetime(value)
        if found:
            return found
    return None
