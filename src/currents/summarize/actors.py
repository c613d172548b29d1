"""The event's named actors: who matters most, how each is named in full, where each is named.

The understanding stage groups an article's mentions of one entity ("Putin",
"Vladimir Putin", "Russian President Vladimir Putin") and links them to a
canonical entity across the store. Summaries need three things from that:
which entities the event is about (named by the most articles), whether a
sentence names them, and a headline's first mention of an actor in full, as
the articles themselves write it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cached_property

from currents.model import Article, Entity, LocalEntity
from currents.summarize.units import Unit

PERSON = "PERSON"
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")


def entity_key(local: LocalEntity) -> str:
    """The canonical id when linked, else the article's own name for it."""
    return local.entity_id or f"{local.type}:{local.name}"


def bare_surface(surface: str) -> str:
    """A surface form without a leading article or a possessive ending: the name as it recurs."""
    return _POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", surface.strip())).strip()


class Actors:
    """Every entity the event's articles name, keyed by `entity_key`."""

    def __init__(self, articles: Sequence[Article], entities: Mapping[str, Entity] | None = None) -> None:
        self.articles_naming: Counter[str] = Counter()
        self.mentions: Counter[str] = Counter()
        self.types: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self._forms: dict[str, Counter[str]] = {}
        self._patterns: dict[str, tuple[re.Pattern[str] | None, dict[str, str]]] = {}
        for article in articles:
            for local in article.entities:
                self._add(local, entities or {})
            self._patterns[article.id] = _surface_pattern(article.entities)

    def _add(self, local: LocalEntity, entities: Mapping[str, Entity]) -> None:
        key = entity_key(local)
        self.articles_naming[key] += 1
        self.mentions[key] += local.mentions
        self.types.setdefault(key, local.type)
        canonical = entities.get(local.entity_id) if local.entity_id else None
        name = canonical.name if canonical else local.name
        if len(name) > len(self.names.get(key, "")):
            self.names[key] = name
        forms = self._forms.setdefault(key, Counter())
        for surface in {bare_surface(s) for s in local.surfaces}:
            forms[surface] += 1

    def key_entities(self, count: int) -> list[str]:
        """The `count` entities named by the most articles (then the most often)."""
        ranked = sorted(self.articles_naming, key=lambda k: (-self.articles_naming[k], -self.mentions[k], k))
        return ranked[:count]

    def named_in(self, unit: Unit) -> set[str]:
        """Keys of the entities `unit`'s sentence names (by the surface forms its article uses)."""
        return self.named_in_text(unit.article.id, unit.sentence.text)

    def named_in_text(self, article_id: str, text: str) -> set[str]:
        pattern, keys = self._patterns.get(article_id, (None, {}))
        if pattern is None:
            return set()
        return {keys[match.group(0)] for match in pattern.finditer(text)}

    def last_named(self, article_id: str, text: str, entity_type: str) -> str | None:
        """Key of the last entity of `entity_type` that `text` (from the article) names."""
        pattern, keys = self._patterns.get(article_id, (None, {}))
        if pattern is None:
            return None
        named = [keys[m.group(0)] for m in pattern.finditer(text) if self.types.get(keys[m.group(0)]) == entity_type]
        return named[-1] if named else None

    def without_names(self, unit: Unit) -> str:
        """The unit's sentence with every name its article uses blanked out."""
        return self.blank_names(unit.article.id, unit.text)

    def blank_names(self, article_id: str, text: str) -> str:
        pattern, _ = self._patterns.get(article_id, (None, {}))
        return pattern.sub(" ", text) if pattern is not None else text

    @cached_property
    def _all_forms(self) -> list[tuple[str, str]]:
        """(surface form, key) over the whole event, longest first."""
        pairs = {(form, key) for key, forms in self._forms.items() for form in forms}
        return sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))

    def full_form(self, key: str) -> str:
        """How to name an actor at first mention: a person with the title the articles give
        most often ("Russian President Vladimir Putin"), anyone else by their fullest name."""
        name = self.names.get(key, "")
        if self.types.get(key) != PERSON:
            return name
        titled = [
            (count, len(form), form)
            for form, count in self._forms.get(key, Counter()).items()
            if form.endswith(name) and len(form) > len(name)
        ]
        return max(titled)[2] if titled else name

    def acronym(self, key: str) -> str | None:
        """The short capitalised form an article uses for a long name ("ICC"), if any."""
        name = self.names.get(key, "")
        short = [form for form in self._forms.get(key, ()) if form.isupper() and len(form) < len(name)]
        return min(short, key=len) if short else None

    def first_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of the first mention of each actor in `text`, in text order.

        Forms are matched longest first, so "Vladimir Putin" is one mention, not a "Putin" too.
        """
        taken: list[tuple[int, int]] = []
        first: dict[str, tuple[int, int]] = {}
        for form, key in self._all_forms:
            for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                taken.append(span)
                if key not in first or span[0] < first[key][0]:
                    first[key] = span
        return sorted((start, end, key) for key, (start, end) in first.items())


def _surface_pattern(locals_: Sequence[LocalEntity]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    keys: dict[str, str] = {}
    for local in locals_:
        for surface in local.surfaces:
            form = bare_surface(surface)
            if form:
                keys.setdefault(form, entity_key(local))
    ordered = sorted(keys, key=len, reverse=True)
    if not ordered:
        return None, keys
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(form)}(?!\w)" for form in ordered))
    return pattern, {form: keys[form] for form in ordered}
