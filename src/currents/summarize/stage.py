"""The summarize stage over the store: every event whose members changed gets a fresh summary.

The cluster stage clears an event's summary whenever it rewrites the event, so
this stage only has to find events without one. A killed run leaves the rest
without a summary, and the next ingest picks them up.
"""

from __future__ import annotations

from currents.config import SummarizeConfig
from currents.model import Article, Entity
from currents.progress import Progress
from currents.store import Store
from currents.summarize import summarize_event


class SummarizeStage:
    """Summarises, chunk by chunk, every stored event that has no summary."""

    def __init__(self, store: Store, config: SummarizeConfig) -> None:
        self.store = store
        self.config = config

    def run(self, progress: Progress | None = None) -> int:
        done = 0
        failed: set[str] = set()
        while pending := [i for i in self.store.unsummarised_event_ids(self.config.chunk_size + len(failed)) if i not in failed]:
            for event_id in pending:
                if not self._summarise(event_id):
                    failed.add(event_id)
                done += 1
            if progress:
                progress("summarising", done, None, None)
        return done

    def _summarise(self, event_id: str) -> bool:
        event = self.store.get_event(event_id)
        articles = [a for a in map(self.store.get_article, event.article_ids if event else []) if a]
        if not articles:
            return False
        summary = summarize_event(articles, self.config, self._entities(articles))
        self.store.save_summary(event_id, summary)
        return True

    def _entities(self, articles: list[Article]) -> dict[str, Entity]:
        ids = {e.entity_id for a in articles for e in a.entities if e.entity_id}
        return {entity.id: entity for entity in map(self.store.get_entity, sorted(ids)) if entity}
