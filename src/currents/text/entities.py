"""An article's entities: spaCy's named-entity spans, cleaned, retyped and grouped.

spaCy tags each mention on its own: "Russian" (NORP), "Vladimir Putin" and
"Putin" (PERSON), "the International Criminal Court" and "ICC" (ORG),
sometimes "Burkina Faso" as a PERSON, and often a name once out of five
times. Later stages need one record per thing the article talks about, so
this module

- reads the spans as composed by text/spans.py (named events such as "the
  Paris attacks", model numbers, ministries, venues);
- cleans each span: edge punctuation, a leading article or number, a possessive,
  a clause after a spaced dash ("the World Cup - I can go"), titles before a
  person's name ("Russian President Vladimir Putin" is the person "Vladimir
  Putin", and the "Russian" is a mention of Russia); a courtesy title ("Mr
  Hollande") makes a person whatever the tag; a name with a number in it is a
  model's, a PRODUCT even when tagged a person ("Galaxy S5"), and its maker's
  possessive is part of it ("Samsung’s Galaxy S5" is "Samsung Galaxy S5");
- reads countries with the country table (text/countries.py): any span that
  names a country, in any spelling, adjective or seat of government, is that
  country, typed GPE;
- drops what is not a name: spans in sentences of garbage (tables, link lists),
  spans that are mostly digits or punctuation, all-lower-case spans (in English
  news they come from URLs and slugs: "hillary-clinton"), common nouns the
  model took for a group ("Seismologists" opening a sentence), and regional
  adjectives ("African", "Western") too vague to be entities. Other NORP spans
  (religious and political groups: "Islamist", "Democrats") stay NORP;
- settles one type per name by vote ("Santos" tagged PERSON twice and GPE
  once is a PERSON), keeping countries countries, and makes a person's
  surname or first name alone a person whatever its tag ("Najib" tagged ORG
  beside "Najib Razak");
- groups mentions of one thing: same name, a person's surname or first name
  alone with their full name ("Putin" with "Vladimir Putin"; with several
  people of that surname, the one introduced first), two spellings and orders
  of one full name ("Omar Ismail Mostefai", "Ismaël Omar Mostefaï"), a model's
  short name with its full one ("Galaxy S5", "Samsung Galaxy S5"; "MH370",
  "Flight 370"), a clipped name with its full one ("Man City"), a bare name
  with its prefixed one ("Milan", "AC Milan"), a place's adjective with the
  place ("Crimean", "Crimea"), a place's formal name with its common one
  ("Autonomous Republic of Crimea", "Crimea"), an acronym with its long form ("ICC" with
  "International Criminal Court", from a "Name (ACR)" pattern or from initials);
- counts the repeats the model did not tag: another occurrence of a name the
  article tagged is a mention too ("Barclays" tagged once, written five times),
  unless more of a longer name follows ("Samsung Galaxy" in "Samsung Galaxy S2").

A headline is read as its own Doc beside the body's; in a title-case headline,
where every word is capitalised, only the names the body writes too count
("Trailer Features New U2 Song" is no organisation). Everything works from
the tokens, tags and NER spans; no dependency parse, no second tokenisation.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import NamedTuple, TypeVar

import numpy
from spacy.attrs import ENT_TYPE, IS_ALPHA, IS_SPACE, LIKE_URL, ORTH, POS
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span

from currents.model import PERSON_TYPE, PLACE_TYPES, LocalEntity
from currents.text.countries import MAX_ABBREVIATION, abbreviation, country_for, name_key, regional_adjectives
from currents.text.nlp import sentences_of, text_of
from currents.text.spans import MODEL_CODE, PRODUCT, Piece, entity_pieces, ministry_forms

PERSON, COUNTRY_TYPE, NORP, ORG_TYPE = PERSON_TYPE, "GPE", "NORP", "ORG"
# Types whose names have acronyms ("ICC", "UNSC", "NATO"); countries have theirs in the country table.
ACRONYM_TYPES = frozenset({"ORG", "LAW", "EVENT", "FAC", "PRODUCT", "NORP"})

# Words of a title or honorific written before a name ("Prime Minister", "Mr").
TITLES = frozenset(
    """president vice prime minister chancellor premier pope king queen prince princess emperor
    mr mrs ms miss mx dr sir dame lord lady madam general gen lt col colonel major maj captain capt
    sgt sergeant admiral adm marshal commander senator sen rep representative congressman
    congresswoman governor gov mayor judge justice prosecutor attorney chief secretary foreign
    defence defense state ambassador envoy commissioner director spokesman spokeswoman
    spokesperson leader sheikh emir sultan ayatollah imam rabbi rev reverend cardinal archbishop
    bishop father sister brother professor prof deputy acting interim former""".split()
)
# Name particles that may be dropped or written differently ("Bashar al-Assad" / "Bashar Assad").
NAME_PARTICLES = frozenset("al el bin ibn abu de del della der di da van von le la dos das du".split())
# Two spellings of one name ("Ismail", "Ismael") are at least this similar (difflib ratio) and this long.
MIN_SPELLING_SIMILARITY = 0.8
MIN_VARIANT_LENGTH = 3
# Acronyms of organisations run longer than country abbreviations ("ECOWAS", "UNESCO").
MAX_ACRONYM = 8
# Time-zone abbreviations the model takes for organisations ("03:00 GMT").
TIME_ZONES = frozenset(
    "GMT UTC BST CET CEST EET EEST WET EST EDT CST CDT MST MDT PST PDT JST KST IST AEST AEDT".split()
)
# Types whose names in capitals are shouted, not acronyms: "PARIS —" in a dateline.
SHOUTED_NAME_TYPES = frozenset({"PERSON", "GPE", "LOC"})
# Words an acronym skips ("Organisation of ... Countries" -> "O..C").
ACRONYM_SKIPPED_WORDS = frozenset("of the and for on in to at de".split())

# A headline with this many content words, all capitalised, is in title case (see `_headline_mentions`).
MIN_TITLE_CASE_WORDS = 3
# A span is a name only if letters make up this share of its non-space characters.
MIN_NAME_LETTER_SHARE = 0.6
# A sentence is garbage (a table row, a list of links) if letters make up less
# than this share of its tokens, or links and pipes more than the next one...
MIN_SENTENCE_WORD_SHARE = 0.5
MAX_SENTENCE_LINK_SHARE = 0.2
# ...and the letter test needs this many tokens to mean anything.
MIN_TOKENS_FOR_WORD_SHARE = 4

_COMMON_NOUN_TAGS = frozenset({"NN", "NNS"})
_PROPER_NOUN_TAGS = frozenset({"NNP", "NNPS"})
# A courtesy title makes whatever follows a person's name, whatever the model tagged ("Mr Hollande" as ORG).
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Mx|Miss|Dr|Sir|Dame)\.?\s+[A-Z]")
_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}<>*_#|,;:!?–—-/\\ "
_LEADING_LOWER_ARTICLE = re.compile(r"^(?:the|an?)\s+")
_LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\d[\d,./-]*\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_MAKERS_POSSESSIVE = re.compile(r"^(\w[\w.&-]*)['’]s\s+(?=\S)")
# A dash with spaces around it separates clauses, never the words of one name ("the World Cup - I can go").
_SPACED_DASH = re.compile(r"\s+[-–—]+\s+")
_NAME_SPLIT = re.compile(r"[\s-]+")
_JUNK_SENTENCES = "currents.junk_sentences"
_FIRST_WORD = re.compile(r"\w+|\W")
T = TypeVar("T")
# The type given to a place an adjective derives from when it has no place type yet, and the endings
# that make adjectives of place names.
PLACE_TYPE = "GPE"
_ADJECTIVE_ENDINGS = ("ian", "an", "n", "ese", "i")
# A short prefix of capitals before a club's or company's name ("AC", "FC", "SK").
_INITIALISM = re.compile(r"[A-Z]{2,3}")
_FLIGHT_CODE = re.compile(r"[A-Z]{2}(?P<number>\d{1,4})")


class NamedSpan(NamedTuple):
    """Where a text names an entity: character offsets into the Doc's text, and the entity's name."""

    start: int
    end: int
    name: str


def local_entities(doc: Doc, headline: Doc | None = None) -> list[LocalEntity]:
    """The entities `doc` mentions, one record per thing, in order of first mention.

    A `headline` (its own Doc) is read with the body: it names the actors most
    plainly ("Putin said that Russia would withdraw"), so its "Putin" joins the
    body's "Vladimir Putin". Its mentions count, at offset 0 (the body's start).
    In a title-case headline, only names the body writes too count (see
    `_headline_mentions`).
    """
    docs = [doc] if headline is None else [headline, doc]
    mentions = _mentions(doc) if headline is None else [*_headline_mentions(headline, doc), *_mentions(doc)]
    _settle_types(mentions)
    groups = _group(mentions)
    _merge_person_short_forms(groups)
    _merge_reordered_names(groups)
    _merge_model_names(groups)
    _merge_clipped_names(groups)
    _merge_prefixed_names(groups)
    _merge_organisation_short_forms(groups)
    _merge_place_adjectives(groups)
    _merge_formal_place_names(groups)
    _merge_acronyms(groups, mentions)
    roots = [g for g in groups if g.root is g]
    for one in docs:
        _count_untagged_repeats(one, roots, in_headline=one is headline)
    return sorted((group.entity() for group in roots), key=lambda e: e.first_offset)


def mentions_by_sentence(doc: Doc, entities: Iterable[LocalEntity]) -> dict[int, list[NamedSpan]]:
    """Sentence index (as in `enumerate(doc.sents)`) -> where it names which entity, in text order.

    `entities` is what `local_entities` returned; each NER piece is matched to
    its entity by the surface it was recorded under, so nothing is re-cleaned,
    and untagged repeats of an entity's names count too ("Barclays" the model
    missed). Garbage sentences have no entries, as they gave no entities.
    """
    entities = list(entities)
    names_by_surface: dict[str, list[str]] = {}
    forms: dict[str, str | None] = {}
    people: set[str] = set()
    for entity in entities:
        for surface in entity.surfaces:
            names_by_surface.setdefault(surface, []).append(entity.name)
        for form in _written_forms(entity):
            forms[form] = entity.name if forms.get(form, entity.name) == entity.name else None
            if entity.type == PERSON:
                people.add(form)
    spans = [
        NamedSpan(piece.span.start_char, piece.span.end_char, name)
        for piece in entity_pieces(doc)
        for name in names_by_surface.get(piece.surface, ())
    ]
    spans.extend(NamedSpan(*found) for found in _untagged_occurrences(doc, forms, people))
    starts = [sentence.start_char for sentence in sentences_of(doc)]
    junk = junk_sentences(doc)
    found: dict[int, list[NamedSpan]] = {}
    for span in sorted(spans):
        sentence = bisect_right(starts, span.start) - 1
        if sentence not in junk:
            found.setdefault(sentence, []).append(span)
    return found


def _written_forms(entity: LocalEntity) -> set[str]:
    """The entity's names as a text writes them again: name, cleaned surfaces, a person's surname."""
    forms = {entity.name, *(_trim(surface, True, keep_numbers=True) for surface in entity.surfaces)}
    if entity.type == PERSON and " " in entity.name:
        forms.add(entity.name.split()[-1])
    return {form for form in forms if _looks_like_name(form)}


def junk_sentences(doc: Doc) -> frozenset[int]:
    """Indexes of sentences that are not prose: table rows, lists of links, strings of numbers.

    Such a sentence has few word tokens, or many link/pipe tokens, or a link
    and no verb at all; nothing in it should become an entity, a keyphrase or
    a fact. Computed once per `Doc` (kept in `doc.user_data`), as several
    steps ask, from running counts over one array of token attributes.
    """
    if _JUNK_SENTENCES not in doc.user_data:
        doc.user_data[_JUNK_SENTENCES] = _junk(doc)
    return doc.user_data[_JUNK_SENTENCES]


def _junk(doc: Doc) -> frozenset[int]:
    space, alpha, url, pos, orth = doc.to_array([IS_SPACE, IS_ALPHA, LIKE_URL, POS, ORTH]).T
    counted = space == 0
    words = counted & (alpha == 1)
    links = counted & ~words & (url == 1)
    for i in numpy.flatnonzero(counted & ~words & (url == 0)):
        links[i] = _is_link_or_cell(doc.vocab.strings[orth[i]])
    verbs = counted & numpy.isin(pos, (VERB, AUX))
    # Running counts: a sentence's count of each is a difference of two entries.
    running = numpy.vstack([numpy.zeros(4, dtype=int), numpy.cumsum([counted, words, links, verbs], axis=1).T])
    junk = set()
    for index, sentence in enumerate(sentences_of(doc)):
        tokens, words_in, links_in, verbs_in = (running[sentence.end] - running[sentence.start]).tolist()
        if tokens and (
            (links_in > 0 and not verbs_in)
            or links_in / tokens > MAX_SENTENCE_LINK_SHARE
            or (tokens >= MIN_TOKENS_FOR_WORD_SHARE and words_in / tokens < MIN_SENTENCE_WORD_SHARE)
        ):
            junk.add(index)
    return frozenset(junk)


def person_name_tokens(name: str) -> list[str]:
    """A person's name as comparable words: folded, particles dropped ("Bashar al-Assad" -> bashar, assad)."""
    words = _NAME_SPLIT.split(name_key(name))
    return [word for word in words if word and word not in NAME_PARTICLES] or [w for w in words if w]


def initials(name: str) -> str:
    """First letters of the words an acronym keeps ("ICC" for "International Criminal Court")."""
    words = [w for w in _NAME_SPLIT.split(name) if w and w.casefold() not in ACRONYM_SKIPPED_WORDS]
    return "".join(word[0] for word in words if word[0].isalpha()).upper()


# -- reading spans -----------------------------------------------------------


@dataclass
class _Mention:
    """One NER span, cleaned and typed."""

    name: str
    type: str
    surfaces: list[str]
    offset: int
    # An acronym written in brackets right after the mention ("International Criminal Court (ICC)").
    bracketed: str | None
    # The name as written, cleaned ("Russian" for a mention of Russia): what a repeat of it looks like.
    form: str = ""
    # Read as a country through the country table (typed GPE, like any place spaCy tags GPE).
    is_country: bool = False
    # A one-word PERSON span read as a country ("Mali"): its person reading, in
    # case the article turns out to use the word as part of a person's name ("Jordan").
    person_reading: str | None = None
    # What makes two mentions one thing when their names differ ("Iraq war", "war in Iraq").
    identity: str | None = None

    @property
    def key(self) -> str:
        return self.identity or name_key(self.name)


def _mentions(doc: Doc, in_headline: bool = False) -> list[_Mention]:
    starts = _sentence_starts(doc)
    junk = junk_sentences(doc)
    mentions: list[_Mention] = []
    for piece in entity_pieces(doc):
        sentence = bisect_right(starts, piece.span.start) - 1
        if sentence not in junk:
            mentions.extend(_read(piece, starts[sentence]))
    if in_headline:
        for mention in mentions:
            mention.offset = 0
    return mentions


def _headline_mentions(headline: Doc, body: Doc) -> list[_Mention]:
    """The headline's mentions; in a title-case headline, only the countries and the names the body writes too.

    Title case capitalises every word, so the model takes runs of them for
    names ("Trailer Features New U2 Song", a byline "By Zero Hedge"); a name
    of such a headline that the body never writes is likelier a misreading
    than the article's subject.
    """
    mentions = _mentions(headline, in_headline=True)
    if not _title_cased(headline):
        return mentions
    text = text_of(body)
    return [mention for mention in mentions if mention.is_country or _writes(text, mention.form)]


def _title_cased(doc: Doc) -> bool:
    """Every content word capitalised ("Samsung Galaxy S5 Hits 10 Million Sales Mark"), enough of them to tell."""
    words = [token.text for token in doc if token.is_alpha and not token.is_stop]
    return len(words) >= MIN_TITLE_CASE_WORDS and all(word[0].isupper() for word in words)


def _writes(text: str, form: str) -> bool:
    """Whether `text` has `form` as whole words, in any case (title case capitalised "Paris Attacks")."""
    return bool(form) and re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE) is not None


def _read(piece: Piece, sentence_start: int) -> list[_Mention]:
    """The mentions one piece makes: usually one, none for garbage, two for "Russian-Georgian"."""
    span, surface = piece.span, piece.surface
    if piece.name is not None:
        bracketed = _parenthesised_acronym(span.doc, span.end)
        mention = _Mention(piece.name, piece.label, [surface], span.start_char, bracketed, surface)
        mention.identity = piece.identity
        return [mention]
    at_sentence_start = span.start == sentence_start or (
        span.start > sentence_start and span.doc[span.start - 1].is_punct
    )
    label = PERSON if _HONORIFIC.match(surface) else piece.label
    text = _trim(surface, at_sentence_start, keep_numbers=label == PERSON)
    if _is_model_name(text):
        text, label = _model_name(text, label)
    if not _looks_like_name(text) or (label == NORP and all(token.tag_ in _COMMON_NOUN_TAGS for token in span)):
        return []  # "Seismologists" capitalised at the start of a sentence is no name
    bracketed = _parenthesised_acronym(span.doc, span.end) if label in ACRONYM_TYPES and " " in text else None
    mention = _Mention(text, label, [surface], span.start_char, bracketed, identity=piece.identity)
    extra: list[_Mention] = []
    if label == PERSON:
        extra = _strip_person_titles(mention)
        titled = _titled_surface(span, sentence_start)
        if titled:
            mention.surfaces.append(titled)
    mention.form = mention.name
    country = country_for(mention.name)
    if country is not None:
        one_word_person = label == PERSON and " " not in mention.name
        mention.person_reading = mention.name if one_word_person else None
        mention.name, mention.type, mention.is_country = country, COUNTRY_TYPE, True
        return [mention, *extra]
    if label == NORP:
        return [*_norp_mentions(mention), *extra]
    return [mention, *extra]


def _trim(text: str, at_sentence_start: bool, keep_numbers: bool) -> str:
    """The name inside a span's text: no edge punctuation, leading article or number, or possessive,
    nothing after a spaced dash.

    A capital "The" is kept mid-sentence, where it belongs to the name ("at The
    Hague"); at the start of a sentence it is only the capitalised article.
    """
    text = _SPACED_DASH.split(text.strip(_EDGE_PUNCTUATION), 1)[0]
    article = _LEADING_ARTICLE if at_sentence_start else _LEADING_LOWER_ARTICLE
    text = article.sub("", text).strip(_EDGE_PUNCTUATION)
    if not keep_numbers:
        text = _LEADING_NUMBER.sub("", text)
    if "(" in text and ")" not in text:
        # "Islamic State (Isis" when the model stops inside a parenthesis.
        text = text.split("(", 1)[0].rstrip(_EDGE_PUNCTUATION)
    text = _POSSESSIVE.sub("", text).rstrip(_EDGE_PUNCTUATION)
    # A final full stop belongs to an abbreviation ("U.S.") only.
    if text.endswith(".") and text.count(".") == 1:
        text = text[:-1]
    return text


def _is_model_name(name: str) -> bool:
    """Whether a name names a model or a flight: it has a number in it ("Galaxy S5", "MH370", "Max 9")."""
    return any(char.isdigit() for char in name)


def _model_name(text: str, label: str) -> tuple[str, str]:
    """A model's name and type: its maker's possessive is part of its name
    ("Samsung’s Galaxy S5" is the Samsung Galaxy S5, as other articles write it), and read as a person
    it is a PRODUCT ("Galaxy S5"): no one's name has a number in it."""
    return _MAKERS_POSSESSIVE.sub(r"\1 ", text), PRODUCT if label == PERSON else label


def _looks_like_name(text: str) -> bool:
    compact = text.replace(" ", "").replace(".", "")
    if len(compact) < 2 or not any(c.isupper() for c in compact) or text in TIME_ZONES:
        return False
    if "://" in text or "www." in text or compact.count("/") >= 2:
        return False
    letters = sum(c.isalpha() for c in compact)
    return letters >= MIN_NAME_LETTER_SHARE * len(compact) or MODEL_CODE.fullmatch(compact) is not None


def _strip_person_titles(mention: _Mention) -> list[_Mention]:
    """Drop titles inside a PERSON span; a leading country adjective becomes a country mention."""
    words = mention.name.split()
    first = 0
    country = None
    if len(words) > 2 and _is_title(words[1]):
        country = country_for(words[0])
        first = 1 if country else 0
    while first < len(words) - 1 and _is_title(words[first]):
        first += 1
    if first == 0 or not words[first][0].isupper():
        return []
    mention.name = " ".join(words[first:])
    if country is None:
        return []
    return [_Mention(country, COUNTRY_TYPE, [words[0]], mention.offset, None, words[0], True)]


def _titled_surface(span: Span, sentence_start: int) -> str | None:
    """The span with the titles (and nationality) the text puts before it: "Russian President Vladimir Putin"."""
    doc = span.doc
    first = span.start
    while first > sentence_start and doc[first - 1].text[:1].isupper() and _is_title(doc[first - 1].text):
        first -= 1
    if first == span.start:
        return None
    if first > sentence_start and doc[first - 1].ent_type_ in (NORP, COUNTRY_TYPE):
        first -= 1
    return " ".join(doc[first : span.end].text.split())


def _is_title(word: str) -> bool:
    return word.casefold().rstrip(".") in TITLES


def _norp_mentions(mention: _Mention) -> list[_Mention]:
    """A nationality that is not one country: several countries ("Russian-Georgian"), a group, or nothing."""
    if "-" in mention.name:
        countries = [country_for(part) for part in mention.name.split("-")]
        if all(countries):
            return [
                _Mention(country, COUNTRY_TYPE, list(mention.surfaces), mention.offset, None, mention.form, True)
                for country in dict.fromkeys(countries)
            ]
    if mention.key in regional_adjectives():
        return []
    return [mention]


# -- grouping ----------------------------------------------------------------


def _settle_types(mentions: list[_Mention]) -> None:
    """One type per name: countries stay countries, people's names are people's (see
    `_retype_persons_words`), other names take their most frequent tag."""
    _retype_persons_words(mentions)
    votes: dict[str, Counter[str]] = {}
    for mention in mentions:
        if not mention.is_country:
            votes.setdefault(mention.key, Counter())[mention.type] += 1
    for mention in mentions:
        if not mention.is_country:
            mention.type = votes[mention.key].most_common(1)[0][0]


def _retype_persons_words(mentions: list[_Mention]) -> None:
    """Make the words of the article's people's names people, whatever the model tagged them.

    A one-word PERSON span read as a country goes back to being a person when
    the article uses that word inside a person's name ("Jordan" beside
    "Michael Jordan"), and a one-word name that is the surname of a person of
    the article is that person ("Mostefai" tagged ORG beside "Omar Mostefai").
    So is a person's first name ("Najib" tagged ORG beside "Najib Razak"),
    unless it was tagged a place ("Paris" stays the city beside "Paris
    Hilton") or the article writes it alone more often than the full names it
    starts ("Samsung" beside a misread person "Samsung Apps").
    """
    full_names = [person_name_tokens(m.name) for m in mentions if m.type == PERSON and " " in m.name]
    person_words = {word for tokens in full_names for word in tokens}
    surnames = {tokens[-1] for tokens in full_names}
    first_names = Counter(tokens[0] for tokens in full_names)
    for mention in mentions:
        if mention.person_reading and name_key(mention.person_reading) in person_words:
            mention.name, mention.type, mention.is_country = mention.person_reading, PERSON, False
    bare = [m for m in mentions if not m.is_country and m.type != PERSON and " " not in m.name]
    written_alone = Counter(m.key for m in bare)
    for mention in bare:
        first_name = mention.type not in PLACE_TYPES and written_alone[mention.key] <= first_names[mention.key]
        if mention.key in surnames or first_name:
            mention.type = PERSON


@dataclass(eq=False)
class _Group:
    """Mentions of one thing; merged groups point to the group they joined (`root`)."""

    type: str
    mentions: list[_Mention] = field(default_factory=list)
    extra_surfaces: list[str] = field(default_factory=list)
    # Offsets of repeats of the group's forms that NER did not tag (see `_count_untagged_repeats`).
    repeats: list[int] = field(default_factory=list)
    root: _Group = field(init=False)

    def __post_init__(self) -> None:
        self.root = self

    def find(self) -> _Group:
        group = self
        while group.root is not group:
            group = group.root
        return group

    def absorb(self, other: _Group) -> None:
        """Take in `other`'s mentions; this group's own name stays the entity's name."""
        self.mentions.extend(other.mentions)
        self.extra_surfaces.extend(other.extra_surfaces)
        other.mentions = []
        other.root = self

    @property
    def name(self) -> str:
        return self.mentions[0].name if self.mentions else ""

    @property
    def first_offset(self) -> int:
        return min([mention.offset for mention in self.mentions] + self.repeats)

    def entity(self) -> LocalEntity:
        surfaces = [surface for m in self.mentions for surface in m.surfaces] + self.extra_surfaces
        return LocalEntity(
            name=self._fullest_name(),
            type=self.type,
            surfaces=list(dict.fromkeys(surfaces)),
            mentions=len(self.mentions) + len(self.repeats),
            first_offset=self.first_offset,
        )

    def _fullest_name(self) -> str:
        """The longest form for a person, else the most frequent form of this group's own name.

        A form in capitals ("WASHINGTON" in a dateline) comes last, and is
        shown in title case if it is all there is (places and people have no
        acronyms beyond what the country table knows); ties go to the longer
        form: "The Hague" (mid-sentence) over "Hague" (where a sentence-initial
        "The" was taken for the article).
        """
        if self.type == PERSON:
            counts = Counter(m.name for m in self.mentions)
            name = max(counts, key=lambda name: (not _shouted(name), len(person_name_tokens(name)), counts[name]))
        else:
            counts = Counter(m.name for m in self.mentions if m.key == self.mentions[0].key)
            name = max(counts, key=lambda name: (not _shouted(name), counts[name], len(name)))
        return name.title() if self.type in SHOUTED_NAME_TYPES and _shouted(name) else name


def _shouted(name: str) -> bool:
    """In capitals and longer than an abbreviation of a country ("PARIS", not "UK")."""
    return name.isupper() and len(name) > MAX_ABBREVIATION


def _group(mentions: list[_Mention]) -> list[_Group]:
    groups: dict[tuple[str, str], _Group] = {}
    for mention in mentions:
        group = groups.setdefault((mention.type, mention.key), _Group(mention.type))
        group.mentions.append(mention)
    return list(groups.values())


def _merge_person_short_forms(groups: list[_Group]) -> None:
    """Join "Putin" (or "Vladimir", or "George Bush") to the full name in the article it shortens.

    Shorter names are matched against longer ones, longest first, so a chain
    "Bush" -> "George Bush" -> "George W. Bush" ends at the fullest form. A
    short name that fits several people ("Abaaoud" beside "Abdelhamid
    Abaaoud" and, later, "his father Omar Abaaoud") goes to the one the
    article introduced first: news writing names its main person in full
    first, then by surname, and calls relatives met later by their full or
    first names.
    """
    people = sorted(
        ((person_name_tokens(g.name), g) for g in groups if g.type == PERSON),
        key=lambda item: len(item[0]),
        reverse=True,
    )
    for index, (short, group) in enumerate(people):
        targets = {other.find() for full, other in people[:index] if len(full) > len(short) and _shortens(short, full)}
        if targets:
            min(targets, key=lambda target: target.first_offset).absorb(group)


def _merge_model_names(groups: list[_Group]) -> None:
    """Join a model's short name to its full name: "MH370" and "Galaxy S5" to "Flight MH370" and "Samsung Galaxy S5".

    A name with a number in it names one model or flight; a longer name of the
    article ending with the same words names the same thing, whatever the
    model tagged each (a PRODUCT here, an ORG there). Shortest names join
    first, so a chain ends at the fullest name.
    """
    named = [g for g in groups if g.root is g and g.type != PERSON and not _is_country_group(g)]
    by_length = sorted(named, key=lambda g: len(g.name.split()))
    for index, group in enumerate(by_length):
        words = group.name.split()
        if not _is_model_name(group.name):
            continue
        longer = [g for g in by_length[index + 1 :] if _ends_with_model(g.name.split(), words)]
        if longer:
            max(longer, key=lambda g: len(g.name.split())).find().absorb(group)


def _ends_with_model(full: list[str], short: list[str]) -> bool:
    """"Samsung Galaxy S5" ends with "Galaxy S5"; "Malaysia Airlines Flight 370" ends with flight "MH370"
    (a flight code is the airline's letters and the flight's number)."""
    if len(full) <= len(short):
        return False
    if full[-len(short) :] == short:
        return True
    code = _FLIGHT_CODE.fullmatch(short[0]) if len(short) == 1 else None
    return code is not None and full[-2].casefold() == "flight" and full[-1] == code["number"]


def _merge_place_adjectives(groups: list[_Group]) -> None:
    """Join a place's adjective to the place the article names: "Crimean" to "Crimea", "Parisian" to "Paris".

    Countries get theirs from the country table; for other places the
    adjective is read off the name ("-n", "-an", "-ian", "-ese", "-i"), and only
    when the article names the place itself, so nothing is guessed.
    """
    places = {g.mentions[0].key: g for g in groups if g.root is g and g.type not in (PERSON, NORP) and g.mentions}
    for group in groups:
        # The model tags such an adjective NORP, or anything at all ("Sumatran" as an ORG).
        if group.root is not group or not group.mentions or " " in group.name or _is_country_group(group):
            continue
        place = next((places[k] for k in _places_of_adjective(group.mentions[0].key) if k in places), None)
        if place is not None:
            place = place.find()
            place.absorb(group)
            # Only a place has an adjective of its own: "Crimea" tagged ORG is a place.
            place.type = place.type if place.type in PLACE_TYPES else PLACE_TYPE


def _merge_formal_place_names(groups: list[_Group]) -> None:
    """Join a place's formal name to its common one: "the Autonomous Republic of Crimea" to "Crimea".

    A place the model tags GPE and calls "X of Y" is Y under its formal title
    ("Republic of", "Province of", "State of"), unlike an organisation "of" a
    place ("Bank of England", "University of Chicago"), which the model tags
    ORG. The common name, whatever its tag, names the entity.
    """
    bare = {g.mentions[0].key: g for g in groups if g.root is g and g.mentions and g.type != PERSON}
    for group in groups:
        if group.root is not group or group.type != PLACE_TYPE or " of " not in group.name:
            continue
        common = bare.get(name_key(group.name.rsplit(" of ", 1)[1]))
        if common is not None and common.find() is not group:
            common = common.find()
            common.absorb(group)
            common.type = PLACE_TYPE


def _places_of_adjective(adjective: str) -> list[str]:
    """Place names an adjective may derive from: "crimean" -> "crimea", "parisian" -> "paris"."""
    stems = [adjective[: -len(ending)] for ending in _ADJECTIVE_ENDINGS if adjective.endswith(ending)]
    return [stem for stem in stems if stem] + [stem + "a" for stem in stems if stem and not stem.endswith("a")]


def _merge_clipped_names(groups: list[_Group]) -> None:
    """Join a clipped name to its full form: "Man City" to "Manchester City", "Univ. Chicago" to "University Chicago".

    Same number of words, each word of the short name the start of the
    long one's, at least one clipped; people and countries have their own rules.
    """
    named = [g for g in groups if g.root is g and g.type != PERSON and not _is_country_group(g) and " " in g.name]
    for group in named:
        words = name_key(group.name).split()
        for other in named:
            if other.find() is not group.find() and _clips(words, name_key(other.name).split()):
                other.find().absorb(group)
                break


def _clips(short: list[str], full: list[str]) -> bool:
    return len(short) == len(full) and short != full and all(f.startswith(s) for s, f in zip(short, full))


def _merge_organisation_short_forms(groups: list[_Group]) -> None:
    """Join an organisation's short form to its full name: "the Stones" to "The Rolling Stones",
    "Global Financial Capital" to "Global Financial Capital of New York".

    The short form is the full name's last word, or its words before "of";
    it joins only when one organisation of the article has it, so "Union"
    beside "European Union" and "African Union" stays apart.
    """
    organisations = [g for g in groups if g.root is g and g.type == ORG_TYPE and " " in g.name]
    owners: dict[str, list[_Group]] = {}
    for group in organisations:
        for short in _organisation_short_forms(group.name):
            owners.setdefault(short, []).append(group)
    for group in groups:
        if group.root is not group or group.type != ORG_TYPE or not group.mentions:
            continue
        candidates = [g for g in owners.get(group.mentions[0].key, []) if g.find() is not group]
        if len(candidates) == 1:
            candidates[0].find().absorb(group)


def _organisation_short_forms(name: str) -> list[str]:
    words = name_key(name).split()
    forms = [words[-1]] if len(words) > 1 else []
    if "of" in words[2:]:
        forms.append(" ".join(words[: words.index("of", 2)]))
    return forms


def _merge_prefixed_names(groups: list[_Group]) -> None:
    """Join a bare name to the one name of the article that is it plus an initialism: "Milan" to "AC Milan".

    Clubs and companies are named with a short prefix in capitals ("AC
    Milan", "FC Porto", "SK Telecom") and then without it; the bare name
    (whatever the model tagged it, often the city) is the club, unless two
    such names share it.
    """
    prefixed: dict[str, list[_Group]] = {}
    for group in groups:
        words = group.name.split()
        if group.root is group and len(words) == 2 and _INITIALISM.fullmatch(words[0]) and group.type != PERSON:
            prefixed.setdefault(name_key(words[1]), []).append(group)
    for group in groups:
        owners = prefixed.get(group.mentions[0].key, []) if group.root is group and group.mentions else []
        if len(owners) == 1 and " " not in group.name and group.type != PERSON and not _is_country_group(group):
            owners[0].find().absorb(group)


def _is_country_group(group: _Group) -> bool:
    return any(mention.is_country for mention in group.mentions)


def _merge_reordered_names(groups: list[_Group]) -> None:
    """Join two spellings of one full name: "Omar Ismail Mostefai" and "Ismaël Omar Mostefaï".

    Transliterated names come in several orders and spellings; with the same
    surname and the other names matching one to one, exactly or nearly, they
    are one person (the one the article introduced first keeps the name).
    """
    people = sorted(
        (g for g in groups if g.root is g and g.type == PERSON and " " in g.name), key=lambda g: g.first_offset
    )
    for index, group in enumerate(people):
        tokens = person_name_tokens(group.name)
        for earlier in people[:index]:
            if earlier.find() is not group and same_name_reordered(person_name_tokens(earlier.name), tokens):
                earlier.find().absorb(group)
                break


def same_name_reordered(one: list[str], other: list[str]) -> bool:
    """Same surname, and the other names pair up one to one, equal or nearly ("ismail"/"ismael"), in any order."""
    if len(one) != len(other) or len(one) < 2 or one[-1] != other[-1]:
        return False
    unmatched = list(other[:-1])
    for token in one[:-1]:
        match = next((u for u in unmatched if u == token or _near_spelling(u, token)), None)
        if match is None:
            return False
        unmatched.remove(match)
    return True


def _near_spelling(one: str, other: str) -> bool:
    """Spellings of one name ("ismail", "ismael"); initials never are."""
    if min(len(one), len(other)) < MIN_VARIANT_LENGTH:
        return False
    return SequenceMatcher(None, one, other).ratio() >= MIN_SPELLING_SIMILARITY


def _shortens(short: list[str], full: list[str]) -> bool:
    if full[-len(short) :] == short:
        return True
    if len(short) == 1:
        return short[0] == full[0]
    return short[0] == full[0] and short[-1] == full[-1] and _is_subsequence(short, full)


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(item in remaining for item in part)


def _merge_acronyms(groups: list[_Group], mentions: list[_Mention]) -> None:
    """Join "ICC" to "International Criminal Court".

    Two signs: the text writes "International Criminal Court (ICC)" (the
    letters need only appear in order among the initials: "Russian Foreign
    Ministry (FM)"), or the acronym is exactly the initials of one multi-word
    name of the article. Either way the long form names the entity and the
    acronym is kept among its surfaces.
    """
    group_of = {id(m): g for g in groups for m in g.mentions}
    declared: dict[str, _Group] = {}
    for mention in mentions:
        if mention.type in ACRONYM_TYPES and " " in mention.name:
            short = mention.bracketed
            if short and _is_subsequence(list(short), list(initials(mention.name))):
                target = group_of[id(mention)].find()
                declared.setdefault(short, target)
                if short not in target.extra_surfaces:
                    target.extra_surfaces.append(short)
    by_initials: dict[str, set[_Group]] = {}
    for group in groups:
        if group.root is group and group.type in ACRONYM_TYPES and " " in group.name:
            by_initials.setdefault(initials(group.name), set()).add(group)
    for group in groups:
        short = abbreviation(group.name, MAX_ACRONYM) if group.root is group and group.type in ACRONYM_TYPES else None
        if short is None or " " in group.name:
            continue
        target = declared.get(short)
        if target is None and len(by_initials.get(short, ())) == 1:
            target = next(iter(by_initials[short]))
        if target is not None and target.find() is not group:
            target.find().absorb(group)


def _count_untagged_repeats(doc: Doc, groups: list[_Group], in_headline: bool = False) -> None:
    """Count the repeats of a name that the model did not tag ("Barclays" tagged once, written five times).

    One name keeps one sense within an article, so another occurrence of a
    form the article already tagged is a mention too, though the small model
    often misses it (see `_untagged_occurrences` for what counts).
    """
    owner: dict[str, _Group | None] = {}
    for group in groups:
        for form in _forms(group):
            owner[form] = group if owner.get(form, group) is group else None
    people = {form for form, group in owner.items() if group is not None and group.type == PERSON}
    for start, _, group in _untagged_occurrences(doc, owner, people):
        group.repeats.append(0 if in_headline else start)


def _untagged_occurrences(
    doc: Doc, owner: Mapping[str, T | None], people: Collection[str] = ()
) -> Iterator[tuple[int, int, T]]:
    """(start, end, owner) of each untagged occurrence of a form in `doc`.

    Only untagged tokens are searched (a form inside another name, "Paris"
    in "Paris Saint-Germain", is not a repeat), whole words and exact case
    only, not followed by more of a name the model missed ("Samsung Galaxy"
    in "Samsung Galaxy S2", "Barclays" in "Barclays Premier League"), never
    in a garbage sentence; a form owned by None (shared by two owners) is
    ambiguous and never found. A form in `people` (a person's names) may run
    on into the rest of that person's name ("Najib" in "Najib Razak"), and in
    a title-case headline every word looks like more of a name, so there a
    form may run on too. Tokens are compared as hashes in one array, so only
    candidate positions cost Python work.
    """
    by_first_word: dict[int, list[str]] = {}
    for form, who in owner.items():
        if who is not None and form:
            by_first_word.setdefault(doc.vocab.strings.add(_FIRST_WORD.match(form).group()), []).append(form)
    if not by_first_word:
        return
    for candidates in by_first_word.values():
        candidates.sort(key=len, reverse=True)
    orth, entity_type = doc.to_array([ORTH, ENT_TYPE]).T
    taken = _composed_tokens(doc)
    text, starts, junk = text_of(doc), _sentence_starts(doc), junk_sentences(doc)
    title_cased: bool | None = None  # asked only when a form is followed by a proper noun
    for i in numpy.flatnonzero(numpy.isin(orth, list(by_first_word))):
        if entity_type[i] or i in taken:
            continue
        at = doc[i].idx
        found = (f for f in by_first_word[orth[i]] if text.startswith(f, at) and _ends_word(text, at + len(f)))
        form = next(found, None)
        if form is None or bisect_right(starts, i) - 1 in junk:
            continue
        if form not in people and _runs_on(doc, i, at + len(form), entity_type):
            title_cased = _title_cased(doc) if title_cased is None else title_cased
            if not title_cased:
                continue
        yield at, at + len(form), owner[form]


def _runs_on(doc: Doc, first: int, end: int, entity_type: numpy.ndarray) -> bool:
    """Whether a name written from token `first` to character `end` goes on: the next token, in the
    same sentence and untagged, is a capitalised proper noun ("Galaxy" after "Samsung", but not a
    title, "Cyprus President", nor an acronym, "Premier League TV deal") or a model code ("S2")."""
    after = first + 1
    while after < len(doc) and doc[after].idx < end:
        after += 1
    if after == len(doc) or entity_type[after]:
        return False
    token = doc[after]
    if token.is_sent_start or _is_title(token.text):
        return False
    return (token.is_title and token.tag_ in _PROPER_NOUN_TAGS) or MODEL_CODE.fullmatch(token.text) is not None


def _composed_tokens(doc: Doc) -> set[int]:
    """Tokens inside a composed name ("the war in Iraq"): a form found there is part of another name."""
    return {i for piece in entity_pieces(doc) for i in range(piece.span.start, piece.span.end)}


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not (text[end].isalnum() or text[end] in "-_")


def _forms(group: _Group) -> set[str]:
    """How the text writes a group's name: its mentions' forms, declared acronyms, a country's
    name ("Russia" beside "Russian"), a person's surname ("Putin" beside "Vladimir Putin")."""
    forms = {mention.form for mention in group.mentions if mention.form}
    forms |= {surface for surface in group.extra_surfaces if abbreviation(surface, MAX_ACRONYM)}
    if _is_country_group(group):
        forms.add(group.name)
    elif group.type == PERSON and " " in group.name:
        forms.add(group.name.split()[-1])
    return forms | set(ministry_forms(group.name))


def _parenthesised_acronym(doc: Doc, end_token: int) -> str | None:
    if end_token + 2 < len(doc) and doc[end_token].text == "(" and doc[end_token + 2].text == ")":
        return abbreviation(doc[end_token + 1].text, MAX_ACRONYM)
    return None


def _sentence_starts(doc: Doc) -> list[int]:
    return [sentence.start for sentence in sentences_of(doc)]


def _is_link_or_cell(text: str) -> bool:
    """A token of a link, a markdown link target or a table cell border."""
    return "|" in text or "](" in text or text.count("/") >= 2 or text.startswith(("http", "www."))
