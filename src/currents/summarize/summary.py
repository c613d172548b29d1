"""The event summary: 2-5 source sentences chosen by maximal marginal relevance, each cited.

MMR (Carbonell & Goldstein, 1998) picks, one at a time, the sentence with the
best trade-off between relevance and similarity to what is already chosen,
so two outlets' versions of the same fact do not both get in. Sentences are
kept verbatim (a summary says nothing no source says) and cite their own
article plus every other article's sentence that carries most of their words.
The headline's source sentence leads, and the sentence after it in its article
counts as a lead sentence too (it gains `lead_weight`): news is written so
that the second sentence carries the next most important facts, and the two
read on as one paragraph. The others follow in news order (earlier in their
article first, then first reporter first), and a sentence that leans on the
one before it ("He said...") comes right after that one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from currents.config import SummarizeConfig
from currents.model import Citation, SummarySentence
from currents.summarize.rank import Ranked, is_prose
from currents.summarize.units import Unit, overlap


def select_summary(
    units: Sequence[Unit],
    ranked: Sequence[Ranked],
    similarity: np.ndarray,
    config: SummarizeConfig,
    first: int | None = None,
) -> list[int]:
    """Indexes of the units that make the summary, in reading order.

    `first` (the headline's source sentence) opens the summary: the paragraph then
    starts with what happened, in the source's own words.
    """
    pool = [r for r in ranked if is_prose(units[r.index], config) and not r.speech]
    if first is not None:
        pool = [_as_lead(r, config) if _follows(units, r.index, first) else r for r in pool]
    chosen = [first] if first is not None else []
    words = sum(units[i].words for i in chosen)
    while len(chosen) < config.summary_max_sentences:
        best = _best_next(units, pool, chosen, similarity, words, config)
        if best is None:
            break
        chosen.append(best)
        words += units[best].words
    return _reading_order(units, chosen)


def _best_next(
    units: Sequence[Unit],
    pool: Sequence[Ranked],
    chosen: list[int],
    similarity: np.ndarray,
    words: int,
    config: SummarizeConfig,
) -> int | None:
    best, best_score = None, -np.inf
    for candidate in pool:
        index = candidate.index
        if index in chosen or (candidate.dangling and not _follows_chosen(units, index, chosen)):
            continue
        if len(chosen) >= config.summary_min_sentences and words + units[index].words > config.summary_max_words:
            continue
        redundancy = max((float(similarity[index, c]) for c in chosen), default=0.0)
        if redundancy >= config.redundancy:
            continue
        score = config.mmr_relevance * candidate.relevance - (1 - config.mmr_relevance) * redundancy
        if score > best_score:
            best, best_score = index, score
    return best


def _follows_chosen(units: Sequence[Unit], index: int, chosen: list[int]) -> bool:
    """The sentence just before `index` in its article is already in the summary."""
    return any(_follows(units, index, c) for c in chosen)


def _follows(units: Sequence[Unit], index: int, before: int) -> bool:
    """`index` is the sentence right after `before` in the same article."""
    unit, previous = units[index], units[before]
    return unit.article.id == previous.article.id and unit.sentence.index == previous.sentence.index + 1


def _as_lead(candidate: Ranked, config: SummarizeConfig) -> Ranked:
    return replace(candidate, relevance=candidate.relevance + config.lead_weight)


def _reading_order(units: Sequence[Unit], chosen: list[int]) -> list[int]:
    if not chosen:
        return []
    rest = sorted(chosen[1:], key=lambda i: (units[i].sentence.index, units[i].rank))
    ordered: list[int] = []
    for index in [chosen[0], *rest]:
        # Each sentence brings along, right behind it, the chosen sentences that continue it.
        following: int | None = index
        while following is not None and following not in ordered:
            ordered.append(following)
            following = _continuation(units, following, chosen)
    return ordered


def _continuation(units: Sequence[Unit], index: int, chosen: list[int]) -> int | None:
    return next((c for c in chosen if _follows(units, c, index)), None)


def cited(text: str, source: Unit, units: Sequence[Unit], config: SummarizeConfig) -> SummarySentence:
    """`text` citing `source` and, from every other article, the sentence that best carries it."""
    citations = [source.citation]
    best: dict[str, tuple[float, Citation]] = {}
    for unit in units:
        if unit.article.id == source.article.id:
            continue
        share = overlap(text, unit.text)
        if share >= config.citation_overlap and share > best.get(unit.article.id, (0.0, None))[0]:
            best[unit.article.id] = (share, unit.citation)
    citations += [citation for _, citation in best.values()]
    return SummarySentence(text, citations)


def lead_summary(units: Sequence[Unit], config: SummarizeConfig) -> list[int]:
    """A single article's summary: its lead, the first `summary_min_sentences` prose sentences."""
    return [i for i, unit in enumerate(units) if is_prose(unit, config)][: config.summary_min_sentences]
