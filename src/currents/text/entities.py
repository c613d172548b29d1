"""An article's entities: spaCy's named-entity spans, cleaned, retyped and grouped.

spaCy tags each mention on its own: "Russian" (NORP), "Vladimir Putin" and
"Putin" (PERSON), "the International Criminal Court" and "ICC" (ORG),
sometimes "Burkina Faso" as a PERSON. Later stages need one record per thing
the article talks about, so this module

- cleans each span: edge punctuation, a leading article or number, a possessive,
  titles before a person's name ("Russian President Vladimir Putin" is the
  person "Vladimir Putin", and the "Russian" is a mention of Russia);
- reads countries with the country table (text/countries.py): any span that
  names a country, in any spelling, adjective or seat of government, is that
  country, typed GPE;
- drops what is not a name: spans in sentences of garbage (tables, link lists),
  spans that are mostly digits or punctuation, all-lower-case spans (in English
  news they come from URLs and slugs: "hillary-clinton"), and regional
  adjectives ("African", "Western") too vague to be entities. Other NORP spans
  (religious and political groups: "Islamist", "Democrats") stay NORP;
- groups mentions of one thing: same name, a person's surname or first name
  alone with their full name ("Putin" with "Vladimir Putin"; with several
  people of that surname, the one introduced first), an acronym with its long
  form ("ICC" with "International Criminal Court", from a "Name (ACR)"
  pattern or from initials).

Everything works from the tokens, tags and NER spans of one parsed `Doc`; no
dependency parse, no second tokenisation, one pass over the spans.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span

from currents.model import LocalEntity
from currents.text.countries import MAX_ABBREVIATION, abbreviation, country_for, name_key, regional_adjectives

# WORK_OF_ART is left out: on news text the small model gives it mostly to
# headlines, quotes and misread names ("PARIS", "Hollande", "Ph.D.").
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "LAW", "EVENT", "FAC", "PRODUCT"})
PERSON, COUNTRY_TYPE, NORP = "PERSON", "GPE", "NORP"
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

# A span is a name only if letters make up this share of its non-space characters.
MIN_NAME_LETTER_SHARE = 0.6
# A sentence is garbage (a table row, a list of links) if letters make up less
# than this share of its tokens, or links and pipes more than the next one...
MIN_SENTENCE_WORD_SHARE = 0.5
MAX_SENTENCE_LINK_SHARE = 0.2
# ...and the letter test needs this many tokens to mean anything.
MIN_TOKENS_FOR_WORD_SHARE = 4

_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}<>*_#|,;:!?–—-/\\ "
_LEADING_LOWER_ARTICLE = re.compile(r"^(?:the|an?)\s+")
_LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\d[\d,./-]*\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_NAME_SPLIT = re.compile(r"[\s-]+")
_JUNK_SENTENCES = "currents.junk_sentences"


def local_entities(doc: Doc) -> list[LocalEntity]:
    """The entities `doc` mentions, one record per thing, in order of first mention."""
    mentions = _mentions(doc)
    _settle_types(mentions)
    groups = _group(mentions)
    _merge_person_short_forms(groups)
    _merge_acronyms(doc, groups, mentions)
    return sorted((group.entity() for group in groups if group.root is group), key=lambda e: e.first_offset)


def entities_by_sentence(doc: Doc, entities: Iterable[LocalEntity]) -> dict[int, list[str]]:
    """Sentence index (as in `enumerate(doc.sents)`) -> names of the entities it mentions.

    `entities` is what `local_entities(doc)` returned; each NER span is matched
    to its entity by the surface it was recorded under, so nothing is
    re-cleaned. Garbage sentences have no entries, as they gave no entities.
    """
    names_by_surface: dict[str, list[str]] = {}
    for entity in entities:
        for surface in entity.surfaces:
            names_by_surface.setdefault(surface, []).append(entity.name)
    starts = _sentence_starts(doc)
    junk = junk_sentences(doc)
    found: dict[int, list[str]] = {}
    for span in _entity_spans(doc):
        sentence = bisect_right(starts, span.start) - 1
        if sentence in junk:
            continue
        for name in names_by_surface.get(_surface(span), ()):
            names = found.setdefault(sentence, [])
            if name not in names:
                names.append(name)
    return found


def junk_sentences(doc: Doc) -> frozenset[int]:
    """Indexes of sentences that are not prose: table rows, lists of links, strings of numbers.

    Such a sentence has few word tokens, or many link/pipe tokens, or a link
    and no verb at all; nothing in it should become an entity, a keyphrase or
    a fact. Computed once per `Doc` (kept in `doc.user_data`), as several
    steps ask.
    """
    if _JUNK_SENTENCES not in doc.user_data:
        doc.user_data[_JUNK_SENTENCES] = frozenset(
            index for index, sentence in enumerate(doc.sents) if _is_junk(sentence)
        )
    return doc.user_data[_JUNK_SENTENCES]


def _is_junk(sentence: Span) -> bool:
    tokens = words = links = 0
    has_verb = False
    for token in sentence:
        if token.is_space:
            continue
        tokens += 1
        if token.is_alpha:
            words += 1
        elif token.like_url or _is_link_or_cell(token.text):
            links += 1
        has_verb = has_verb or token.pos in (VERB, AUX)
    return bool(tokens) and (
        (links > 0 and not has_verb)
        or links / tokens > MAX_SENTENCE_LINK_SHARE
        or (tokens >= MIN_TOKENS_FOR_WORD_SHARE and words / tokens < MIN_SENTENCE_WORD_SHARE)
    )


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
    end_token: int
    # A one-word PERSON span read as a country ("Mali"): its person reading, in
    # case the article turns out to use the word as part of a person's name ("Jordan").
    person_reading: str | None = None

    @property
    def key(self) -> str:
        return name_key(self.name)


def _mentions(doc: Doc) -> list[_Mention]:
    starts = _sentence_starts(doc)
    junk = junk_sentences(doc)
    mentions: list[_Mention] = []
    for span in _entity_spans(doc):
        sentence = bisect_right(starts, span.start) - 1
        if sentence not in junk:
            mentions.extend(_read(span, starts[sentence]))
    return mentions


def _entity_spans(doc: Doc) -> Iterator[Span]:
    """NER spans of the kept types, cut at line breaks.

    The small model runs names across paragraphs ("Jose Mourinho\n\nShevchenko"
    as one PERSON); a name never spans a line break, so each line is a span.
    """
    for span in doc.ents:
        if span.label_ not in ENTITY_LABELS:
            continue
        if "\n" not in span.text:
            yield span
            continue
        offset = span.start_char
        for line in span.text.split("\n"):
            start = offset + len(line) - len(line.lstrip())
            piece = doc.char_span(start, offset + len(line.rstrip()), label=span.label_, alignment_mode="contract")
            if piece is not None and len(piece):
                yield piece
            offset += len(line) + 1


def _read(span: Span, sentence_start: int) -> list[_Mention]:
    """The mentions one span makes: usually one, none for garbage, two for "Russian-Georgian"."""
    surface = _surface(span)
    at_sentence_start = span.start == sentence_start or (
        span.start > sentence_start and span.doc[span.start - 1].is_punct
    )
    text = _trim(surface, at_sentence_start, keep_numbers=span.label_ == PERSON)
    if not _looks_like_name(text):
        return []
    mention = _Mention(text, span.label_, [surface], span.start_char, span.end)
    extra: list[_Mention] = []
    if span.label_ == PERSON:
        extra = _strip_person_titles(mention)
        titled = _titled_surface(span, sentence_start)
        if titled:
            mention.surfaces.append(titled)
    country = country_for(mention.name)
    if country is not None:
        one_word_person = span.label_ == PERSON and " " not in mention.name
        mention.person_reading = mention.name if one_word_person else None
        mention.name, mention.type = country, COUNTRY_TYPE
        return [mention, *extra]
    if span.label_ == NORP:
        return [*_norp_mentions(mention), *extra]
    return [mention, *extra]


def _surface(span: Span) -> str:
    return " ".join(span.text.split())


def _trim(text: str, at_sentence_start: bool, keep_numbers: bool) -> str:
    """The name inside a span's text: no edge punctuation, leading article or number, or possessive.

    A capital "The" is kept mid-sentence, where it belongs to the name ("at The
    Hague"); at the start of a sentence it is only the capitalised article.
    """
    text = text.strip(_EDGE_PUNCTUATION)
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


def _looks_like_name(text: str) -> bool:
    compact = text.replace(" ", "").replace(".", "")
    if len(compact) < 2 or not any(c.isupper() for c in compact) or text in TIME_ZONES:
        return False
    if "://" in text or "www." in text or compact.count("/") >= 2:
        return False
    letters = sum(c.isalpha() for c in compact)
    return letters >= MIN_NAME_LETTER_SHARE * len(compact)


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
    return [_Mention(country, COUNTRY_TYPE, [words[0]], mention.offset, mention.end_token)]


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
                _Mention(country, COUNTRY_TYPE, list(mention.surfaces), mention.offset, mention.end_token)
                for country in dict.fromkeys(countries)
            ]
    if mention.key in regional_adjectives():
        return []
    return [mention]


# -- grouping ----------------------------------------------------------------


def _settle_types(mentions: list[_Mention]) -> None:
    """One type per name: countries stay countries, other names take their most frequent tag.

    A one-word PERSON span read as a country goes back to being a person when
    the article uses that word inside a person's name ("Jordan" beside
    "Michael Jordan"), and a one-word name that is the surname of a person of
    the article is that person whatever its tag ("Mostefai" tagged ORG beside
    "Omar Mostefai").
    """
    full_names = [person_name_tokens(m.name) for m in mentions if m.type == PERSON and " " in m.name]
    person_words = {word for tokens in full_names for word in tokens}
    surnames = {tokens[-1] for tokens in full_names}
    for mention in mentions:
        if mention.person_reading and name_key(mention.person_reading) in person_words:
            mention.name, mention.type = mention.person_reading, PERSON
        elif mention.type not in (PERSON, COUNTRY_TYPE) and " " not in mention.name and mention.key in surnames:
            mention.type = PERSON
    votes: dict[str, Counter[str]] = {}
    for mention in mentions:
        if mention.type != COUNTRY_TYPE:
            votes.setdefault(mention.key, Counter())[mention.type] += 1
    for mention in mentions:
        if mention.type != COUNTRY_TYPE:
            mention.type = votes[mention.key].most_common(1)[0][0]


@dataclass(eq=False)
class _Group:
    """Mentions of one thing; merged groups point to the group they joined (`root`)."""

    type: str
    mentions: list[_Mention] = field(default_factory=list)
    extra_surfaces: list[str] = field(default_factory=list)
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
        return min(mention.offset for mention in self.mentions)

    def entity(self) -> LocalEntity:
        surfaces = [surface for m in self.mentions for surface in m.surfaces] + self.extra_surfaces
        return LocalEntity(
            name=self._fullest_name(),
            type=self.type,
            surfaces=list(dict.fromkeys(surfaces)),
            mentions=len(self.mentions),
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


def _shortens(short: list[str], full: list[str]) -> bool:
    if full[-len(short) :] == short:
        return True
    if len(short) == 1:
        return short[0] == full[0]
    return short[0] == full[0] and short[-1] == full[-1] and _is_subsequence(short, full)


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(item in remaining for item in part)


def _merge_acronyms(doc: Doc, groups: list[_Group], mentions: list[_Mention]) -> None:
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
            short = _parenthesised_acronym(doc, mention.end_token)
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


def _parenthesised_acronym(doc: Doc, end_token: int) -> str | None:
    if end_token + 2 < len(doc) and doc[end_token].text == "(" and doc[end_token + 2].text == ")":
        return abbreviation(doc[end_token + 1].text, MAX_ACRONYM)
    return None


def _sentence_starts(doc: Doc) -> list[int]:
    return [sentence.start for sentence in doc.sents]


def _is_link_or_cell(text: str) -> bool:
    """A token of a link, a markdown link target or a table cell border."""
    return "|" in text or "](" in text or text.count("/") >= 2 or text.startswith(("http", "www."))
