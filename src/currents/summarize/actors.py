"""The event's named actors: who matters most, how each is named in full, where each is named.

The understanding stage groups an article's mentions of one entity ("Putin",
"Vladimir Putin", "Russian President Vladimir Putin") and links them to a
canonical entity across the store. Summaries need three things from that:
which entities the event is about (named by the most articles), whether a
sentence names them, and a headline's first mention of an actor in full, as
the articles themselves write it.

A person's full form is the name with the *descriptor* an article writes
before it ("Russian President", "Syrian Regime Leader"). Each descriptor is
kept with the outlets that write it, so that a headline can prefer the way
most outlets describe someone over one outlet's wording.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cached_property

from spacy.lang.en.stop_words import STOP_WORDS

from currents.model import Article, Entity, LocalEntity
from currents.summarize.units import Unit, outlet_name
from currents.text.countries import country_for
from currents.text.entities import TITLES

PERSON = "PERSON"
# Entity types whose names and adjectives ("Valdorian") say where someone is from, not what they are.
PLACE_TYPES = frozenset({"GPE", "NORP", "LOC"})
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")
# The word written right before a position in a text, after one run of spaces.
_WORD_BEFORE = re.compile(r"(?<![\w.'’-])([\w.'’-]+)[ \t]+$")
# A descriptor word is at most this many characters long: the search looks no further back.
_LONGEST_WORD = 40
# Capitalised words that are dates, not descriptors ("On Tuesday President ...").
_CALENDAR_WORDS = frozenset(w.casefold() for w in (*calendar.day_name, *calendar.month_name) if w)


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
        # A person's descriptors ("Russian President") -> the outlets writing each.
        self._descriptors: dict[str, dict[str, set[str]]] = {}
        self._patterns: dict[str, tuple[re.Pattern[str] | None, dict[str, str]]] = {}
        for article in articles:
            for local in article.entities:
                self._add(local, entities or {})
            self._patterns[article.id] = _surface_pattern(article.entities)
        # Descriptors are read once every place the event names is known ("Valdorian").
        for article in articles:
            for local in article.entities:
                if local.type == PERSON:
                    self._add_descriptors(article, local)

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

    def _add_descriptors(self, article: Article, local: LocalEntity) -> None:
        """Every descriptor the article writes before the person's name, with the article's outlet."""
        outlet = outlet_name(article)
        found = self._descriptors.setdefault(entity_key(local), {})
        for surface in {bare_surface(s) for s in local.surfaces} - {""}:
            for match in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", article.text):
                start = self.descriptor_start(article.text, match.start())
                descriptor, _ = self.split_descriptor(article.text[start : match.end()])
                if descriptor:
                    found.setdefault(descriptor, set()).add(outlet)

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

    def person_descriptors(self, key: str) -> dict[str, int]:
        """The descriptors written before a person's name ("Russian President") -> how many outlets write each."""
        return {descriptor: len(outlets) for descriptor, outlets in self._descriptors.get(key, {}).items()}

    def descriptor_start(self, text: str, start: int) -> int:
        """Where the descriptor written right before a person's name at `start` begins (`start` if none).

        The descriptor is the run of capitalised titles ("President", "Prime Minister"),
        places and nationalities ("Syrian", "Russia's") and other capitalised words followed
        by a title ("Regime Leader") standing right before the name, as in "Syrian Regime
        Leader Bashar al-Assad".
        """
        following = text[start:].split(maxsplit=1)
        # A name written with its title ("Leader Bashar al-Assad"): the words before it precede a title.
        begin, titled = start, bool(following) and is_title(following[0])
        while match := _WORD_BEFORE.search(text, max(0, begin - _LONGEST_WORD), begin):
            word = match.group(1)
            title = is_title(word)
            named = title or self.is_place_word(word)
            # Any other capitalised word needs a title after it, and no full stop ("Moscow. President").
            if not _capitalised(word) or not (named or (titled and not word.endswith("."))):
                break
            begin, titled = match.start(1), titled or title
        return begin

    def split_descriptor(self, written: str) -> tuple[str, str]:
        """`written` ("Syrian Regime Leader Bashar al-Assad") as its descriptor and the name after it."""
        starts = [m.start() for m in re.finditer(r"\S+", written)]
        # The descriptor ends at a title or place word and runs back to the start.
        for word_start, name_start in reversed(list(zip(starts, starts[1:]))):
            word = written[word_start:name_start].strip()
            if (is_title(word) or self.is_place_word(word)) and self.descriptor_start(written, name_start) == 0:
                return " ".join(written[:name_start].split()), written[name_start:].strip()
        return "", written.strip()

    def is_place_word(self, word: str) -> bool:
        """A country or nationality ("Syrian", "U.S.") or a place the event's articles name ("Valdorian")."""
        bare = _POSSESSIVE.sub("", word)
        return bare in self._place_forms or country_for(bare) is not None

    @cached_property
    def _place_forms(self) -> frozenset[str]:
        return frozenset(form for key, kind in self.types.items() if kind in PLACE_TYPES for form in self._forms[key])

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


def is_title(word: str) -> bool:
    """A title or honorific written before a name ("President", "Dr.")."""
    return word.casefold().rstrip(".") in TITLES


def _capitalised(word: str) -> bool:
    """A capitalised word that may stand in a descriptor: not a function word ("The") nor a date."""
    folded = word.casefold()
    return word[:1].isupper() and folded not in STOP_WORDS and folded not in _CALENDAR_WORDS


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
