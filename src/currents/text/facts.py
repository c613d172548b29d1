"""When the article's main happening took place, and the dated past it recounts.

`event_date` and `dated_facts` work from plain records (time expressions and
sentences), not from a spaCy Doc: when an undated article later borrows a
reference date from a related article, its expressions are re-resolved and
both run again without re-parsing. The one Doc-bound step, telling which
sentences cannot carry a fact (garbage, no verb), is `unfit_sentences`, run
where the Doc is at hand. An undated page with a date stamp of its own
("November 14, 2015 12:56 pm" alone on a line, `stamp_day`) is resolved
against that stamp by the caller.

The lead is the first few prose sentences: long enough, ending like a
sentence, with no link or address and not speaking to the reader ("Please
share this article..."), which is page furniture however early it comes.

Event date, in order:
1. An undated article whose lead dates the happening relatively ("on Monday
   evening") gets None, whatever absolute dates its body holds: the
   happening is on a day we cannot place, and no other date stands in for it.
2. Resolved day dates vote, each with a weight: in the lead it counts most;
   in a sentence that reads as background ("had", "since", "earlier"...) or
   far older than the publication date it counts little; a date after the
   publication date, or a date standing alone on its line (a date stamp,
   which is the publication date), does not vote. The best-supported day
   wins if its support is enough.
3. Otherwise the publication date (or, lacking one, a date stamp in the
   text), with a low confidence: news reports what just happened.
4. Otherwise None. A month or year alone is never the event date: it is too
   often the background, or the end of a deal.

Dated facts: one per (date, sentence) for every resolved, past, non-stamp
expression in a sentence of prose (no links, not garbage, has a verb), except

- the main event itself: a relative expression that resolves to the event
  date is the event retold ("on Wednesday" in the lead, "this was mass murder
  on a Friday night" further down), unless outside the lead its sentence
  reports a reaction ("Obama said on Friday evening"). An absolute date equal
  to the event date ("On 27 January 2014 Google and Samsung signed...") is a
  fact;
- a date in an open question ("trying to find out whether he travelled to
  Syria in 2014"), and, undated, a date in a clause that speaks of the future.

A sentence repeated word for word (pages that repeat paragraphs) gives its
facts once. A fact's entities are those taking part in it: named in the
date's clause (see `_participants`). Ranges, decades, durations and
unresolved relative dates never get here: they have no value.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.symbols import AUX, VERB
from spacy.tokens import Doc

from currents.model import DatedFact, EventDate, Sentence, TimeExpression
from currents.text.entities import junk_sentences
from currents.text.nlp import sentences_of
from currents.text.timex import (
    DAY,
    MONTH,
    NOTE_FUTURE,
    NOTE_NO_REFERENCE,
    YEAR,
    as_day,
    future_tense_near,
    period_end,
    period_start,
)

# The lead: this many prose sentences from the top. A prose sentence has at
# least MIN_PROSE_WORDS words and ends like a sentence; headings, datelines and
# page furniture do not count.
LEAD_SENTENCES = 3
MIN_PROSE_WORDS = 8
# A fact's sentence has at least this many words (shorter ones are headings and captions).
MIN_FACT_WORDS = 4
# A date with at most this many other words on its line is a date stamp ("Thursday November 17, 2016 6:35 PM, IINA").
STAMP_MAX_OTHER_WORDS = 3

# Event-date votes: position, granularity, background and age.
LEAD_WEIGHT = 1.0
BODY_WEIGHT = 0.3
GRANULARITY_WEIGHT = {DAY: 1.0, MONTH: 0.4, YEAR: 0.2}
BACKGROUND_FACTOR = 0.2
# A date that ended this long before the publication date is history, not the news.
NEWS_CYCLE = timedelta(days=31)
OLD_FACTOR = 0.2
# A day needs this much support to be the event date: one plain day in the body
# (BODY_WEIGHT) is enough, a background day in the lead is not.
MIN_EVENT_SUPPORT = 0.25
# Confidence when the event date is the publication date: alone, or agreeing with a month or year in the lead.
PUBLICATION_CONFIDENCE = 0.3
PUBLICATION_AGREEING_CONFIDENCE = 0.4
# Evidence strings name at most this many expressions.
MAX_EVIDENCE = 3

_BACKGROUND = re.compile(
    r"\b(?:had|since|earlier|previously|formerly|first|ago|last year|in the past|history|historically|once)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
_LINK = re.compile(r"https?://|www\.|\]\(")
_EMAIL = re.compile(r"\S@\w+\.\w")
# Page furniture speaks to the reader in the imperative; news prose does not.
_TO_THE_READER = re.compile(
    r"\s*(?:please|click|tap|see|email|e-mail|follow|share|sign up|subscribe|read|watch|download|like|join|"
    r"contact|visit|register|log in|scroll)\b",
    re.IGNORECASE,
)
# Verbs that report what someone said or did about a happening: a sentence with one is a reaction.
_REPORTING = re.compile(
    r"\b(?:said|says|told|tells|announced|announces|warned|warns|declared|declares|stated|states|added|adds|"
    r"confirmed|confirms|reported|reports|claimed|claims|urged|urges|insisted|insists|vowed|vows)\b",
    re.IGNORECASE,
)
# Where one clause of a sentence ends and another begins, as far as punctuation and a few words tell.
_CLAUSE_BOUNDARY = re.compile(r"[,;:()\[\]\"“”–—]|\s-\s|\b(?:which|who|whose|whom|but|while|whereas)\b")
_RELATIVE = re.compile(r"which|who|whose|whom")
# A date inside an open question is not asserted ("trying to find out whether he went to Syria in 2014").
_HEDGE = re.compile(r"\bwhether\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class _Vote:
    expression: TimeExpression
    weight: float


def event_date(
    dates: Sequence[TimeExpression], sentences: Sequence[Sentence], published: date | None
) -> EventDate | None:
    """The date of the article's main happening, how sure we are, and why (see the module docstring).

    `published` is the date (or datetime) the expressions were resolved
    against; None when the article states none.
    """
    reference = as_day(published)
    by_index = {sentence.index: sentence for sentence in sentences}
    lead = lead_sentences(sentences)
    if reference is None and any(d.note == NOTE_NO_REFERENCE and d.sentence in lead for d in dates):
        return None
    stamps: list[TimeExpression] = []
    votes: list[_Vote] = []
    for expression in dates:
        if not expression.value or expression.granularity not in GRANULARITY_WEIGHT:
            continue
        if _is_stamp(expression, by_index):
            stamps.append(expression)
        elif not _is_future(expression, reference):
            votes.append(_Vote(expression, _weight(expression, by_index.get(expression.sentence), lead, reference)))
    return _best_day(votes) or _publication_event(reference, stamps, votes, lead)


def dated_facts(
    sentences: Sequence[Sentence],
    dates: Sequence[TimeExpression],
    mentions: Mapping[int, Sequence[tuple[int, int, str]]],
    event_date: EventDate | None,
    published: date | None,
    unfit: Collection[int] = (),
) -> list[DatedFact]:
    """Sentences that place a past happening on a resolved date: one fact per (date, sentence).

    `mentions` maps a sentence index to where it names which entity ((start,
    end, name), offsets as the expressions'), in text order: a fact's entities
    are those taking part in it (see `_participants`). `unfit` holds the
    indexes of sentences that cannot carry a fact (see `unfit_sentences`).
    """
    reference = as_day(published)
    by_index = {sentence.index: sentence for sentence in sentences}
    lead = lead_sentences(sentences)
    facts: list[DatedFact] = []
    seen: set[tuple[str, str, str]] = set()
    for expression in dates:
        sentence = by_index.get(expression.sentence)
        if sentence is None or expression.sentence in unfit:
            continue
        if not _dates_a_fact(expression, sentence, reference):
            continue
        if _is_the_event(expression, sentence, event_date, lead) or _is_stamp(expression, by_index):
            continue
        text = sentence.text.strip()
        key = (expression.value, expression.granularity, text)
        if key in seen:
            continue
        seen.add(key)
        entities = _participants(expression, sentence, mentions.get(expression.sentence, ()))
        facts.append(DatedFact(expression.value, expression.granularity, expression.sentence, text, entities))
    return facts


def _participants(
    expression: TimeExpression, sentence: Sentence, mentions: Sequence[tuple[int, int, str]]
) -> list[str]:
    """The entities taking part in what a date places: those named in the date's clause.

    "Russia had in 2000 signed the Rome Statute which created the ICC": Russia
    and the Rome Statute signed in 2000; the ICC is what the statute created.
    A relative clause takes part with what it is about ("the flight, which
    crashed in 2009"). A clause that names nobody shares the date with the
    next clause ("In 2000, Russia signed...") or, failing that, with the
    sentence's main clause ("...which entered into force in 2002").
    """
    text = sentence.text
    boundaries = list(_CLAUSE_BOUNDARY.finditer(text))
    bounds = [0, *(m.start() for m in boundaries), len(text)]
    position = bisect_right(bounds, max(expression.start - sentence.start, 0)) - 1
    clauses: list[list[str]] = [[] for _ in bounds[:-1]]
    for first, _, name in mentions:
        clauses[min(bisect_right(bounds, first - sentence.start) - 1, len(clauses) - 1)].append(name)
    names = list(clauses[position])
    if position and _RELATIVE.fullmatch(boundaries[position - 1].group()):
        # "Air France flight 447, which crashed in 2009": the flight crashed.
        before = position - 1
        while before and not clauses[before] and not _WORD.search(text, bounds[before] + 1, bounds[before + 1]):
            before -= 1
        names[:0] = clauses[before][-1:]
    if not names:
        # "In 2000, Russia signed..." or "...came in July 2013, when an Asiana jet landed short":
        # the next clause tells who; failing that, the main clause does.
        following = clauses[position + 1] if position + 1 < len(clauses) else []
        names = following or clauses[0]
    return list(dict.fromkeys(names))


def unfit_sentences(doc: Doc, dates: Iterable[TimeExpression]) -> set[int]:
    """Sentences of `doc` that cannot carry a dated fact: garbage (tables, link lists) or verbless.

    Garbage is what `entities.junk_sentences` finds (computed once per Doc);
    only sentences holding a resolved date are checked for a verb, so the
    cost stays small.
    """
    unfit = set(junk_sentences(doc))
    holding = {d.sentence for d in dates if d.value} - unfit
    if not holding:
        return unfit
    for index, sentence in enumerate(sentences_of(doc)):
        if index in holding and not any(token.pos in (VERB, AUX) for token in sentence):
            unfit.add(index)
    return unfit


def stamp_day(dates: Sequence[TimeExpression], sentences: Sequence[Sentence]) -> date | None:
    """The day of the first date stamp in the text ("November 14, 2015 12:56 pm" alone on its line), or None.

    A page without a stated publication date often carries one mid-page, under
    its navigation; it is the day the page was written, so relative dates in it
    can be resolved against it.
    """
    stamps = day_stamps(dates, sentences)
    return stamps[0][1] if stamps else None


def day_stamps(dates: Sequence[TimeExpression], sentences: Sequence[Sentence]) -> list[tuple[int, date]]:
    """(sentence index, day) of every date stamp in the text, in order: where each entry of a live blog begins."""
    by_index = {sentence.index: sentence for sentence in sentences}
    return [
        (expression.sentence, date.fromisoformat(expression.value))
        for expression in dates
        if expression.value and expression.granularity == DAY and _is_stamp(expression, by_index)
    ]


def lead_sentences(sentences: Sequence[Sentence]) -> set[int]:
    """Indexes of the lead: the first LEAD_SENTENCES prose sentences."""
    lead: set[int] = set()
    for sentence in sorted(sentences, key=lambda s: s.index):
        if len(lead) == LEAD_SENTENCES:
            break
        if _is_prose(sentence.text):
            lead.add(sentence.index)
    return lead


def _is_prose(text: str) -> bool:
    """A sentence of the story: long enough, ending like a sentence, with no link or address, and not
    speaking to the reader ("Please share this article...", "Sign up for our newsletter")."""
    return (
        len(_WORD.findall(text)) >= MIN_PROSE_WORDS
        and _SENTENCE_END.search(text) is not None
        and not _LINK.search(text)
        and not _EMAIL.search(text)
        and not _TO_THE_READER.match(text)
    )


# -- event date ---------------------------------------------------------------------------
def _weight(expression: TimeExpression, sentence: Sentence | None, lead: set[int], reference: date | None) -> float:
    weight = LEAD_WEIGHT if expression.sentence in lead else BODY_WEIGHT
    weight *= GRANULARITY_WEIGHT[expression.granularity]
    if sentence is not None and _BACKGROUND.search(sentence.text):
        weight *= BACKGROUND_FACTOR
    if reference is not None and period_end(expression.value) < reference - NEWS_CYCLE:
        weight *= OLD_FACTOR
    return weight


def _best_day(votes: list[_Vote]) -> EventDate | None:
    support: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    for vote in votes:
        if vote.expression.granularity == DAY:
            support[vote.expression.value] += vote.weight
            first_seen.setdefault(vote.expression.value, vote.expression.start)
    if not support:
        return None
    best = max(support, key=lambda value: (support[value], -first_seen[value]))
    if support[best] < MIN_EVENT_SUPPORT:
        return None
    day = date.fromisoformat(best)
    agreeing = sum(vote.weight for vote in votes if _holds(vote.expression, day))
    total = sum(vote.weight for vote in votes)
    confidence = min(1.0, support[best] / LEAD_WEIGHT) * agreeing / total
    chosen = [vote.expression for vote in votes if vote.expression.value == best]
    return EventDate(best, DAY, round(confidence, 2), _evidence(chosen))


def _publication_event(
    reference: date | None, stamps: list[TimeExpression], votes: list[_Vote], lead: set[int]
) -> EventDate | None:
    """The publication date (or a date stamp in the text) as a low-confidence event date."""
    if reference is not None:
        day, evidence = reference, "publication date"
    else:
        day_stamps = [stamp for stamp in stamps if stamp.granularity == DAY]
        if not day_stamps:
            return None
        day = date.fromisoformat(day_stamps[0].value)
        evidence = f"date stamp in the text: {_evidence(day_stamps[:1])}"
    agreeing = [vote.expression for vote in votes if vote.expression.sentence in lead and _holds(vote.expression, day)]
    if agreeing:
        evidence = f"{evidence}, agreeing with {_evidence(agreeing)}"
        return EventDate(day.isoformat(), DAY, PUBLICATION_AGREEING_CONFIDENCE, evidence)
    return EventDate(day.isoformat(), DAY, PUBLICATION_CONFIDENCE, evidence)


def _holds(expression: TimeExpression, day: date) -> bool:
    return period_start(expression.value) <= day <= period_end(expression.value)


def _evidence(expressions: list[TimeExpression]) -> str:
    shown = "; ".join(f"sentence {e.sentence}: {e.text!r}" for e in expressions[:MAX_EVIDENCE])
    more = len(expressions) - MAX_EVIDENCE
    return f"{shown} (+{more} more)" if more > 0 else shown


# -- dated facts ---------------------------------------------------------------------------
def _dates_a_fact(expression: TimeExpression, sentence: Sentence, reference: date | None) -> bool:
    """Whether the expression places a past happening: resolved, not after the publication date, and
    (undated, where nothing else tells) not in a clause that speaks of the future."""
    if not expression.value or expression.granularity not in GRANULARITY_WEIGHT:
        return False
    if _is_future(expression, reference):
        return False
    start = expression.start - sentence.start
    if reference is None and future_tense_near(sentence.text, start, start + len(expression.text)):
        return False  # nothing proves the date past, and its clause speaks of the future
    if _HEDGE.search(sentence.text, 0, max(start, 0)):
        return False  # "investigators are trying to find out whether he travelled to Syria in 2014"
    return len(_WORD.findall(sentence.text)) >= MIN_FACT_WORDS and not _LINK.search(sentence.text)


def _is_the_event(expression: TimeExpression, sentence: Sentence, event: EventDate | None, lead: set[int]) -> bool:
    """A relative date of the event's own day is the event retold ("this was mass murder on a Friday night"),
    except outside the lead in a sentence that reports a reaction ("Obama said on Friday evening")."""
    if event is None or not expression.relative or expression.value != event.value:
        return False
    return expression.sentence in lead or not _REPORTING.search(sentence.text)


# -- shared tests ------------------------------------------------------------------------
def _is_future(expression: TimeExpression, reference: date | None) -> bool:
    if expression.note == NOTE_FUTURE:
        return True
    return reference is not None and period_start(expression.value) > reference


def _is_stamp(expression: TimeExpression, by_index: Mapping[int, Sentence]) -> bool:
    """A date alone on its line (a date line, a record heading): the publication date, not a happening."""
    sentence = by_index.get(expression.sentence)
    if sentence is None:
        return False
    text, start, end = sentence.text, expression.start - sentence.start, expression.end - sentence.start
    line_start = text.rfind("\n", 0, max(start, 0)) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    others = text[line_start:start] + " " + text[end:line_end]
    return len(_WORD.findall(others)) <= STAMP_MAX_OTHER_WORDS
