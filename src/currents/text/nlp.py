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

UNUSED_COMPONENTS = ("parser", "lemmatizer")


@lru_cache(maxsize=2)
def load_pipeline(model: str) -> Language:
    """The spaCy pipeline `model` with tagger, senter and NER (cached per process)."""
    nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp
