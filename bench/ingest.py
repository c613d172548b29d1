"""Benchmark of ingest: articles per second by format, and our HTML path against bare trafilatura.

Builds a synthetic 10,000-article corpus (seeded, so every run reads the same bytes) from the shared
corpora, in all five formats: plain-text files, JSON Lines, saved HTML pages, gzipped WARC files and
RSS feeds. Articles get invented outlets, ids, URLs and dates (2015-2016), and their bodies are
re-composed from the originals (sentences dropped, sentences mixed in from another article of the same
topic, paragraphs reordered) so that most are distinct under the store's near-duplicate detection;
about 5% are planted duplicates (exact copies and syndicated copies with another headline, a dateline
and a republication note).

Prints:
- articles/s of `app.ingest` (read, detect, extract, clean, de-duplicate, store; no understanding) per
  format, each into a fresh store, and for the whole mix in one store, as configured (worker processes
  for big inputs): median of the repetitions;
- bare `trafilatura.extract` (default options) over the same HTML pages, and over the pages inside the
  WARC files, timed in the same repetition as our path; the ratio ours / bare (median of the
  per-repetition ratios), with our path in one process like bare extraction, and with workers if used;
- duplicates found against duplicates planted, and merges we did not plant;
- goals: text and JSONL >= 500 articles/s, HTML ratio <= 1.3 (one process each).

The machine is shared and has two cores: read medians and ratios, not single runs.

Run: .venv/bin/python bench/ingest.py [--articles 10000] [--repeat 3] [--workdir DIR] [--keep]
     .venv/bin/python bench/ingest.py --profile html   (one ingest of one format under cProfile)
"""

from __future__ import annotations

import argparse
import cProfile
import email.utils
import html
import io
import json
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import trafilatura
from rich.console import Console
from rich.table import Table
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import currents
from currents.config import load_config
from currents.ingest import worker_processes
from currents.sources import expand
from currents.text.decode import decode_bytes
from currents.text.names import slugify

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ORIGINALS = CORPUS / "wikiref220"
TOPIC_LABELS = CORPUS / "wikiref220-labels.csv"
SEEDS = CORPUS / "seeds"
# The seed that is an event record (Markdown), not an article.
SEED_EVENT_RECORD_PREFIX = "003_"
SEED_TOPIC = "seeds"

SEED = 20161116
# A few articles per format, ingested before timing so that imports and first-call caches are paid.
WARM_UP_ARTICLES = 25
# What a run makes inside --workdir (and removes afterwards unless --keep).
WORK_FOLDERS = ("corpus", "warm-up", "stores")
FORMATS = ("text", "jsonl", "html", "warc", "rss")

# Our path with no worker processes: like for like with bare extraction, which runs in one process.
ONE_PROCESS = {"ingest__processes": 1}
# Workers whatever the size of the input, so that the warm-up starts them.
WORKERS_ALWAYS = {"ingest__parallel_min_bytes": 0}

# Goals from the issue.
GOAL_ARTICLES_PER_SECOND = 500
GOAL_HTML_RATIO = 1.3

# Corpus shape.
FIRST_DAY = datetime(2015, 1, 1)
DAYS_SPANNED = 731
# Body lengths in words, drawn from a triangular distribution shaped like news articles'.
BODY_WORDS_LOW, BODY_WORDS_MODE, BODY_WORDS_HIGH = 250, 600, 1400
KEPT_SENTENCE_SHARE = 0.7
MIXED_IN_SENTENCE_CHANCE = 0.35
# Other articles of the topic whose paragraphs may fill a body when its original runs out.
FILLING_PARTNERS = 3
PARAGRAPH_SWAPS = 2
DUPLICATE_SHARE = 0.05
SAME_FORMAT_DUPLICATE_CHANCE = 0.5
SYNDICATED_SHARE = 0.5  # of the planted duplicates; the rest are exact copies
FIRST_DUPLICATE_SLOT = 50
MIN_TITLE_WORDS = 4
ARTICLES_PER_JSONL_FILE = 500
PAGES_PER_WARC_FILE = 200
ITEMS_PER_FEED = 10
# Shares of plain-text files with a stated date line, a footer line, CRLF line ends, Windows-1252 bytes.
TEXT_DATE_LINE_SHARE, TEXT_FOOTER_SHARE, TEXT_CRLF_SHARE, TEXT_CP1252_SHARE = 0.5, 0.3, 0.3, 0.5

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(A-Z0-9])|(?<=[.!?][\"”’)])\s+(?=[\"“‘(A-Z0-9])")
_BREADCRUMB = "»"


# -- invented outlets, people and page furniture ----------------------------------------------------

@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    utc_offset_hours: int
    layout: int
    charset: str = "utf-8"
    city: str = "London"

    @property
    def slug(self) -> str:
        return slugify(self.name)


OUTLETS = (
    Outlet("The Harbour Ledger", "harbourledger.example", 0, 0, city="Bristol"),
    Outlet("Northgate Chronicle", "northgate-chronicle.example", 0, 1),
    Outlet("Daily Meridian", "dailymeridian.example", 1, 2, city="Brussels"),
    Outlet("Riverside Courier", "riversidecourier.example", -5, 0, city="Albany"),
    Outlet("The Civic Observer", "civicobserver.example", -5, 1, "windows-1252", "Boston"),
    Outlet("Eastfield Gazette", "eastfield-gazette.example", 0, 2, city="Norwich"),
    Outlet("Pinecrest Post", "pinecrestpost.example", -8, 0, city="Portland"),
    Outlet("Lakeshore Tribune", "lakeshoretribune.example", -6, 1, city="Chicago"),
    Outlet("Morning Compass", "morningcompass.example", 1, 2, "windows-1252", "Paris"),
    Outlet("The Granite Herald", "graniteherald.example", 0, 0, city="Aberdeen"),
    Outlet("Silverline News", "silverline.example", 8, 1, city="Kuala Lumpur"),
    Outlet("Westbrook Times", "westbrooktimes.example", -5, 2, city="New York"),
    Outlet("Capital Wire Service", "capitalwire.example", -5, 0, city="Washington"),
    Outlet("The Midland Standard", "midlandstandard.example", 0, 1, city="Birmingham"),
    Outlet("Coastal Dispatch", "coastaldispatch.example", 10, 2, city="Sydney"),
    Outlet("Highland Record", "highlandrecord.example", 0, 0, "windows-1252", "Inverness"),
    Outlet("Metro Bulletin", "metrobulletin.example", 1, 1, city="Berlin"),
    Outlet("The Evening Lantern", "eveninglantern.example", 0, 2, city="Leeds"),
    Outlet("Crossroads Journal", "crossroadsjournal.example", -6, 0, city="Dallas"),
    Outlet("Summit Daily", "summitdaily.example", -7, 1, city="Denver"),
    Outlet("Bayview Reporter", "bayviewreporter.example", -8, 2, city="San Francisco"),
    Outlet("The Orchard Review", "orchardreview.example", 2, 0, city="Athens"),
    Outlet("Frontier Press Agency", "frontierpress.example", 8, 1, city="Singapore"),
    Outlet("Kingsway Examiner", "kingswayexaminer.example", 9, 2, city="Seoul"),
)
FIRST_NAMES = ("Ada", "Bruno", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Imke", "Jonas",
               "Kofi", "Lena", "Marek", "Nadia", "Oscar", "Priya", "Rafael", "Sofia", "Tomas", "Yara")
LAST_NAMES = ("Abbott", "Brennan", "Castillo", "Dunmore", "Ekwueme", "Fairley", "Gallo", "Halvorsen",
              "Iqbal", "Jansen", "Kowalczyk", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov")
SECTIONS = ("world", "news", "politics", "business", "sport", "technology", "europe", "asia")
TITLE_VARIANTS = ("{}", "{}", "{}", "Analysis: {}", "{} (updated)", "Live: {}", "{}: what we know")
SYNDICATED_TITLE_VARIANTS = ("{} - report", "WIRE: {}", "{} (wire)", "{}, officials say")
TEXT_FOOTERS = ("Share this article", "Follow us on social media", "Sign up for our morning newsletter",
                "Comments are closed for this story", "© {year} {outlet}. All rights reserved.")


# -- the originals ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Original:
    title: str
    paragraphs: tuple[tuple[str, ...], ...]  # sentences of each paragraph
    topic: str


def load_originals() -> list[Original]:
    """Every shared article, split into paragraphs of sentences, with its topic."""
    topics = _topics()
    originals = [_original(path, topics[path.name]) for path in sorted(ORIGINALS.glob("*.txt"))]
    for path in sorted(SEEDS.glob("*.txt")):
        if not path.name.startswith(SEED_EVENT_RECORD_PREFIX):
            originals.append(_original(path, SEED_TOPIC))
    return [o for o in originals if o.paragraphs]


def _topics() -> dict[str, str]:
    lines = TOPIC_LABELS.read_text(encoding="utf-8").splitlines()[1:]
    return {file: topic for file, topic, *_ in (line.split(",") for line in lines if line)}


def _original(path: Path, topic: str) -> Original:
    """Title: the first line of a few words that is not a breadcrumb; body: the lines after it."""
    lines = [line.strip() for line in decode_bytes(path.read_bytes()).splitlines()]
    lines = [line for line in lines if line]
    title_at = next(
        (i for i, line in enumerate(lines) if len(line.split()) >= MIN_TITLE_WORDS and _BREADCRUMB not in line), 0
    )
    paragraphs = tuple(tuple(_SENTENCE_END.split(line)) for line in lines[title_at + 1 :])
    return Original(lines[title_at], paragraphs, topic)


# -- planning the corpus ----------------------------------------------------------------------------

@dataclass
class Planned:
    """One article of the synthetic corpus: what we wrote, where, and whether it copies another."""

    index: int
    format: str
    outlet: Outlet
    title: str
    paragraphs: list[str]
    published: datetime
    url: str
    author: str
    section: str
    duplicate_of: int | None = None
    duplicate_kind: str | None = None
    path: Path | None = None

    @property
    def key(self) -> str:
        """How the store names this article's copy: its URL, or its file when it has none."""
        return self.url if self.format != "text" else str(self.path.resolve())

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def plan_corpus(count: int, originals: list[Original], rng: random.Random) -> list[Planned]:
    """`count` articles, evenly spread over the formats, about DUPLICATE_SHARE of them planted copies."""
    formats = [FORMATS[i % len(FORMATS)] for i in range(count)]
    rng.shuffle(formats)
    by_topic: dict[str, list[Original]] = defaultdict(list)
    for original in originals:
        by_topic[original.topic].append(original)
    open_slots = range(min(FIRST_DUPLICATE_SLOT, count), count)
    duplicate_slots = set(rng.sample(open_slots, min(len(open_slots), int(count * DUPLICATE_SHARE))))
    planned: list[Planned] = []
    originals_by_format: dict[str, list[int]] = defaultdict(list)
    for index, fmt in enumerate(formats):
        if index in duplicate_slots:
            pool = originals_by_format[fmt] if rng.random() < SAME_FORMAT_DUPLICATE_CHANCE else None
            source = planned[rng.choice(pool or [i for ids in originals_by_format.values() for i in ids])]
            planned.append(_copy_of(source, index, fmt, rng))
        else:
            primary = rng.choice(originals)
            partners = [o for o in by_topic[primary.topic] if o is not primary] or originals
            planned.append(_fresh(primary, partners, index, fmt, rng))
            originals_by_format[fmt].append(index)
    return planned


def _fresh(primary: Original, partners: list[Original], index: int, fmt: str, rng: random.Random) -> Planned:
    outlet = rng.choice(OUTLETS)
    published = FIRST_DAY + timedelta(minutes=rng.randrange(DAYS_SPANNED * 24 * 60))
    title = rng.choice(TITLE_VARIANTS).format(primary.title)
    return Planned(
        index=index,
        format=fmt,
        outlet=outlet,
        title=title,
        paragraphs=compose_body(primary, partners, rng),
        published=_localised(published, outlet),
        url=_url(outlet, published, title, index, rng),
        author=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        section=rng.choice(SECTIONS),
    )


def compose_body(primary: Original, partners: list[Original], rng: random.Random) -> list[str]:
    """A new body from `primary`: a random start, sentences dropped, others mixed in, paragraphs reordered.

    Two articles composed from the same original share roughly half their sentences, well under the
    near-duplicate threshold, while still reading like a report on the same story.
    """
    target = int(rng.triangular(BODY_WORDS_LOW, BODY_WORDS_HIGH, BODY_WORDS_MODE))
    start = rng.randrange(max(1, len(primary.paragraphs) // 3))
    fillers = rng.sample(partners, min(FILLING_PARTNERS, len(partners)))
    sources = list(primary.paragraphs[start:]) + [p for o in fillers for p in o.paragraphs]
    paragraphs: list[str] = []
    words = 0
    for sentences in sources:
        kept = [s for s in sentences if rng.random() < KEPT_SENTENCE_SHARE]
        if kept and rng.random() < MIXED_IN_SENTENCE_CHANCE:
            kept.insert(rng.randrange(len(kept) + 1), rng.choice(rng.choice(rng.choice(partners).paragraphs)))
        if kept:
            paragraphs.append(" ".join(kept))
            words += sum(len(s.split()) for s in kept)
        if words >= target:
            break
    for _ in range(PARAGRAPH_SWAPS):
        if len(paragraphs) > 2:
            i = rng.randrange(1, len(paragraphs) - 1)
            paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    return paragraphs


def _copy_of(source: Planned, index: int, fmt: str, rng: random.Random) -> Planned:
    """An exact copy (same headline and body) or a syndicated one (other headline, dateline, note, cut end)."""
    outlet = rng.choice([o for o in OUTLETS if o != source.outlet])
    published = _localised(source.published.replace(tzinfo=None) + timedelta(minutes=rng.randrange(5, 600)), outlet)
    copy = Planned(
        index=index,
        format=fmt,
        outlet=outlet,
        title=source.title,
        paragraphs=list(source.paragraphs),
        published=published,
        url=_url(outlet, published, source.title, index, rng),
        author=source.author,
        section=source.section,
        duplicate_of=source.index,
        duplicate_kind="exact",
    )
    if rng.random() < SYNDICATED_SHARE:
        copy.duplicate_kind = "syndicated"
        copy.title = rng.choice(SYNDICATED_TITLE_VARIANTS).format(source.title)
        copy.paragraphs[0] = f"{source.outlet.city.upper()} ({source.outlet.name}) - {copy.paragraphs[0]}"
        last = _SENTENCE_END.split(copy.paragraphs[-1])
        if len(last) > 1:
            copy.paragraphs[-1] = " ".join(last[:-1])
        copy.paragraphs.append(
            f"This story was first published by {source.outlet.name} and is republished with permission."
        )
    return copy


def _localised(moment: datetime, outlet: Outlet) -> datetime:
    return moment.replace(tzinfo=timezone(timedelta(hours=outlet.utc_offset_hours)))


def _url(outlet: Outlet, published: datetime, title: str, index: int, rng: random.Random) -> str:
    """Three URL shapes, as outlets differ: dated path with slug, numeric id, slug with a hex id."""
    slug = slugify(title, max_length=70)
    style = outlet.layout
    if style == 0:
        return f"https://www.{outlet.domain}/{published:%Y/%m/%d}/{slug}-{index}"
    if style == 1:
        return f"https://{outlet.domain}/news/article-{rng.randrange(10**7, 10**8)}{index:05d}.html"
    return f"https://www.{outlet.domain}/{rng.choice(SECTIONS)}/{slug}-{rng.getrandbits(32):08x}{index:x}"


# -- writing the corpus -----------------------------------------------------------------------------

@dataclass
class Corpus:
    root: Path
    articles: list[Planned]
    warc_pages: list[bytes] = field(default_factory=list)

    def folder(self, fmt: str) -> Path:
        return self.root / fmt

    def of_format(self, fmt: str) -> list[Planned]:
        return [a for a in self.articles if a.format == fmt]

    def html_pages(self) -> list[bytes]:
        return [a.path.read_bytes() for a in self.of_format("html")]

    def files(self, fmt: str) -> int:
        return sum(1 for p in self.folder(fmt).rglob("*") if p.is_file())

    def size_bytes(self, fmt: str) -> int:
        return sum(p.stat().st_size for p in self.folder(fmt).rglob("*") if p.is_file())


def build_corpus(root: Path, count: int) -> Corpus:
    rng = random.Random(SEED)
    corpus = Corpus(root, plan_corpus(count, load_originals(), rng))
    write_text_files(corpus, rng)
    write_jsonl_files(corpus)
    write_html_pages(corpus, rng)
    corpus.warc_pages = write_warc_files(corpus, rng)
    write_feeds(corpus)
    return corpus


def write_text_files(corpus: Corpus, rng: random.Random) -> None:
    """Scraped-style text: title, sometimes a stated date line, body, sometimes footer lines; mixed encodings."""
    for article in corpus.of_format("text"):
        lines = [article.title]
        if rng.random() < TEXT_DATE_LINE_SHARE:
            lines.append(f"{article.published:%A %B %d, %Y %I:%M %p}, {article.outlet.name}")
        lines += ["", article.body]
        if rng.random() < TEXT_FOOTER_SHARE:
            footer = rng.choice(TEXT_FOOTERS).format(year=article.published.year, outlet=article.outlet.name)
            lines += ["", footer]
        text = "\n".join(lines) + "\n"
        if rng.random() < TEXT_CRLF_SHARE:
            text = text.replace("\n", "\r\n")
        name = f"{article.published:%Y-%m-%d}-{article.index:05d}.txt"
        article.path = corpus.folder("text") / article.outlet.slug / name
        _write(article.path, _encode(text, "windows-1252" if rng.random() < TEXT_CP1252_SHARE else "utf-8"))


def write_jsonl_files(corpus: Corpus) -> None:
    articles = corpus.of_format("jsonl")
    for start in range(0, len(articles), ARTICLES_PER_JSONL_FILE):
        chunk = articles[start : start + ARTICLES_PER_JSONL_FILE]
        path = corpus.folder("jsonl") / f"articles-{start // ARTICLES_PER_JSONL_FILE:03d}.jsonl"
        lines = [json.dumps(_json_record(a), ensure_ascii=False) for a in chunk]
        _write(path, ("\n".join(lines) + "\n").encode("utf-8"))
        for article in chunk:
            article.path = path


def _json_record(article: Planned) -> dict[str, str]:
    return {
        "id": f"{article.outlet.slug}-{article.index:05d}",
        "url": article.url,
        "title": article.title,
        "text": article.body,
        "published": article.published.isoformat(),
        "source": article.outlet.name,
        "author": article.author,
        "section": article.section,
    }


def write_html_pages(corpus: Corpus, rng: random.Random) -> None:
    for article in corpus.of_format("html"):
        article.path = corpus.folder("html") / article.outlet.slug / f"{article.index:05d}.html"
        _write(article.path, render_page(article, rng))


def write_warc_files(corpus: Corpus, rng: random.Random) -> list[bytes]:
    """Common Crawl News-style files: warcinfo, then a request and a response record per page."""
    articles = corpus.of_format("warc")
    pages: list[bytes] = []
    for start in range(0, len(articles), PAGES_PER_WARC_FILE):
        path = corpus.folder("warc") / f"crawl-{start // PAGES_PER_WARC_FILE:03d}.warc.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            writer = WARCWriter(handle, gzip=True)
            writer.write_record(_warcinfo(writer, path.name))
            for article in articles[start : start + PAGES_PER_WARC_FILE]:
                page = render_page(article, rng)
                pages.append(page)
                for record in _warc_exchange(writer, article, page):
                    writer.write_record(record)
                article.path = path
    return pages


def _warcinfo(writer: WARCWriter, name: str):
    info = b"software: currents bench/ingest.py\r\nformat: WARC File Format 1.0\r\n"
    return writer.create_warc_record(
        "", "warcinfo", payload=io.BytesIO(info), length=len(info), warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Record-ID": _record_id("warcinfo", name), "WARC-Date": "2017-01-01T00:00:00Z",
                           "WARC-Filename": name},
    )


def _warc_exchange(writer: WARCWriter, article: Planned, page: bytes) -> tuple:
    fetched = article.published.astimezone(timezone.utc) + timedelta(hours=3)
    warc_date = f"{fetched:%Y-%m-%dT%H:%M:%SZ}"
    host = article.url.split("/")[2]
    request = writer.create_warc_record(
        article.url, "request",
        http_headers=StatusAndHeaders(f"GET /{article.url.split('/', 3)[3]} HTTP/1.1",
                                      [("Host", host), ("User-Agent", "currents-bench/1.0")], is_http_request=True),
        warc_headers_dict={"WARC-Record-ID": _record_id("request", article.url), "WARC-Date": warc_date},
    )
    response = writer.create_warc_record(
        article.url, "response", payload=io.BytesIO(page), length=len(page),
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={article.outlet.charset}"),
                                                 ("Content-Length", str(len(page)))], protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Record-ID": _record_id("response", article.url), "WARC-Date": warc_date,
                           "WARC-Concurrent-To": _record_id("request", article.url)},
    )
    return request, response


def _record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(parts))}>"


def write_feeds(corpus: Corpus) -> None:
    """RSS 2.0 per outlet, ITEMS_PER_FEED items each, full bodies in content:encoded."""
    by_outlet: dict[Outlet, list[Planned]] = defaultdict(list)
    for article in corpus.of_format("rss"):
        by_outlet[article.outlet].append(article)
    for outlet, articles in by_outlet.items():
        for start in range(0, len(articles), ITEMS_PER_FEED):
            items = articles[start : start + ITEMS_PER_FEED]
            path = corpus.folder("rss") / f"{outlet.slug}-{start // ITEMS_PER_FEED:03d}.xml"
            _write(path, render_feed(outlet, items).encode("utf-8"))
            for article in items:
                article.path = path


def render_feed(outlet: Outlet, items: list[Planned]) -> str:
    e = html.escape
    rendered = "".join(
        f"""
  <item>
    <title>{e(a.title)}</title>
    <link>{e(a.url)}</link>
    <guid isPermaLink="true">{e(a.url)}</guid>
    <dc:creator>{e(a.author)}</dc:creator>
    <category>{a.section.title()}</category>
    <pubDate>{email.utils.format_datetime(a.published)}</pubDate>
    <description>{e(a.paragraphs[0][:240])}</description>
    <content:encoded><![CDATA[{"".join(f"<p>{e(p)}</p>" for p in a.paragraphs)}]]></content:encoded>
  </item>"""
        for a in items
    )
    newest = max(a.published for a in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>{e(outlet.name)}</title>
  <link>https://www.{outlet.domain}/</link>
  <description>Latest stories from {e(outlet.name)}</description>
  <language>en</language>
  <lastBuildDate>{email.utils.format_datetime(newest)}</lastBuildDate>{rendered}
</channel>
</rss>
"""


def render_page(article: Planned, rng: random.Random) -> bytes:
    """A news page as outlets publish them: head metadata, cookie banner, navigation, the article, related
    links, newsletter box and footer, in one of three layouts."""
    outlet, e = article.outlet, html.escape
    paragraphs = [f"<p>{e(p)}</p>" for p in article.paragraphs]
    if len(paragraphs) > 4:
        paragraphs.insert(len(paragraphs) // 2, f'<p class="read-more"><a href="/{article.section}">Read more: '
                                                f'the latest {article.section} stories</a></p>')
    body = "\n    ".join(paragraphs)
    byline = (f'<p class="byline">By <span class="author">{e(article.author)}</span> · '
              f'<time datetime="{article.published.isoformat()}">{article.published:%d %B %Y, %H:%M}</time></p>')
    layout = (_layout_article, _layout_divs, _layout_main)[outlet.layout]
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="{outlet.charset}">
<title>{e(article.title)} | {e(outlet.name)}</title>
<link rel="canonical" href="{e(article.url)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{e(article.paragraphs[0][:160])}">
<meta name="author" content="{e(article.author)}">
<meta property="og:site_name" content="{e(outlet.name)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{e(article.title)}">
<meta property="og:url" content="{e(article.url)}">
<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:section" content="{article.section.title()}">
<link rel="stylesheet" href="/static/site.{rng.getrandbits(24):06x}.css">
<style>.consent{{position:fixed;bottom:0}}.nav a{{margin:0 .5em}}</style>
<script type="application/ld+json">{json.dumps(_json_ld(article))}</script>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"section":"{article.section}","id":{article.index}}});</script>
</head>
<body class="article-page">
<div class="consent" role="dialog" id="cookie-banner">
  We and our partners use cookies to personalise content and ads and to analyse our traffic.
  <a href="/privacy">Privacy policy</a> <button>Accept all</button> <button>Manage settings</button>
</div>
<header class="site-header">
  <a class="logo" href="/">{e(outlet.name)}</a> <a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a>
  <nav class="nav">{"".join(f'<a href="/{s}">{s.title()}</a>' for s in SECTIONS)}</nav>
</header>
{layout(article, byline, body)}
<section class="related">
  <h2>Related stories</h2>
  <ul>{"".join(f'<li><a href="/{article.section}/story-{rng.getrandbits(20)}">More on {s} from our reporters</a></li>'
                for s in rng.sample(SECTIONS, 4))}</ul>
</section>
<div class="newsletter">Get the {e(outlet.name)} morning briefing in your inbox. <a href="/newsletters">Sign up</a></div>
<footer>
  <nav><a href="/about">About us</a> · <a href="/contact">Contact</a> · <a href="/terms">Terms</a> · <a href="/privacy">Privacy</a></nav>
  <p>© {article.published.year} {e(outlet.name)}, {e(outlet.city)}. All rights reserved.</p>
</footer>
</body>
</html>
"""
    return _encode(page, outlet.charset)


def _layout_article(article: Planned, byline: str, body: str) -> str:
    return f"""<div class="breadcrumb"><a href="/">Home</a> › <a href="/{article.section}">{article.section.title()}</a></div>
<article>
  <header><h1>{html.escape(article.title)}</h1>{byline}</header>
  <figure><img src="/img/{article.index}.jpg" alt=""><figcaption>Photo: agency</figcaption></figure>
    {body}
  <div class="share">Share: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a></div>
</article>"""


def _layout_divs(article: Planned, byline: str, body: str) -> str:
    return f"""<div id="content" class="container">
  <div class="story">
    <h1 class="headline">{html.escape(article.title)}</h1>
    {byline}
    <div class="story-body">
    {body}
    </div>
    <div class="comments-count"><a href="#comments">12 comments</a></div>
  </div>
  <div class="sidebar"><h3>Most read</h3><ol><li><a href="/a">Weather warning issued</a></li><li><a href="/b">Markets close higher</a></li></ol></div>
</div>"""


def _layout_main(article: Planned, byline: str, body: str) -> str:
    return f"""<main>
  <section class="article-header"><h1>{html.escape(article.title)}</h1>{byline}</section>
  <section class="article-body" itemprop="articleBody">
    <div class="ad-slot">Advertisement</div>
    {body}
  </section>
  <aside class="tags">Topics: <a href="/{article.section}">{article.section.title()}</a></aside>
</main>"""


def _json_ld(article: Planned) -> dict[str, object]:
    return {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "datePublished": article.published.isoformat(), "author": {"@type": "Person", "name": article.author},
        "publisher": {"@type": "Organization", "name": article.outlet.name},
    }


def _encode(text: str, charset: str) -> bytes:
    """Windows-1252 where every character fits (as legacy sites and dumps do), UTF-8 otherwise."""
    if charset == "windows-1252":
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            pass
    return text.encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# -- measuring --------------------------------------------------------------------------------------

@dataclass
class Run:
    """One timed ingest into a fresh store."""

    seconds: float
    # CPU time of this process: unlike `seconds`, it hardly grows when other work shares the cores.
    cpu_seconds: float
    accepted: int
    duplicates: int
    rejected: list[str]


@dataclass
class DuplicateCheck:
    """Planted copies (whose original is in the same store), how many share their original's stored
    article, merges of articles composed as distinct, and planned articles not found in the store."""

    planted: int = 0
    caught: int = 0
    unplanned_merges: int = 0
    unmatched: int = 0


@dataclass
class Measurement:
    label: str
    articles: list[Planned]
    # Processes that read and cleaned the articles in `runs` (1: no workers, see `currents.sources.parallel`).
    processes: int
    runs: list[Run] = field(default_factory=list)
    # Beside bare extraction, when `runs` used workers: the same ingest in one process.
    one_process_runs: list[Run] = field(default_factory=list)
    bare_seconds: list[float] = field(default_factory=list)
    check: DuplicateCheck | None = None

    @property
    def median_seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def per_second(self) -> float:
        return len(self.articles) / self.median_seconds

    @property
    def per_cpu_second(self) -> float | None:
        """Articles per CPU second of this process: None with workers, whose time it does not see."""
        if self.processes > 1:
            return None
        return len(self.articles) / statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def complete(self) -> bool:
        """Every article went in: nothing rejected, every planned article found in the store."""
        return not self.runs[0].rejected and not (self.check and self.check.unmatched)

    @property
    def shortfall(self) -> str:
        unmatched = self.check.unmatched if self.check else 0
        return f"{len(self.runs[0].rejected)} rejections, {unmatched} articles not in the store"

    @property
    def ratio(self) -> float | None:
        """Ours / bare extraction, paired within each repetition, median over repetitions."""
        return _paired_ratio(self.runs, self.bare_seconds)

    @property
    def one_process_ratio(self) -> float | None:
        """Ours in one process / bare extraction (in one process too): the like-for-like ratio."""
        return _paired_ratio(self.one_process_runs or self.runs, self.bare_seconds)


def _paired_ratio(runs: list[Run], bare_seconds: list[float]) -> float | None:
    if not bare_seconds:
        return None
    return statistics.median(r.seconds / b for r, b in zip(runs, bare_seconds))


def timed_ingest(paths: list[Path], db: Path, **overrides: object) -> Run:
    """Ingest `paths` into a fresh store at `db`, timing `app.ingest` alone (not opening the store)."""
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    with currents.open(db, **overrides) as app:
        start, cpu_start = time.perf_counter(), time.process_time()
        report = app.ingest(paths, understand=False)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return Run(seconds, cpu_seconds, report.accepted, report.duplicates, [str(r) for r in report.rejected])


def check_duplicates(db: Path, articles: list[Planned]) -> DuplicateCheck:
    """Which stored article each planned one ended up in: planted copies should share their original's."""
    owner: dict[str, str] = {}
    with currents.open(db) as app:
        for stored in app.store.iter_articles():
            for copy in stored.copies:
                if copy.url:
                    owner[copy.url] = stored.id
                elif copy.file:
                    owner[str(Path(copy.file).resolve())] = stored.id
    # A planted copy counts only where its original made it into this store too.
    originals = {a.index: owner.get(a.key) for a in articles if a.duplicate_of is None}
    check = DuplicateCheck()
    roots_by_stored: dict[str, set[int]] = defaultdict(set)
    for article in articles:
        stored_id = owner.get(article.key)
        if stored_id is None:
            check.unmatched += 1
            continue
        planted = originals.get(article.duplicate_of) is not None
        roots_by_stored[stored_id].add(article.duplicate_of if planted else article.index)
        if planted:
            check.planted += 1
            check.caught += originals[article.duplicate_of] == stored_id
    check.unplanned_merges = sum(len(roots) - 1 for roots in roots_by_stored.values())
    return check


def bare_extraction(pages: list[bytes]) -> float:
    """Seconds for `trafilatura.extract` with default options over every page (already in memory)."""
    start = time.perf_counter()
    for page in pages:
        trafilatura.extract(page)
    return time.perf_counter() - start


def measure(
    corpus: Corpus, stores: Path, repeat: int, mix_repeat: int, say: Callable[[str], None]
) -> list[Measurement]:
    """Each format into its own fresh store, then the whole mix into one; bare extraction beside HTML and WARC."""
    per_format = {fmt: Measurement(fmt, corpus.of_format(fmt), processes_for([corpus.folder(fmt)])) for fmt in FORMATS}
    mix = Measurement("all", corpus.articles, processes_for([corpus.folder(fmt) for fmt in FORMATS]))
    bare_pages = {"html": corpus.html_pages(), "warc": corpus.warc_pages}
    for rep in range(repeat):
        for fmt, measurement in per_format.items():
            steps = [partial(_record, measurement, [corpus.folder(fmt)], stores / f"{fmt}.db")]
            if fmt in bare_pages:
                steps.append(partial(_record_bare, measurement, bare_pages[fmt]))
                if measurement.processes > 1:
                    one_process_db = stores / f"{fmt}-one-process.db"
                    steps.append(partial(_record_one_process, measurement, [corpus.folder(fmt)], one_process_db))
                if rep % 2 == 0:
                    # Alternate which goes first so neither always gets the warmer caches.
                    steps.reverse()
            for step in steps:
                step()
            say(f"  repetition {rep + 1}/{repeat}: {fmt:5} {measurement.runs[-1].seconds:6.1f} s")
        if rep < mix_repeat:
            _record(mix, [corpus.folder(fmt) for fmt in FORMATS], stores / "all.db")
            say(f"  repetition {rep + 1}/{repeat}: mix   {mix.runs[-1].seconds:6.1f} s")
    return [*per_format.values(), mix]


def processes_for(folders: list[Path]) -> int:
    """How many processes an ingest of `folders` reads them with, as configured (`currents.toml`, else defaults)."""
    inputs, _ = expand([str(folder) for folder in folders])
    return worker_processes(inputs, load_config().ingest)


def _record_one_process(measurement: Measurement, paths: list[Path], db: Path) -> None:
    measurement.one_process_runs.append(timed_ingest(paths, db, **ONE_PROCESS))


def _record_bare(measurement: Measurement, pages: list[bytes]) -> None:
    measurement.bare_seconds.append(bare_extraction(pages))


def _record(measurement: Measurement, paths: list[Path], db: Path) -> None:
    measurement.runs.append(timed_ingest(paths, db))
    if measurement.check is None:
        measurement.check = check_duplicates(db, measurement.articles)


def warm_up(corpus: Corpus, stores: Path, say: Callable[[str], None]) -> list[str]:
    """One small ingest per format (imports, first-call caches), and one with worker processes, which
    starts their fork server (once per process); returns the formats that stored nothing."""
    silent = []
    for fmt in FORMATS:
        run = timed_ingest([corpus.folder(fmt)], stores / "warm-up.db")
        if run.accepted == 0:
            silent.append(f"{fmt}: {run.rejected[0] if run.rejected else 'nothing stored'}")
    workers = timed_ingest([corpus.folder(fmt) for fmt in FORMATS], stores / "warm-up.db", **WORKERS_ALWAYS)
    say(f"warm-up: the first ingest with worker processes took {workers.seconds:.1f} s (their one-time start included)")
    bare_extraction(corpus.html_pages())
    return silent


# -- reporting --------------------------------------------------------------------------------------

def print_corpus(console: Console, corpus: Corpus, seconds: float) -> None:
    words = [sum(len(p.split()) for p in a.paragraphs) for a in corpus.articles]
    copies = [a for a in corpus.articles if a.duplicate_of is not None]
    exact = sum(a.duplicate_kind == "exact" for a in copies)
    console.print(
        f"corpus: {len(corpus.articles):,} articles, {statistics.mean(words):.0f} words on average "
        f"(median {statistics.median(words):.0f}), {len(OUTLETS)} outlets, dates 2015-2016; "
        f"{len(copies)} planted duplicates ({exact} exact, {len(copies) - exact} syndicated); built in {seconds:.1f} s"
    )
    for fmt in FORMATS:
        console.print(f"  {fmt:5}  {len(corpus.of_format(fmt)):6,} articles in {corpus.files(fmt):5,} files, "
                      f"{corpus.size_bytes(fmt) / 1e6:6.1f} MB  ({corpus.folder(fmt)})")


def print_results(console: Console, results: list[Measurement]) -> None:
    table = Table(title="ingest throughput (median of the repetitions; each into a fresh store)")
    for column in ("input", "articles", "processes", "runs", "median s", "min-max s", "articles/s", "per CPU s",
                   "stored", "dupl. found", "planted (caught)", "unplanned merges", "rejected"):
        table.add_column(column, justify="left" if column == "input" else "right")
    for m in results:
        seconds = [r.seconds for r in m.runs]
        first, check = m.runs[0], m.check or DuplicateCheck()
        table.add_row(
            m.label, f"{len(m.articles):,}", str(m.processes), str(len(m.runs)), f"{m.median_seconds:.2f}",
            f"{min(seconds):.2f}-{max(seconds):.2f}", f"{m.per_second:,.0f}",
            "-" if m.per_cpu_second is None else f"{m.per_cpu_second:,.0f}",
            f"{first.accepted:,}", str(first.duplicates), f"{check.planted} ({check.caught})",
            str(check.unplanned_merges), str(len(first.rejected)),
        )
    console.print(table)
    for m in results:
        if m.check and m.check.unmatched:
            console.print(f"  {m.label}: {m.check.unmatched} planned articles not found in the store by URL or file")
        for reason in m.runs[0].rejected[:3]:
            console.print(f"  {m.label} rejected: {reason}")


def print_ratios(console: Console, results: list[Measurement]) -> None:
    console.print("\nour path against bare trafilatura.extract (default options) on the same pages, same repetition:")
    for m in results:
        if m.ratio is None:
            continue
        incomplete = "" if m.complete else f"  [incomplete: {m.shortfall}]"
        bare = statistics.median(m.bare_seconds)
        console.print(f"  {m.label:5} {len(m.articles):,} pages: bare {bare:6.2f} s{incomplete}")
        _print_ratio(console, "in one process, like bare", m.one_process_runs or m.runs, m.bare_seconds)
        if m.processes > 1:
            _print_ratio(console, f"with {m.processes} worker processes", m.runs, m.bare_seconds)


def _print_ratio(console: Console, how: str, runs: list[Run], bare_seconds: list[float]) -> None:
    console.print(
        f"        ours {how}: {statistics.median(r.seconds for r in runs):6.2f} s, ratio ours/bare "
        f"{_paired_ratio(runs, bare_seconds):.2f} "
        f"(per repetition: {', '.join(f'{r.seconds / b:.2f}' for r, b in zip(runs, bare_seconds))})"
    )


def print_goals(console: Console, results: list[Measurement]) -> bool:
    """PASS or FAIL per goal; a figure from a run that did not store every article fails, whatever its value."""
    by_label = {m.label: m for m in results}
    goals = [
        ("plain text >= 500 articles/s", by_label["text"], by_label["text"].per_second, GOAL_ARTICLES_PER_SECOND, True),
        ("JSONL >= 500 articles/s", by_label["jsonl"], by_label["jsonl"].per_second, GOAL_ARTICLES_PER_SECOND, True),
        ("HTML ours/bare <= 1.3 (one process each)", by_label["html"], by_label["html"].one_process_ratio,
         GOAL_HTML_RATIO, False),
    ]
    console.print("\ngoals:")
    passed_all = True
    for name, measurement, value, goal, higher_is_better in goals:
        passed = measurement.complete and (value >= goal if higher_is_better else value <= goal)
        passed_all &= passed
        note = "" if measurement.complete else f"  [incomplete: {measurement.shortfall}]"
        console.print(f"  {'PASS' if passed else 'FAIL'}  {name}: {value:,.2f}{note}")
    warc = by_label["warc"]
    note = "" if warc.complete else f"  [incomplete: {warc.shortfall}]"
    console.print(f"  (info) WARC ours/bare (one process each): {warc.one_process_ratio:.2f}{note}")
    return passed_all


# -- entry point ------------------------------------------------------------------------------------

def profile(corpus: Corpus, stores: Path, fmt: str, console: Console) -> None:
    """One ingest of one format under cProfile: where the time goes, by cumulative and own time.

    In one process: with workers, cProfile would see the storing and none of the reading and cleaning.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    run = timed_ingest([corpus.folder(fmt)], stores / f"profile-{fmt}.db", **ONE_PROCESS)
    profiler.disable()
    console.print(f"{fmt}: {len(corpus.of_format(fmt)):,} articles in {run.seconds:.2f} s "
                  f"({run.cpu_seconds:.2f} CPU s) under the profiler, in one process")
    for order in ("cumulative", "tottime"):
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats(order).print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per format; the median is reported")
    parser.add_argument("--mix-repeat", type=int, default=None,
                        help="repetitions of the whole-corpus ingest (default: --repeat); it takes as long as all "
                        "per-format runs together, so fewer shortens a run on a slow machine")
    parser.add_argument("--workdir", type=Path, help="build the corpus and stores here instead of a temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and stores afterwards")
    parser.add_argument("--profile", choices=FORMATS, help="profile one ingest of this format instead of benchmarking")
    args = parser.parse_args()
    if not ORIGINALS.is_dir():
        sys.exit(f"shared corpus not found at {ORIGINALS}")
    console = Console(highlight=False, width=150)
    with _workdir(args.workdir, args.keep, console) as work:
        started = time.perf_counter()
        corpus_folder, warm_up_folder, stores = (work / part for part in WORK_FOLDERS)
        corpus = build_corpus(corpus_folder, args.articles)
        stores.mkdir(parents=True)
        print_corpus(console, corpus, time.perf_counter() - started)
        silent = warm_up(build_corpus(warm_up_folder, WARM_UP_ARTICLES), stores, console.print)
        for problem in silent:
            console.print(f"[bold red]warning[/]: a warm-up ingest stored nothing: {problem}")
        if args.profile:
            profile(corpus, stores, args.profile, console)
            return 0
        load_at_start = os.getloadavg()[0]
        mix_repeat = args.repeat if args.mix_repeat is None else min(args.mix_repeat, args.repeat)
        console.print(f"measuring: {args.repeat} repetitions per format, {mix_repeat} of the whole corpus in one store")
        results = measure(corpus, stores, args.repeat, mix_repeat, console.print)
        print_results(console, results)
        print_ratios(console, results)
        console.print(f"\ntotal wall time {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores; "
                      f"load average {load_at_start:.1f} before measuring, {os.getloadavg()[0]:.1f} after "
                      "(this run accounts for about 1, up to 3 with workers; more means other work shared "
                      "the two cores)")
        return 0 if print_goals(console, results) else 1


@contextmanager
def _workdir(given: Path | None, keep: bool, console: Console) -> Iterator[Path]:
    """A temp folder, or the given one; what we made in it is removed afterwards unless kept."""
    path = Path(tempfile.mkdtemp(prefix="currents-bench-ingest-")) if given is None else given.resolve()
    made = [path] if given is None else [path / part for part in WORK_FOLDERS]
    if given is not None and any(p.exists() for p in made):
        sys.exit(f"{path} already holds one of {', '.join(WORK_FOLDERS)}: remove it or choose another --workdir")
    try:
        yield path
    finally:
        if keep:
            console.print(f"kept: {path}")
        else:
            for folder in made:
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
