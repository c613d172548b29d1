"""The sentences of one event, as every summarize step reads them.

Each `Unit` is one sentence of one article with what the steps need to know
about it: which outlet said it, how early the article came out, where it
sits in the article. `Space` puts the units in one TF-IDF vector space so
that every step compares sentences the same way (content words, stemmed, so
that "withdraws", "withdrawing" and "withdrawal" meet).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from pathlib import PurePath
from urllib.parse import urlsplit

import numpy as np
from nltk.stem.snowball import SnowballStemmer
from spacy.lang.en.stop_words import STOP_WORDS

from currents.model import Article, Citation, Sentence
from currents.text.metadata import parse_dateline

_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?")
_STEMMER = SnowballStemmer("english")


@dataclass(frozen=True)
class Unit:
    """One sentence of one article of the event."""

    article: Article
    sentence: Sentence
    outlet: str
    # The article's place in publication order: 0 is the first reporter.
    rank: int

    @cached_property
    def text(self) -> str:
        """The sentence on one line, without a dateline the cleaning stage left in ("Belcourt (MDP) –")."""
        text = " ".join(self.sentence.text.split())
        dateline = parse_dateline(text) if self.sentence.index == 0 else None
        return dateline.rest if dateline else text

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def citation(self) -> Citation:
        return Citation(self.article.id, self.sentence.index, self.sentence.start, self.sentence.end)


def outlet_name(article: Article) -> str:
    """The outlet to credit: its name, else its web domain, else the file it came in, else its id."""
    if article.source:
        return article.source
    if article.url and urlsplit(article.url).hostname:
        return urlsplit(article.url).hostname.removeprefix("www.")
    if article.file:
        return PurePath(article.file).name
    return article.id


def copy_outlets(article: Article) -> list[str]:
    """Other outlets that carried this very article (syndicated copies), first seen first."""
    own = outlet_name(article)
    found: list[str] = []
    for copy in article.copies:
        if copy.source and copy.source != own and copy.source not in found:
            found.append(copy.source)
    return found


def by_publication(articles: Iterable[Article]) -> list[Article]:
    """Distinct articles, first published first (undated last, in the order given)."""
    unique = list({article.id or str(i): article for i, article in enumerate(articles)}.values())
    return sorted(unique, key=lambda a: (a.published is None, _timestamp(a.published)))


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    # Naive times are taken as UTC, so aware and naive publication times sort together.
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def event_units(articles: Sequence[Article]) -> list[Unit]:
    """Every sentence of `articles` (already in publication order) as a unit."""
    return [
        Unit(article, sentence, outlet_name(article), rank)
        for rank, article in enumerate(articles)
        for sentence in article.sentences
        if sentence.text.strip()
    ]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _STEMMER.stem(word)


def content_words(text: str) -> list[str]:
    """The stemmed, lower-cased words of `text` that carry content (no stop words)."""
    words = (w.replace("’", "'").casefold() for w in _WORD.findall(text))
    return [_stem(w) for w in words if w not in STOP_WORDS and w.split("'")[0] not in STOP_WORDS]


def words(text: str) -> set[str]:
    """Every word of `text`, lower-cased: the exact wording, stop words and numbers included."""
    return {w.casefold() for w in _WORD.findall(text)}


def overlap(statement: str, source: str) -> float:
    """Share of `statement`'s words that `source` contains."""
    said = words(statement)
    return len(said & words(source)) / len(said) if said else 0.0


def jaccard(a: str, b: str) -> float:
    """Word-set Jaccard similarity of the exact wording: near 1 only for verbatim copies."""
    first, second = words(a), words(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


class Space:
    """TF-IDF vectors (L2-normalised rows) of a list of texts, with the IDF of those texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        tokens = [content_words(text) for text in texts]
        document_frequency = Counter(word for words in tokens for word in set(words))
        self.vocabulary = {word: i for i, word in enumerate(sorted(document_frequency))}
        count = len(texts)
        self.idf = np.array(
            [math.log((1 + count) / (1 + document_frequency[w])) + 1 for w in self.vocabulary], dtype=float
        )
        self.vectors = np.vstack([self.vector(words) for words in tokens]) if tokens else np.zeros((0, 0))

    def vector(self, words: Iterable[str]) -> np.ndarray:
        """The normalised TF-IDF vector of already tokenised `words` (unknown words are ignored)."""
        row = np.zeros(len(self.vocabulary))
        for word in words:
            index = self.vocabulary.get(word)
            if index is not None:
                row[index] += self.idf[index]
        norm = np.linalg.norm(row)
        return row / norm if norm else row

    def similarities(self) -> np.ndarray:
        """Cosine similarity of every pair of texts."""
        return self.vectors @ self.vectors.T
