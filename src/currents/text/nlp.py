"""Loading spaCy once, with only the components the understanding stage uses.

The dependency parser is the slowest component and nothing needs it: the
sentence recogniser (`senter`) gives sentences, the tagger gives the part of
speech tags that keyphrases and dated facts read, and NER gives entities and
DATE spans. Excluding unused components at load time is what keeps the
enrichment step close to bare spaCy speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

UNUSED_COMPONENTS = ("parser", "lemmatizer")
PARAGRAPH_BREAKS = "paragraph_breaks"
_TEXT = "currents.text"
_SENTENCES = "currents.sentences"


@Language.component(PARAGRAPH_BREAKS)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    Cleaned bodies hold one paragraph per line; the statistical sentence
    recogniser sometimes runs a sentence across two paragraphs, which spoils
    the lead and the text of dated facts.
    """
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text_with_ws and not token.is_space:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=2)
def load_pipeline(model: str) -> Language:
    """The spaCy pipeline `model` with tagger, senter (plus paragraph breaks) and NER, cached per process."""
    nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    nlp.add_pipe(PARAGRAPH_BREAKS, after="senter")
    return nlp


def pipe(nlp: Language, texts: list[str], batch_size: int) -> Iterator[Doc]:
    """`nlp.pipe` over `texts`, each Doc remembering the text it was made from (see `text_of`)."""
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size)):
        doc.user_data[_TEXT] = text
        yield doc


def text_of(doc: Doc) -> str:
    """`doc.text`, built once: spaCy joins the tokens anew on every access, and several steps read it."""
    if _TEXT not in doc.user_data:
        doc.user_data[_TEXT] = doc.text
    return doc.user_data[_TEXT]


def sentences_of(doc: Doc) -> list[Span]:
    """`list(doc.sents)`, built once: every access scans the whole Doc again, and several steps ask."""
    if _SENTENCES not in doc.user_data:
        doc.user_data[_SENTENCES] = list(doc.sents)
    return doc.user_data[_SENTENCES]
