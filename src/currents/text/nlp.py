"""Loading spaCy once, with only the components the understanding stage uses.

The dependency parser is the slowest component and nothing needs it: the
sentence recogniser (`senter`) gives sentences, the tagger gives the part of
speech tags that keyphrases and dated facts read, and NER gives entities and
DATE spans. Excluding unused components at load time is what keeps the
enrichment step close to bare spaCy speed.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

UNUSED_COMPONENTS = ("parser", "lemmatizer")
PARAGRAPH_BREAKS = "paragraph_breaks"


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
