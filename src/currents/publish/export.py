"""`currents export`: one JSON object per line for articles, events or stories."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import IO, Any

from currents.model import Article, ContextEntity, Copy, Event, Story, summary_record
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


def event_record(store: Store, event: Event) -> dict[str, Any]:
    """The exported (and API) form of an event: date, headline, cited summary, sources, context,
    source comparison, members, story and related events."""
    summary = summary_record(event.summary) if event.summary else None
    return {
        "id": event.id,
        "date": event.date,
        "granularity": event.granularity,
        "headline": event.headline,
        "headline_citations": summary["headline"]["citations"] if summary else [],
        "summary": summary["summary"] if summary else [],
        "single_source": summary["single_source"] if summary else len(event.sources) <= 1,
        "sources": _reports(store, event),
        "context": [_context_record(c) for c in event.context],
        "comparison": summary["comparison"] if summary else None,
        "article_ids": event.article_ids,
        "story_id": event.story_id,
        "first_published": event.first_published.isoformat() if event.first_published else None,
        "last_published": event.last_published.isoformat() if event.last_published else None,
        "keyphrases": event.keyphrases,
        "related": [
            {
                "id": r.event_id,
                "score": r.score,
                "headline": r.headline,
                "date": r.date,
                "context": [_context_record(c) for c in r.shared],
            }
            for r in event.related
        ],
    }


def _reports(store: Store, event: Event) -> list[dict[str, Any]]:
    """Every outlet and URL that carried one of the event's articles, first reporter first."""
    reports = []
    for article in store.page_articles(event.article_ids):
        for copy in article.copies or [Copy(article.url, article.source, article.file)]:
            reports.append(
                {
                    "source": copy.source,
                    "url": copy.url,
                    "published": article.published.isoformat() if article.published else None,
                    "article_id": article.id,
                }
            )
    return sorted(reports, key=lambda r: (r["published"] is None, r["published"] or "", r["source"] or ""))


def story_record(story: Story) -> dict[str, Any]:
    """The exported (and API) form of a story: its label, its events and the entities they share."""
    return {
        "id": story.id,
        "label": story.label,
        "event_ids": story.event_ids,
        "first_date": story.first_date,
        "last_date": story.last_date,
        "context": [_context_record(c) for c in story.context],
        "keyphrases": story.keyphrases,
    }


def _context_record(entity: ContextEntity) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "type": entity.type, "articles": entity.articles}


def export(store: Store, what: str, out: IO[str], format: str = "jsonl") -> int:
    """Write every record of kind `what` to `out`; returns the number written.

    Events and stories come from the cluster stage: a store ingested with
    clustering off exports none rather than invented ones.
    """
    if what not in KINDS:
        raise ValueError(f"cannot export {what!r}: choose one of {', '.join(KINDS)}")
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}: choose one of {', '.join(FORMATS)}")
    records = {
        "articles": lambda: map(article_record, store.iter_articles()),
        "events": lambda: (event_record(store, e) for e in store.iter_events()),
        "stories": lambda: map(story_record, store.iter_stories()),
    }[what]()
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        count += 1
    return count
