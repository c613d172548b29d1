"""The JSON API under /api/ and the live search: paged page data, JSON errors, an OpenAPI schema."""

from __future__ import annotations

import json
from datetime import date, datetime
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient
from lxml import html

from currents.config import PortalConfig
from currents.model import SearchFilters
from currents.publish.site import build_site
from currents.store import SearchError
from currents.web.app import create_app
from portal_data import HOSTILE_TITLE, TREATY_HEADLINE, add, portal  # noqa: F401 (fixture)

LIMITS = PortalConfig(api_max_limit=5, search_results=1)


@pytest.fixture
def client(portal) -> TestClient:
    return TestClient(create_app(portal.store, LIMITS))


# -- the store's search -------------------------------------------------------------
def test_search_finds_events_and_articles_by_stemmed_words(portal):
    events = portal.store.search("withdrawing rome statute", "events")
    assert [hit.id for hit in events.hits] == ["treaty-exit"] and events.total == 1
    articles = portal.store.search('"water treaty"', "articles")
    assert [hit.id for hit in articles.hits] == ["eve"]
    assert ("water treaty", True) in articles.hits[0].snippet


def test_search_filters_by_dates_entity_and_outlet(portal):
    def ids(kind: str, **filters) -> list[str]:
        return sorted(hit.id for hit in portal.store.search("harbour OR valdoria", kind, SearchFilters(**filters)).hits)

    assert ids("events") == ["harbour-vote", "treaty-exit"]
    assert ids("events", since=date(2024, 5, 1)) == ["harbour-vote"]
    assert ids("events", until=date(2024, 4, 30)) == ["treaty-exit"]
    assert ids("events", entity="harbour-board") == ["harbour-vote"]
    assert ids("events", entity="VALDORIA") == ["harbour-vote", "treaty-exit"]  # a name works as well as an id
    assert ids("events", source="evil-outlet") == ["harbour-vote"]
    assert ids("articles", source="mirror-daily") == ["harbour"]  # any outlet that carried a copy


def test_search_index_follows_every_write(portal):
    assert portal.store.search("lighthouse", "articles").total == 0
    add(portal, "light", title="Lighthouse reopens", url="https://example.org/light")
    assert [hit.id for hit in portal.store.search("lighthouse", "articles").hits] == ["light"]
    portal.store.replace_events(["treaty-exit"], [])
    assert portal.store.search("statute", "events").total == 0


def test_day_and_entity_counts_follow_every_write(portal):
    """The home page's days and the entities list read counts that triggers keep; every write must move them."""
    store = portal.store
    assert dict(store.days()) == {date(2024, 5, 1): 2, date(2024, 4, 30): 1}
    assert dict(store.event_days()) == {date(2024, 5, 1): 1, date(2024, 4, 30): 1}
    add(portal, "late", title="Pier reopens", url="https://example.org/late", published=datetime(2024, 5, 2, 8))
    harbour = store.get_event("harbour-vote")
    harbour.date = "2024-05-02"
    store.replace_events(["treaty-exit"], [harbour])  # one event gone (its context with it), one moved
    assert dict(store.days()) == {date(2024, 5, 2): 1, date(2024, 5, 1): 2, date(2024, 4, 30): 1}
    assert dict(store.event_days()) == {date(2024, 5, 2): 1}
    assert [(e.id, n) for e, n in store.entities_with_events()] == [("harbour-board", 1), ("valdoria", 1)]
    assert store.count_entities_with_events() == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [('"rome statute', "unclosed quotation mark"), ("NOT rome", "NOT must stand between"), ("OR AND", "no words")],
)
def test_malformed_queries_are_explained(portal, query, message):
    with pytest.raises(SearchError, match=message):
        portal.store.search(query, "events")


def test_punctuation_is_searched_not_parsed(portal):
    assert portal.store.search("U.S. 9/11 (C++) col:umn", "articles").total == 0


# -- the live search page ------------------------------------------------------------
def test_live_search_page_answers_without_javascript(client):
    response = client.get("/search/", params={"q": "Rome Statute"})
    assert response.status_code == 200
    page = html.fromstring(response.content)
    hits = page.find_class("hits")[0]
    assert [a.text_content() for a in hits.findall("li/a")] == [TREATY_HEADLINE]
    assert [m.text for m in hits.iter("mark")] == ["Rome", "Statute"]
    assert hits.find("li/a").get("href") == "../events/treaty-exit.html"


def test_live_search_pages_through_results(client):
    first = html.fromstring(client.get("/search/index.html", params={"q": "valdoria OR harbour"}).content)
    more = first.find(".//a[@rel='next']").get("href")
    assert urljoin("/search/index.html", more) == "/search/index.html?q=valdoria+OR+harbour&page=2"
    second = html.fromstring(client.get(urljoin("/search/index.html", more)).content)
    assert first.find_class("hits")[0].find("li/a").text_content() != second.find_class("hits")[0].find("li/a").text_content()


@pytest.mark.parametrize("params", [{"q": '"unclosed'}, {"q": "x", "since": "yesterday"}, {"q": "x", "page": "0"}])
def test_live_search_mistakes_are_a_message_not_an_error_page(client, params):
    response = client.get("/search/", params=params)
    assert response.status_code == 400
    alert = html.fromstring(response.content).find(".//*[@role='alert']")
    assert alert is not None and alert.text_content()


def test_static_search_index_holds_headlines_titles_and_filters(portal, tmp_path):
    site = build_site(portal.store, tmp_path / "site")
    script = (site / "search" / "index.js").read_text(encoding="utf-8")
    prefix = "window.currentsSearchIndex = "
    assert script.startswith(prefix) and script.isascii()
    index = json.loads(script.removeprefix(prefix).rstrip().removesuffix(";"))
    events = {row[0]: row for row in index["events"]}
    assert events["harbour-vote"][1] == HOSTILE_TITLE
    assert events["harbour-vote"][5] == ["harbour-board", "valdoria"]
    assert sorted(row[0] for row in index["articles"]) == sorted(
        [HOSTILE_TITLE, "A link that runs code", TREATY_HEADLINE, "Headline without a date"]
    )


# -- the JSON API ----------------------------------------------------------------------
def test_events_are_paged_newest_first(client):
    first = client.get("/api/events", params={"limit": 1}).json()
    assert (first["total"], first["limit"], first["offset"]) == (2, 1, 0)
    assert [e["headline"] for e in first["items"]] == [HOSTILE_TITLE]
    second = client.get("/api/events", params={"limit": 1, "offset": 1}).json()
    assert [e["id"] for e in second["items"]] == ["treaty-exit"]


def test_one_event_is_exactly_its_json_twin(client, portal, tmp_path):
    site = build_site(portal.store, tmp_path / "site")
    twin = json.loads((site / "events" / "harbour-vote.json").read_text(encoding="utf-8"))
    assert client.get("/api/events/harbour-vote").json() == twin
    assert client.get("/events/harbour-vote.json").json() == twin


def test_entities_stories_and_sources(client):
    entities = client.get("/api/entities").json()
    assert [(e["id"], e["events"]) for e in entities["items"]] == [("valdoria", 2), ("harbour-board", 1)]
    entity = client.get("/api/entities/harbour-board").json()
    assert [e["id"] for e in entity["events"]] == ["harbour-vote"]
    stories = client.get("/api/stories").json()
    assert [s["id"] for s in stories["items"]] == ["valdoria-water"]
    story = client.get("/api/stories/valdoria-water").json()
    assert [item["kind"] for item in story["chronology"]] == ["fact", "fact", "event", "event"]
    sources = client.get("/api/sources", params={"limit": 2, "offset": 1}).json()
    assert sources["total"] == 5 and [s["name"] for s in sources["items"]] == ["Evil Outlet", "Example <b>News</b>"]
    assert client.get("/api/sources/evil-outlet").json()["first_count"] == 1


def test_api_search(client):
    found = client.get("/api/search", params={"q": "rome statute", "kind": "events"}).json()
    assert found["total"] == 1 and found["items"][0]["path"] == "events/treaty-exit.html"
    articles = client.get("/api/search", params={"q": "harbour", "kind": "articles", "source": "mirror-daily"}).json()
    assert [hit["id"] for hit in articles["items"]] == ["harbour"]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/events?limit=6", 400, "limit"),  # over api_max_limit
        ("/api/events?limit=0", 400, "limit"),
        ("/api/events?offset=-1", 400, "offset"),
        ("/api/events?limit=many", 400, "limit"),
        ("/api/events/nope", 404, "no event 'nope'"),
        ("/api/entities/nope", 404, "no entity"),
        ("/api/stories/nope", 404, "no story"),
        ("/api/sources/nope", 404, "no source"),
        ("/api/nothing-here", 404, "no such resource"),
        ("/api/search?q=%22rome", 400, "unclosed quotation mark"),
        ("/api/search?q=rome&kind=people", 400, "kind"),
        ("/api/search?q=rome&since=may", 400, "YYYY-MM-DD"),
        ("/api/search", 400, "q"),
    ],
)
def test_api_errors_are_json_with_a_message(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert words in response.json()["error"]
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_openapi_schema_describes_every_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/events",
        "/api/events/{event_id}",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/sources",
        "/api/sources/{source_id}",
        "/api/search",
    }
    limit = next(p for p in schema["paths"]["/api/events"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == LIMITS.api_max_limit
