"""Keyphrases: the few noun phrases that say what an article is about.

Labels for events and stories, and the "related" links between them, need
short phrases ("International Criminal Court", "war crimes", "Rome Statute"),
not single words. Without a dependency parser there are no noun chunks, so
candidates come from part-of-speech tags: maximal runs of adjectives, nouns
and proper nouns (hyphenated compounds count as one word), cut to their last
four words and to a noun at the end, with no stopword, number or date inside.
A candidate scores by how often it occurs, how early it first appears (leads
state the topic) and its length; occurrences in the title count double. A
phrase inside a better-ranked one is dropped unless it also stands on its own
often enough. One pass over the tokens of the sentences that are prose.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.attrs import ENT_TYPE, IS_ALPHA, IS_STOP, IS_TITLE, IS_UPPER, LENGTH, LOWER, ORTH, POS, SPACY
from spacy.symbols import ADJ, NOUN, PROPN
from spacy.tokens import Doc

from currents.text.entities import junk_sentences
from currents.text.nlp import sentences_of

MAX_PHRASE_WORDS = 4
# Each word beyond the first adds this share to a phrase's score.
LENGTH_BONUS = 0.5
# An occurrence in the title is worth this many in the body.
TITLE_WEIGHT = 2
# A phrase inside a better-ranked one is kept only if it stands alone at least this often.
MIN_OWN_OCCURRENCES = 2
# Entity types that are quantities or times, never topics.
_NOT_TOPICS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
_PHRASE_TAGS = (ADJ, NOUN, PROPN)
_HEAD_TAGS = (NOUN, PROPN)
_ATTRIBUTES = [POS, ENT_TYPE, IS_ALPHA, IS_STOP, SPACY, IS_TITLE, IS_UPPER, ORTH, LOWER, LENGTH]
_POS, _ENT_TYPE, _ALPHA, _STOP, _SPACE_AFTER, _TITLE, _UPPER, _ORTH, _LOWER, _LENGTH = range(len(_ATTRIBUTES))


@dataclass
class _Word:
    """A token, or a hyphenated compound of tokens ("al-Assad", "Kashiwazaki-Kariwa"), usable in a phrase."""

    text: str
    key: str
    head: bool


@dataclass
class _Candidate:
    words: tuple[str, ...]
    text: str
    first_sentence: int
    count: int = 0

    def score(self, title: str) -> float:
        occurrences = self.count + (TITLE_WEIGHT if f" {' '.join(self.words)} " in title else 0)
        position = 1.0 / (1.0 + self.first_sentence) ** 0.5
        return occurrences * position * (1.0 + LENGTH_BONUS * (len(self.words) - 1))


def keyphrases(doc: Doc, limit: int = 10, title: str | None = None) -> list[str]:
    """Up to `limit` keyphrases of `doc`, best first.

    Words keep their capitals where the text capitalises them mid-sentence
    (names: "Rome Statute") and are lower-cased otherwise ("war crimes").
    `title`, if given, is the article's headline: phrases it contains count double.
    """
    candidates = _candidates(doc)
    folded_title = f" {' '.join((title or '').casefold().split())} "
    ranked = sorted(candidates.values(), key=lambda c: (-c.score(folded_title), c.first_sentence, c.text))
    chosen: list[_Candidate] = []
    for candidate in ranked:
        if len(chosen) == limit:
            break
        if not any(_repeats(candidate, better) for better in chosen):
            chosen.append(candidate)
    return [candidate.text for candidate in chosen]


def _candidates(doc: Doc) -> dict[tuple[str, ...], _Candidate]:
    junk = junk_sentences(doc)
    table = _Table(doc)
    candidates: dict[tuple[str, ...], _Candidate] = {}
    for index, sentence in enumerate(sentences_of(doc)):
        if index in junk:
            continue
        run: list[_Word] = []
        for word in table.words(sentence.start, sentence.end):
            if word is not None:
                run.append(word)
            else:
                _count_run(run, index, candidates)
                run = []
        _count_run(run, index, candidates)
    return candidates


class _Table:
    """The token attributes keyphrases read, as one table per Doc: no Token objects per word."""

    def __init__(self, doc: Doc) -> None:
        self.rows = doc.to_array(_ATTRIBUTES).tolist()
        self.strings = doc.vocab.strings
        self.hyphen = self.strings.add("-")
        self.not_topics = {self.strings.add(label) for label in _NOT_TOPICS}

    def words(self, start: int, end: int) -> Iterator[_Word | None]:
        """The words of tokens start..end, hyphenated compounds joined; None for a word that breaks a phrase."""
        rows, i = self.rows, start
        while i < end:
            last = i
            # "al-Assad": token, hyphen, token, with no space between them.
            while last + 2 < end and rows[last + 1][_ORTH] == self.hyphen and not (
                rows[last][_SPACE_AFTER] or rows[last + 1][_SPACE_AFTER]
            ):
                last += 2
            yield self._word(range(i, last + 1, 2), start)
            i = last + 1

    def _word(self, parts: range, sentence_start: int) -> _Word | None:
        rows = self.rows
        last = rows[parts[-1]]
        if last[_POS] not in _PHRASE_TAGS or last[_ENT_TYPE] in self.not_topics:
            return None
        if not all(rows[i][_ALPHA] for i in parts):
            return None
        if len(parts) == 1 and (last[_STOP] or last[_LENGTH] < 2):
            return None
        return _Word(
            "-".join(self._shown(i, sentence_start) for i in parts),
            "-".join(self.strings[rows[i][_LOWER]] for i in parts),
            last[_POS] in _HEAD_TAGS,
        )

    def _shown(self, i: int, sentence_start: int) -> str:
        """A word as a label shows it: capitalised if it is a name, or the text capitalises it mid-sentence."""
        row = self.rows[i]
        named = row[_POS] == PROPN or row[_ENT_TYPE] or (i != sentence_start and (row[_TITLE] or row[_UPPER]))
        return self.strings[row[_ORTH] if named else row[_LOWER]]


def _count_run(run: list[_Word], sentence: int, candidates: dict[tuple[str, ...], _Candidate]) -> None:
    """Count the run as one phrase: cut to its last noun, then to its last four words."""
    end = len(run)
    while end and not run[end - 1].head:
        end -= 1
    words = run[max(0, end - MAX_PHRASE_WORDS) : end]
    if not words:
        return
    key = tuple(word.key for word in words)
    candidate = candidates.get(key)
    if candidate is None:
        candidate = candidates[key] = _Candidate(key, " ".join(word.text for word in words), sentence)
    candidate.count += 1


def _repeats(candidate: _Candidate, better: _Candidate) -> bool:
    """A phrase inside a better-ranked one that does not stand alone often enough adds nothing."""
    size = len(candidate.words)
    inside = any(better.words[i : i + size] == candidate.words for i in range(len(better.words) - size + 1))
    return inside and candidate.count < MIN_OWN_OCCURRENCES
