"""Rewriting a source sentence into a headline, by rules the reader can check against the source.

The headline style (seed 003's first line) is one present-tense sentence
naming its actors in full, without who-reported-it. From a chosen source
sentence the rules

1. drop an attribution tail or head (", The Independent newspaper reported",
   ", police said", "According to state media, ..."), a leading connective
   ("But", "Meanwhile,") and relative times that mean nothing on a record page
   ("on Wednesday"); when the tail's speaker is one of the event's own actors
   (named by several articles, not a newspaper reporting) or the tail gives a
   ruling or finding (", an arbitral tribunal ruled"), the statement is theirs
   and the speaker becomes the subject ("The tribunal rules that ...");
2. put the main clause in the present tense with the dependency parse: "has
   signed" -> "signs", "was withdrawing" -> "is withdrawing", "said it would
   leave" -> "says it will leave" (the reported clause follows its speech
   verb); background in the past perfect ("had signed") is refused;
3. name each actor in full at first mention, as the articles name it
   ("Putin" -> "Russian President Vladimir Putin", "ICC" -> "International
   Criminal Court (ICC)"); a person's descriptor must be neutral: one outlet's
   own wording ("Syrian Regime Leader Bashar al-Assad") gives way to the
   descriptor most outlets write, else to the bare name;
4. shorten an over-long sentence by dropping trailing subordinate clauses.

Nothing is added that a source does not say: words are only removed, verbs
re-inflected, and names replaced by the fuller names the articles use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from currents.config import SummarizeConfig
from currents.summarize.actors import PERSON, Actors, is_title
from currents.summarize.framing import loaded_words

_SPEECH_VERBS = frozenset(
    "say tell report announce add state declare confirm claim note write reveal insist warn argue "
    "rule find conclude".split()
)
# A tail's verb -> its present tense with the speaker as subject; None: a newspaper reporting.
_TAIL_VERBS: dict[str, str | None] = {
    **dict.fromkeys(("said", "says", "told", "tells", "added", "stated"), "says"),
    "say": "say",
    "announced": "announces",
    "confirmed": "confirms",
    "claimed": "claims",
    "noted": "notes",
    "declared": "declares",
    "ruled": "rules",
    "found": "finds",
    "concluded": "concludes",
    **dict.fromkeys(("reported", "reports", "wrote"), None),
}
# Verbs of a ruling or finding: what the speaker decided is the happening itself.
_FINDING_VERBS = frozenset({"ruled", "found", "concluded"})
# A tail after the last comma: "X said", "X told reporters", "X said in a statement", "according to X".
_ATTRIBUTION_TAIL = re.compile(
    rf",\s*(?:according to [^,]{{1,80}}|(?!(?:which|who|that|and|but|while)\b)(?P<speaker>[^,]{{1,80}}?)\s+"
    rf"(?P<verb>{'|'.join(_TAIL_VERBS)})"
    rf"(?:\s+(?:reporters|journalists|the \w+|in|on|at|during|after|late|early|earlier|last|this)\b[^,]{{0,40}})?)"
    r"\s*(?P<end>[.!]?)[”\"’]?\s*$",
    re.IGNORECASE,
)
# A speaker ending in an auxiliary is a passive clause ("two bodies were found"), not a speaker.
_PASSIVE_END = re.compile(r"\b(?:is|are|was|were|be|been|being|has|have|had)$", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\([^()]*\)")
# Types of entity that speak for themselves: people, organisations, countries.
_SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_ATTRIBUTION_HEAD = re.compile(r"^(?:According to|As reported by|Citing) [^,]{1,60},\s*", re.IGNORECASE)
_CONNECTIVE = re.compile(
    r"^(?:But|And|Meanwhile|However|Now(?! that\b)|Also|Still|Yet|So(?! that\b)|Then|Moreover|Furthermore)\b,?\s+"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Relative times as adverbials ("on Wednesday", "late on Saturday night", "this morning"); a bare
# weekday may be an object ("spent Saturday night") and stays.
_RELATIVE_TIME = re.compile(
    rf"\s*\b(?:(?:late |early |earlier |later )?(?:on|last|this|next) {_WEEKDAY}"
    r"(?:\s+(?:morning|afternoon|evening|night))?|yesterday|today|tonight|"
    r"(?:earlier |later )?this (?:morning|afternoon|evening))\b",
)
# An opening participial phrase ("Reading the award aloud, ...") only sets the scene.
_LEADING_PARTICIPLE = re.compile(r"^[A-Z][a-z]+ing\b[^,]{0,60},\s+(?=[A-Z])")
# A clause saying the happening lies before the event's day keeps its past tense.
_EARLIER_TIME = re.compile(
    r"\b(?:last (?:week|month|year)|(?:\w+ )?(?:days|weeks|months|years) ago|(?:in|since) (?:1[89]|20)\d\d|"
    r"(?:earlier|previously|formerly))\b",
    re.IGNORECASE,
)
# Where a headline can lose the rest: a comma before a trailing clause, or "amid".
_TRAILING_CLAUSE = re.compile(
    r",\s*(?=(?:which|who|where|following|after|amid|as|while|saying|including|despite|although|though|"
    r"because|since|in a move|in what)\b)|\s+(?=amid\b)",
)
_DEFINITE = frozenset("the this that these those".split())
# Without a parse, the subject is looked for in this many opening words.
_OPENING_WORDS = 6
_IRREGULAR_THIRD_PERSON = {"be": "is", "have": "has", "do": "does", "go": "goes"}
# Offices named with their portfolio before them ("Transport Minister", "Health Secretary").
_PORTFOLIO_OFFICES = frozenset({"minister", "secretary", "commissioner"})


@dataclass(frozen=True)
class Rewrite:
    text: str
    # The main clause's subject names someone (not "he", "the ministry", "The President").
    named_subject: bool


@lru_cache(maxsize=2)
def parser(model: str) -> Language:
    """The full spaCy pipeline (the understanding stage loads it without parser and lemmatizer)."""
    return spacy.load(model)


def rewrite_headline(text: str, actors: Actors, config: SummarizeConfig) -> Rewrite | None:
    """`text` rewritten by the headline rules, or None when it cannot become one (length, tense)."""
    head, text = _split_attribution(" ".join(text.split()), actors)
    text = _strip_time(text)
    doc = parser(config.model)(text)
    roots = _main_verbs(doc)
    if roots and _is_past_perfect(roots[0]):
        return None
    # A sentence the parser finds no main verb in stays in its own tense, unedited.
    if roots and not _EARLIER_TIME.search(text):
        # Only the first clause: in a split parse the later subjects are often misread.
        text = _render(doc, _present_tense_edits(roots, reported=bool(head)))
    if head:
        named = _names_speaker(head, actors)
        text = f"{head} {_sentence_inner(text, actors)}"
    else:
        named = _names_someone(_subject_words(roots[0]) if roots else list(doc[:_OPENING_WORDS]), actors)
    text = _fit(_name_in_full(text, actors, config), config)
    if text is None:
        return None
    return Rewrite(_finish(text), named)


def _split_attribution(text: str, actors: Actors) -> tuple[str, str]:
    """("Speaker says that", statement) when the statement is the speaker's own, else ("", statement)
    without whoever reported it."""
    text = _LEADING_PARTICIPLE.sub("", _ATTRIBUTION_HEAD.sub("", text))
    head = ""
    tail = _ATTRIBUTION_TAIL.search(text)
    if tail is not None:
        head, text = _without_tail(text, tail, actors)
    return head, _capitalise(_CONNECTIVE.sub("", text))


def _without_tail(text: str, tail: re.Match[str], actors: Actors) -> tuple[str, str]:
    """The statement without its attribution tail, with the tail's speaker as a head ("The tribunal
    rules that") when the speaker is the event's own actor or gives a ruling. A tail that only
    looks like one ("two bodies were found") stays."""
    statement = text[: tail.start()] + (tail.group("end") or ".")
    speaker, verb = tail.group("speaker"), (tail.group("verb") or "").casefold()
    finding = verb in _FINDING_VERBS
    if speaker is not None and _PASSIVE_END.search(speaker):
        return "", text if finding else statement
    if speaker is not None and _TAIL_VERBS.get(verb) and (finding or _speaks_for_itself(speaker, actors)):
        present = _TAIL_VERBS[verb]
        if " and " in speaker:
            present = present[:-1]
        return f"{_capitalise(speaker)} {present} that", statement
    return "", statement


def _names_speaker(head: str, actors: Actors) -> bool:
    """The speaker names an actor or is an indefinite one ("An arbitral tribunal"), not "The court"."""
    return bool(actors.first_mentions(head)) or head.split()[0].casefold() not in _DEFINITE


def _speaks_for_itself(speaker: str, actors: Actors) -> bool:
    """The speaker is an actor of the event that several articles name ("Valdoria's Rail Accident
    Investigation Office (RAIO)"), not someone described by one ("Australian officials")."""
    named = actors.first_mentions(speaker)
    if not named:
        return False
    _, end, key = named[-1]
    return (
        not _PARENTHESIS.sub("", speaker[end:]).strip()
        and actors.types.get(key) in _SPEAKER_TYPES
        and actors.articles_naming[key] > 1
    )


def _sentence_inner(statement: str, actors: Actors) -> str:
    """A sentence made ready to follow "says that": its first word lower-cased unless a name."""
    first = statement.split(maxsplit=1)[0] if statement.strip() else ""
    named = any(start == 0 for start, _, _ in actors.first_mentions(statement))
    if named or first == "I" or any(c.isupper() for c in first[1:]):
        return statement
    return statement[:1].lower() + statement[1:]


def _strip_time(text: str) -> str:
    text = _RELATIVE_TIME.sub("", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r",\s*,", ",", re.sub(r"\s{2,}", " ", text)).strip()


def _main_verbs(doc: Doc) -> list[Token]:
    """The root verb of each part the parser found: the small model sometimes splits one
    sentence in two ("14 were injured | when the train came off the track")."""
    return [sentence.root for sentence in doc.sents if sentence.root.pos_ in ("VERB", "AUX")]


def _is_past_perfect(verb: Token) -> bool:
    return any(child.dep_ == "aux" and child.lower_ == "had" for child in verb.children)


def _present_tense_edits(roots: list[Token], reported: bool = False) -> dict[int, str]:
    """Token index -> replacement ("" deletes) putting the main clause in the present tense.

    `reported`: the clause is what someone says ("says that ..."): "was leaving" -> "is
    leaving", but "the rail broke" keeps its past, which may lie before the saying.
    """
    root = roots[0]
    edits: dict[int, str] = {}
    verbs = [root, *(c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))]
    verbs += [c for c in root.children if c.dep_ == "advcl" and _is_when_clause(c)]
    # A "when" clause the parser split off as a sentence of its own, its "when" often left behind.
    verbs += [later for later in roots[1:] if any(t.lower_ == "when" for t in later.doc[root.i : later.i])]
    for verb in verbs:
        edits.update(_verb_edits(verb, _plural_subject(verb), reported))
    if root.lemma_ in _SPEECH_VERBS:
        for clause in (c for c in root.children if c.dep_ == "ccomp" and c.i > root.i):
            edits.update(_verb_edits(clause, _plural_subject(clause), reported=True))
    return edits


def _is_when_clause(verb: Token) -> bool:
    return any(m.lower_ in ("when", "as") and m.dep_ in ("advmod", "mark") for m in verb.children)


def _verb_edits(verb: Token, plural: bool, reported: bool = False) -> dict[int, str]:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    if not auxes:
        return {verb.i: _present(verb, plural)} if verb.tag_ == "VBD" and not reported else {}
    first = auxes[0]
    if first.lemma_ == "have" and first.tag_ in ("VBZ", "VBP"):
        been = next((a for a in auxes[1:] if a.lower_ == "been"), None)
        if been is not None:
            return {first.i: "", been.i: "are" if plural else "is"}
        return {first.i: "", verb.i: _present(verb, plural)} if verb.tag_ == "VBN" else {}
    if first.tag_ == "VBD" and first.lemma_ in ("be", "do"):
        return {first.i: _present(first, plural)}
    if first.lower_ == "would":
        return {first.i: "will"}
    return {}


def _plural_subject(verb: Token) -> bool:
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.dep_ == "conj":
        return _plural_subject(verb.head)
    if subject is None:
        return False
    return subject.tag_ in ("NNS", "NNPS") or subject.lower_ in ("they", "we") or any(
        c.dep_ == "conj" for c in subject.children
    )


def _present(verb: Token, plural: bool) -> str:
    lemma = verb.lemma_.lower()
    if plural:
        form = "are" if lemma == "be" else lemma
    else:
        form = _IRREGULAR_THIRD_PERSON.get(lemma) or _third_person(lemma)
    return form[:1].upper() + form[1:] if verb.text[:1].isupper() else form


def _third_person(lemma: str) -> str:
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _render(doc: Doc, edits: dict[int, str]) -> str:
    parts = []
    for token in doc:
        replacement = edits.get(token.i, token.text)
        if replacement:
            parts.append(replacement + token.whitespace_)
    return "".join(parts).strip()


def _name_in_full(text: str, actors: Actors, config: SummarizeConfig) -> str:
    """Each actor's first mention by the fullest name the articles give (latest mention first, so
    offsets stay valid; a mention inside a person's replaced descriptor is left alone)."""
    done = len(text)
    for start, end, key in reversed(actors.first_mentions(text)):
        if end > done:
            continue
        if actors.types.get(key) == PERSON:
            start = actors.descriptor_start(text, start)
            full = _person_in_full(text[start:end], key, actors, config)
        else:
            full = _full_mention(text[start:end], key, actors)
        text = text[:start] + full + text[end:]
        done = start
    return text


def _person_in_full(written: str, key: str, actors: Actors, config: SummarizeConfig) -> str:
    """A person's full name, after the descriptor written with it when that one is neutral, else
    after the neutral descriptor most outlets write, else after none."""
    descriptor, person = actors.split_descriptor(written)
    _, name = actors.split_descriptor(actors.names.get(key, person))
    known = actors.person_descriptors(key)
    neutral = not descriptor or _neutral_descriptor(descriptor, known.get(descriptor, 1), actors, config)
    if not name.endswith(person.split()[-1]):
        # Part of a name ("Barack" in "Barack and Michelle Obama") stays as written.
        return written if neutral else person
    if descriptor and neutral:
        return f"{descriptor} {name}"
    usable = [d for d, outlets in known.items() if _neutral_descriptor(d, outlets, actors, config)]
    best = max(usable, key=lambda d: (known[d], len(d), d), default="")
    return f"{best} {name}".strip()


def _neutral_descriptor(descriptor: str, outlets: int, actors: Actors, config: SummarizeConfig) -> bool:
    """No loaded word, and either written by several outlets or made only of offices and places
    ("Russian President", "Transport Minister"): one outlet's own label ("Regime Leader") is not."""
    if loaded_words(descriptor, config):
        return False
    if outlets > 1:
        return True
    words = descriptor.split()
    return all(
        is_title(word)
        or actors.is_place_word(word)
        or (i + 1 < len(words) and words[i + 1].casefold() in _PORTFOLIO_OFFICES)
        for i, word in enumerate(words)
    )


def _full_mention(mention: str, key: str, actors: Actors) -> str:
    name = actors.names.get(key, mention)
    acronym = actors.acronym(key)
    if mention == acronym and name != acronym:
        return f"{name} ({acronym})"
    return mention


def _fit(text: str, config: SummarizeConfig) -> str | None:
    """`text` cut at trailing clauses until it has at most the headline's words; None if it cannot."""
    while len(text.split()) > config.headline_max_words:
        cuts = [m.start() for m in _TRAILING_CLAUSE.finditer(text)]
        cuts = [c for c in cuts if len(text[:c].split()) >= config.headline_min_words]
        if not cuts:
            return None
        text = text[: cuts[-1]].rstrip(" ,;:")
    return text if len(text.split()) >= config.headline_min_words else None


def _subject_words(root: Token) -> list[Token]:
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return list(subject.subtree) if subject is not None else []


def _names_someone(words: list[Token], actors: Actors) -> bool:
    """The subject is not a pronoun, nor a definite description that names no actor ("The President")."""
    if not words or words[0].tag_ == "PRP":
        return False
    if words[0].lower_ not in _DEFINITE:
        return True
    return bool(actors.first_mentions(" ".join(w.text for w in words)))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finish(text: str) -> str:
    text = _capitalise(text.strip())
    return text if text.endswith((".", "!", "”", '"')) else text.rstrip(",;:") + "."
