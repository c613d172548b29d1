"""The cluster stage over the store: new articles into events, events into stories, related events.

Incremental without depending on arrival order: new articles reopen every
stored event whose days come near theirs (and, for undated articles, events
sharing their entities), and that neighbourhood is regrouped from scratch in a
fixed order. Regrouped events keep the ids of the stored events they overlap
most, so pages and links stay put as events grow. The work per run is bounded
by the neighbourhood, not by the size of the store.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from currents.cluster.features import (
    OPEN_END,
    Features,
    Vector,
    day_span,
    featurize,
    instant,
    inverse_frequencies,
    normalise,
    tokens,
    top,
)
from currents.cluster.grouping import Group, Grouping, GroupingParams
from currents.config import ClusterConfig
from currents.model import PERSON_TYPE, PLACE_TYPES, Article, ContextEntity, Entity, Event, RelatedEvent, Story
from currents.progress import Progress
from currents.store import Store
from currents.text.countries import name_key
from currents.text.embedding import Embedder, decode


# A name this long or longer that starts another ("Fed", "Federal Reserve") is a form of it; shorter
# ones start too many ("EU", "Euro").
_MIN_PREFIX_NAME = 3


@dataclass
class ClusterReport:
    articles: int = 0
    events: int = 0
    stories: int = 0

    def summary(self) -> str:
        return f"{self.articles} articles clustered into {self.events} new or updated events, {self.stories} stories"


class ClusterStage:
    """Runs the cluster stage over every analysed article not yet in an event."""

    def __init__(self, store: Store, config: ClusterConfig) -> None:
        self.store = store
        self.config = config
        self.event_grouping = Grouping(
            GroupingParams(
                term_share=config.event_term_share,
                threshold=config.event_threshold,
                window_days=config.event_window_days,
                max_span_days=config.event_max_days,
                lookup_keys=config.lookup_keys,
                postings_scanned=config.postings_scanned,
                max_candidates=config.max_candidates,
                same_outlet_factor=config.same_outlet_factor,
                semantic_share=config.event_semantic_share if config.embeddings else 0.0,
                semantic_neighbours=config.semantic_neighbours,
                semantic_floor=config.semantic_floor,
                semantic_full_terms=config.semantic_full_terms,
            )
        )
        self.story_grouping = Grouping(
            GroupingParams(
                term_share=config.story_term_share,
                threshold=config.story_threshold,
                attach_max_reports=config.story_attach_max_reports,
                attach_threshold=config.story_attach_threshold,
                window_days=None,
                lookup_keys=config.lookup_keys,
                postings_scanned=config.postings_scanned,
                max_candidates=config.max_candidates,
            )
        )

    def run(self, progress: Progress | None = None) -> ClusterReport:
        pending = self.store.articles_for_clustering(self.store.unclustered_article_ids(), self.config.lead_chars)
        if not pending:
            return ClusterReport()
        if progress:
            progress("clustering", 0, len(pending), None)
        # One transaction: events, stories and related events are written together or not at all.
        with self.store.transaction():
            old_events = self.store.get_events(self._reopened(pending))
            # A re-analysed article is both pending and a member of the event it reopens: read it once.
            pending_ids = {a.id for a in pending}
            members = [i for event in old_events for i in event.article_ids if i not in pending_ids]
            articles = pending + self.store.articles_for_clustering(members, self.config.lead_chars)
            idf = self._entity_idf(_entity_ids(articles))
            embeddings = self._embeddings(articles)
            groups = self.event_grouping.fit([featurize(a, idf, self.config, embeddings.get(a.id)) for a in articles])
            events = self._events(groups, {a.id: a for a in articles}, old_events)
            kept = {event.id for event in events}
            self.store.replace_events([e.id for e in old_events if e.id not in kept], events)
            stories = self._stories(events, old_events)
            self._relate(events, stories)
        if progress:
            progress("clustering", len(pending), len(pending), None)
        return ClusterReport(len(pending), len(events), len(stories))

    # -- which stored events to regroup -------------------------------------
    def _reopened(self, pending: list[Article]) -> list[str]:
        window = self.config.event_window_days
        limit = self.config.postings_scanned
        spans = {a.id: day_span(a, window) for a in pending}
        dated = [a for a in pending if spans[a.id][0] is not None and spans[a.id][1] != OPEN_END]
        dated_ids = {a.id for a in dated}
        # A re-analysed article leaves the event it was in: that event is regrouped too.
        reopened = {a.event_id for a in pending if a.event_id}
        if dated:
            first = date.fromordinal(min(spans[a.id][0] for a in dated) - window).isoformat()
            last = date.fromordinal(max(spans[a.id][1] for a in dated) + window).isoformat()
            reopened.update(self.store.event_ids_between(first, last))
            # A stored undated (or open-ended) event may report the same happening: the other half of the rule
            # below, without which an undated report ingested before the dated ones would keep its own event.
            reopened.update(self.store.open_event_ids_sharing_entities(_entity_ids(dated), last, limit))
        # Undated (or open-ended) articles may belong anywhere in time: reopen what shares their entities.
        undated = [a for a in pending if a.id not in dated_ids]
        if undated:
            shared = self.store.event_ids_sharing_entities(_entity_ids(undated), limit)
            reopened.update(event_id for event_id, _count in shared)
        return sorted(reopened)

    def _embeddings(self, articles: list[Article]) -> dict[str, np.ndarray]:
        """Stored embeddings of the articles; any without one (analysed before embeddings were on) is encoded now."""
        if not self.config.embeddings:
            return {}
        stored = self.store.article_embeddings([a.id for a in articles], self.config.embedding_model)
        missing = [a for a in articles if a.id not in stored]
        if missing:
            stored.update(Embedder(self.config).save(self.store, missing))
        return {article_id: decode(blob) for article_id, blob in stored.items()}

    def _entity_idf(self, entity_ids: Iterable[str]) -> dict[str, float]:
        return inverse_frequencies(self.store.entity_article_counts(entity_ids), self.store.count_articles())

    # -- events -------------------------------------------------------------
    def _events(self, groups: list[Group], articles: dict[str, Article], old_events: list[Event]) -> list[Event]:
        old_of = {article_id: e.id for e in old_events for article_id in e.article_ids}
        story_of = {e.id: e.story_id for e in old_events}
        ids = _stable_ids(groups, old_of, "e", self._stored_event_ids, taken=set())
        return [
            self._event(event_id, group, [articles[i] for i in group.members], story_of.get(event_id))
            for event_id, group in zip(ids, groups, strict=True)
        ]

    def _stored_event_ids(self, event_ids: list[str]) -> set[str]:
        return {event.id for event in self.store.get_events(event_ids)}

    def _event(self, event_id: str, group: Group, members: list[Article], story_id: str | None) -> Event:
        members.sort(key=lambda a: (a.published is None, instant(a.published) if a.published else 0, a.id))
        published = sorted((a.published for a in members if a.published), key=instant)
        when, granularity = _event_date(members)
        return Event(
            id=event_id,
            date=when,
            granularity=granularity,
            headline=next((a.title for a in members if a.title), ""),
            article_ids=[a.id for a in members],
            story_id=story_id,
            first_published=published[0] if published else None,
            last_published=published[-1] if published else None,
            context=self._context(members, group.entities),
            keyphrases=_common_phrases([a.keyphrases for a in members], self.config.context_size),
            vector=self._vector(
                _without(group.terms, _person_name_words(members)), self._story_weights(group.entities, members)
            ),
            first_day=date.fromordinal(group.first_day).isoformat() if group.first_day is not None else None,
            # Open-ended (undated news after its latest background fact): reopened by entities, not by days.
            last_day=date.fromordinal(group.last_day).isoformat() if group.last_day not in (None, OPEN_END) else None,
        )

    def _context(self, members: list[Article], weights: Vector) -> list[ContextEntity]:
        """The entities that matter most: summed over the articles, by mentions, prominence and rarity."""
        articles: Counter[str] = Counter()
        names: dict[str, ContextEntity] = {}
        for article in members:
            named = [e for e in article.entities if e.entity_id]
            for entity in named:
                names.setdefault(entity.entity_id, ContextEntity(entity.entity_id, entity.name, entity.type))
            articles.update({e.entity_id for e in named})
        ranked = [i for i in top(weights, self.config.context_size) if i in names]
        return [ContextEntity(i, names[i].name, names[i].type, articles[i]) for i in ranked]

    def _story_weights(self, entities: Vector, members: list[Article]) -> Vector:
        """The entities as stories compare them: places weigh `story_place_weight` of their event weight.

        A place is where a happening is, not what a thread of happenings is about: an earthquake and an
        air crash in Japan, a rail sabotage and a government's fall in France are different stories.
        """
        places = {e.entity_id for a in members for e in a.entities if e.entity_id and e.type in PLACE_TYPES}
        factor = self.config.story_place_weight
        return {key: value * factor if key in places else value for key, value in entities.items()}

    def _vector(self, terms: Vector, entities: Vector) -> dict[str, Vector]:
        size = self.config.vector_size
        return {"terms": top(normalise(terms), size), "entities": top(normalise(entities), size)}

    # -- stories ------------------------------------------------------------
    def _stories(self, events: list[Event], old_events: list[Event]) -> list[Story]:
        """Regroup the new or regrouped events, with the events of every story they may join, into stories.

        A candidate story's events (its latest `story_reopen_events`) are regrouped too, so stories
        come out as one grouping of all those events would make them, whatever order the events
        arrived in; only the older rest of a longer story stays put, as its summed vector.
        """
        candidate_ids = {e.story_id for e in old_events if e.story_id} | self._stories_sharing_keys(events)
        stored = self.store.get_stories(sorted(candidate_ids))
        regrouped = {e.id for e in old_events} | {e.id for e in events}
        reopened = self.store.get_events(self._reopened_story_events(stored, regrouped))
        old_story = {e.id: e.story_id for e in old_events + reopened if e.story_id}
        seeds, kept_events = [], {}
        for story in stored:
            kept = [i for i in story.event_ids if i not in regrouped and i not in old_story]
            if kept:
                seeds.append(self._story_seed(story, [e for e in old_events + reopened if e.story_id == story.id]))
                kept_events[story.id] = kept
        items = events + reopened
        groups = self.story_grouping.fit([_event_features(e) for e in items], seeds)
        fresh_groups = [g for g in groups if g.id is None]
        fresh = iter(_stable_ids(fresh_groups, old_story, "s", self._stored_story_ids, taken=set(kept_events)))
        by_id = {e.id: e for e in items}
        touched = set(old_story.values())
        previous = {story.id: story for story in stored}
        stories = []
        for group in groups:
            if group.id is not None and not group.members and group.id not in touched:
                continue  # a story nothing joined or left: unchanged
            story_id = group.id or next(fresh)
            members = [by_id[i] for i in group.members]
            # A seed keeps its older events (and their dates and keyphrases); a regrouped story is its members.
            seed = group.id is not None
            kept = kept_events.get(story_id, []) if seed else []
            stories.append(self._story(story_id, group, kept, members, previous.get(story_id) if seed else None))
        self.store.replace_stories([], stories, self.config.context_size, self.config.lookup_keys)
        return stories

    def _stories_sharing_keys(self, events: list[Event]) -> set[str]:
        """The stored stories sharing the most context entities and heavy terms with the events.

        Both keys, as grouping looks groups up by both: a story found by names alone would miss a
        report that shares only words with it, which grouping everything at once would have joined.
        """
        keys, limit = self.config.lookup_keys, self.config.postings_scanned
        entities = [c.id for e in events for c in e.context[:keys]]
        terms = [term for e in events for term in top(e.vector.get("terms", {}), keys)]
        shared: Counter[str] = Counter(dict(self.store.story_ids_sharing_entities(entities, limit)))
        shared.update(dict(self.store.story_ids_sharing_terms(terms, limit)))
        return {story_id for story_id, _n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]}

    def _stored_story_ids(self, story_ids: list[str]) -> set[str]:
        return {story.id for story in self.store.get_stories(story_ids)}

    def _reopened_story_events(self, stored: list[Story], regrouped: set[str]) -> list[str]:
        """The latest `story_reopen_events` events of each candidate story not being regrouped already."""
        limit = self.config.story_reopen_events
        reopened: list[str] = []
        for story in stored:
            others = [i for i in story.event_ids if i not in regrouped]
            reopened += others[-limit:] if limit > 0 else []
        return reopened

    def _story_seed(self, story: Story, regrouped: list[Event]) -> Group:
        """A stored story as a group: its vector sums minus the events being regrouped."""
        seed = Group(id=story.id)
        seed.add(_vector_features(story.id, story.vector))
        for event in regrouped:
            seed.add(_event_features(event), weight=-1.0)
        return seed

    def _story(
        self, story_id: str, group: Group, kept: list[str], members: list[Event], previous: Story | None
    ) -> Story:
        dates = [e.date for e in members if e.date]
        phrases = [e.keyphrases for e in members]
        if previous:
            dates += [d for d in (previous.first_date, previous.last_date) if d]
            phrases.insert(0, previous.keyphrases)
        keyphrases = _common_phrases(phrases, self.config.context_size)
        size = 2 * self.config.vector_size
        return Story(
            id=story_id,
            label=self._story_label(group.entities, keyphrases),
            event_ids=kept + [e.id for e in members],
            first_date=min(dates, default=None),
            last_date=max(dates, default=None),
            keyphrases=keyphrases,
            vector={"terms": top(_positive(group.terms), size), "entities": top(_positive(group.entities), size)},
        )

    def _story_label(self, entities: Vector, keyphrases: list[str]) -> str:
        ranked = (self.store.get_entity(i) for i in top(_positive(entities), self.config.context_size))
        return story_label((entity for entity in ranked if entity), keyphrases)

    # -- related events -------------------------------------------------------
    def _relate(self, events: list[Event], stories: list[Story]) -> None:
        """Rank, for each new or regrouped event, the other events that share its context.

        Sharing `related_min_shared` context entities relates two events; within one story, one is
        enough: a thread's next event often shares one name with the last ("Starliner"), and a
        reader of one wants the others.
        """
        story_of = {event_id: story.id for story in stories for event_id in story.event_ids}
        contexts = {e.id: [c.id for c in e.context] for e in events}
        candidates = {
            e.id: [i for i, _n in self.store.event_ids_sharing_entities(contexts[e.id], self.config.related_candidates) if i != e.id]
            for e in events
        }
        contexts.update(self.store.event_context_ids({i for ids in candidates.values() for i in ids} - contexts.keys()))
        idf = self._entity_idf({i for ids in contexts.values() for i in ids})
        names = {c.id: c for e in events for c in e.context}
        for event in events:
            related = []
            story = story_of.get(event.id)
            for other in candidates[event.id]:
                theirs = set(contexts.get(other, ()))
                shared = [i for i in contexts[event.id] if i in theirs]
                needed = 1 if story is not None and story_of.get(other) == story else self.config.related_min_shared
                if len(shared) < needed:
                    continue
                score = _weighted_overlap(shared, contexts[event.id], contexts[other], idf)
                related.append(RelatedEvent(other, round(score, 4), [names[i] for i in shared]))
            related.sort(key=lambda r: (-r.score, r.event_id))
            self.store.save_related(event.id, related[: self.config.related_limit])


def story_label(ranked: Iterable[Entity], keyphrases: list[str]) -> str:
    """The two most central entities' names, then the most shared keyphrase: "ICC, Russia: withdrawal".

    Each part says something the others do not: an entity that is a name variant of one already
    in the label ("Barnier" beside "Michel Barnier", "Fed" beside "Federal Reserve") is passed over,
    and so is a keyphrase that restates a named entity ("ICC", "Prime Minister Attal"). `ranked` is
    read only until two are named (the stage reads each entity from the store).
    """
    named: list[Entity] = []
    for entity in ranked:
        if not any(_name_variants(entity.name, other.name) for other in named):
            named.append(entity)
            if len(named) == 2:
                break
    label = ", ".join(entity.name for entity in named)
    forms = [form for entity in named for form in (entity.name, *entity.aliases)]
    phrase = next((p for p in keyphrases if not any(_restates(p, form) for form in forms)), None)
    if phrase:
        label = f"{label}: {phrase}" if label else phrase
    return label or "(unlabelled story)"


# -- helpers ------------------------------------------------------------------
def _stable_ids(
    groups: list[Group], old_of: dict[str, str], prefix: str, stored: Callable[[list[str]], set[str]], taken: set[str]
) -> list[str]:
    """Each group keeps the old id it shares most members with; new groups get one from their first member.

    `taken` ids (other stored records') are never handed out again, nor any new id `stored` says a
    record not regrouped here already has: two groups with one id would overwrite each other's members.
    """
    old_ids, taken = set(old_of.values()), set(taken)
    while True:
        ids = _assign_ids(groups, old_of, prefix, taken)
        clashes = stored([i for i in ids if i not in old_ids])
        if not clashes:
            return ids
        taken |= clashes


def _assign_ids(groups: list[Group], old_of: dict[str, str], prefix: str, taken: set[str]) -> list[str]:
    pairs = []
    for position, group in enumerate(groups):
        overlap = Counter(old_of[i] for i in group.members if i in old_of)
        pairs += [(-count, old, position) for old, count in overlap.items()]
    ids: list[str | None] = [None] * len(groups)
    used = set(taken)
    for _count, old, position in sorted(pairs):
        if ids[position] is None and old not in used:
            ids[position] = old
            used.add(old)
    for position, group in enumerate(groups):
        if ids[position] is None:
            ids[position] = _new_id(prefix, sorted(group.members), used)
            used.add(ids[position])
    return [i for i in ids if i is not None]


def _new_id(prefix: str, member_ids: list[str], used: set[str]) -> str:
    """From the first member's id; if that is used, from all members', numbered until unused."""
    candidate = prefix + hashlib.sha1(member_ids[0].encode()).hexdigest()[:15]
    attempt = 0
    while candidate in used:
        attempt += 1
        candidate = prefix + hashlib.sha1(f"{'|'.join(member_ids)}#{attempt}".encode()).hexdigest()[:15]
    return candidate


def _entity_ids(articles: list[Article]) -> list[str]:
    """The canonical entities the articles name (an entity left unlinked has none)."""
    return [e.entity_id for a in articles for e in a.entities if e.entity_id]


def _event_date(members: list[Article]) -> tuple[str | None, str | None]:
    """The date most of the articles (weighted by confidence) give the happening; else the first report's day."""
    votes: Counter[tuple[str, str]] = Counter()
    for article in members:
        if article.event_date and article.event_date.value:
            votes[(article.event_date.value, article.event_date.granularity)] += article.event_date.confidence or 0.5
    if votes:
        (value, granularity), _weight = min(votes.items(), key=lambda kv: (-kv[1], kv[0][0]))
        return value, granularity
    published = [a.published for a in members if a.published]
    return (min(published, key=instant).date().isoformat(), "day") if published else (None, None)


def _common_phrases(lists: list[list[str]], size: int) -> list[str]:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for phrases in lists:
        for phrase in dict.fromkeys(phrases):
            counts[phrase] += 1
            first.setdefault(phrase, len(first))
    return sorted(counts, key=lambda p: (-counts[p], first[p]))[:size]


def _event_features(event: Event) -> Features:
    features = _vector_features(event.id, event.vector)
    features.published = instant(event.first_published) if event.first_published else None
    features.first_day = _ordinal(event.first_day)
    features.last_day = _ordinal(event.last_day) if event.last_day else (OPEN_END if event.first_day else None)
    features.reports = len(event.article_ids)
    features.tiebreak = min(event.article_ids, default=None)
    return features


def _vector_features(item_id: str, vector: dict[str, Vector]) -> Features:
    return Features(
        id=item_id,
        source=None,
        published=None,
        first_day=None,
        last_day=None,
        terms=dict(vector.get("terms", {})),
        entities=dict(vector.get("entities", {})),
    )


def _ordinal(day: str | None) -> int | None:
    return date.fromisoformat(day[:10]).toordinal() if day and len(day) >= 10 else None


def _name_variants(one: str, other: str) -> bool:
    """Whether two names are forms of one: the words of one among the other's ("Barnier", "Michel
    Barnier"), or one, three letters or more, the start of the other ("Fed", "Federal Reserve")."""
    shorter, longer = sorted((name_key(one), name_key(other)), key=len)
    if not shorter:
        return False
    return _restates(one, other) or (len(shorter) >= _MIN_PREFIX_NAME and longer.startswith(shorter))


def _restates(phrase: str, name: str) -> bool:
    """Whether a keyphrase (or name) says no more than a name, or names it among its words ("Prime
    Minister Attal"): the words of one among the other's."""
    words, named = name_key(phrase).split(), name_key(name).split()
    return bool(named) and (set(words) <= set(named) or set(named) <= set(words))


def _person_name_words(members: list[Article]) -> set[str]:
    """The words of people the articles name in full and also by surname alone ("Barack Obama", "Obama").

    The entity vector carries such a person; as terms, the surname would also match the person's
    relatives and namesakes, which entities tell apart (a story about Michelle Obama is not one about
    Barack Obama). The surname alone among the name's own forms says the tagger's person is one:
    a "Boeing Starliner" it mistyped is not called "Starliner" under that name.
    """
    words: set[str] = set()
    for article in members:
        for entity in article.entities:
            name = tokens(entity.name)
            if entity.type != PERSON_TYPE or len(name) < 2:
                continue
            if any(tokens(form) == name[-1:] for form in entity.surfaces):
                words.update(name)
    return words


def _without(vector: Vector, keys: set[str]) -> Vector:
    return {key: value for key, value in vector.items() if key not in keys} if keys else vector


def _positive(vector: Vector) -> Vector:
    return {k: v for k, v in vector.items() if v > 1e-9}


def _weighted_overlap(shared: list[str], mine: list[str], theirs: list[str], idf: dict[str, float]) -> float:
    """Cosine of two entity sets weighted by rarity: sharing rare entities relates events most."""
    if not mine or not theirs:
        return 0.0
    return _weight(shared, idf) / math.sqrt(_weight(mine, idf) * _weight(theirs, idf))


def _weight(entity_ids: list[str], idf: dict[str, float]) -> float:
    return sum(idf.get(i, 1.0) for i in entity_ids)
