"""Canonical entities across the store: one id for "Vladimir Putin" in every article.

Each article's entities (text/entities.py) are linked to store-wide `Entity`
records through lookup keys: the type-prefixed folded name
("PERSON:vladimir putin", "ORG:international criminal court"), every acronym
seen for the name ("ORG:icc"), and a person's surname ("PERSON:putin"). A key
may name several entities; the rules that pick one are:

- a full name links to the entity registered under that exact name;
- a full name whose surname only a surname-only entity ("Putin") has takes
  that entity over, which is renamed to the full name; a person's name with a
  middle name more or less ("George Bush" / "George W. Bush"), or one of
  several such candidates, links only when the article shares context with it
  (at least one other canonical entity mentioned in the same articles). Full
  names whose first names differ are different people, always;
- a bare surname ("Putin") links to the one person with that surname; of
  several, to the one sharing the most context with the article; with no
  context, or a tie, to the entity known by that surname alone, or it becomes
  that entity. "Carey" the footballer and "Carey" the reporter are never
  merged, and headlines naming only "Macron" share one page;
- an acronym alone ("ICC") links to the one entity registered with it, or,
  when several are, to the one sharing the most context; a long form whose
  acronym names only an acronym-only entity takes that entity over;
- a name no entity of its type has links to the entity of another type by
  that very name (every name is also registered under a type-free key,
  "*:openai"): spaCy's small model types one name differently from one article
  to the next ("OpenAI" as ORG, PERSON and GPE), and one name is one page. A
  country's name tagged a person ("Jordan"), several such entities, or one
  word of another type that is a person's surname ("Barnier" as ORG in a
  headline) link only when the article shares context. Not names of one or
  two letters: "AI" as ORG and as GPE is no one thing;
- anything else links to its only candidate, the candidate sharing the most
  context, or a new entity.

Names decide wherever they can: a link that waits for shared context depends on
which articles came before it, that is on ingest order.

Ids are slugs of the first name seen (text/names.slugify), suffixed when taken,
and never change. An entity's type is the one most of the names linked to it
were tagged with, and its name the spelling of it most articles used. Entities,
keys and context are cached per linker, so a batch of articles costs one key
query per article plus one write per entity it names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from currents.model import Article, Entity, LocalEntity
from currents.store import Store
from currents.text.countries import abbreviation, country_for, name_key
from currents.text.entities import MAX_ACRONYM, PERSON, person_name_tokens, same_name_reordered
from currents.text.names import slugify

# Surface forms kept on an entity, the most frequent first.
MAX_ALIASES = 30
# Surface counts kept per entity while the process runs (the aliases are the top of these).
MAX_COUNTED_SURFACES = 4 * MAX_ALIASES
# Canonical entities an article must share with a candidate before an uncertain link is made.
MIN_SHARED_CONTEXT = 1
# The type part of the key every entity is also registered under, whatever its type.
ANY_TYPE = "*"
# Names shorter than this (letters and digits) are not linked across types: "AI" tagged ORG in one
# article and GPE in another is no one thing, and two letters name too many.
MIN_TYPED_OTHERWISE = 3


@dataclass
class _Link:
    local: LocalEntity
    keys: list[str]
    entity_id: str | None = None


class EntityLinker:
    """Gives every `LocalEntity` of an article its canonical `entity_id`, creating entities as needed.

    The caller saves the article (`store.save_analysis`) after `link`, inside
    the same transaction; the linker's context cache assumes it does.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids_by_key: dict[str, list[str]] = {}
        self._entities: dict[str, Entity] = {}
        self._context: dict[str, set[str]] = {}
        self._pending_context: dict[str, set[str]] = {}
        self._surface_counts: dict[str, Counter[str]] = {}

    def link(self, article: Article) -> None:
        """Set `entity_id` on each of `article.entities`, merging entities that turn out to be one.

        Two local entities linked to one canonical entity ("ICC" and "International
        Criminal Court" when the article never tied them) become one record, and
        the entity names in `article.dated_facts` become canonical names.
        """
        links = [_Link(local, _keys(local)) for local in article.entities]
        self._fetch_keys(key for link in links for key in [*link.keys, *_other_type_keys(link.local)])
        for link in links:
            if not _is_bare_person(link.local):
                link.entity_id = self._only_candidate(link)
        context = {link.entity_id for link in links if link.entity_id}
        for link in links:
            if link.entity_id is None:
                link.entity_id = self._choose(link, context)
        for link in links:
            self._record(link)
        _rename_fact_entities(article, {link.local.name: self._entities[link.entity_id].name for link in links})
        article.entities = _merge_by_id(links)
        self._remember_context({link.entity_id for link in links})

    # -- choosing ---------------------------------------------------------------

    def _only_candidate(self, link: _Link) -> str | None:
        """The entity registered under this exact name, when there is exactly one."""
        candidates = self._ids_by_key.get(link.keys[0], [])
        return candidates[0] if len(candidates) == 1 else None

    def _choose(self, link: _Link, context: set[str]) -> str:
        local = link.local
        exact = self._ids_by_key.get(link.keys[0], [])
        if local.type == PERSON:
            return self._choose_person(link, exact, context)
        chosen = self._best_by_context(exact, context, local) or self._namesake(exact, local)
        if chosen is None and not exact:
            chosen = self._acronym_entity_to_adopt(link)
        return chosen or self._typed_otherwise(link, context) or self._create(local)

    def _choose_person(self, link: _Link, exact: list[str], context: set[str]) -> str:
        local = link.local
        tokens = person_name_tokens(local.name)
        if len(tokens) == 1:
            return (
                self._best_by_context(exact, context, local)
                or self._namesake(exact, local)
                or self._typed_otherwise(link, context)
                or self._create(local)
            )
        chosen = self._best_by_context(exact, context, local)
        if chosen is None and not exact:
            surname_key = _key(PERSON, tokens[-1])
            variants = [
                i
                for i in self._ids_by_key.get(surname_key, [])
                if _same_person(person_name_tokens(self._entities[i].name), tokens)
            ]
            chosen = self._best_by_context(variants, context, local)
            if chosen is not None and _is_surname_only(self._entities[chosen]):
                self._rename(chosen, local.name)
        return chosen or self._typed_otherwise(link, context) or self._create(local)

    def _namesake(self, candidates: list[str], local: LocalEntity) -> str | None:
        """The candidate known by just this name ("Macron", when no article gave a full name), if any.

        Where context picks no candidate, a name goes to the entity that is only that name rather than
        starting another: each new one would be a page of one article, and which of them later
        articles joined would depend on which came first.
        """
        return next((i for i in candidates if _same_name(self._entities[i], local)), None)

    def _acronym_entity_to_adopt(self, link: _Link) -> str | None:
        """An acronym-only entity ("ICC") this long form ("International Criminal Court (ICC)") should take over."""
        for key in link.keys[1:]:
            candidates = self._ids_by_key.get(key, [])
            if len(candidates) == 1 and _is_acronym_only(self._entities[candidates[0]]):
                self._rename(candidates[0], link.local.name)
                return candidates[0]
        return None

    def _typed_otherwise(self, link: _Link, context: set[str]) -> str | None:
        """The entity this name belongs to under another type: the one by this very name, else the one
        the article shares most context with.

        Context is required even with one candidate there: "Barnier" tagged ORG is Michel Barnier's
        surname only in an article about him.
        """
        local = link.local
        if len(name_key(local.name).replace(" ", "")) < MIN_TYPED_OTHERWISE:
            return None
        candidates = sorted(
            {
                entity_id
                for key in _other_type_keys(local)
                for entity_id in self._ids_by_key.get(key, [])
                if self._entities[entity_id].type != local.type
            }
        )
        namesakes = [i for i in candidates if _one_thing_however_typed(local, self._entities[i])]
        if len(namesakes) == 1:
            return namesakes[0]
        return self._best_by_context(candidates, context, local, always_need_context=True)

    def _best_by_context(
        self, candidates: list[str], context: set[str], local: LocalEntity, always_need_context: bool = False
    ) -> str | None:
        """The one candidate sharing the most canonical entities with the article, if it shares enough.

        A sole candidate needs none unless `always_need_context`, or it and `local` are two different
        full names of people (see `_needs_context`).
        """
        sole = candidates[0] if len(candidates) == 1 else None
        if sole and not always_need_context and not _needs_context(self._entities[sole], local):
            return sole
        scores = sorted(((len(self._context_of(i) & context), i) for i in candidates), reverse=True)
        if not scores or scores[0][0] < MIN_SHARED_CONTEXT:
            return None
        if len(scores) > 1 and scores[1][0] == scores[0][0]:
            return None
        return scores[0][1]

    # -- store and caches ---------------------------------------------------------

    def _fetch_keys(self, keys) -> None:
        missing = [key for key in dict.fromkeys(keys) if key not in self._ids_by_key]
        if not missing:
            return
        found = self.store.entities_for_keys(missing)
        for key in missing:
            entities = found.get(key, [])
            self._ids_by_key[key] = [entity.id for entity in entities]
            for entity in entities:
                self._entities.setdefault(entity.id, entity)

    def _context_of(self, entity_id: str) -> set[str]:
        if entity_id not in self._context:
            stored = self.store.co_entities(entity_id)
            self._context[entity_id] = stored | self._pending_context.pop(entity_id, set())
        return self._context[entity_id]

    def _remember_context(self, ids: set[str]) -> None:
        """Count this article in each entity's context without asking the store again."""
        for entity_id in ids:
            if entity_id in self._context:
                self._context[entity_id] |= ids - {entity_id}
            else:
                self._pending_context.setdefault(entity_id, set()).update(ids - {entity_id})

    def _create(self, local: LocalEntity) -> str:
        base = slugify(local.name)
        entity_id, suffix = base, 2
        while entity_id in self._entities or self.store.get_entity(entity_id) is not None:
            entity_id, suffix = f"{base}-{suffix}", suffix + 1
        self._entities[entity_id] = Entity(entity_id, local.name, local.type, [])
        return entity_id

    def _rename(self, entity_id: str, name: str) -> None:
        """A surname-only or acronym-only entity takes the full name it turned out to have (its id stays)."""
        self._entities[entity_id].name = name

    def _record(self, link: _Link) -> None:
        """Register new keys, surfaces and the type of the linked name on its entity, and write it."""
        entity = self._entities[link.entity_id]
        _count_type(entity, link.local.type)
        _count_spelling(entity, link.local.name)
        keys = [*link.keys, _any_type_key(link.local)]
        new_keys = [key for key in keys if entity.id not in self._ids_by_key.get(key, [])]
        for key in new_keys:
            self._ids_by_key.setdefault(key, []).append(entity.id)
        counts = self._surface_counts.get(entity.id)
        if counts is None:
            # Stored aliases are already most frequent first: seed counts that keep that order.
            counts = Counter({alias: len(entity.aliases) - rank for rank, alias in enumerate(entity.aliases)})
            self._surface_counts[entity.id] = counts
        counts.update(link.local.surfaces)
        if len(counts) > MAX_COUNTED_SURFACES:
            self._surface_counts[entity.id] = counts = Counter(dict(counts.most_common(MAX_COUNTED_SURFACES // 2)))
        entity.aliases = [alias for alias, _ in counts.most_common(MAX_ALIASES)]
        self.store.save_entity(entity, new_keys)


def _count_type(entity: Entity, entity_type: str) -> None:
    """Count one more name of `entity_type` linked to the entity, which takes the type counted most.

    Counted, not first seen: which article came first must not decide what an entity is. A tie keeps
    the type it has, so one name tagged otherwise never retypes an entity seen once.
    """
    counts = entity.type_counts
    counts[entity_type] = counts.get(entity_type, 0) + 1
    if counts[entity_type] > counts.get(entity.type, 0):
        entity.type = entity_type


def _count_spelling(entity: Entity, name: str) -> None:
    """Count one more article naming the entity `name`; its name becomes the spelling counted most.

    Only spellings of the name it has count ("Francois Hollande" for "François Hollande", "Isis" for
    "ISIS"): a surname or an acronym linked to it is no name for its page. On a tie the spelling
    that keeps more wins (accents, then capitals), then the alphabet: never which article came first.
    """
    counts = entity.name_counts
    counts[name] = counts.get(name, 0) + 1
    key = name_key(entity.name)
    spellings = {entity.name, *(spelling for spelling in counts if name_key(spelling) == key)}
    entity.name = min(spellings, key=lambda spelling: _spelling_order(spelling, counts.get(spelling, 0)))


def _spelling_order(spelling: str, count: int) -> tuple[int, int, int, str]:
    """Sorts the preferred spelling first: most articles, most accents, most capitals, alphabet."""
    accents = sum(not char.isascii() for char in spelling)
    capitals = sum(char.isupper() for char in spelling)
    return -count, -accents, -capitals, spelling


def _keys(local: LocalEntity) -> list[str]:
    """Lookup keys of a local entity: its name first, then its acronyms, then (people) its surname."""
    if local.type == PERSON:
        tokens = person_name_tokens(local.name)
        keys = [_key(PERSON, " ".join(tokens))]
        if len(tokens) > 1:
            keys.append(_key(PERSON, tokens[-1]))
        return keys
    keys = [_key(local.type, name_key(local.name))]
    for surface in local.surfaces:
        short = abbreviation(surface, MAX_ACRONYM)
        if short:
            keys.append(_key(local.type, short.lower()))
    return list(dict.fromkeys(keys))


def _key(entity_type: str, folded_name: str) -> str:
    return f"{entity_type}:{folded_name}"


def _any_type_key(local: LocalEntity) -> str:
    """The type-free key of a name ("*:openai" for ORG, PERSON or GPE "OpenAI")."""
    return _key(ANY_TYPE, name_key(local.name))


def _other_type_keys(local: LocalEntity) -> list[str]:
    """Keys of entities this name may be under another type: its type-free key and, for one word that
    is not a person's, the key of people with that surname ("Barnier" tagged ORG)."""
    keys = [_any_type_key(local)]
    tokens = person_name_tokens(local.name)
    if local.type != PERSON and len(tokens) == 1:
        keys.append(_key(PERSON, tokens[0]))
    return keys


def _one_thing_however_typed(local: LocalEntity, entity: Entity) -> bool:
    """Whether a name and an entity of another type by that very name are one thing without more evidence.

    They are ("Liverpool" tagged GPE and ORG, "Manchester United" PERSON and GPE, "OpenAI" PERSON in
    a headline): two things sharing a name are rarer than the tagger's noise. Waiting for shared
    context made ingest order decide: whichever tag came first got an entity, and the other tag,
    seen first in an article sharing nothing with it yet, got a second one that later articles of
    that tag kept joining. Except a country's name tagged a person ("Jordan"): a player called Jordan
    is no country, so that still needs context.
    """
    if not _same_name(entity, local):
        return False
    return PERSON not in (local.type, entity.type) or country_for(local.name) is None


def _is_bare_person(local: LocalEntity) -> bool:
    return local.type == PERSON and len(person_name_tokens(local.name)) == 1


def _same_name(entity: Entity, local: LocalEntity) -> bool:
    """Whether the two spell one name ("François Hollande", "Francois Hollande")."""
    return name_key(entity.name) == name_key(local.name)


def _is_surname_only(entity: Entity) -> bool:
    return len(person_name_tokens(entity.name)) == 1


def _is_acronym_only(entity: Entity) -> bool:
    return entity.type != PERSON and abbreviation(entity.name, MAX_ACRONYM) is not None


def _needs_context(entity: Entity, local: LocalEntity) -> bool:
    """Whether a person is linked to the name only when the article shares context: when both are full
    names, one a variant of the other ("George Bush" / "George W. Bush").

    A surname alone and the one full name with it link outright, whichever of the two is the entity
    ("Barnier" and Michel Barnier): waiting for context made ingest order decide.
    """
    both_full = len(person_name_tokens(local.name)) > 1 and not _is_surname_only(entity)
    return entity.type == PERSON and both_full


def _same_person(known: list[str], seen: list[str]) -> bool:
    """Whether a stored person's name and an article's full name can be one person.

    A surname-only entity fits any full name with that surname; otherwise both
    names need the same first and last names, one with a middle name the other
    lacks ("George Bush" / "George W. Bush"), or the same names in another
    order and spelling ("Omar Ismail Mostefai" / "Ismaël Omar Mostefaï").
    Any other difference of first names never fits.
    """
    if known == seen or same_name_reordered(known, seen):
        return True
    if len(known) == 1:
        return known[0] == seen[-1]
    short, full = sorted((known, seen), key=len)
    if len(short) == len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    remaining = iter(full)
    return all(word in remaining for word in short)


def _merge_by_id(links: list[_Link]) -> list[LocalEntity]:
    merged: dict[str, LocalEntity] = {}
    for link in links:
        local = link.local
        local.entity_id = link.entity_id
        kept = merged.get(link.entity_id)
        if kept is None:
            merged[link.entity_id] = local
            continue
        if len(local.name) > len(kept.name):
            kept.name = local.name
        kept.surfaces = list(dict.fromkeys(kept.surfaces + local.surfaces))
        kept.mentions += local.mentions
        kept.first_offset = min(kept.first_offset, local.first_offset)
    return sorted(merged.values(), key=lambda local: local.first_offset)


def _rename_fact_entities(article: Article, canonical: dict[str, str]) -> None:
    for fact in article.dated_facts:
        fact.entities = list(dict.fromkeys(canonical.get(name, name) for name in fact.entities))
