"""Entity spans as an article means them: spaCy's NER spans, cut, trimmed and composed.

The small model tags words, not the things news writes about. It tags
"Paris" in "the Paris attacks" as a place and leaves the attacks out; it
splits "Boeing 777" into a maker and a number; it tags "Russian" in "the
Russian foreign ministry" and nothing else; in a title-case headline it runs a
name into the verb ("Samsung Galaxy S5 Hits"). This module turns the NER spans
of a `Doc` into `Piece`s, one per thing named:

- a span is cut at line breaks, quotation marks and brackets (a name never
  crosses any of them) and loses a trailing finite verb; a title of a work
  counts only when the text quotes it;
- a place followed by an event noun ("Paris attacks", "the Iraq war",
  "Japan's megaquake", "the Brussels Jewish museum shootings"), or an event
  noun followed by "in" and a place ("the war in Iraq"), is one EVENT named
  after the place. A nationality or a country's name with a noun that usually
  names what a country does ("Russian attacks", "US strikes") stays the
  country: the country did it, it did not happen there;
- a maker followed by a model number ("Boeing" "777") is one PRODUCT, and so
  is an airline's flight ("Air France flight 447");
- two names joined by a particle ("Stade" "de" "France") are one name, and a
  name followed by what it is ("the Bataclan concert hall", "the Fukushima
  Daiichi nuclear plant") is a FAC that is still the bare name;
- a country followed by a ministry ("Russia's foreign ministry") names the
  ministry too, "Foreign Ministry (Russia)".

Everything reads the tokens, tags and NER spans of the `Doc`; the pieces are
computed once per `Doc` (kept in `doc.user_data`), since several steps ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from currents.text.countries import country_for, name_key

# WORK_OF_ART is left out unless quoted (see `_cut_spans`): on news text the small model
# gives it mostly to headlines, quotes and misread names ("PARIS", "Hollande", "Ph.D.").
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "LAW", "EVENT", "FAC", "PRODUCT"})
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP"})
EVENT, PRODUCT, ORG, FAC, WORK_OF_ART = "EVENT", "PRODUCT", "ORG", "FAC", "WORK_OF_ART"

# Nouns that name a happening, with the word that names its kind: "quake" and
# "megaquake" are both earthquakes, so "Japan quake" and "Japan's megaquake" are one event.
EVENT_NOUNS = {
    "attack": "attacks", "attacks": "attacks", "bombing": "bombings", "bombings": "bombings",
    "shooting": "shootings", "shootings": "shootings", "massacre": "massacre", "massacres": "massacre",
    "strike": "strikes", "strikes": "strikes", "raid": "raids", "raids": "raids", "invasion": "invasion",
    "earthquake": "earthquake", "earthquakes": "earthquake", "quake": "earthquake", "quakes": "earthquake",
    "megaquake": "earthquake", "tsunami": "tsunami", "floods": "floods", "flooding": "floods",
    "war": "war", "wars": "war", "crisis": "crisis", "crises": "crisis", "election": "election",
    "elections": "election", "referendum": "referendum", "revolution": "revolution", "uprising": "uprising",
    "coup": "coup", "protests": "protests", "riots": "riots", "summit": "summit", "disaster": "disaster",
}  # fmt: skip
# Kinds a country usually does rather than suffers: "Russian attacks" are attacks by Russia.
AGENT_KINDS = frozenset({"attacks", "bombings", "shootings", "massacre", "strikes", "raids", "invasion"})
# Words allowed between a place and its event noun ("Brussels Jewish museum shootings").
MAX_EVENT_MODIFIERS = 2
_MODIFIER_TAGS = frozenset({"NN", "NNS", "JJ", "NNP"})
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
# Particles inside names that join two tagged spans ("Stade de France"), and the labels a joined name keeps.
NAME_LINKS = frozenset({"de", "du", "des", "del", "della", "di", "da", "do", "dos"})
_JOINED_LABELS = frozenset({"ORG", "FAC", "LOC", "GPE", "PERSON"})
# A model number: letters then digits, or digits then letters ("S4", "MH370", "A380", "5S").
MODEL_CODE = re.compile(r"[A-Z]{1,3}\d{1,4}[A-Za-z]{0,3}|\d{1,4}[A-Z]{1,3}")
_FINITE_VERB_TAGS = frozenset({"VBZ", "VBD", "VBP"})
_POSSESSIVE_TAG = "POS"
# What a named place is ("the Bataclan concert hall"), and words allowed before it ("nuclear power").
FACILITY_NOUNS = frozenset(
    "plant station airport stadium arena theatre theater hall venue museum hospital prison dam reactor mine "
    "embassy palace cathedral mosque church synagogue temple".split()
)
MAX_FACILITY_MODIFIERS = 2
FLIGHT = "flight"
MINISTRY = "ministry"
_MINISTRY_NAME = re.compile(r"((?:\w+ )*Ministry) \(.+\)")
# Words allowed between a country and "ministry" ("foreign", "defence").
MAX_MINISTRY_WORDS = 2
_PIECES = "currents.entity_pieces"


@dataclass(frozen=True)
class Piece:
    """One named thing: a span, its label, and (for composed pieces) the name and identity a rule gave it.

    `identity` is what makes two pieces one thing when their names differ
    ("Iraq war" and "war in Iraq" are both "iraq war").
    """

    span: Span
    label: str
    name: str | None = None
    identity: str | None = None

    @property
    def surface(self) -> str:
        return " ".join(self.span.text.split())


def entity_pieces(doc: Doc) -> list[Piece]:
    """The named things of `doc`, in text order (see the module docstring)."""
    if _PIECES not in doc.user_data:
        doc.user_data[_PIECES] = _compose(doc, [_without_trailing_verb(span) for span in _cut_spans(doc)])
    return doc.user_data[_PIECES]


def event_identity(place: str, noun: str) -> str:
    """What two names of one event share: the place's key and the kind ("japan earthquake")."""
    return f"{name_key(place)} {EVENT_NOUNS[noun.lower()]}"


def _cut_spans(doc: Doc) -> list[Span]:
    """NER spans of the kept types, cut at line breaks, quotation marks and brackets.

    The small model runs names across paragraphs ("Jose Mourinho\\n\\nShevchenko"
    as one PERSON), across quoted titles in headlines ("Freedom’ Trailer
    Features New U2 Song ‘Ordinary Love") and into the bracket before an
    acronym ("the Office of the High Commissioner for Human Rights ("); a
    name never spans any of them, so each run between them is a span. A
    title of a work (WORK_OF_ART) is kept only when the text quotes it ("a
    song, “Ordinary Love,”"): unquoted, the model gives that label mostly to
    headlines and misread names.
    """
    spans = []
    for span in doc.ents:
        if span.label_ in ENTITY_LABELS or (span.label_ == WORK_OF_ART and _quoted(span)):
            spans.extend(_runs(span))
    return spans


def _runs(span: Span) -> list[Span]:
    runs, start = [], span.start
    for token in span:
        if _breaks_a_name(token):
            if token.i > start:
                runs.append(Span(span.doc, start, token.i, label=span.label_))
            start = token.i + 1
    if start == span.start:
        return [span]
    if span.end > start:
        runs.append(Span(span.doc, start, span.end, label=span.label_))
    return runs


def _breaks_a_name(token: Token) -> bool:
    return (token.is_space and "\n" in token.text) or token.is_quote or token.is_bracket


def _quoted(span: Span) -> bool:
    """Between quotation marks, a closing one allowed after a comma or full stop (“Ordinary Love,”)."""
    doc = span.doc
    after = span.end + (span.end < len(doc) and doc[span.end].text in ",.")
    return span.start > 0 and doc[span.start - 1].is_quote and after < len(doc) and doc[after].is_quote


def _without_trailing_verb(span: Span) -> Span:
    """"Samsung Galaxy S5 Hits" (a title-case headline) is "Samsung Galaxy S5"."""
    end, doc = span.end, span.doc
    while end - span.start > 1 and doc[end - 1].tag_ in _FINITE_VERB_TAGS and not _is_event_noun(doc[end - 1]):
        end -= 1
    return span if end == span.end else Span(span.doc, span.start, end, label=span.label_)


def _compose(doc: Doc, spans: list[Span]) -> list[Piece]:
    pieces: list[Piece] = []
    taken = 0  # token index: tokens before it belong to a composed piece already
    for index, span in enumerate(spans):
        if span.start < taken:
            continue
        following = spans[index + 1] if index + 1 < len(spans) else None
        composed = (
            _joined(doc, span, following)
            or _event(doc, span, taken)
            or _model(doc, span, following)
            or _facility(doc, span)
            or _named_as_composed(span)
        )
        if composed is not None:
            pieces.append(composed)
            taken = composed.span.end
            continue
        pieces.append(Piece(span, span.label_))
        ministry = _ministry_after(doc, span)
        if ministry is not None:
            pieces.append(ministry)
            taken = ministry.span.end
    return pieces


def _named_as_composed(span: Span) -> Piece | None:
    """A span the model tagged whole that a rule would have composed: "the Iraq war", "the Russian Foreign Ministry"."""
    words = [token for token in span if token.tag_ != "DT"]
    if len(words) < 2:
        return None
    if span.label_ == EVENT and _is_event_noun(words[-1]):
        return Piece(span, EVENT, identity=event_identity(country_for(words[0].text) or words[0].text, words[-1].text))
    if words[-1].lower_ in FACILITY_NOUNS and words[0].text[:1].isupper():
        name_words = [t for t in words if not (t.is_lower or t.tag_ == _POSSESSIVE_TAG)]
        if name_words and words[-1].is_lower:
            return Piece(span, FAC, identity=name_key(" ".join(t.text for t in name_words)))
    if span.label_ == ORG and words[-1].lower_ == MINISTRY:
        possessive = words[1].tag_ == _POSSESSIVE_TAG
        country = country_for(words[0].text)
        if country is not None:
            return _ministry(span, country, [t.lower_ for t in words[1 + possessive : -1]])
    return None


# -- events --------------------------------------------------------------------------


def _event(doc: Doc, span: Span, taken: int) -> Piece | None:
    """An EVENT piece around a place span, or None."""
    place = _place_name(span)
    if place is None:
        return None
    return _event_after(doc, span, place) or _event_before(doc, span, place, taken)


def _event_after(doc: Doc, span: Span, place: str) -> Piece | None:
    """"Paris attacks", "Japan's megaquake", "the 2004 Madrid train bombings"."""
    i = span.end
    possessive = i < len(doc) and doc[i].tag_ == _POSSESSIVE_TAG
    i += possessive
    determined = span.start > 0 and doc[span.start - 1].tag_ == "DT"
    modifiers: list[Token] = []
    while i < len(doc) and len(modifiers) <= MAX_EVENT_MODIFIERS:
        token = doc[i]
        if _is_event_noun(token) and _heads_a_happening(doc, i, determined):
            agent = possessive or country_for(span.text) is not None
            if agent and EVENT_NOUNS[token.lower_] in AGENT_KINDS:
                return None
            name = " ".join([place, *(t.text for t in modifiers), token.text])
            event = Span(doc, _date_start(doc, span.start), i + 1, label=EVENT)
            return Piece(event, EVENT, name, event_identity(place, token.text))
        if token.tag_ not in _MODIFIER_TAGS or token.is_sent_start:
            return None
        modifiers.append(token)
        i += 1
    return None


def _event_before(doc: Doc, span: Span, place: str, taken: int) -> Piece | None:
    """"the war in Iraq", "attacks in Paris": an event noun, "in", a city or country."""
    if span.label_ != "GPE" or span.start < 2 or doc[span.start - 1].lower_ != "in":
        return None
    noun = doc[span.start - 2]
    if noun.i < taken or not _is_event_noun(noun) or noun.tag_ not in ("NN", "NNS"):
        return None
    name = f"{place} {noun.text}"
    return Piece(Span(doc, noun.i, span.end, label=EVENT), EVENT, name, event_identity(place, noun.text))


def _place_name(span: Span) -> str | None:
    """The place a GPE, LOC or national span names ("Syrian" -> "Syria"), or None.

    A national span that is neither a country's adjective nor a proper noun
    ("Jewish") names no place; a proper noun tagged national ("Sousse") is a
    place the model misread.
    """
    if span.label_ not in PLACE_LABELS:
        return None
    country = country_for(span.text)
    if country is not None:
        return country
    if span.label_ == "NORP" and any(token.tag_ != "NNP" for token in span):
        return None
    words = [t.text for t in span if t.tag_ != "DT" and t.tag_ != _POSSESSIVE_TAG]
    return " ".join(words) or None


def _is_event_noun(token: Token) -> bool:
    return token.lower_ in EVENT_NOUNS


def _heads_a_happening(doc: Doc, i: int, determined: bool) -> bool:
    """The event word is the head noun here ("the Paris attacks", "Paris attacks:"), not a verb or a
    modifier of another noun ("Russian war crimes").

    The model often tags the word a verb ("Paris attacks" as in "Paris
    attacks Lyon"); after a determiner ("the Paris attacks that...") or with
    no object after it ("Paris attacks:") it is still the noun.
    """
    token = doc[i]
    after = doc[i + 1] if i + 1 < len(doc) else None
    if after is not None and after.tag_ in _NOUN_TAGS:
        return False
    if token.tag_ in _NOUN_TAGS:
        return True
    no_object = after is None or after.is_punct or after.pos_ in ("ADP", "CCONJ", "SCONJ")
    return token.tag_ == "VBZ" and (determined or no_object)


def _date_start(doc: Doc, start: int) -> int:
    """Where a date written right before an event's place begins ("the 2004 Madrid bombings"), else `start`."""
    while start > 0 and not doc[start - 1].is_space and (
        doc[start - 1].ent_type_ == "DATE" or (doc[start].ent_type_ == "DATE" and doc[start - 1].like_num)
    ):
        start -= 1
    return start


# -- joined names, model numbers and ministries --------------------------------------------


def _joined(doc: Doc, span: Span, following: Span | None) -> Piece | None:
    """"Stade" + "de" + "France": two spans linked by a name particle are one name (a venue, here)."""
    if following is None or following.start != span.end + 1 or doc[span.end].lower_ not in NAME_LINKS:
        return None
    label = span.label_ if span.label_ in _JOINED_LABELS else "FAC"
    return Piece(Span(doc, span.start, following.end, label=label), label)


def _model(doc: Doc, span: Span, following: Span | None) -> Piece | None:
    """A maker and the model number right after it are one PRODUCT: "Boeing" + "777", "Samsung Galaxy" + "S4",
    and an airline's flight: "Air France" + "flight 447"."""
    if span.label_ not in (ORG, PRODUCT):
        return None
    end = None
    if following is not None and following.start == span.end and following.label_ == PRODUCT:
        end = following.end if following.text[:1].isdigit() else None
    elif span.end < len(doc) and _is_model_code(doc[span.end]):
        end = span.end + 1
    elif span.end + 1 < len(doc) and doc[span.end].lower_ == FLIGHT and _is_flight_number(doc[span.end + 1]):
        end = span.end + 2
    return None if end is None else Piece(Span(doc, span.start, end, label=PRODUCT), PRODUCT)


def _is_flight_number(token: Token) -> bool:
    return token.text.isdigit() or MODEL_CODE.fullmatch(token.text) is not None


def _facility(doc: Doc, span: Span) -> Piece | None:
    """A name followed by what it is ("Fukushima Daiichi nuclear power plant", "Bataclan concert hall") is a FAC.

    The piece keeps the name's identity, so the bare name elsewhere
    ("Bataclan") is the same place, whatever the model tagged either.
    """
    i = span.end
    while i < len(doc) and i - span.end <= MAX_FACILITY_MODIFIERS and doc[i].is_lower and doc[i].is_alpha:
        if doc[i].lower_ in FACILITY_NOUNS:
            words = [t for t in span if t.tag_ not in ("DT", _POSSESSIVE_TAG)]
            if not words:
                return None
            name, bare = doc[words[0].i : i + 1].text, doc[words[0].i : words[-1].i + 1].text
            return Piece(Span(doc, span.start, i + 1, label=FAC), FAC, name, name_key(bare))
        i += 1
    return None


def _is_model_code(token: Token) -> bool:
    """An untagged code of letters and digits ("S4", "A380"), not a count or a year."""
    return not token.ent_type and MODEL_CODE.fullmatch(token.text) is not None


def _ministry_after(doc: Doc, span: Span) -> Piece | None:
    """A country span followed by a ministry ("Russia's foreign ministry"): the ministry's piece, or None."""
    country = country_for(span.text) if span.label_ in ("GPE", "NORP") else None
    if country is None:
        return None
    i = span.end + (span.end < len(doc) and doc[span.end].tag_ == _POSSESSIVE_TAG)
    words: list[str] = []
    while i < len(doc) and len(words) <= MAX_MINISTRY_WORDS and doc[i].is_alpha:
        if doc[i].lower_ == MINISTRY:
            return _ministry(Span(doc, span.start, i + 1, label=ORG), country, words)
        words.append(doc[i].lower_)
        i += 1
    return None


def _ministry(span: Span, country: str, words: list[str]) -> Piece:
    """One name for a country's ministry however it is written: "Foreign Ministry (Russia)"."""
    name = " ".join([*(word.capitalize() for word in words), "Ministry"]) + f" ({country})"
    return Piece(span, ORG, name, name_key(name))


def ministry_forms(name: str) -> list[str]:
    """How an article names a country's ministry again once it has said whose: "Foreign Ministry (Russia)"
    is then "the Foreign Ministry" or "the foreign ministry"."""
    match = _MINISTRY_NAME.fullmatch(name)
    return [match[1], match[1].lower()] if match else []
