"""A small portal world written through the real store API: articles, entities, events, a story, facts.

The portal tests need events and stories whose every field they know, without
running the NLP and cluster stages (tests/test_portal.py also walks a site built
by the real pipeline over examples/corpus). Titles and names carry hostile markup.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import currents
from currents.config import DedupConfig
from currents.model import Article, ContextEntity, Copy, DatedFact, Entity, Event, RelatedEvent, Story
from currents.text.dedup import fingerprint

HOSTILE_TITLE = "<script>alert(1)</script> Harbour council votes"
HOSTILE_BODY = (
    "The council met on Monday <img src=x onerror=alert(1)> to vote on the pier.\n"
    "Broken markup follows: <div><p>unclosed <b>bold & </body></html> ]]> <!-- comment\n"
    "\n"
    "The repairs start in June."
)
HOSTILE_AUTHOR = '"><script>alert(2)</script>'
HOSTILE_ENTITY = 'Harbour <svg onload="alert(5)"> Board'
PLUS_TWO = timezone(timedelta(hours=2))
TREATY_HEADLINE = "Valdoria withdraws from the Rome Statute of the water court"
FACTS = [
    DatedFact("2009", "year", 0, "Valdoria signed the water treaty in 2009.", []),
    DatedFact("2011-05", "month", 1, "The treaty entered into force in May 2011.", []),
]


@pytest.fixture
def portal(tmp_path: Path):
    """A fresh store holding the world `fill` writes (import this fixture into a test module to use it)."""
    with currents.open(tmp_path / "news.db") as opened:
        fill(opened)
        yield opened


def add(portal: currents.Currents, article_id: str, **fields) -> Article:
    """Store an article through the real store API, as ingest would."""
    article = Article(**fields)
    article.id = article_id
    portal.store.add_article(article, fingerprint(article, DedupConfig()))
    return article


def fill(portal: currents.Currents) -> None:
    """Four hostile articles (two days and one undated), then two events in one story, and facts."""
    add(
        portal,
        "harbour",
        title=HOSTILE_TITLE,
        text=HOSTILE_BODY,
        url="https://example.org/harbour",
        source="Example <b>News</b>",
        author=HOSTILE_AUTHOR,
        published=datetime(2024, 5, 1, 14, 5, tzinfo=PLUS_TWO),
        language='en" onmouseover="alert(3)',
    )
    portal.store.add_copy("harbour", Copy("https://mirror.example.net/pier", "Mirror Daily", None))
    portal.store.add_copy("harbour", Copy("data:text/html,<script>alert(4)</script>", "Data Outlet", None))
    add(
        portal,
        "evil",
        title="A link that runs code",
        text="Nothing to see.",
        url="javascript:alert(1)",
        source="Evil Outlet",
        published=datetime(2024, 5, 1, 9, 30),
    )
    add(
        portal,
        "eve",
        title=TREATY_HEADLINE,
        text="Valdoria said it would leave the treaty. Valdoria signed the water treaty in 2009.",
        url="https://example.org/ferry",
        source="Example <b>News</b>",
        published=datetime(2024, 4, 30),
    )
    add(portal, "nodate", title="Headline without a date", url="https://example.org/nodate", source="Wire")
    _add_events(portal)


def _add_events(portal: currents.Currents) -> None:
    store = portal.store
    board = Entity("harbour-board", HOSTILE_ENTITY, "ORG", [])
    valdoria = Entity("valdoria", "Valdoria", "GPE", [])
    for entity in (board, valdoria):
        store.save_entity(entity, [entity.id])
    eve = store.get_article("eve")
    eve.dated_facts = FACTS
    store.save_analysis(eve)
    harbour = Event(
        "harbour-vote",
        "2024-05-01",
        "day",
        HOSTILE_TITLE,
        article_ids=["harbour", "evil"],
        first_published=datetime(2024, 5, 1, 7, 30),
        last_published=datetime(2024, 5, 1, 12, 5),
        context=[ContextEntity(board.id, board.name, board.type, 2), ContextEntity(valdoria.id, "Valdoria", "GPE", 1)],
        first_day="2024-05-01",
        last_day="2024-05-01",
    )
    treaty = Event(
        "treaty-exit",
        "2024-04-30",
        "day",
        TREATY_HEADLINE,
        article_ids=["eve"],
        first_published=datetime(2024, 4, 30),
        last_published=datetime(2024, 4, 30),
        context=[ContextEntity(valdoria.id, "Valdoria", "GPE", 1)],
        first_day="2024-04-30",
        last_day="2024-04-30",
    )
    store.replace_events([], [harbour, treaty])
    story = Story("valdoria-water", "Valdoria and the water treaty", ["treaty-exit", "harbour-vote"], "2024-04-30", "2024-05-01")
    store.replace_stories([], [story], context_size=5, lookup_terms=12)
    shared = [ContextEntity(valdoria.id, "Valdoria", "GPE")]
    store.save_related("harbour-vote", [RelatedEvent("treaty-exit", 0.5, shared)])
