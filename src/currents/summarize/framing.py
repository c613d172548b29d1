"""How loaded each outlet's telling is, read with TextBlob's subjectivity lexicon.

TextBlob's English lexicon (from the Pattern project, maintained with
TextBlob) scores about 2,900 words, mostly adjectives and adverbs, for polarity and
subjectivity, with intensifiers ("extremely successful") and negations. It
was chosen over VADER because it measures subjectivity, which is what framing
is about: VADER scores sentiment, and plain reporting of a war or a crime is
negative without being opinionated. A word is *loaded* when it is both
subjective and evaluative (polarity not near zero): "unfairly",
"overwhelmingly", "completely illegal" are; "final" and "only" (subjective
in the lexicon, but not evaluative) are not.

Only the outlet's own voice is scored: quoted speech belongs to the speaker,
and names are masked so that "International *Criminal* Court" is no verdict.
A sentence is opinionated when it has a loaded word; an outlet's share is
the share of its sentences that are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from textblob.en import sentiment

from currents.config import SummarizeConfig
from currents.model import OutletFraming
from currents.summarize.actors import Actors
from currents.summarize.quotes import quote_spans
from currents.summarize.units import Unit


def own_voice(unit: Unit, actors: Actors) -> str:
    """The unit's sentence without its quoted passages and with its names blanked out."""
    text = unit.text
    for start, end in reversed(quote_spans(text)):
        text = text[:start] + " " + text[end:]
    return actors.blank_names(unit.article.id, text)


def loaded_words(text: str, config: SummarizeConfig) -> list[tuple[str, float]]:
    """The loaded words or phrases of `text` (already in its own voice), with their strength."""
    return [
        (" ".join(words), subjectivity * abs(polarity))
        for words, polarity, subjectivity, _label in sentiment(text).assessments
        if subjectivity >= config.loaded_subjectivity and abs(polarity) >= config.loaded_polarity
    ]


def unit_loaded_words(unit: Unit, actors: Actors, config: SummarizeConfig) -> list[tuple[str, float]]:
    return loaded_words(own_voice(unit, actors), config)


def outlet_framing(units: Sequence[Unit], actors: Actors, config: SummarizeConfig) -> list[OutletFraming]:
    """One entry per outlet with sentences, the most opinionated first (ties: fewer sentences last)."""
    by_outlet: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_outlet[unit.outlet].append(unit)
    framing = [_framing(outlet, members, actors, config) for outlet, members in by_outlet.items()]
    return sorted(framing, key=lambda f: (-f.loaded_share, -f.sentences, f.source))


def _framing(outlet: str, units: list[Unit], actors: Actors, config: SummarizeConfig) -> OutletFraming:
    phrases: Counter[str] = Counter()
    strength: dict[str, float] = {}
    loaded_sentences = 0
    for unit in units:
        found = unit_loaded_words(unit, actors, config)
        loaded_sentences += bool(found)
        for phrase, weight in found:
            phrases[phrase] += 1
            strength[phrase] = max(weight, strength.get(phrase, 0.0))
    ranked = sorted(phrases, key=lambda p: (-phrases[p] * strength[p], p))
    article_ids = list(dict.fromkeys(unit.article.id for unit in units))
    return OutletFraming(
        source=outlet,
        article_ids=article_ids,
        sentences=len(units),
        loaded_share=round(loaded_sentences / len(units), 3),
        loaded_phrases=ranked[: config.loaded_phrases],
    )
