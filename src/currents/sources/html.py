"""HTML pages: the main text and its metadata from one trafilatura parse.

`extract_html` is the project's only way from a web page to an `Article`;
the WARC reader and JSON lines that carry `html` use it too, so a page reads
the same whichever container brought it. trafilatura gives the text, and its
metadata extractors the title, outlet, author, canonical URL and a publication
*day*; the time of day, which they drop, is read from the page's own meta tags.
The document is parsed into a tree once, for all of these.

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
from htmldate import find_date
from lxml.etree import ParserError
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, Extractor

from currents.model import Article, Rejection
from currents.sources.base import Unreadable
from currents.text.dates import parse_datetime
from currents.text.decode import decode_html

FORMAT = "html"

# trafilatura's fast mode skips re-extracting each page with its readability and
# jusText fallbacks, which costs about a third of the extraction time; on news
# pages the main extractor alone does nearly as well, and the benchmark holds our
# whole HTML path to 1.3 times bare `trafilatura.extract`. Building these settings
# reads trafilatura's configuration (1% of an extraction), so it is done once;
# trafilatura copies the settings it changes, and without links or images the
# page's URL plays no part in extracting its text.
_EXTRACTION = Extractor(output_format="python", fast=True, comments=False)
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

_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
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
    tree = trafilatura.load_html(markup)
    # Extraction works on a copy of the tree, leaving it as parsed for the metadata extractors.
    document = trafilatura.bare_extraction(tree, options=_EXTRACTION) if tree is not None else None
    if document is None or not (document.text or "").strip():
        raise Unreadable("HTML page without article text")
    page = page_metadata(tree, url)
    page_url = url or page.url
    title, text = _headline_and_body(page.title or "", document.text)
    metadata = {name: getattr(page, name) for name in KEPT_FIELDS if getattr(page, name)}
    if page.url and page.url != page_url:
        metadata["canonical_url"] = page.url
    return Article(
        title=title,
        text=text,
        url=page_url,
        source=page.sitename or url_host(page_url),
        author=page.author,
        published=_published(tree, page.date) or fallback_date,
        format=FORMAT,
        metadata=metadata,
    )


def page_metadata(tree: HtmlElement, url: str | None) -> Document:
    """What a page says about itself, as trafilatura's metadata extractors find it.

    trafilatura's `extract_metadata` runs these extractors in this order, and
    two more that search every link of the page: for a licence, which we do not
    keep, and for category and tag links ("/tag/..."), a guess. Those two cost
    about a quarter as much as extracting the text, so categories come from the
    section the page declares in its head instead; tags still come from its tag
    and keyword meta tags.
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # one word is a handle, not a name (trafilatura's rule)
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001  (trafilatura guards its JSON-LD parser the same way: the rest still counts)
        pass
    found.title = found.title or extract_title(tree)
    found.author = found.author or extract_author(tree)
    found.url = found.url or extract_url(tree, url)
    found.date = find_date(tree, url=found.url, **_DATE_SEARCH)
    found.sitename = _site_name(found.sitename or extract_sitename(tree))
    found.categories = found.categories or _declared_sections(tree)
    found.clean_and_trim()
    return found


def _site_name(name: str | None) -> str | None:
    """Without a social-media "@", and capitalised unless it is a domain (as trafilatura shows it)."""
    name = (name or "").lstrip("@")
    if name and "." not in name and not name[0].isupper():
        name = name.title()
    return name or None


def _declared_sections(tree: HtmlElement) -> list[str]:
    """The page's sections as its head declares them (`article:section`, a "subject" meta name)."""
    sections = (
        " ".join(meta.get("content", "").split())
        for meta in _head_elements(tree, "meta")
        if meta.get("property") == "article:section" or "subject" in meta.get("name", "")
    )
    return [section for section in dict.fromkeys(sections) if section]


def _head_elements(tree: HtmlElement, tag: str) -> Iterator[HtmlElement]:
    """The `tag` elements in the page's head (the parser gives a page one head, near its start)."""
    head = next(tree.iter("head"), None)
    return iter(()) if head is None else head.iter(tag)


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


def _published(tree: HtmlElement, day: str | None) -> datetime | None:
    """The page's own publication date, with its time of day when the page states one.

    A date-and-time from the page's head (meta tags, JSON-LD) wins; otherwise a
    `<time datetime>` on the day trafilatura found gives that day its time;
    otherwise the day alone (at midnight).
    """
    stated = _head_published(tree)
    if stated:
        return stated
    found = datetime.fromisoformat(day) if day else None
    if found is None:
        return None
    for element in tree.iter("time"):
        value = element.get("datetime") or ""
        timed = parse_datetime(value) if _CLOCK.search(value) else None
        if timed and timed.date() == found.date():
            return timed
    return found


def _head_published(tree: HtmlElement) -> datetime | None:
    for meta in _head_elements(tree, "meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in PUBLISHED_META_NAMES:
            found = parse_datetime(meta.get("content"))
            if found:
                return found
    for script in _head_elements(tree, "script"):
        for value in _JSON_LD_PUBLISHED.findall(script.text or ""):
            found = parse_datetime(value)
            if found:
                return found
    return None
