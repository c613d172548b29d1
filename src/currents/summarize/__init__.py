"""The summarize stage: an event's headline, summary and side-by-side comparison of its sources.

`summarize_event` works on the analysed articles of one event (sentences,
canonical entities, resolved dates), independently of how the event was
found. Every statement it makes cites the source sentences it comes from:

- headline (headline.py, rewrite.py): the most relevant sentence, rewritten
  by checkable rules into one present-tense, self-contained sentence;
- summary (summary.py): 2-5 verbatim source sentences chosen by maximal
  marginal relevance (rank.py scores relevance);
- comparison: claims grouped across outlets and the conflicts inside them
  (compare.py), quotes with their speakers (quotes.py), and how loaded each
  outlet's own voice is (framing.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from currents.config import SummarizeConfig
from currents.model import Article, Comparison, Entity, EventSummary, SummarySentence
from currents.summarize.actors import Actors
from currents.summarize.compare import claims_and_conflicts
from currents.summarize.framing import outlet_framing
from currents.summarize.headline import choose_headline, title_headline
from currents.summarize.quotes import event_quotes
from currents.summarize.rank import rank_units
from currents.summarize.summary import cited, lead_summary, select_summary
from currents.summarize.units import Space, Unit, by_publication, event_units, outlet_name


def summarize_event(
    articles: Sequence[Article], config: SummarizeConfig, entities: Mapping[str, Entity] | None = None
) -> EventSummary:
    """Headline, summary and comparison for the articles of one event.

    `entities` (canonical id -> Entity) gives display names; without it the
    articles' own fullest names are used. Articles without sentences
    (headline-only, or in a language the understanding stage skips) still
    count as sources; when no article has a sentence, the first reporter's
    title is the headline and the summary is empty.
    """
    ordered = by_publication(articles)
    if not ordered:
        raise ValueError("an event needs at least one article to summarize")
    single_source = len({outlet_name(article) for article in ordered}) == 1
    units = event_units(ordered)
    if not units:
        return EventSummary(title_headline(_first_titled(ordered)), single_source=single_source)
    actors = Actors(ordered, entities)
    space = Space([unit.text for unit in units])
    similarity = space.similarities()
    ranked = rank_units(units, space, similarity, actors, config)
    headline = choose_headline(units, ranked, actors, config)
    if len(ordered) == 1:
        chosen = lead_summary(units, config)
    else:
        chosen = select_summary(units, ranked, similarity, config, _source_unit(units, headline))
    claims, conflicts = claims_and_conflicts(units, ranked, similarity, actors, config)
    return EventSummary(
        headline=headline or title_headline(_first_titled(ordered)),
        summary=[cited(units[i].text, units[i], units, config) for i in chosen],
        comparison=Comparison(
            facts=claims,
            conflicts=conflicts,
            quotes=event_quotes(ordered, actors, config),
            framing=outlet_framing(units, actors, config),
        ),
        single_source=single_source,
    )


def _source_unit(units: Sequence[Unit], headline: SummarySentence | None) -> int | None:
    """Index of the unit the headline was rewritten from (its first citation)."""
    if headline is None:
        return None
    source = headline.citations[0]
    return next(
        (i for i, u in enumerate(units) if u.article.id == source.article_id and u.sentence.index == source.sentence),
        None,
    )


def _first_titled(articles: Sequence[Article]) -> Article:
    return next((article for article in articles if article.title.strip()), articles[0])


__all__ = ["summarize_event"]
