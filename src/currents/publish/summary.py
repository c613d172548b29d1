"""Page data for an event's cited summary and its source comparison.

Every statement the summarize stage writes cites source sentences by article
and character span. On the page a citation is a numbered note: the note quotes
the cited sentence, names its outlet and links to that sentence in the
article's page (`sentence_anchor`), so a reader checks a claim in two clicks.
The comparison's cells link straight to the sentence that backs them.
"""

from __future__ import annotations

from typing import Any

from currents.model import Article, Citation, Comparison, EventSummary, SummarySentence
from currents.publish.context import article_path, sentence_anchor


def cited_path(citation: Citation) -> str:
    """The site path of the sentence `citation` points at, in its article's page."""
    return f"{article_path(citation.article_id)}#{sentence_anchor(citation.sentence)}"


def cited_text(citation: Citation, article: Article) -> str:
    """The words `citation` points at: a span of the article's body, or of its title when it has no sentences."""
    source = article.text if citation.sentence is not None else (article.title or "")
    return source[citation.start : citation.end].strip()


class Notes:
    """The numbered notes of one page: each distinct cited sentence once, numbered in order of first citation."""

    def __init__(self, articles: dict[str, Article]) -> None:
        self._articles = articles
        self._numbers: dict[tuple[str, int | None, int, int], int] = {}
        self.items: list[dict[str, Any]] = []

    def cite(self, citations: list[Citation]) -> list[int]:
        """The note numbers of `citations` (citations of articles the page does not show are dropped)."""
        numbers = [self._number(c) for c in citations if c.article_id in self._articles]
        return list(dict.fromkeys(numbers))

    def _number(self, citation: Citation) -> int:
        key = (citation.article_id, citation.sentence, citation.start, citation.end)
        if key not in self._numbers:
            article = self._articles[citation.article_id]
            self._numbers[key] = number = len(self.items) + 1
            self.items.append(
                {
                    "number": number,
                    "anchor": f"note-{number}",
                    "article_id": article.id,
                    "source": article.source,
                    "title": article.title,
                    "text": cited_text(citation, article),
                    "path": cited_path(citation),
                }
            )
        return self._numbers[key]


def summary_data(summary: EventSummary, notes: Notes) -> dict[str, Any]:
    """The headline's and each summary sentence's text with their note numbers."""
    return {
        "headline": _statement(summary.headline, notes),
        "sentences": [_statement(sentence, notes) for sentence in summary.summary],
        "single_source": summary.single_source,
    }


def _statement(sentence: SummarySentence, notes: Notes) -> dict[str, Any]:
    return {"text": sentence.text, "notes": notes.cite(sentence.citations)}


def comparison_data(comparison: Comparison, articles: dict[str, Article]) -> dict[str, Any]:
    """The comparison as the page draws it: a facts × outlets matrix, conflicts, quotes and framing.

    Outlets are the matrix's columns, the most loaded first (the framing order),
    then any other outlet a claim names.
    """
    outlet_of = _outlets(comparison, articles)
    outlets = [f.source for f in comparison.framing]
    for claim in comparison.facts:
        outlets += [o for o in claim.outlets if o not in outlets]
    return {
        "outlets": outlets,
        "facts": [
            {
                "text": claim.text,
                "single_source": claim.single_source,
                "cells": [
                    {
                        "outlet": outlet,
                        "reports": outlet in claim.outlets,
                        "syndicated": outlet in claim.syndicated,
                        "path": _first_path(claim.citations, outlet, outlet_of),
                    }
                    for outlet in outlets
                ],
            }
            for claim in comparison.facts
        ],
        "conflicts": [
            {
                "kind": conflict.kind,
                "about": conflict.about,
                "readings": [
                    {"value": r.value, "outlets": r.outlets, "sources": _sources(r.citations, outlet_of)}
                    for r in conflict.readings
                ],
            }
            for conflict in comparison.conflicts
        ],
        "quotes": [
            {"text": q.text, "speaker": q.speaker, "outlets": q.outlets, "sources": _sources(q.citations, outlet_of)}
            for q in comparison.quotes
        ],
        "framing": [
            {
                "source": f.source,
                "sentences": f.sentences,
                "loaded_share": f.loaded_share,
                "percent": round(100 * f.loaded_share),
                "loaded_phrases": f.loaded_phrases,
            }
            for f in comparison.framing
        ],
    }


def _outlets(comparison: Comparison, articles: dict[str, Article]) -> dict[str, str]:
    """The outlet each shown article is credited to, as the comparison names it.

    The framing lists every outlet's articles; an article it does not list goes by its source's name.
    """
    outlet_of = {a.id: a.source for a in articles.values() if a.source}
    for framing in comparison.framing:
        outlet_of.update(dict.fromkeys((i for i in framing.article_ids if i in articles), framing.source))
    return outlet_of


def _first_path(citations: list[Citation], outlet: str, outlet_of: dict[str, str]) -> str | None:
    """Where `outlet` says it: the first of `citations` in one of its articles."""
    return next((cited_path(c) for c in citations if outlet_of.get(c.article_id) == outlet), None)


def _sources(citations: list[Citation], outlet_of: dict[str, str]) -> list[dict[str, Any]]:
    """Each outlet once, with the first sentence that backs it, in citation order."""
    seen: dict[str, dict[str, Any]] = {}
    for citation in citations:
        outlet = outlet_of.get(citation.article_id)
        if outlet is not None and outlet not in seen:
            seen[outlet] = {"source": outlet, "path": cited_path(citation)}
    return list(seen.values())
