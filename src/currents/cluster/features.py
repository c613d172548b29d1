"""What the clusterer compares: each article as weighted terms, weighted entities and a date span.

Term weights come from a fixed background model of English (wordfreq's
frequencies), not from the store's own counts: an article's vector then never
changes as the store grows, so clustering does not depend on what was ingested
before it. Entity weights do use the store (how many articles name an entity),
because which names are everywhere depends on the corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import numpy as np
from wordfreq import zipf_frequency

from currents.config import ClusterConfig
from currents.model import Article

# Words (letters first, then letters, digits, inner apostrophes or hyphens) and numbers of 2+ digits.
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?|\d{2,}")
_POSSESSIVE = re.compile(r"['’]s$")
# The Zipf scale tops out near 8 ("the" is 7.7); an unseen word scores 0, so this bounds the weight.
_ZIPF_CEILING = 8.0


Vector = dict[str, float]
# The last day of a span bounded only from below.
OPEN_END = date.max.toordinal()


@dataclass
class Features:
    """One article as the clusterer sees it."""

    id: str
    source: str | None
    published: datetime | None
    # First and last day (date ordinals) the happening can be on; None when nothing dates it.
    first_day: int | None
    last_day: int | None
    terms: Vector = field(default_factory=dict)
    entities: Vector = field(default_factory=dict)
    # Normalised sentence embedding of title and lead (None: not embedded).
    embedding: np.ndarray | None = None
    # How many articles the item stands for: 1 for an article, its reports for an event.
    reports: int = 1
    # What orders items of one first day (None: the id). An event keeps the id it was first given,
    # and which article came first depends on ingest order: events use their smallest article id.
    tiebreak: str | None = None

    @property
    def sort_key(self) -> tuple:
        """The order items are grouped in: by first day, then by what they are, never by when they came."""
        return (self.first_day if self.first_day is not None else math.inf, self.tiebreak or self.id)


@lru_cache(maxsize=200_000)
def term_weight(word: str, common_zipf: float) -> float:
    """Inverse frequency on a log scale: rare words weigh most; very common ones nothing."""
    zipf = zipf_frequency(word, "en")
    return 0.0 if zipf >= common_zipf else _ZIPF_CEILING - zipf


def tokens(text: str) -> list[str]:
    return [_POSSESSIVE.sub("", word.lower()) for word in _WORD.findall(text)]


def term_vector(article: Article, config: ClusterConfig) -> Vector:
    """Title (counted `title_weight` times), lead and keyphrases, weighted by rarity, L2-normalised."""
    counts: Counter[str] = Counter()
    for word in tokens(article.title):
        counts[word] += config.title_weight
    counts.update(tokens(article.text[: config.lead_chars]))
    for phrase in article.keyphrases:
        counts.update(tokens(phrase))
    vector = {}
    for word, count in counts.items():
        weight = term_weight(word, config.common_zipf)
        if weight:
            vector[word] = (1 + math.log(count)) * weight
    return normalise(vector)


def entity_vector(article: Article, idf: dict[str, float], config: ClusterConfig) -> Vector:
    """Canonical entities weighted by mentions, prominence (title/lead) and rarity in the store."""
    vector: Vector = {}
    for entity in article.entities:
        if not entity.entity_id:
            continue
        weight = (1 + math.log(max(entity.mentions, 1))) * idf.get(entity.entity_id, 1.0)
        if entity.first_offset < config.lead_entity_chars:
            weight *= 2
        vector[entity.entity_id] = vector.get(entity.entity_id, 0.0) + weight
    return normalise(vector)


def inverse_frequencies(counts: dict[str, int], total: int) -> dict[str, float]:
    """Smoothed IDF of entities from how many of `total` articles name each."""
    return {key: 1 + math.log((total + 1) / (count + 1)) for key, count in counts.items()}


def day_span(article: Article, window: int) -> tuple[int | None, int | None]:
    """The days the happening can be on.

    Its event date's span; else up to `window` days before publication; else, for an article that
    only dates its background ("Burundi left in 2017"), any day from its latest dated fact on (the
    news is not older than its own background); else unknown. An event date resolved against a
    borrowed reference does not count: which related article lent it depends on ingest order.
    """
    when = article.event_date
    if when and when.value and not when.borrowed:
        first = _parse_partial(when.value, when.granularity)
        if first is not None:
            return first.toordinal(), _last_day(first, when.granularity).toordinal()
    if article.published:
        day = article.published.date()
        return (day - timedelta(days=window)).toordinal(), day.toordinal()
    facts = [_parse_partial(f.date, f.granularity) for f in article.dated_facts]
    latest = max((d for d in facts if d is not None), default=None)
    if latest is not None:
        return latest.toordinal(), OPEN_END
    return None, None


def dated_closely(item: Features, window: int | None) -> bool:
    """Whether the item's days are known to within `window` (always, when time does not separate).

    Only such items are compared by embedding: what they are compared with is bounded by time, not
    by which stored groups a run reopens, so it does not depend on ingest order.
    """
    if window is None:
        return True
    return item.first_day is not None and item.last_day - item.first_day <= window


def _parse_partial(value: str, granularity: str | None) -> date | None:
    try:
        if granularity == "year":
            return date(int(value[:4]), 1, 1)
        if granularity == "month":
            return date(int(value[:4]), int(value[5:7]), 1)
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _last_day(first: date, granularity: str | None) -> date:
    if granularity == "year":
        return date(first.year, 12, 31)
    if granularity == "month":
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return first


def instant(moment: datetime) -> datetime:
    """A comparable moment: publication times without a zone are taken as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def featurize(
    article: Article, idf: dict[str, float], config: ClusterConfig, embedding: np.ndarray | None = None
) -> Features:
    first, last = day_span(article, config.event_window_days)
    return Features(
        id=article.id,
        source=article.source,
        published=instant(article.published) if article.published else None,
        first_day=first,
        last_day=last,
        terms=term_vector(article, config),
        entities=entity_vector(article, idf, config),
        embedding=embedding,
    )


# -- sparse vectors -------------------------------------------------------------
def normalise(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def dot(small: Vector, large: Vector) -> float:
    """Dot product, iterating over the smaller vector (pass it first)."""
    return sum(value * large.get(key, 0.0) for key, value in small.items())


def top(vector: Vector, size: int) -> Vector:
    """The `size` heaviest entries (ties broken by key, so the cut never depends on insertion order)."""
    return dict(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:size])
