"""The JSON API under /api/: the same page data the HTML shows, paged, with an OpenAPI schema.

Lists answer {"total", "limit", "offset", "items"}; one thing answers its page
data (an event's is exactly its .json twin). Every error is {"error": message}
with a 4xx status, whatever raised it: a bad parameter, an unknown id, a query
the search index cannot parse. Each answer's shape is one of the JSON Schemas
the portal publishes under /schema/ (publish/schemas/), and the OpenAPI
document points every route at its schema.
"""

# No `from __future__ import annotations`: FastAPI reads the local Limit/Offset aliases at runtime.
import threading
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from currents.config import PortalConfig
from currents.publish.context import event_summary, relative_url, schema_path, source_path
from currents.publish.events import entity_item, entity_page, event_data, source_page, story_page, story_summary
from currents.publish.search import KINDS, hit_data, parse_request
from currents.store import SearchError, Store

API_PREFIX = "/api"
OPENAPI_PATH = f"{API_PREFIX}/openapi.json"


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def answers(schema: str) -> dict[str, Any]:
    """A route's OpenAPI answers: `schema` (a published JSON Schema) for 200, error.json for any 4xx.

    The schemas are linked, not copied, so the OpenAPI document and the files
    the portal publishes cannot disagree; the links are relative to the document.
    """

    def described_by(name: str) -> dict[str, Any]:
        return {"application/json": {"schema": {"$ref": relative_url(OPENAPI_PATH.lstrip("/"), schema_path(name))}}}

    return {
        "response_model": None,
        "responses": {
            200: {"content": described_by(schema)},
            "4XX": {
                "description": "A bad parameter, an unknown id, a search query that cannot be parsed",
                "content": described_by("error"),
            },
        },
    }


def add_api(app: FastAPI, store: Store, lock: threading.Lock, config: PortalConfig) -> None:
    """Register the API routes on `app`; every store read holds `lock`."""
    limit_query = Query(ge=1, le=config.api_max_limit, description=f"items per page, at most {config.api_max_limit}")
    Limit = Annotated[int, limit_query]
    Offset = Annotated[int, Query(ge=0, description="items to skip")]
    ChronologyPage = Annotated[
        int, Query(ge=1, description=f"page of its events, {config.chronology_events} a page, newest first")
    ]
    default = config.api_default_limit

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error_response(400, problems or "invalid request")

    @app.exception_handler(SearchError)
    async def bad_search(_request: Request, exc: SearchError) -> JSONResponse:
        return error_response(400, str(exc))

    @app.get(f"{API_PREFIX}/events", summary="Events, newest first", **answers("events"))
    def events(limit: Limit = default, offset: Offset = 0) -> dict[str, Any]:
        with lock:
            items = [event_summary(e) for e in store.get_events(store.recent_event_ids(limit, offset))]
            return _paged(store.count_events(), limit, offset, items)

    @app.get(f"{API_PREFIX}/events/{{event_id}}", summary="One event: the data of its page", **answers("event"))
    def event(event_id: str) -> dict[str, Any]:
        with lock:
            found = store.get_event(event_id)
            return event_data(store, _found(found, "event", event_id))

    @app.get(f"{API_PREFIX}/entities", summary="Entities in events' context, most events first", **answers("entities"))
    def entities(limit: Limit = default, offset: Offset = 0) -> dict[str, Any]:
        with lock:
            items = [entity_item(entity, count) for entity, count in store.entities_with_events(limit, offset)]
            return _paged(store.count_entities_with_events(), limit, offset, items)

    @app.get(f"{API_PREFIX}/entities/{{entity_id}}", summary="One entity and its events", **answers("entity"))
    def entity(entity_id: str, page: ChronologyPage = 1) -> dict[str, Any]:
        with lock:
            found = _found(store.get_entity(entity_id), "entity", entity_id)
            answer = entity_page(store, found, config.chronology_events, page)
            return _found(answer, "page of events with entity", f"{entity_id} {page}").data

    @app.get(f"{API_PREFIX}/stories", summary="Stories, the most recently active first", **answers("stories"))
    def stories(limit: Limit = default, offset: Offset = 0) -> dict[str, Any]:
        with lock:
            every = list(store.iter_stories())
            return _paged(len(every), limit, offset, [story_summary(s) for s in every[offset : offset + limit]])

    @app.get(f"{API_PREFIX}/stories/{{story_id}}", summary="One story: its chronology and timeline", **answers("story"))
    def story(story_id: str, page: ChronologyPage = 1) -> dict[str, Any]:
        with lock:
            found = _found(store.get_story(story_id), "story", story_id)
            return _found(story_page(store, found, config.chronology_events, page), "page of story", f"{story_id} {page}").data

    @app.get(f"{API_PREFIX}/sources", summary="Outlets", **answers("sources"))
    def sources(limit: Limit = default, offset: Offset = 0) -> dict[str, Any]:
        with lock:
            every = store.sources()
        items = [
            {"id": s.id, "name": s.name, "domain": s.domain, "path": source_path(s.id)}
            for s in every[offset : offset + limit]
        ]
        return _paged(len(every), limit, offset, items)

    @app.get(f"{API_PREFIX}/sources/{{source_id}}", summary="One outlet and its events", **answers("source"))
    def source(source_id: str) -> dict[str, Any]:
        with lock:
            found = store.get_source(source_id)
            return source_page(store, _found(found, "source", source_id), config.source_events).data

    @app.get(f"{API_PREFIX}/search", summary="Full-text search of events or articles", **answers("search"))
    def search(
        q: Annotated[str, Query(min_length=1, description='words, "phrases", prefix*, AND / OR / NOT')],
        kind: Annotated[str, Query(pattern=f"^({'|'.join(KINDS)})$")] = "events",
        since: Annotated[str, Query(description="YYYY-MM-DD")] = "",
        until: Annotated[str, Query(description="YYYY-MM-DD")] = "",
        entity: Annotated[str, Query(description="entity id or name")] = "",
        source: Annotated[str, Query(description="outlet id")] = "",
        limit: Limit = default,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        request = parse_request({"q": q, "since": since, "until": until, "entity": entity, "source": source}, config)
        with lock:
            found = store.search(request.query, kind, request.filters, limit, offset)
        return _paged(found.total, limit, offset, [hit_data(hit) for hit in found.hits])


def _paged(total: int, limit: int, offset: int, items: list[Any]) -> dict[str, Any]:
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _found(value: Any, what: str, ident: str) -> Any:
    if value is None:
        raise HTTPException(status_code=404, detail=f"no {what} {ident!r}")
    return value
