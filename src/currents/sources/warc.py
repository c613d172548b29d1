"""WARC files (Common Crawl News style): every fetched HTML page is an article.

Only `response` records carry pages; `warcinfo`, `request`, `metadata` and
`revisit` records are bookkeeping and are skipped without a word. A response
that is not an HTML page with status 200 is reported, since the user may have
expected an article from it.

Crawls get cut off and disks flip bits, so a damaged record must not cost the
records around it: after a broken record we look for the start of the next
one (the next gzip member in a `.warc.gz`, the next `WARC/1.x` line in a plain
`.warc`) and go on from there.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Generator, Iterator

from warcio.archiveiterator import WARCIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from currents.model import Article, Rejection
from currents.sources.base import Unreadable
from currents.sources.detect import GZIP_MAGIC
from currents.sources.html import extract_html
from currents.text.dates import parse_datetime

FORMAT = "warc"
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
# A gzip member header: magic bytes and the deflate method.
_GZIP_MEMBER = GZIP_MAGIC + b"\x08"
_RECORD_START = re.compile(rb"(?<=\n)WARC/1\.[01]\r?\n")
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
# How much of a .warc.gz is inflated to tell one-gzip-member-per-record files
# (the standard) from files gzipped whole in one stream.
_PROBE_BYTES = 64 * 1024
_REASON_CHARS = 120
# What can go wrong inside a damaged record: bad headers, bad gzip, cut-off data,
# bad chunked or content encodings of the HTTP payload.
_BROKEN_RECORD = (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError, IndexError)


# Where to go on after a stretch of records (None: the end), and whether damage came first.
_Resume = tuple[int | None, bool]


class _QuietWARCIterator(WARCIterator):
    """warcio writes Content-Length warnings straight to stderr; we report damage as rejections."""

    INC_RECORD = ""


class TruncatedGzip(OSError):
    """A gzip stream that ends before its end marker."""


class _CutOffAware:
    """A gzip stream for warcio, which takes gzip's EOFError on cut-off data for a clean end.

    Reading in small steps (`read1`) hands warcio every complete record before
    the cut; the cut itself becomes an error that is reported.
    """

    def __init__(self, handle: gzip.GzipFile) -> None:
        self.handle = handle

    def read(self, size: int = -1) -> bytes:
        try:
            return self.handle.read1(size)
        except EOFError as exc:
            raise TruncatedGzip("gzip data ends early, the file is truncated") from exc


def read(data: bytes, path: str) -> Iterator[Article | Rejection]:
    """Each HTML response is an article; a damaged record is a rejection, the rest is read."""
    gzipped = data.startswith(GZIP_MAGIC)
    head = _first_member(data) if gzipped else data[:_PROBE_BYTES]
    if not head.lstrip().startswith(b"WARC/"):
        raise Unreadable("not a WARC file (it does not start with a WARC/1.x record)")
    walk = _Walk(data, path)
    # Inflating stops at the end of the first gzip member, so a second record
    # start in its output means the file was gzipped whole, in one stream.
    if gzipped and _RECORD_START.search(head):
        yield from walk.stream(_CutOffAware(gzip.GzipFile(fileobj=io.BytesIO(data))))
    else:
        yield from walk.resyncing()


class _Walk:
    """One pass over a WARC's records, numbering them across restarts after damage."""

    def __init__(self, data: bytes, path: str) -> None:
        self.data = data
        self.path = path
        self.count = 0
        # The number of a record whose reading has begun but not ended: damage found
        # while reading its payload belongs to it, not to the record after it.
        self.open_record: int | None = None
        self.compressed = data.startswith(GZIP_MAGIC)

    def resyncing(self) -> Iterator[Article | Rejection]:
        """Read from the start; after a broken record, go on from the next record that parses."""
        start: int | None = 0
        after_damage = False
        while start is not None:
            start, after_damage = yield from self._records_from(start, after_damage)

    def stream(self, handle: _CutOffAware) -> Iterator[Article | Rejection]:
        """Read a WARC that cannot be resynchronised (one gzip stream): damage ends the walk."""
        iterator = _QuietWARCIterator(handle)
        try:
            for record in iterator:
                yield from self._record(record)
        except _BROKEN_RECORD as exc:
            yield self._broken(exc, f"record {self._damaged_record()}")

    def _records_from(self, start: int, after_damage: bool) -> Generator[Article | Rejection, None, _Resume]:
        """Yield records from byte `start`; return where to resume after damage (None at the end).

        A restart just after damage that fails at once only means the guessed
        record start was wrong: it is not reported again.
        """
        iterator = _QuietWARCIterator(io.BytesIO(self.data[start:]))
        self.open_record = None
        read_here = 0
        try:
            for record in iterator:
                if record.rec_type is None:
                    raise ArchiveLoadFailed("incomplete record header")
                read_here += 1
                yield from self._record(record)
        except _BROKEN_RECORD as exc:
            # warcio's offset can be meaningless after damage; the search must move forward.
            failed_at = max(start + iterator.offset, start)
            if not (after_damage and read_here == 0):
                yield self._broken(exc, f"record {self._damaged_record()} at byte {failed_at:,}")
            return self._next_record_start(failed_at + 1), True
        end = start + iterator.offset
        if self.data[end:].strip():
            yield Rejection(
                self.path, "the file ends inside a record (truncated)", f"record {self.count + 1} at byte {end:,}"
            )
        return None, False

    def _next_record_start(self, after: int) -> int | None:
        if self.compressed:
            found = self.data.find(_GZIP_MEMBER, after)
            return found if found >= 0 else None
        match = _RECORD_START.search(self.data, after)
        return match.start() if match else None

    def _damaged_record(self) -> int:
        return self.open_record or self.count + 1

    def _record(self, record: ArcWarcRecord) -> Iterator[Article | Rejection]:
        self.count += 1
        self.open_record = self.count
        if record.rec_type == "response":
            yield from self._response(record)
        self.open_record = None

    def _response(self, record: ArcWarcRecord) -> Iterator[Article | Rejection]:
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        part = f"record {self.count} ({uri})"
        http = record.http_headers
        if http is None or not http.get_statuscode():
            yield Rejection(self.path, "not an HTTP response", part)
            return
        status = http.get_statuscode()
        content_type = http.get_header("Content-Type") or ""
        if status != "200":
            yield Rejection(self.path, f"HTTP status {status}, not a page", part)
            return
        if not content_type.lower().startswith(HTML_CONTENT_TYPES):
            yield Rejection(self.path, f"not an HTML page ({content_type or 'no content type'})", part)
            return
        payload = record.content_stream().read()
        if record.raw_stream.limit > 0:
            yield Rejection(self.path, "record is cut short (truncated file)", part)
            return
        captured = parse_datetime(record.rec_headers.get_header("WARC-Date"))
        try:
            article = extract_html(_as_text(payload, content_type), url=uri or None, fallback_date=captured)
        except Unreadable as exc:
            yield Rejection(self.path, str(exc), part)
            return
        article.format = FORMAT
        yield article

    def _broken(self, exc: BaseException, part: str) -> Rejection:
        return Rejection(self.path, f"broken WARC record, skipped ({_reason(exc)})", part)


def _first_member(data: bytes) -> bytes:
    """The start of the first gzip member's content (empty if it is not gzip)."""
    try:
        return zlib.decompressobj(wbits=31).decompress(data[:_PROBE_BYTES], _PROBE_BYTES)
    except zlib.error:
        return b""


def _as_text(payload: bytes, content_type: str) -> str | bytes:
    """Decode with the charset the server declared; without one, the page's own meta tag decides."""
    declared = _CHARSET.search(content_type)
    if declared:
        try:
            return payload.decode(declared.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return payload


def _reason(exc: BaseException) -> str:
    """The library's message, without the binary garbage it quotes from a damaged header."""
    text = " ".join(str(exc).split()).partition(", first line:")[0]
    return text[:_REASON_CHARS] or type(exc).__name__
