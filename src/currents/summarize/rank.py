"""How much each sentence of an event deserves a place in its headline or summary.

Relevance adds up what makes a sentence central to the happening rather than
to one outlet's angle:

- *support*: how closely the other outlets say the same (for each other
  article, its most similar sentence; averaged), or, with one article, how
  close the sentence is to the article as a whole;

- *position*: news writing puts the happening first (`lead_weight / (i + 1)`);
- *actors*: the share of the event's key entities the sentence names;
- *first report*: `first_report_weight / (rank + 1)` by the article's place in publication order,
  as the first reports tell the happening and later ones add follow-ups;

minus a penalty per loaded word (the framing lexicon) and for a sentence that
leans on the one before it ("But...", "He said..."), which cannot stand alone.

For the headline, one more thing counts: how closely the sentence says what
the articles' titles say together (Edmundson's title method). A title is its
outlet's one-line telling of the happening, so the sentence nearest to the
titles states the happening rather than a follow-up; the summary, which adds
detail to the headline, does not use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from currents.config import SummarizeConfig
from currents.summarize.actors import Actors
from currents.summarize.framing import unit_loaded_words
from currents.summarize.quotes import is_reported_speech
from currents.summarize.units import Space, Unit, content_words

# First words that point back to an earlier sentence: pronouns, demonstratives, connectives.
_DANGLING = re.compile(
    r"^[“\"‘']?(?:he|she|it|they|his|her|its|their|this|these|those|that|such|but|and|or|so|yet|also|still|"
    r"however|meanwhile|moreover|furthermore|instead|then|there|here|both)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?][”\"’»)]?$")


@dataclass(frozen=True)
class Ranked:
    """A unit with its relevance and what went into it."""

    index: int
    relevance: float
    dangling: bool
    # Mostly a quote, or a piece of one: the speaker's voice, not the event.
    speech: bool
    # Similarity to what the event's titles say together (for the headline).
    titles: float


def is_prose(unit: Unit, config: SummarizeConfig) -> bool:
    """A complete statement of usable length: not a heading, a question or a fragment."""
    text = unit.text
    return (
        config.min_sentence_words <= unit.words <= config.max_sentence_words
        and bool(_SENTENCE_END.search(text))
        and not text.rstrip("”\"’») ").endswith("?")
        and (text[:1].isupper() or text[:1] in "“\"‘«")
    )


def rank_units(
    units: Sequence[Unit], space: Space, similarity: np.ndarray, actors: Actors, config: SummarizeConfig
) -> list[Ranked]:
    """The relevance of every unit (same order as `units`)."""
    support = _support(units, space, similarity)
    titles = _title_support(units, space)
    key = set(actors.key_entities(config.key_entities))
    ranked = []
    for i, unit in enumerate(units):
        coverage = len(actors.named_in(unit) & key) / len(key) if key else 0.0
        loaded = len(unit_loaded_words(unit, actors, config))
        dangling = bool(_DANGLING.match(unit.text))
        relevance = (
            support[i]
            + config.lead_weight / (unit.sentence.index + 1)
            + config.entity_weight * coverage
            + config.first_report_weight / (unit.rank + 1)
            - config.loaded_penalty * loaded
            - (config.dangling_penalty if dangling else 0.0)
        )
        ranked.append(Ranked(i, float(relevance), dangling, is_reported_speech(unit.text), float(titles[i])))
    return ranked


def _title_support(units: Sequence[Unit], space: Space) -> np.ndarray:
    """Each unit's similarity to what the event's titles say together (their mean vector)."""
    titles = {unit.article.id: unit.article.title for unit in units}
    vectors = [space.vector(content_words(title)) for title in titles.values()]
    return space.vectors @ np.mean(vectors, axis=0) if vectors else np.zeros(0)


def _support(units: Sequence[Unit], space: Space, similarity: np.ndarray) -> np.ndarray:
    articles = sorted({unit.article.id for unit in units})
    rows = {a: [i for i, unit in enumerate(units) if unit.article.id == a] for a in articles}
    support = np.zeros(len(units))
    if len(articles) == 1:
        centroid = space.vectors.sum(axis=0)
        norm = np.linalg.norm(centroid)
        return space.vectors @ (centroid / norm) if norm else support
    for i, unit in enumerate(units):
        others = [similarity[i, rows[a]].max() for a in articles if a != unit.article.id]
        support[i] = float(np.mean(others))
    return support
