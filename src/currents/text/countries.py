"""Country names, spellings, adjectives and seats of government, all read as one country.

News names a country in many ways: "Russia", "Russia's", "the Russian
Federation", "Russian", "Russians", "the Kremlin". Canonical entities need them
to be one, named by the common short name ("Russia", not "Russian
Federation"). The table comes from the maintained `countryinfo` package (names,
alternative and native spellings, demonyms, ISO codes); `data/places.json`
adds only what news prose uses and the package lacks (seats of government,
"Britain", "Saudi", "US", a few display names). It is built once per process
and every lookup is one dictionary access.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from countryinfo import CountryInfo

# When two countries claim one spelling, a country's own name beats a spelling
# of another country, which beats an adjective, which beats one part of a
# country's two-part adjective ("Serbian" is Serbia's; "Serbian/Montenegrin"
# belonged to the defunct Serbia and Montenegro). Among equals ("Dominican" is
# shared by two) the more populous country wins.
_NAME, _SPELLING, _ADJECTIVE, _SHARED_ADJECTIVE = 0, 1, 2, 3
# Abbreviations used as names in prose ("UK", "DRC") are at most this long.
MAX_ABBREVIATION = 5

_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DOTS_AND_SPACES = re.compile(r"[.\s]")


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """The form two spellings of one name share: accents, case, "the", possessive and punctuation removed.

    "the Élysée's" -> "elysee"; "Côte d'Ivoire" -> "cote d ivoire".
    """
    straight = text.strip().replace("’", "'")
    ascii_text = unicodedata.normalize("NFKD", straight).encode("ascii", "ignore").decode("ascii")
    bare = _POSSESSIVE.sub("", _LEADING_THE.sub("", ascii_text))
    return _NON_ALNUM.sub(" ", bare.casefold()).strip()


def abbreviation(text: str, max_length: int = MAX_ABBREVIATION) -> str | None:
    """The all-capital short form `text` is ("US" for "U.S." or "the US"), or None."""
    compact = _DOTS_AND_SPACES.sub("", _POSSESSIVE.sub("", _LEADING_THE.sub("", text.strip())))
    if 2 <= len(compact) <= max_length and compact.isalpha() and compact.isupper():
        return compact
    return None


@dataclass(frozen=True)
class CountryTable:
    """Lookups from any way of naming a country to its display name."""

    by_key: dict[str, str]
    by_abbreviation: dict[str, str]


@lru_cache(maxsize=1)
def country_table() -> CountryTable:
    """The table, built once per process from countryinfo and `data/places.json`."""
    places = _places()
    names, abbreviations = _Claims(), _Claims()
    display_of = {
        info["name"]: _claim_country(info, places["display_names"], names, abbreviations)
        for info in CountryInfo.all().values()
    }
    for section in ("seats_of_government", "prose_names"):
        for spelling, country in places[section].items():
            names.claim(name_key(spelling), _SPELLING, 0, display_of[country])
    for adjective, country in places["prose_adjectives"].items():
        names.claim_adjective(adjective, 0, display_of[country])
    for short, country in places["abbreviations"].items():
        abbreviations.claim(short, _SPELLING, 0, display_of[country])
    return CountryTable(names.winners(), abbreviations.winners())


class _Claims:
    """Spellings claimed by countries; per spelling the best (rank, population) claim wins."""

    def __init__(self) -> None:
        self._best: dict[str, tuple[int, int, str]] = {}

    def claim(self, key: str, rank: int, population: int, display: str) -> None:
        candidate = (rank, -population, display)
        if key and (key not in self._best or candidate < self._best[key]):
            self._best[key] = candidate

    def claim_adjective(self, adjective: str, population: int, display: str, rank: int = _ADJECTIVE) -> None:
        """An adjective and its plural, which names the people ("Russians")."""
        self.claim(name_key(adjective), rank, population, display)
        self.claim(name_key(adjective + "s"), rank, population, display)

    def winners(self) -> dict[str, str]:
        return {key: display for key, (_, _, display) in self._best.items()}


def _claim_country(info: dict[str, Any], overrides: dict[str, str], names: _Claims, abbreviations: _Claims) -> str:
    """Claim every spelling countryinfo knows for one country; returns its display name."""
    display = overrides.get(info["name"], info["name"])
    population = info.get("population") or 0
    own_codes = {code for code in (info.get("ISO") or {}).values() if isinstance(code, str)}
    for name in (info["name"], display):
        names.claim(name_key(name), _NAME, population, display)
    for spelling in _spellings(info):
        short = abbreviation(spelling)
        if short is None:
            names.claim(name_key(spelling), _SPELLING, population, display)
        elif short not in own_codes:
            # "UK", "UAE", "DRC" are names in prose; ISO codes ("GB", "RUS") are not.
            abbreviations.claim(short, _SPELLING, population, display)
    adjectives = _split(info.get("demonym"))
    rank = _ADJECTIVE if len(adjectives) == 1 else _SHARED_ADJECTIVE
    for adjective in adjectives:
        names.claim_adjective(adjective, population, display, rank)
    return display


def country_for(text: str) -> str | None:
    """The country `text` names ("Russian", "Russia's", "the Kremlin", "U.S.") or None."""
    table = country_table()
    short = abbreviation(text)
    if short is not None and short in table.by_abbreviation:
        return table.by_abbreviation[short]
    return table.by_key.get(name_key(text))


@lru_cache(maxsize=1)
def regional_adjectives() -> frozenset[str]:
    """Keys of adjectives like "African" or "Western": groups too vague to be entities."""
    return frozenset(name_key(word) for word in _places()["regional_adjectives"])


@lru_cache(maxsize=1)
def _places() -> dict[str, Any]:
    text = resources.files("currents.text").joinpath("data", "places.json").read_text(encoding="utf-8")
    return json.loads(text)


def _spellings(info: dict[str, Any]) -> list[str]:
    """Alternative and native spellings, without catalogue inversions like "Korea, Republic of"."""
    spellings = [s for s in info.get("altSpellings") or [] if s.strip() and "," not in s]
    spellings.extend(_split(info.get("nativeName")))
    return spellings


def _split(value: str | None) -> list[str]:
    """The parts of a field naming two things ("Antiguan,Barbudan", "Serbian/Montenegrin")."""
    return [part.strip() for part in re.split(r"[,/]", value or "") if part.strip()]
