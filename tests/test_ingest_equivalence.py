"""Faster paths of ingest that must give exactly what the slower reference gives.

Stored content hashes and MinHash signatures are compared with those of every later
ingest: if the fast word split drifted from `dedup.normalise` by one character, a
re-ingested article would no longer be found as a duplicate of itself.
"""

from __future__ import annotations

import hashlib
import sys

from currents.config import DedupConfig, load_config
from currents.model import Article
from currents.sources import Input, read_input
from currents.text import dedup

EVERY_CODE_POINT = "".join(map(chr, range(sys.maxunicode + 1)))


def reference_words(text: str) -> list[bytes]:
    return [word.encode("utf-8") for word in dedup.normalise(text)]


def test_fast_word_split_agrees_with_normalise_on_every_character():
    # Side by side, one character misjudged as a word character (or not) would move a word boundary;
    # apart, it would add or drop a word.
    assert dedup._encoded_words(EVERY_CODE_POINT) == reference_words(EVERY_CODE_POINT)
    apart = " ".join(EVERY_CODE_POINT)
    assert dedup._encoded_words(apart) == reference_words(apart)


def test_content_hash_is_the_hash_of_the_normalised_words():
    text = "The MINISTER’s  “plan” — 2,400 homes\u00a0by 2030; co-operation_with Zürich & Straße... " * 5
    print_ = dedup.fingerprint(Article(title="Plan", text=text), DedupConfig())
    expected = hashlib.sha1(" ".join(dedup.normalise(text)).encode("utf-8")).hexdigest()
    assert print_.content_hash == expected


def test_a_file_that_grew_after_it_was_listed_is_read_whole(tmp_path):
    path = tmp_path / "late.txt"
    path.write_text("Ferry pier closes\n\nThe pier closes on Monday.\n", encoding="utf-8")
    listed = Input(str(path), path.stat().st_size)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("It reopens in the autumn, the council said.\n")
    (article,) = read_input(listed, load_config().ingest)
    assert article.text.endswith("It reopens in the autumn, the council said.")
