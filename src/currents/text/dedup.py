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

_NON_WORD = re.compile(r"[^\w]+")
_SEED = 1
# Signatures are stored: pin datasketch's permutation scheme so an upgrade cannot change them.
_SCHEME = "affine32"
# An odd 64-bit multiplier: combining word hashes with it (mod 2**64) spreads every word over the high bits.
_SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    signature: bytes | None = None
    bands: tuple[int, ...] = ()


def normalise(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation and spacing differences removed."""
    return _NON_WORD.sub(" ", text.casefold()).split()


def fingerprint(article: Article, config: DedupConfig) -> Fingerprint:
    words = normalise(article.text)
    if len(words) >= config.min_words:
        content_hash = _sha1(" ".join(words))
        signature = _minhash(words, config)
        return Fingerprint(content_hash, signature.tobytes(), _bands(signature, config.bands))
    # Too short to compare bodies: only the very same headline from the same place matches.
    key = " ".join(normalise(article.title) + words) + "\x00" + (article.url or article.source or "")
    return Fingerprint(_sha1(key))


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    a = np.frombuffer(signature_a, dtype=np.uint64)
    b = np.frombuffer(signature_b, dtype=np.uint64)
    return float(np.count_nonzero(a == b)) / len(a)


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _minhash(words: list[str], config: DedupConfig) -> np.ndarray:
    minhash = MinHash(
        num_perm=config.num_perm,
        seed=_SEED,
        hashfunc=int,
        permutations=_permutations(config.num_perm),
        scheme=_SCHEME,
    )
    minhash.update_batch(_shingle_hashes(words, config.shingle_words))
    return minhash.hashvalues.astype(np.uint64)


def _shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """32-bit hashes of every distinct run of `size` words.

    Hashing each word once (crc32, in C) and combining neighbours with numpy
    costs a fraction of hashing every joined shingle string in Python, which
    is what made fingerprinting the slowest step of reading plain text.
    """
    word_hashes = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    count = len(words) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        combined = combined * _SHINGLE_MULTIPLIER + word_hashes[offset : offset + count]
    return np.unique(combined >> np.uint64(32))


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
