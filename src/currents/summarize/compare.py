"""Side by side: the claims each outlet makes, and where outlets disagree.

Claims: starting from the most relevant sentence, each sentence takes from
every other outlet its most similar sentence (cosine of TF-IDF vectors at
or above `claim_similarity`) still unclaimed; that group is one claim,
worded as its first sentence. A member that repeats another nearly word for
word (`syndication_similarity`), or an outlet that carried the very article
as a copy, is marked syndicated: it is no independent confirmation, so a
claim made by one outlet and its copies is still single-source.

Conflicts, within a claim, between two independent outlets' sentences that
restate one thing (word Jaccard at or above `restatement_similarity` once
names, figures and dates are left out):
- numbers: the same counted thing with different figures ("Twelve people" /
  "Fifteen people");
- dates: resolved dates of one granularity that do not overlap;
- names: different people named.
Two sentences about different details of one claim ("3 passengers seriously
hurt", "12 passengers taken to hospital") are no restatement, so their
figures are not set against each other: precision first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from currents.config import SummarizeConfig
from currents.model import Claim, Conflict, Reading
from currents.summarize.actors import PERSON, Actors
from currents.summarize.rank import Ranked
from currents.summarize.units import Unit, content_words, copy_outlets, jaccard

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "dozen": 12, "hundred": 100, "thousand": 1000}
_FIGURE = re.compile(
    r"(?<![\w.,])(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
    r"(?:\s+(?:per\s*cent|percent|%))?\s+(?:of\s+the\s+)?(?P<noun>[A-Za-z][\w-]*)",
    re.IGNORECASE,
)
# Four-digit numbers in this range are years: dates, not figures.
_YEARS = range(1800, 2101)
_FIGURE_NUMBER = re.compile(r"\b(?:\d[\d,.]*|" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


# (kind, what it is about (None: the claim itself), [(value, unit index)])
_Disagreement = tuple[str, str | None, list[tuple[str, int]]]


@dataclass
class _Group:
    members: list[int]
    syndicated: set[int] = field(default_factory=set)


def claims_and_conflicts(
    units: Sequence[Unit], ranked: Sequence[Ranked], similarity: np.ndarray, actors: Actors, config: SummarizeConfig
) -> tuple[list[Claim], list[Conflict]]:
    """The event's claims (multi-outlet first, then by relevance) and the conflicts inside them."""
    by_relevance = sorted(ranked, key=lambda r: -r.relevance)
    order = [r.index for r in by_relevance if units[r.index].words >= config.min_sentence_words]
    groups = [_mark_copies(units, group, config) for group in _group(units, order, similarity, config)]
    groups.sort(key=lambda g: -len(_independent_outlets(units, g)))
    claims = [_claim(units, group) for group in groups[: config.max_claims]]
    conflicts = [
        conflict
        for group in groups
        if len(_independent_outlets(units, group)) > 1
        for conflict in _conflicts(units, group, actors, config)
    ]
    return claims, conflicts


def _group(units: Sequence[Unit], order: list[int], similarity: np.ndarray, config: SummarizeConfig) -> list[list[int]]:
    allowed = set(order)
    claimed: set[int] = set()
    groups = []
    for seed in order:
        if seed in claimed:
            continue
        members, outlets = [seed], {units[seed].outlet}
        for other in np.argsort(-similarity[seed]):
            other = int(other)
            if similarity[seed, other] < config.claim_similarity:
                break
            if other in claimed or other not in allowed or units[other].outlet in outlets:
                continue
            members.append(other)
            outlets.add(units[other].outlet)
        claimed.update(members)
        groups.append(sorted(members, key=lambda i: units[i].rank) if len(members) > 1 else members)
    return groups


def _mark_copies(units: Sequence[Unit], members: list[int], config: SummarizeConfig) -> _Group:
    """Later members that repeat an earlier one nearly verbatim are copies of it."""
    group = _Group(members)
    for position, later in enumerate(members):
        text = units[later].text
        if any(jaccard(units[e].text, text) >= config.syndication_similarity for e in members[:position]):
            group.syndicated.add(later)
    return group


def _independent_outlets(units: Sequence[Unit], group: _Group) -> list[str]:
    return list(dict.fromkeys(units[i].outlet for i in group.members if i not in group.syndicated))


def _claim(units: Sequence[Unit], group: _Group) -> Claim:
    independent = _independent_outlets(units, group)
    copies = [units[i].outlet for i in group.members if i in group.syndicated]
    copies += [outlet for i in group.members for outlet in copy_outlets(units[i].article)]
    syndicated = [o for o in dict.fromkeys(copies) if o not in independent]
    return Claim(
        text=units[group.members[0]].text,
        outlets=independent + syndicated,
        citations=[units[i].citation for i in group.members],
        single_source=len(independent) == 1,
        syndicated=syndicated,
    )


def _conflicts(units: Sequence[Unit], group: _Group, actors: Actors, config: SummarizeConfig) -> list[Conflict]:
    """Conflicts between restatements of the claim by different outlets, merged by what they are about."""
    members = [i for i in group.members if i not in group.syndicated]
    about = units[group.members[0]].text
    merged: dict[tuple[str, str], dict[str, list[int]]] = {}
    for a, b in combinations(members, 2):
        if units[a].outlet == units[b].outlet or not _restate(units[a], units[b], actors, config):
            continue
        for kind, thing, readings in _pair_conflicts(units[a], units[b], a, b, actors):
            values = merged.setdefault((kind, thing or about), {})
            for value, index in readings:
                if index not in values.setdefault(value, []):
                    values[value].append(index)
    return [Conflict(kind, thing, _readings(units, values)) for (kind, thing), values in merged.items()]


def _restate(a: Unit, b: Unit, actors: Actors, config: SummarizeConfig) -> bool:
    return jaccard(_plain(a, actors), _plain(b, actors)) >= config.restatement_similarity


def _plain(unit: Unit, actors: Actors) -> str:
    """The sentence without names, figures and dates: what it says, not who, how many or when."""
    text = _FIGURE_NUMBER.sub(" ", actors.without_names(unit))
    return _MONTH.sub(" ", text)


def _pair_conflicts(a: Unit, b: Unit, i: int, j: int, actors: Actors) -> list[_Disagreement]:
    """(kind, what about (None: the claim), [(value, unit index)]) for each disagreement of a and b."""
    found: list[_Disagreement] = []
    figures_a, figures_b = _figures(a.text), _figures(b.text)
    for thing in figures_a.keys() & figures_b.keys():
        if not figures_a[thing][0] & figures_b[thing][0]:
            readings = [(_show(v), i) for v in figures_a[thing][0]] + [(_show(v), j) for v in figures_b[thing][0]]
            found.append(("number", figures_a[thing][1], readings))
    dates_a, dates_b = _dates(a), _dates(b)
    for granularity in dates_a.keys() & dates_b.keys():
        if not dates_a[granularity] & dates_b[granularity]:
            readings = [(v, i) for v in sorted(dates_a[granularity])] + [(v, j) for v in sorted(dates_b[granularity])]
            found.append(("date", None, readings))
    people_a, people_b = _people(a, actors), _people(b, actors)
    if people_a and people_b and not people_a & people_b:
        names = [(", ".join(sorted(actors.names[k] for k in p)), n) for p, n in ((people_a, i), (people_b, j))]
        found.append(("name", None, names))
    return found


def _figures(text: str) -> dict[str, tuple[set[float], str]]:
    """Counted thing (stemmed noun) -> (the figures given for it, the noun as written)."""
    found: dict[str, tuple[set[float], str]] = {}
    for match in _FIGURE.finditer(text):
        number = match.group("number").lower()
        value = float(_NUMBER_WORDS[number]) if number in _NUMBER_WORDS else float(number.replace(",", ""))
        noun = content_words(match.group("noun"))
        if not noun or (number.isdigit() and len(number) == 4 and value in _YEARS):
            continue
        found.setdefault(noun[0], (set(), match.group("noun")))[0].add(value)
    return found


def _dates(unit: Unit) -> dict[str, set[str]]:
    """Granularity -> the resolved dates of the unit's sentence."""
    found: dict[str, set[str]] = {}
    for expression in unit.article.dates:
        if expression.sentence == unit.sentence.index and expression.value and expression.granularity:
            found.setdefault(expression.granularity, set()).add(expression.value)
    return found


def _people(unit: Unit, actors: Actors) -> set[str]:
    return {key for key in actors.named_in(unit) if actors.types.get(key) == PERSON}


def _readings(units: Sequence[Unit], values: dict[str, list[int]]) -> list[Reading]:
    return [
        Reading(
            value,
            list(dict.fromkeys(units[i].outlet for i in members)),
            [units[i].citation for i in members],
        )
        for value, members in values.items()
    ]


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)
