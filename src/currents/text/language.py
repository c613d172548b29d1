"""Which language an article is written in, and how sure we are.

The understanding stage is English-only (the spaCy model, the country table,
the time expressions), so other languages must be recognised and skipped
rather than analysed into nonsense. py3langid (a naive Bayes model over byte
n-grams, 140 labels) answers in about 2 ms for the opening of an article,
which is all it needs.

Short texts (a headline, a caption) do not carry enough evidence: below
`MIN_WORDS` words the answer is `(None, 0.0)`, "unknown", and the caller
treats unknown as English (headline-only articles are overwhelmingly English
in our inputs, and analysing a short foreign text does no harm beyond a few
odd entities).
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# The opening of an article is enough to tell its language; more only costs time.
MAX_CHARS = 2000
# Fewer words than this are too little evidence for a language guess.
MIN_WORDS = 20
# py3langid's labels for "no language" (markup, numbers) and "undetermined".
_NOT_A_LANGUAGE = frozenset({"zxx", "und"})


def detect_language(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) for `text`, or (None, 0.0) when it is too short to tell."""
    opening = text[:MAX_CHARS]
    if len(opening.split()) < MIN_WORDS:
        return None, 0.0
    language, probability = _identifier().classify(opening)
    if language in _NOT_A_LANGUAGE:
        return None, 0.0
    return language, round(float(probability), 4)


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The model, loaded once per process, with probabilities normalised to sum to one."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
