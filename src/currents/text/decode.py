"""Bytes to text: find the encoding, then repair what the encoding could not.

Crawled text arrives as UTF-8, as Windows-1252 mislabelled as anything, or as
UTF-8 that was once decoded wrongly (mojibake such as "â€™"). We try the
strict decodings that real pages use, most likely first, fall back to
charset detection, and leave after-the-fact repair to ftfy.
"""

from __future__ import annotations

import codecs

import ftfy
from charset_normalizer import from_bytes

from currents.errors import Unreadable

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes) -> str:
    """Decode `data` to text, or raise `Unreadable` if no encoding makes sense of it."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # The usual suspect for non-UTF-8 news text: smart quotes in 0x91-0x97.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise Unreadable("undecodable text: no character encoding fits")
    return str(best)


def repair(text: str) -> str:
    """Undo mojibake and normalise odd code points; leaves correct text alone."""
    return ftfy.fix_text(text, unescape_html=False, normalization="NFC")
