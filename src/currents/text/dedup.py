"""Fingerprints that find exact and near-duplicate articles.

Exact duplicates share a hash of their normalised body (or, for headline-only
articles, of title and URL). Syndicated copies (the same body under another
header or with other trailing boilerplate) share most word shingles; a MinHash
signature estimates that overlap, and its bands, stored as integers, let the
store find candidates with an index lookup instead of a scan.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from currents.config import DedupConfig
from currents.model import Article

_WORD = re.compile(r"\w+")
# What `_WORD` does not match, in two parts: non-ASCII characters that are not word characters
# (curly quotes, dashes, no-break spaces), replaced in the text, and ASCII bytes that are not word
# characters, replaced in its UTF-8 encoding by a byte translation, which costs next to nothing.
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w]")
_ASCII_NON_WORD_TO_SPACE = bytes(
    byte if byte > 0x7F or chr(byte).isalnum() or chr(byte) == "_" else ord(" ") for byte in range(256)
)
_SEED = 1
# Signatures are stored: pin datasketch's permutation scheme so an upgrade cannot change them.
_SCHEME = "affine32"
# An odd 64-bit multiplier: combining word hashes with it (mod 2**64) spreads every word over the high bits.
_SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
# MurmurHash3's 32-bit finalizer (shift, multiplier, shift, multiplier, shift), which the "affine32"
# scheme applies to every value before permuting it.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    signature: bytes | None = None
    bands: tuple[int, ...] = ()


def normalise(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation and spacing differences removed."""
    return _WORD.findall(text.casefold())


def fingerprint(article: Article, config: DedupConfig) -> Fingerprint:
    words = _encoded_words(article.text)
    if len(words) >= config.min_words:
        signature = _minhash(words, config)
        return Fingerprint(_sha1(b" ".join(words)), signature.tobytes(), _bands(signature, config.bands))
    # Too short to compare bodies: only the very same headline from the same place matches.
    key = " ".join(normalise(article.title) + normalise(article.text)) + "\x00" + (article.url or article.source or "")
    return Fingerprint(_sha1(key.encode("utf-8")))


def _encoded_words(text: str) -> list[bytes]:
    """`normalise(text)`, each word encoded in UTF-8, at a third of its cost.

    Stored hashes and signatures depend on these words, so they must be exactly
    `normalise`'s (a test holds them equal). Splitting the encoded text on spaces
    costs far less than a regular expression's match per word.
    """
    folded = text.casefold()
    if not folded.isascii():
        folded = _NON_ASCII_NON_WORD.sub(" ", folded)
    return folded.encode("utf-8").translate(_ASCII_NON_WORD_TO_SPACE).split()


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    a = np.frombuffer(signature_a, dtype=np.uint64)
    b = np.frombuffer(signature_b, dtype=np.uint64)
    return float(np.count_nonzero(a == b)) / len(a)


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _minhash(words: list[bytes], config: DedupConfig) -> np.ndarray:
    """The signature datasketch's `MinHash` ("affine32" scheme, our seed) gives the shingles of `words`.

    Its `update_batch` converts every value in Python; the same arithmetic on the whole array
    takes half the time. A test holds the two equal, so stored signatures stay comparable.
    """
    a, b = _permutations(config.num_perm)
    values = _premix(_shingle_hashes(words, config.shingle_words).astype(np.uint32))
    # Every permutation of every value (uint32 arithmetic wraps, as the scheme intends), then each one's minimum.
    # One row per permutation, computed in place: the minima then run along contiguous memory.
    permuted = np.multiply.outer(a, values)
    permuted += b[:, np.newaxis]
    return permuted.min(axis=1).astype(np.uint64)


def _premix(values: np.ndarray) -> np.ndarray:
    first_shift, first_multiplier, second_shift, second_multiplier, third_shift = _FMIX32
    values = (values ^ (values >> first_shift)) * first_multiplier
    values = (values ^ (values >> second_shift)) * second_multiplier
    return values ^ (values >> third_shift)


def _shingle_hashes(words: list[bytes], size: int) -> np.ndarray:
    """32-bit hashes of every run of `size` words (a repeated run is hashed twice, which leaves the minima as they are).

    Hashing each word once (crc32, in C) and combining neighbours with numpy
    costs a fraction of hashing every joined shingle string in Python, which
    is what made fingerprinting the slowest step of reading plain text.
    """
    word_hashes = np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))
    count = len(words) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        combined = combined * _SHINGLE_MULTIPLIER + word_hashes[offset : offset + count]
    return combined >> np.uint64(32)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations for `num_perm`, made once instead of for every article."""
    return MinHash(num_perm=num_perm, seed=_SEED, scheme=_SCHEME).permutations


def _bands(signature: np.ndarray, bands: int) -> tuple[int, ...]:
    rows = len(signature) // bands
    keys = []
    for band in range(bands):
        digest = hashlib.blake2b(signature[band * rows : (band + 1) * rows].tobytes(), digest_size=7)
        # Prefix the band number so equal slices in different bands do not collide.
        keys.append(struct.unpack(">q", bytes([band]) + digest.digest())[0])
    return tuple(keys)
