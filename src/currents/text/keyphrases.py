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

from spacy.symbols import ADJ, NOUN, PROPN
from spacy.tokens import Doc, Span, Token

from currents.text.entities import junk_sentences

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
    not_topics = {doc.vocab.strings[label] for label in _NOT_TOPICS}
    candidates: dict[tuple[str, ...], _Candidate] = {}
    for index, sentence in enumerate(doc.sents):
        if index in junk:
            continue
        run: list[_Word] = []
        for word in _words(sentence, not_topics):
            if word is not None:
                run.append(word)
            else:
                _count_run(run, index, candidates)
                run = []
        _count_run(run, index, candidates)
    return candidates


def _words(sentence: Span, not_topics: set[int]) -> Iterator[_Word | None]:
    """The sentence's words, hyphenated compounds joined; None for a word that breaks a phrase."""
    tokens = list(sentence)
    i = 0
    while i < len(tokens):
        end = i
        # "al-Assad": token, hyphen, token, with no space between them.
        while (
            end + 2 < len(tokens)
            and tokens[end + 1].is_punct
            and tokens[end + 1].text == "-"
            and not tokens[end].whitespace_
            and not tokens[end + 1].whitespace_
        ):
            end += 2
        parts = tokens[i : end + 1 : 2]
        i = end + 1
        yield _word(parts, sentence.start, not_topics)


def _word(parts: list[Token], sentence_start: int, not_topics: set[int]) -> _Word | None:
    last = parts[-1]
    if last.pos not in _PHRASE_TAGS or last.ent_type in not_topics or not all(t.is_alpha for t in parts):
        return None
    if len(parts) == 1 and (last.is_stop or len(last) < 2):
        return None
    return _Word(
        "-".join(_shown(token, sentence_start) for token in parts),
        "-".join(token.lower_ for token in parts),
        last.pos in _HEAD_TAGS,
    )


def _shown(token: Token, sentence_start: int) -> str:
    """A word as a label shows it: capitalised if it is a name, or the text capitalises it mid-sentence."""
    if token.pos == PROPN or token.ent_type or (token.i != sentence_start and (token.is_title or token.is_upper)):
        return token.text
    return token.lower_


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
