"""Direct quotes, who said them, and which outlets carry them.

A quote is text between quotation marks, within one paragraph (a quote may
run over several sentences). Short quoted bits ("occupying", ‘call out
Russia’) are scare quotes, not speech. The speaker comes from the attribution
around the quote: `“…,” X said`, `“…,” said X`, `X said: “…”`, `according
to X`; a pronoun speaker ("he said") is the person the article named last
before the quote. Outlets carrying the same quote (most of its words in
common) are grouped, so a reader sees who repeats whom.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from currents.config import SummarizeConfig
from currents.model import Article, Citation, Quote
from currents.summarize.actors import PERSON, Actors
from currents.summarize.units import content_words, outlet_name

# Paired quotation marks within one line; a straight quote pairs with the next one.
_QUOTED = re.compile(r"“([^“”\n]+)”|\"([^\"\n]+)\"|«([^«»\n]+)»|‘([^‘’\n]+)’(?!\w)")
_SPEECH = (
    r"(?:said|says|say|told|tells|added|adds|stated|states|declared|announced|wrote|writes|argued|"
    r"insisted|warned|claimed|claims|accused|asked|replied|noted|explained|continued|concluded|called)"
)
_AUX = r"(?:(?:has|have|had|was|were|is)\s+)?"
# After the closing mark: ', X said' or ', said X'.
_SPEAKER_BEFORE_VERB = re.compile(rf"^[\s,.]*(?P<who>[^.!?;:“”\"]{{1,80}}?)\s+{_AUX}{_SPEECH}\b")
_SPEAKER_AFTER_VERB = re.compile(rf"^[\s,.]*{_SPEECH}\s+(?P<who>[^,.!?;:“”\"]{{1,80}})")
# Before the opening mark: 'X said (in P) (that|:)'.
_SPEAKER_LEADING = re.compile(rf"(?P<who>[^,;:.!?“”\"]{{1,80}}?)\s+{_AUX}{_SPEECH}\b[^.!?“”\"]{{0,120}}$")
_ACCORDING_TO = re.compile(r"according to (?P<who>[^,.;:!?“”\"]{1,80})", re.IGNORECASE)
_OPENING_MARKS = "“\"‘«"
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "one", "another"})
# A speaker phrase longer than this is a clause, not a name.
_MAX_SPEAKER_WORDS = 9


@dataclass
class _Found:
    text: str
    speaker: str | None
    outlet: str
    citation: Citation


def event_quotes(articles: Sequence[Article], actors: Actors, config: SummarizeConfig) -> list[Quote]:
    """The event's direct quotes, each with its speaker and every outlet carrying it, most carried first."""
    found = [item for article in articles for item in _article_quotes(article, actors, config)]
    quotes: list[Quote] = []
    wordings: list[list[str]] = []
    for item in sorted(found, key=lambda f: -len(f.text)):
        at = next((n for n, seen in enumerate(wordings) if any(_same_quote(item.text, t, config) for t in seen)), None)
        if at is None:
            quotes.append(Quote(item.text, item.speaker, [item.outlet], [item.citation]))
            wordings.append([item.text])
            continue
        same = quotes[at]
        wordings[at].append(item.text)
        same.citations.append(item.citation)
        if item.outlet not in same.outlets:
            same.outlets.append(item.outlet)
        same.speaker = same.speaker or item.speaker
    return sorted(quotes, key=lambda q: -len(q.outlets))


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (marks included) of every quoted passage in `text`."""
    return [match.span() for match in _QUOTED.finditer(text)]


def is_reported_speech(text: str) -> bool:
    """Opens with a quote, is mostly quoted words, or is part of a quote running over from another sentence.

    Such a sentence is the speaker's voice, not a statement of what happened:
    no headline or summary material.
    """
    if text[:1] in _OPENING_MARKS or text.count('"') % 2 or _unbalanced_curly(text):
        return True
    quoted = sum(end - start for start, end in quote_spans(text))
    return quoted >= len(text) / 2


def _unbalanced_curly(text: str) -> bool:
    opening, closing = text.find("“"), text.find("”")
    return text.count("“") != text.count("”") or (closing >= 0 and closing < opening)


def _article_quotes(article: Article, actors: Actors, config: SummarizeConfig) -> list[_Found]:
    starts = [s.start for s in article.sentences]
    if not starts:
        return []
    found: list[_Found] = []
    previous_end, previous_speaker = -1, None
    for match in _QUOTED.finditer(article.text):
        quoted = next(group for group in match.groups() if group is not None).strip(" ,")
        if len(quoted.split()) < config.quote_min_words:
            continue
        first = article.sentences[max(0, bisect_right(starts, match.start()) - 1)]
        last = article.sentences[max(0, bisect_right(starts, match.end() - 1) - 1)]
        speaker = _speaker(article, match.start(), match.end(), first.start, last.end, actors)
        if speaker is None and _continues(article.text, previous_end, match.start()):
            speaker = previous_speaker
        citation = Citation(article.id, first.index, first.start, last.end)
        found.append(_Found(quoted, speaker, outlet_name(article), citation))
        previous_end, previous_speaker = match.end(), speaker
    return found


def _continues(text: str, previous_end: int, start: int) -> bool:
    """A quote opening the next sentence of the same paragraph goes on with the last speaker."""
    between = text[previous_end:start] if previous_end >= 0 else "\n"
    return "\n" not in between and len(between.split()) <= _MAX_SPEAKER_WORDS


def _speaker(
    article: Article, start: int, end: int, sentence_start: int, sentence_end: int, actors: Actors
) -> str | None:
    after = article.text[end:sentence_end]
    before = article.text[sentence_start:start]
    for match in (
        _SPEAKER_BEFORE_VERB.match(after),
        _SPEAKER_AFTER_VERB.match(after),
        _SPEAKER_LEADING.search(before),
        _ACCORDING_TO.search(after),
        _ACCORDING_TO.search(before),
    ):
        if match and (who := _clean_speaker(match.group("who"))):
            return _resolve(who, article, start, actors)
    return None


def _clean_speaker(who: str) -> str | None:
    """The speaker phrase, if it can name someone: a name, a pronoun or a noun phrase ("the ministry")."""
    who = who.strip(" ,–—-")
    words = who.split()
    if not words or len(words) > _MAX_SPEAKER_WORDS:
        return None
    first = words[0].casefold()
    if not (any(word[:1].isupper() for word in words) or first in _PRONOUNS or first in _DETERMINERS):
        return None
    return who


def _resolve(who: str, article: Article, position: int, actors: Actors) -> str:
    """A pronoun becomes the person named last before the quote; a short name becomes the full one."""
    if who.casefold() in _PRONOUNS:
        return _last_person_before(article, position, actors) or who
    mentions = actors.first_mentions(who)
    if len(mentions) == 1 and mentions[0][1] - mentions[0][0] == len(who):
        return actors.names.get(mentions[0][2], who)
    return who


def _last_person_before(article: Article, position: int, actors: Actors) -> str | None:
    key = actors.last_named(article.id, article.text[:position], PERSON)
    return actors.names.get(key) if key else None


def _same_quote(a: str, b: str, config: SummarizeConfig) -> bool:
    """Most of the shorter quote's words are in the longer one (one outlet may quote a part)."""
    first, second = set(content_words(a)), set(content_words(b))
    smaller = min(len(first), len(second))
    return bool(smaller) and len(first & second) / smaller >= config.quote_match
