"""One grouping method for both levels: articles into events, events into stories.

Items are visited in a fixed order (by first day, then by what they are: see
`Features.sort_key`), never in input order, so shuffling the input cannot
change the outcome. Each item joins the most similar group within reach or
starts one; a second pass then moves every item to the group it now fits best
(groups formed late can take items from groups formed early), which removes
most of what visiting order still decides.
Within reach means within the time window, and for an item with bounded days
only groups that such items date: the stage reopens stored events for those by
their days, for open-ended and undated ones by shared entities, so a batch
regroups what grouping everything at once would have compared. Last, an item
reported once or twice and still alone may join the established group it fits
best at a lower threshold (see `_attach_lone_items`).

Candidate groups come from an inverted index over each group's heaviest terms
and entities, scanning only the latest `postings_scanned` groups per key, so
the cost of one item does not grow with how many groups exist; and, when items
carry sentence embeddings, from the groups of each item's nearest items by
embedding (see `neighbours`). An embedding likeness weighs in the score only
as far as it singles one candidate out (see `_scores`): headlines of two
happenings of one kind read alike to an encoder.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from currents.cluster.features import OPEN_END, Features, Vector, dated_closely, dot, top
from currents.cluster.neighbours import semantic_neighbours

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
    # Days a group may span at most (first to last day), unless one of its items alone spans more:
    # reports a few days apart each must not chain into a month-long group. None: no limit.
    max_span_days: int | None = None
    # Share of the embedding likeness in a score (0: embeddings are not used at all)...
    semantic_share: float = 0.0
    # ...and each item's nearest items by embedding (cosine >= floor) whose groups are candidates.
    semantic_neighbours: int = 0
    semantic_floor: float = 0.0
    # Items with more weighted terms than this weigh the embedding likeness less, by this many over
    # their count (0: all fully): see `_scores`.
    semantic_full_terms: int = 0
    # An item left alone in its group that stands for at most `attach_max_reports` articles joins the
    # established group (two or more items, or stored) it scores best against, if at least
    # `attach_threshold`: see `_attach_lone_items`. 0: items are never attached.
    attach_max_reports: int = 0
    attach_threshold: float = 0.0


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
    # Sum of the members' embeddings (None while no member has one), its squared norm, how many are in it.
    embedding: np.ndarray | None = None
    embedding_norm2: float = 0.0
    embedded: int = 0
    # The days its happening can be on: the span of its members with bounded days if it has any
    # (`bounded`), else of its open-ended ones (each only says "on or after" its latest background).
    first_day: int | None = None
    last_day: int | None = None
    bounded: bool = False

    def add(self, item: Features, weight: float = 1.0) -> None:
        """Add an item's vectors (`weight` -1 takes a stored member's out of a stored sum)."""
        self._add_vectors(item, weight)
        if weight > 0:
            self._widen(item)

    def _widen(self, item: Features) -> None:
        if item.first_day is None:
            return
        bounded = item.last_day != OPEN_END
        if self.first_day is None or (bounded and not self.bounded):
            self.first_day, self.last_day, self.bounded = item.first_day, item.last_day, bounded
        elif bounded == self.bounded:
            self.first_day = min(self.first_day, item.first_day)
            self.last_day = max(self.last_day, item.last_day)

    def join(self, item: Features) -> None:
        self.members[item.id] = item
        self.add(item)

    def leave(self, item: Features) -> None:
        del self.members[item.id]
        self._add_vectors(item, -1.0)
        if item.first_day is not None and (item.first_day == self.first_day or item.last_day == self.last_day):
            self.first_day, self.last_day, self.bounded = None, None, False
            for member in self.members.values():
                self._widen(member)

    def _add_vectors(self, item: Features, weight: float) -> None:
        self.terms_norm2 = _add(self.terms, self.terms_norm2, item.terms, weight)
        self.entities_norm2 = _add(self.entities, self.entities_norm2, item.entities, weight)
        if item.embedding is None:
            return
        self.embedded += 1 if weight > 0 else -1
        if self.embedded <= 0:
            # The last embedded member left: drop the float residue rather than compare with it.
            self.embedding, self.embedding_norm2, self.embedded = None, 0.0, 0
            return
        scaled = weight * item.embedding
        self.embedding = scaled if self.embedding is None else self.embedding + scaled
        self.embedding_norm2 = float(self.embedding @ self.embedding)


@dataclass
class _Layout:
    """One `fit` as it goes: the groups by position, an inverted index from lookup keys to positions,
    each placed item's position, and each item's nearest items by embedding."""

    near: dict[str, list[str]]
    groups: list[Group] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    home: dict[str, int] = field(default_factory=dict)


def _alone(group: Group) -> bool:
    """A group formed in this run with at most one member: not a thread to join, nor one to keep."""
    return group.id is None and len(group.members) <= 1


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
        layout = _Layout(near=self._near(items))
        for seed in seeds:
            self._index(layout.index, len(layout.groups), seed)
            layout.groups.append(seed)
        ordered = sorted(items, key=lambda f: f.sort_key)
        for item in ordered:
            scores = self._scores(item, layout.groups, self._reachable(item, layout))
            best = self._pick(scores, self.params.threshold)
            if best is None:
                best = len(layout.groups)
                layout.groups.append(Group())
            self._place(item, best, layout)
        self._reassign(ordered, layout)
        self._attach_lone_items(ordered, layout)
        return [g for g in layout.groups if g.members or g.id is not None]

    def _near(self, items: list[Features]) -> dict[str, list[str]]:
        """Each item's nearest items by embedding (none when embeddings do not count)."""
        if not self.params.semantic_share:
            return {}
        params = self.params
        return semantic_neighbours(items, params.semantic_neighbours, params.semantic_floor, params.window_days)

    def _reassign(self, ordered: list[Features], layout: _Layout) -> None:
        groups = layout.groups
        for item in ordered:
            position = layout.home[item.id]
            groups[position].leave(item)
            scores = self._scores(item, groups, self._reachable(item, layout) | {position})
            best = self._pick(scores, self.params.threshold)
            if best is None or scores[best] <= scores.get(position, 0.0):
                best = position
            self._place(item, best, layout)

    def _attach_lone_items(self, ordered: list[Features], layout: _Layout) -> None:
        """Let thinly reported items alone in their group join the established group they fit best.

        One threshold cannot serve both ends: an item reported once or twice says little, so its
        likeness to the thread it belongs to is often low (a piece on one witness of an attack, one
        match of a season), yet starting a thread needs the full threshold. Such an item joins a group
        of two or more items (or a stored one) at the lower `attach_threshold`; two lone items never
        make a group this way, and one reported more often stands as a thread of its own.
        """
        params, groups = self.params, layout.groups
        if not params.attach_max_reports:
            return
        for item in ordered:
            position = layout.home[item.id]
            if item.reports > params.attach_max_reports or not _alone(groups[position]):
                continue
            candidates = self._reachable(item, layout) - {position}
            scores = self._scores(item, groups, {c for c in candidates if not _alone(groups[c])})
            best = self._pick(scores, params.attach_threshold)
            if best is not None:
                groups[position].leave(item)
                self._place(item, best, layout)

    def _place(self, item: Features, position: int, layout: _Layout) -> None:
        """Put the item in the group at `position` and index that group under its keys."""
        layout.groups[position].join(item)
        self._index(layout.index, position, item)
        layout.home[item.id] = position

    def _index(self, index: dict[str, list[int]], position: int, item: Features | Group) -> None:
        for key in self._keys(item):
            postings = index[key]
            if position not in postings[-self.params.postings_scanned :]:
                postings.append(position)

    def _keys(self, item: Features | Group) -> list[str]:
        size = self.params.lookup_keys
        return [f"t:{k}" for k in top(item.terms, size)] + [f"e:{k}" for k in top(item.entities, size)]

    @staticmethod
    def _pick(scores: dict[int, float], threshold: float) -> int | None:
        """The highest-scoring group (ties: the first formed) if it reaches `threshold`."""
        best = max(scores, key=lambda position: (scores[position], -position), default=None)
        return best if best is not None and scores[best] >= threshold else None

    def _reachable(self, item: Features, layout: _Layout) -> set[int]:
        """The groups to score the item against: those sharing the most lookup keys with it, and those
        its nearest items by embedding are in now (those placed already)."""
        home = layout.home
        nearest = {home[other] for other in layout.near.get(item.id, ()) if other in home}
        return nearest.union(self._candidates(item, layout.index))

    def _scores(self, item: Features, groups: list[Group], positions: set[int]) -> dict[int, float]:
        """The item's score against each candidate group within reach.

        Terms and entities by cosine; the embedding by how much more alike the item is to that group
        than to the next most alike candidate. Reports of two happenings of one kind ("X beat Y", "Z
        beat W") read alike to an encoder, so an embedding likeness counts only where it singles one
        group out. An item with a full lead weighs that likeness less (`semantic_full_terms`): shared words
        and names over a whole lead are the stronger evidence, and the encoder reads only the title and
        a sentence. Then the outlet check.
        """
        parts = {
            position: (self._lexical(item, groups[position]), self._semantic(item, groups[position]))
            for position in positions
            if (groups[position].members or groups[position].id is not None) and self._in_window(item, groups[position])
        }
        alike = sorted((semantic for _, semantic in parts.values() if semantic is not None), reverse=True)
        share = self.params.semantic_share
        full = self.params.semantic_full_terms
        if full and len(item.terms) > full:
            share *= full / len(item.terms)
        scores = {}
        for position, (lexical, semantic) in parts.items():
            score = lexical
            if semantic is not None:
                others = alike[1:] if semantic >= alike[0] else alike
                score = (1 - share) * lexical + share * max(semantic - (others[0] if others else 0.0), 0.0)
            if score and self._same_outlet_within_hour(item, groups[position]):
                score *= self.params.same_outlet_factor
            scores[position] = score
        return scores

    def _candidates(self, item: Features, index: dict[str, list[int]]) -> list[int]:
        """The groups sharing the most lookup keys with the item (at most `max_candidates`)."""
        shared: Counter[int] = Counter()
        for key in self._keys(item):
            shared.update(index.get(key, ())[-self.params.postings_scanned :])
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[: self.params.max_candidates]
        return [position for position, _count in ranked]

    def _lexical(self, item: Features, group: Group) -> float:
        """Cosine of terms, mixed with that of entities when the item names any."""
        terms = dot(item.terms, group.terms) / math.sqrt(group.terms_norm2) if group.terms_norm2 > 0 else 0.0
        if item.entities and group.entities_norm2 > 0:
            entities = dot(item.entities, group.entities) / math.sqrt(group.entities_norm2)
            return self.params.term_share * terms + (1 - self.params.term_share) * entities
        return terms

    def _semantic(self, item: Features, group: Group) -> float | None:
        """The item's mean embedding cosine with the members (None when embeddings do not count).

        The mean (average linkage), not the cosine with the members' sum: the sum of many different
        reports points at "news in general", close to every headline.
        """
        if not self.params.semantic_share or item.embedding is None or group.embedding_norm2 <= 0:
            return None
        if not dated_closely(item, self.params.window_days):
            # Its candidates, and so the margin its likeness is read against, would depend on which
            # stored groups a run reopens (by shared entities), that is on ingest order.
            return None
        return float(item.embedding @ group.embedding) / group.embedded

    def _in_window(self, item: Features, group: Group) -> bool:
        window = self.params.window_days
        if window is None or item.first_day is None:
            return True
        if not group.bounded:
            # An item with bounded days joins only groups with such members: a later ingest reopens
            # stored events for it by their days, so it must not depend on open-ended or undated ones.
            return item.last_day == OPEN_END
        gap = max(item.first_day - group.last_day, group.first_day - item.last_day, 0)
        if gap > window:
            return False
        limit = self.params.max_span_days
        if limit is None:
            return True
        span = max(item.last_day, group.last_day) - min(item.first_day, group.first_day)
        return span <= max(limit, item.last_day - item.first_day, group.last_day - group.first_day)

    @staticmethod
    def _same_outlet_within_hour(item: Features, group: Group) -> bool:
        if not item.source or not item.published:
            return False
        return any(
            m.source == item.source and m.published and abs(m.published - item.published) < _HOUR
            for m in group.members.values()
        )
