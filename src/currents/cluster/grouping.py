"""One grouping method for both levels: articles into events, events into stories.

Items are visited in a fixed order (by first day, then id), never in input
order, so shuffling the input cannot change the outcome. Each item joins the
most similar group within reach or starts one; a second pass then moves every
item to the group it now fits best (groups formed late can take items from
groups formed early), which removes most of what visiting order still decides.

Candidate groups come from an inverted index over each group's heaviest terms
and entities, scanning only the latest `postings_scanned` groups per key, so
the cost of one item does not grow with how many groups exist.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from currents.cluster.features import Features, Vector, dot, top

_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class GroupingParams:
    term_share: float
    threshold: float
    # Days apart beyond which two items never share a group; None: time does not separate.
    window_days: int | None
    lookup_keys: int
    postings_scanned: int
    # Only the groups sharing the most lookup keys with an item are scored.
    max_candidates: int
    same_outlet_factor: float = 1.0


@dataclass
class Group:
    """A group being formed: running sums of its members' vectors and the days it spans."""

    id: str | None = None
    # Members by id (a dict: removing one is cheap, order is kept).
    members: dict[str, Features] = field(default_factory=dict)
    terms: Vector = field(default_factory=dict)
    entities: Vector = field(default_factory=dict)
    terms_norm2: float = 0.0
    entities_norm2: float = 0.0
    first_day: int | None = None
    last_day: int | None = None

    def add(self, item: Features, weight: float = 1.0) -> None:
        """Add an item's vectors (`weight` -1 takes a stored member's out of a stored sum)."""
        self.terms_norm2 = _add(self.terms, self.terms_norm2, item.terms, weight)
        self.entities_norm2 = _add(self.entities, self.entities_norm2, item.entities, weight)
        if item.first_day is not None:
            self.first_day = item.first_day if self.first_day is None else min(self.first_day, item.first_day)
            self.last_day = item.last_day if self.last_day is None else max(self.last_day, item.last_day)

    def join(self, item: Features) -> None:
        self.members[item.id] = item
        self.add(item)

    def leave(self, item: Features) -> None:
        del self.members[item.id]
        self.terms_norm2 = _add(self.terms, self.terms_norm2, item.terms, -1.0)
        self.entities_norm2 = _add(self.entities, self.entities_norm2, item.entities, -1.0)
        if item.first_day is not None and (item.first_day == self.first_day or item.last_day == self.last_day):
            dated = [m for m in self.members.values() if m.first_day is not None]
            self.first_day = min((m.first_day for m in dated), default=None)
            self.last_day = max((m.last_day for m in dated), default=None)


def _add(total: Vector, norm2: float, vector: Vector, weight: float) -> float:
    """Add `weight` x `vector` into `total` in place; returns the new squared norm."""
    cross = dot(vector, total)
    for key, value in vector.items():
        total[key] = total.get(key, 0.0) + weight * value
    squared = sum(v * v for v in vector.values())
    return max(norm2 + 2 * weight * cross + weight * weight * squared, 0.0)


class Grouping:
    """Groups items (articles or events) by similarity; `fit` returns the groups."""

    def __init__(self, params: GroupingParams) -> None:
        self.params = params

    def fit(self, items: list[Features], seeds: list[Group] = ()) -> list[Group]:
        """Group `items`; they may also join `seeds`, existing groups (with an `id`) summed by the caller."""
        groups: list[Group] = []
        index: dict[str, list[int]] = defaultdict(list)
        for seed in seeds:
            self._index(index, len(groups), seed)
            groups.append(seed)
        home: dict[str, int] = {}
        for item in sorted(items, key=lambda f: f.sort_key):
            best, _score = self._best(item, groups, index)
            if best is None:
                best = len(groups)
                groups.append(Group())
            groups[best].join(item)
            self._index(index, best, item)
            home[item.id] = best
        self._reassign(items, groups, index, home)
        return [g for g in groups if g.members or g.id is not None]

    def _reassign(self, items: list[Features], groups: list[Group], index: dict[str, list[int]], home: dict[str, int]) -> None:
        for item in sorted(items, key=lambda f: f.sort_key):
            current = groups[home[item.id]]
            current.leave(item)
            best, score = self._best(item, groups, index)
            stay = self.score(item, current) if current.members or current.id is not None else 0.0
            if best is None or score <= stay:
                best = home[item.id]
            groups[best].join(item)
            self._index(index, best, item)
            home[item.id] = best

    def _index(self, index: dict[str, list[int]], position: int, item: Features | Group) -> None:
        for key in self._keys(item):
            postings = index[key]
            if position not in postings[-self.params.postings_scanned :]:
                postings.append(position)

    def _keys(self, item: Features | Group) -> list[str]:
        size = self.params.lookup_keys
        return [f"t:{k}" for k in top(item.terms, size)] + [f"e:{k}" for k in top(item.entities, size)]

    def _best(self, item: Features, groups: list[Group], index: dict[str, list[int]]) -> tuple[int | None, float]:
        best, best_score = None, self.params.threshold
        for position in self._candidates(item, index):
            group = groups[position]
            if not group.members and group.id is None:
                continue
            score = self._similarity(item, group)
            if score < best_score:
                continue  # the outlet check below can only lower a score
            if self._same_outlet_within_hour(item, group):
                score *= self.params.same_outlet_factor
            if score >= best_score and (best is None or score > best_score):
                best, best_score = position, score
        return best, best_score

    def _candidates(self, item: Features, index: dict[str, list[int]]) -> list[int]:
        """The groups sharing the most lookup keys with the item (at most `max_candidates`)."""
        shared: Counter[int] = Counter()
        for key in self._keys(item):
            shared.update(index.get(key, ())[-self.params.postings_scanned :])
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[: self.params.max_candidates]
        return sorted(position for position, _count in ranked)

    def score(self, item: Features, group: Group) -> float:
        """Similarity of an item to a group: terms and entities by cosine, gated by time and outlet."""
        similarity = self._similarity(item, group)
        if similarity and self._same_outlet_within_hour(item, group):
            similarity *= self.params.same_outlet_factor
        return similarity

    def _similarity(self, item: Features, group: Group) -> float:
        if not self._in_window(item, group):
            return 0.0
        terms = dot(item.terms, group.terms) / math.sqrt(group.terms_norm2) if group.terms_norm2 > 0 else 0.0
        if item.entities and group.entities_norm2 > 0:
            entities = dot(item.entities, group.entities) / math.sqrt(group.entities_norm2)
            return self.params.term_share * terms + (1 - self.params.term_share) * entities
        return terms

    def _in_window(self, item: Features, group: Group) -> bool:
        window = self.params.window_days
        if window is None or item.first_day is None or group.first_day is None:
            return True
        gap = max(item.first_day - group.last_day, group.first_day - item.last_day, 0)
        return gap <= window

    @staticmethod
    def _same_outlet_within_hour(item: Features, group: Group) -> bool:
        if not item.source or not item.published:
            return False
        return any(
            m.source == item.source and m.published and abs(m.published - item.published) < _HOUR
            for m in group.members.values()
        )
