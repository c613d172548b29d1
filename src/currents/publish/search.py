"""The search page: answered by the store's FTS5 index live, by a prebuilt index in the static site.

Without a query both give the same page (the form). The live server renders
results into it, so search works there without JavaScript; the static site's
small script (static/search.js) reads search/index.js and fills the same list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from currents.config import PortalConfig
from currents.model import SearchFilters, SearchHit
from currents.publish.context import SEARCH, SEARCH_INDEX, SEARCH_SCRIPT, Page, article_path, event_date, event_path
from currents.store import SearchError, Store

KINDS = ("events", "articles")
_FILTERS = ("since", "until", "entity", "source")


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asked: the words, the filters, and which page of results."""

    query: str
    filters: SearchFilters
    page: int = 1

    @property
    def params(self) -> dict[str, str]:
        """The request as URL parameters, empty ones left out."""
        values = {"q": self.query, **{name: getattr(self.filters, name) for name in _FILTERS}}
        return {name: str(value) for name, value in values.items() if value}


def parse_request(params: Mapping[str, str], config: PortalConfig) -> SearchRequest:
    """The request in URL parameters q, since, until, entity, source and page; SearchError if malformed."""
    query = params.get("q", "").strip()
    if len(query) > config.max_query_chars:
        raise SearchError(f"the query is longer than {config.max_query_chars} characters")
    filters = SearchFilters(
        since=_date_param(params, "since"),
        until=_date_param(params, "until"),
        entity=params.get("entity", "").strip() or None,
        source=params.get("source", "").strip() or None,
    )
    page = params.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise SearchError(f"page must be a whole number from 1, not {page!r}")
    return SearchRequest(query, filters, int(page))


def _date_param(params: Mapping[str, str], name: str) -> date | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SearchError(f"{name} must be a date written YYYY-MM-DD, not {value!r}") from None


def search_page(store: Store, config: PortalConfig, params: Mapping[str, str] | None = None) -> Page:
    """The search form, with results when `params` carry a query (live server only)."""
    data: dict[str, Any] = {
        "query": "",
        "filters": {name: "" for name in _FILTERS},
        "sources": [{"id": s.id, "name": s.name} for s in store.sources()],
        "searched": False,
        "error": None,
        "results": {},
        "index": SEARCH_INDEX,
        "script": SEARCH_SCRIPT,
        "per_page": config.search_results,
    }
    if not params:
        return Page(SEARCH, "search.html", "Search", data)
    try:
        request = parse_request(params, config)
        data.update(query=request.query, filters={name: request.params.get(name, "") for name in _FILTERS})
        if request.query:
            data.update(searched=True, results=_results(store, request, config.search_results))
    except SearchError as exc:
        data["error"] = str(exc)
    title = f"Search: {data['query']}" if data["query"] else "Search"
    return Page(SEARCH, "search.html", title, data, 400 if data["error"] else 200)


def _results(store: Store, request: SearchRequest, per_page: int) -> dict[str, Any]:
    results = {}
    offset = (request.page - 1) * per_page
    for kind in KINDS:
        found = store.search(request.query, kind, request.filters, per_page, offset)
        results[kind] = {"total": found.total, "hits": [hit_data(hit) for hit in found.hits]}
    more = any(r["total"] > offset + per_page for r in results.values())
    return {
        **results,
        "page": request.page,
        "newer": urlencode({**request.params, "page": request.page - 1}) if request.page > 1 else None,
        "more": urlencode({**request.params, "page": request.page + 1}) if more else None,
    }


def hit_data(hit: SearchHit) -> dict[str, Any]:
    """A hit as pages and the API show it; marked segments stay segments (never markup)."""
    return {
        "kind": hit.kind,
        "id": hit.id,
        "title": "".join(text for text, _matched in hit.title),
        "title_marked": [{"text": text, "match": matched} for text, matched in hit.title],
        "snippet": [{"text": text, "match": matched} for text, matched in hit.snippet],
        "date": event_date(hit.date, None),
        "source": hit.source,
        "path": event_path(hit.id) if hit.kind == "event" else article_path(hit.id),
    }


def search_index_page(store: Store) -> Page:
    """The static site's index: event headlines and article titles, with what the filters need.

    Rows are lists, not objects, to keep the file small; static/search.js reads them by position.
    """
    source_ids = {s.name: s.id for s in store.sources()}
    events = [
        [e.id, e.headline, e.date, e.first_day or e.date, e.last_day or e.date, [c.id for c in e.context],
         [source_ids[name] for name in e.sources if name in source_ids], event_path(e.id)]
        for e in store.iter_events()
    ]
    articles = [
        [title, day, source_id, event_id, article_path(article_id)]
        for article_id, title, day, source_id, event_id in store.article_headlines()
    ]
    entities = {entity.id: entity.name for entity, _count in store.entities_with_events()}
    return Page(SEARCH_INDEX, None, "Search index", {"events": events, "articles": articles, "entities": entities})
