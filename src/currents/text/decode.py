"""Bytes to text: find the encoding, then repair what the encoding could not.

Crawled text arrives as UTF-8, as Windows-1252 mislabelled as anything, or as
UTF-8 that was once decoded wrongly (mojibake such as "â€™"). We try the
strict decodings that real pages use, most likely first, fall back to
charset detection when the bytes do not look like a Latin-script text, and
leave after-the-fact repair to ftfy.

Some damage cannot be undone: a crawler that could not decode a character
wrote U+FFFD (or a literal "?") in its place. `restore_lost_characters`
replaces each such mark by the character its position makes most likely
(see its docstring for the rule), so readers never store a U+FFFD.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
from charset_normalizer import from_bytes

from currents.errors import Unreadable

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# Windows-1252 with its five undefined bytes passed through as C1 controls, so
# one stray byte does not send a whole Latin-script file to charset detection.
_WINDOWS_1252 = "sloppy-windows-1252"
# Bytes in which more than this share of the letters are non-ASCII are not
# English or European text but another script (Cyrillic, Greek, Arabic...)
# in a legacy code page, which only charset detection can tell apart.
_MAX_NON_ASCII_LETTER_SHARE = 0.3
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Where a web page declares its encoding (`<meta charset>`, or the charset in an http-equiv
# Content-Type), looked for in its first bytes as browsers look for it.
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_META_PRESCAN_BYTES = 1024
# Declared encodings that browsers read as Windows-1252 (WHATWG Encoding Standard), by Python codec name.
_READ_AS_WINDOWS_1252 = frozenset({"cp1252", "iso8859-1", "ascii"})
_NOT_ASCII_LETTERS = bytes(b for b in range(0x100) if not chr(b).isascii() or not chr(b).isalpha())

# ftfy settings: repair mojibake but keep typography (curly quotes are correct
# text, not damage) and leave HTML entities to the cleaning stage.
_FIXER = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, normalization="NFC", explain=False)

# What ftfy can act on. Text without any of these is returned untouched, which
# skips ftfy's cost on the (large) majority of clean articles:
# - UTF-8 lead byte read as Latin-1/Windows-1252 followed by a continuation
#   byte read the same way (the signature of mojibake such as "Ã©", "â€™");
# - C0/C1 control characters, lone surrogates, Latin ligatures, fullwidth forms.
_UTF8_CONTINUATION_AS_1252 = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
# Searched one after the other: as alternatives in one pattern they take half as long again.
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_UTF8_CONTINUATION_AS_1252}]")
_ODD_CODE_POINT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufb00-\ufb06\uff01-\uff5e\ufffd]")
# Both patterns match only characters outside printable ASCII, and a mojibake pair is two such
# characters side by side. Runs of printable ASCII and line feeds, each replaced by one line feed,
# leave those characters as they stood together, in a string a hundredth of a text's length:
# one pass to make it costs half as much as the two searches over the whole text.
_ORDINARY_RUN = re.compile(r"[\n\x20-\x7e]+")

# Lost characters: U+FFFD anywhere, and a "?" glued to the start of a word
# ("can?t", "?We", "£24?million"), which a real question mark never is. Runs
# ("??", "? ?") are one lost character (often a quote plus a space).
_LOST = "\ufffd"
_LOST_RUN = re.compile(r"\ufffd(?:\s?\ufffd)*")
_GLUED_QUESTION_MARKS = re.compile(r"\?(?: ?\?)*(?=[^\W_])")
# A token holding a glued "?" that is really a URL query ("page?id=3").
_URL_LIKE = re.compile(r"[/=@]")
# What may follow an apostrophe inside a word: contractions and possessives.
_CONTRACTION_SUFFIX = re.compile(r"(?:s|t|re|ve|ll|d|m)\b", re.I)
_OPENING_CONTEXT = "([{\u2014\u2013-\"'\u201c\u2018"
_APOSTROPHE = "\u2019"
_OPEN_QUOTE = "\u201c"
_CLOSE_QUOTE = "\u201d"
_EN_DASH = "\u2013"


def decode_bytes(data: bytes) -> str:
    """Decode `data` to text, or raise `Unreadable` if no encoding makes sense of it."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # The usual suspect for non-UTF-8 news text: smart quotes in 0x91-0x97.
    if _looks_latin(data):
        return data.decode(_WINDOWS_1252)
    best = from_bytes(data).best()
    if best is None:
        raise Unreadable("undecodable text: no character encoding fits")
    return str(best)


def decode_html(data: bytes) -> str | bytes:
    """A web page's text, when it is UTF-8 or in the encoding its meta tag declares.

    Other pages come back as bytes, for trafilatura to guess their encoding;
    the declaration spares that guess (charset detection, slow) for the many
    legacy pages that state it.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data, 0, _META_PRESCAN_BYTES)
    if declared is None:
        return data
    try:
        encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        return data.decode(_WINDOWS_1252 if encoding in _READ_AS_WINDOWS_1252 else encoding)
    except (LookupError, UnicodeDecodeError):
        return data


def _looks_latin(data: bytes) -> bool:
    """Few bytes above 0x7F next to the ASCII letters: Latin-script text in a legacy code page.

    Counted on the bytes (fast): in Windows-1252 those bytes are accented
    letters and typographic punctuation, rare in English or European text and
    the bulk of a Cyrillic or Greek one.
    """
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    ascii_letters = len(data.translate(None, _NOT_ASCII_LETTERS))
    total = ascii_letters + non_ascii
    return total == 0 or non_ascii / total <= _MAX_NON_ASCII_LETTER_SHARE


def repair(text: str) -> str:
    """Undo mojibake, normalise odd code points and restore lost characters.

    Correct text comes back unchanged (curly quotes stay curly). ASCII text and
    text without any trace of damage skip ftfy, which is the slow part.
    """
    if text.isascii():
        return restore_lost_characters(text) if "?" in text else text
    unusual = _ORDINARY_RUN.sub("\n", text)
    if _MOJIBAKE.search(unusual) or _ODD_CODE_POINT.search(unusual):
        text = ftfy.fix_text(text, _FIXER)
    elif not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return restore_lost_characters(text)


def restore_lost_characters(text: str) -> str:
    """Replace each lost-character mark (U+FFFD, or "?" glued to a word) by its likeliest character.

    The rule, by what surrounds the mark (runs of marks count as one):
    - letter|letter, followed by a contraction/possessive ending (s, t, re, ve,
      ll, d, m): an apostrophe ("don’t", "Russia’s"); other letter|letter: the
      mark was an accented letter we cannot know, so it is dropped;
    - digit|digit: an en dash ("1990–91", "3–1"); digit|letter or letter|digit:
      a (non-breaking) space ("£24 million");
    - at the start of a word (after a space, an opening bracket or dash, or the
      line start): an opening quote “ when a mark later on the line can close
      it, else nothing (after a space) or a space (after punctuation);
    - at the end of a word: a closing quote ” when a quote is open; an
      apostrophe after a plural "s" followed by a word ("victims’ families");
      otherwise dropped;
    - between spaces: a spaced en dash;
    - anywhere else: dropped.
    """
    if "?" in text:
        text = _GLUED_QUESTION_MARKS.sub(_question_marks_to_lost, text)
    if _LOST not in text:
        return text
    return "\n".join(_restore_line(line) if _LOST in line else line for line in text.split("\n"))


def _question_marks_to_lost(match: re.Match[str]) -> str:
    token_start = match.string.rfind(" ", 0, match.start()) + 1
    token_end = match.string.find(" ", match.end())
    token = match.string[token_start : token_end if token_end >= 0 else len(match.string)]
    return match.group() if _URL_LIKE.search(token) else _LOST


def _restore_line(line: str) -> str:
    pieces: list[str] = []
    last = 0
    quote_open = False
    runs = list(_LOST_RUN.finditer(line))
    for position, run in enumerate(runs):
        before = line[run.start() - 1] if run.start() > 0 else " "
        after = line[run.end()] if run.end() < len(line) else " "
        later_closer = any(_is_word_end(line, r) for r in runs[position + 1 :])
        replacement, quote_open = _replacement(line, run, before, after, quote_open, later_closer)
        pieces.append(line[last : run.start()] + replacement)
        last = run.end()
    pieces.append(line[last:])
    return "".join(pieces)


def _is_word_end(line: str, run: re.Match[str]) -> bool:
    before = line[run.start() - 1] if run.start() > 0 else " "
    after = line[run.end()] if run.end() < len(line) else " "
    return not before.isspace() and not after.isalnum()


def _replacement(
    line: str, run: re.Match[str], before: str, after: str, quote_open: bool, later_closer: bool
) -> tuple[str, bool]:
    """The character for one lost run, and whether a quote is open after it."""
    if before.isalpha() and after.isalpha():
        is_suffix = _CONTRACTION_SUFFIX.match(line, run.end())
        return (_APOSTROPHE if is_suffix else ""), quote_open
    if before.isdigit() and after.isdigit():
        return _EN_DASH, quote_open
    if before.isalnum() and after.isalnum():
        return " ", quote_open
    if after.isalnum():  # start of a word
        if (before.isspace() or before in _OPENING_CONTEXT) and later_closer and not quote_open:
            return _OPEN_QUOTE, True
        return ("" if before.isspace() else " "), quote_open
    if before.isspace() and after.isspace():
        return _EN_DASH, quote_open
    if not before.isspace():  # end of a word
        if before == "s" and _followed_by_word(line, run.end()) and (not quote_open or _closer_after(line, run)):
            return _APOSTROPHE, quote_open
        if quote_open:
            return _CLOSE_QUOTE, False
    return "", quote_open


def _followed_by_word(line: str, index: int) -> bool:
    return line[index : index + 1] == " " and line[index + 1 : index + 2].isalpha()


def _closer_after(line: str, run: re.Match[str]) -> bool:
    return any(_is_word_end(line, later) for later in _LOST_RUN.finditer(line, run.end()))
