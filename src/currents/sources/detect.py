"""Tell an input's format from its content, using the file name only as a tie-breaker.

Crawled files are often misnamed (an HTML page saved as .txt, a feed as .html),
so each check looks at the bytes first.
"""

from __future__ import annotations

import re

from currents.sources.base import Unreadable

GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 4096
_MARKDOWN_LINE = re.compile(rb"^(#{1,6} |\d+\. \[|[-*] \[)|\]\((https?://|/)[^)]*\)", re.M)
_HTML_TAG = re.compile(rb"<(!doctype html|html|head|body|article|div|p)[\s>]", re.I)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
# C0 control bytes other than tab, line feed, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\f\r")
# Text with a larger share of control bytes than this is binary.
_MAX_CONTROL_SHARE = 0.05


def detect_format(data: bytes, name: str = "") -> str:
    """One of "warc", "feed", "html", "jsonl", "markdown", "text" (data already gunzipped)."""
    head = data[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")
    # WARC records carry binary payloads (images, gzip), so this check comes before the binary one.
    if head.startswith(b"WARC/"):
        return "warc"
    if is_binary(head):
        raise Unreadable("binary content, not text")
    lowered = name.lower()
    if _FEED_ROOT.search(head[:1024]):
        return "feed"
    if head.startswith(b"{") or (head.startswith(b"[") and lowered.endswith(".json")):
        return "jsonl"
    if _HTML_TAG.search(head):
        return "html"
    if lowered.endswith((".md", ".markdown")) or len(_MARKDOWN_LINE.findall(head)) >= 2:
        return "markdown"
    return "text"


def is_binary(head: bytes) -> bool:
    """NUL bytes or many control characters: not something a person wrote as text."""
    if not head:
        return False
    if b"\x00" in head:
        # UTF-16 text has NULs too; a BOM says so.
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    # Counted in C: the length lost when they are deleted.
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return control / len(head) > _MAX_CONTROL_SHARE
