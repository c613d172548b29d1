"""Rewriting a source sentence into a headline, by rules the reader can check against the source.

The headline style (seed 003's first line) is one present-tense sentence
naming its actors in full, without who-reported-it. From a chosen source
sentence the rules

1. drop an attribution tail or head (", The Independent newspaper reported",
   "According to state media, ..."), a leading connective ("But", "Meanwhile,")
   and relative times that mean nothing on a record page ("on Wednesday");
2. put the main clause in the present tense with the dependency parse: "has
   signed" -> "signs", "was withdrawing" -> "is withdrawing", "said it would
   leave" -> "says it will leave" (the reported clause follows its speech
   verb); background in the past perfect ("had signed") is refused;
3. name each actor in full at first mention, as the articles name it
   ("Putin" -> "Russian President Vladimir Putin", "ICC" -> "International
   Criminal Court (ICC)");
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
from currents.summarize.actors import PERSON, Actors

_SPEECH_VERBS = frozenset(
    "say tell report announce add state declare confirm claim note write reveal insist warn argue".split()
)
_SPEECH = r"(?:said|says|reported|reports|told|tells|added|stated|announced|confirmed|claimed|noted|wrote|declared)"
# A tail after the last comma: "X said", "X told reporters", "X said in a statement", "according to X".
_ATTRIBUTION_TAIL = re.compile(
    rf",\s*(?:according to [^,]{{1,80}}|(?!(?:which|who|that|and|but|while)\b)[^,]{{1,80}}?\s+{_SPEECH}"
    rf"(?:\s+(?:reporters|journalists|the \w+|in|on|at|during|after|late|early|earlier|last|this)\b[^,]{{0,40}})?)"
    r"\s*(?P<end>[.!]?)[”\"’]?\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_HEAD = re.compile(r"^(?:According to|As reported by|Citing) [^,]{1,60},\s*", re.IGNORECASE)
_CONNECTIVE = re.compile(r"^(?:But|And|Meanwhile|However|Now|Also|Still|Yet|So|Then|Moreover|Furthermore)\b,?\s+")
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
    text = _strip_time(_strip_attribution(" ".join(text.split())))
    doc = parser(config.model)(text)
    roots = _main_verbs(doc)
    if roots and _is_past_perfect(roots[0]):
        return None
    # A sentence the parser finds no main verb in stays in its own tense, unedited.
    if roots and not _EARLIER_TIME.search(text):
        # Only the first clause: in a split parse the later subjects are often misread.
        text = _render(doc, _present_tense_edits(roots[0]))
    named = _names_someone(_subject_words(roots[0]) if roots else list(doc[:_OPENING_WORDS]), actors)
    text = _fit(_name_in_full(text, actors), config)
    if text is None:
        return None
    return Rewrite(_finish(text), named)


def _strip_attribution(text: str) -> str:
    text = _LEADING_PARTICIPLE.sub("", _ATTRIBUTION_HEAD.sub("", text))
    text = _ATTRIBUTION_TAIL.sub(lambda m: m.group("end") or ".", text)
    return _capitalise(_CONNECTIVE.sub("", text))


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


def _present_tense_edits(root: Token) -> dict[int, str]:
    """Token index -> replacement ("" deletes) putting the main clause in the present tense."""
    edits: dict[int, str] = {}
    verbs = [root, *(c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))]
    if root.lemma_ in _SPEECH_VERBS:
        verbs += [c for c in root.children if c.dep_ == "ccomp" and c.i > root.i]
    verbs += [
        c for c in root.children if c.dep_ == "advcl" and any(m.lower_ in ("when", "as") for m in c.children)
    ]
    for verb in verbs:
        edits.update(_verb_edits(verb, _plural_subject(verb)))
    return edits


def _verb_edits(verb: Token, plural: bool) -> dict[int, str]:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    if not auxes:
        return {verb.i: _present(verb, plural)} if verb.tag_ == "VBD" else {}
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


def _name_in_full(text: str, actors: Actors) -> str:
    """Each actor's first mention by the fullest name the articles give (latest mention first, so
    offsets stay valid)."""
    for start, end, key in reversed(actors.first_mentions(text)):
        mention = text[start:end]
        full = _full_mention(mention, key, actors)
        if full != mention:
            text = text[:start] + full + text[end:]
    return text


def _full_mention(mention: str, key: str, actors: Actors) -> str:
    name = actors.names.get(key, mention)
    if actors.types.get(key) == PERSON:
        full = actors.full_form(key)
        return full if len(mention) < len(full) and full.endswith(mention.split()[-1]) else mention
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
