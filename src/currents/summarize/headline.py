"""The event headline: the most relevant sentence that the headline rules can turn into one.

The top-ranked lead sentences (relevance from rank.py; the first
`headline_lead_sentences` of each article, else any) are rewritten in turn
(rewrite.py) and the best result wins, its relevance raised by how closely it
says what the outlets' titles say; a sentence whose subject names nobody
("The President signed...") loses `unnamed_subject_penalty`, as a headline
must stand on its own. When no article has a usable sentence (headline-only
articles, text in another language), the first reporter's title, cleaned,
is the headline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from currents.config import SummarizeConfig
from currents.model import Article, Citation, SummarySentence
from currents.summarize.actors import Actors
from currents.summarize.rank import Ranked, is_prose
from currents.summarize.rewrite import rewrite_headline
from currents.summarize.summary import cited
from currents.summarize.units import Unit, outlet_name
from currents.text.metadata import strip_title_tags

_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:]\s+")


def choose_headline(
    units: Sequence[Unit], ranked: Sequence[Ranked], actors: Actors, config: SummarizeConfig
) -> SummarySentence | None:
    """The best rewritten sentence with its citations, or None when no sentence qualifies."""
    usable = [r for r in ranked if is_prose(units[r.index], config) and not r.speech and not r.dangling]
    leads = [r for r in usable if units[r.index].sentence.index < config.headline_lead_sentences]
    return _best_rewrite(units, leads, actors, config) or _best_rewrite(units, usable, actors, config)


def _best_rewrite(
    units: Sequence[Unit], pool: list[Ranked], actors: Actors, config: SummarizeConfig
) -> SummarySentence | None:
    pool = sorted(pool, key=lambda r: -r.relevance)
    best: tuple[float, str, int] | None = None
    for candidate in pool[: config.headline_candidates]:
        rewrite = rewrite_headline(units[candidate.index].text, actors, config)
        if rewrite is None:
            continue
        score = (
            candidate.relevance
            + config.headline_title_weight * candidate.titles
            - (0.0 if rewrite.named_subject else config.unnamed_subject_penalty)
        )
        if best is None or score > best[0]:
            best = (score, rewrite.text, candidate.index)
    if best is None:
        return None
    _, text, index = best
    return cited(text, units[index], units, config)


def title_headline(article: Article) -> SummarySentence:
    """The article's title without tags ("[PPIO]") or a trailing outlet name, citing the title."""
    title = clean_title(article)
    start = max(article.title.find(title), 0)
    return SummarySentence(title, [Citation(article.id, None, start, start + len(title))])


def clean_title(article: Article) -> str:
    title = " ".join(strip_title_tags(article.title).split())
    parts = _TITLE_SEPARATOR.split(title)
    outlet = outlet_name(article).casefold()
    if len(parts) > 1 and parts[-1].casefold() in (outlet, (article.source or "").casefold()):
        title = title[: title.rfind(parts[-1])].rstrip(" -|–—:")
    return title
