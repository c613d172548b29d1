"""`currents export`: one JSON object per line for articles, events or stories."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import IO, Any

from currents.model import Article
from currents.store import Store

KINDS = ("articles", "events", "stories")
FORMATS = ("jsonl",)


def article_record(article: Article) -> dict[str, Any]:
    """The exported (and API) form of an article: the fields downstream tools rely on."""
    return {
        "id": article.id,
        "url": article.url,
        "urls": article.urls,
        "title": article.title,
        "source": article.source,
        "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "text": article.text,
        "file": article.file,
        "format": article.format,
        "language": article.language,
        "copies": [{"url": c.url, "source": c.source, "file": c.file} for c in article.copies],
        "metadata": article.metadata,
        "event_id": article.event_id,
        "story_id": article.story_id,
        "sentences": [asdict(s) for s in article.sentences],
        "entities": [
            {"id": e.entity_id, "name": e.name, "type": e.type, "surface_forms": e.surfaces, "mentions": e.mentions}
            for e in article.entities
        ],
        "dates": [asdict(d) for d in article.dates],
        "event_date": (
            {
                "date": article.event_date.value,
                "granularity": article.event_date.granularity,
                "confidence": article.event_date.confidence,
                "evidence": article.event_date.evidence,
            }
            if article.event_date
            else None
        ),
        "dated_facts": [asdict(f) for f in article.dated_facts],
        "keyphrases": article.keyphrases,
    }


def export(store: Store, what: str, out: IO[str], format: str = "jsonl") -> int:
    """Write every record of kind `what` to `out`; returns the number written.

    Events and stories come from the clustering stage; until a store holds
    any, their export is empty rather than invented.
    """
    if what not in KINDS:
        raise ValueError(f"cannot export {what!r}: choose one of {', '.join(KINDS)}")
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}: choose one of {', '.join(FORMATS)}")
    count = 0
    if what == "articles":
        for article in store.iter_articles():
            out.write(json.dumps(article_record(article), ensure_ascii=False, default=str) + "\n")
            count += 1
    return count
