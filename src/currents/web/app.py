"""The live server: the static site's pages, rendered per request from the store, and a JSON API.

Every URL is the path of the same page in the static site (`/` and
`/2024/05/01/` also answer for their `index.html`), drawn by the same context
builders and templates, so the live portal and a build never differ. Only the
search page does more live: it answers queries from the store's FTS5 index.
The JSON API (`currents.web.api`) serialises the same page data under /api/.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from currents.config import PortalConfig
from currents.publish.context import HOME, ICON, SCHEMAS, SEARCH, STATIC, Page, not_found_page, page_path
from currents.publish.pages import resolve
from currents.publish.search import search_page
from currents.publish.site import SCHEMA_DIR, STATIC_DIR, render
from currents.store import Store
from currents.web.api import API_PREFIX, OPENAPI_PATH, add_api, error_response

# Pages show text from untrusted web pages; the browser is told to run nothing
# but the portal's own scripts, load nothing from elsewhere, and never frame it.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".md": "text/markdown; charset=utf-8",
    ".atom": "application/atom+xml",
    ".js": "text/javascript; charset=utf-8",
}


def create_app(store: Store, config: PortalConfig | None = None) -> FastAPI:
    """The ASGI application serving the portal and its API from `store`."""
    config = config or PortalConfig()
    app = FastAPI(title="currents", docs_url=None, redoc_url=None, openapi_url=OPENAPI_PATH)
    # The store holds one SQLite connection; requests run in a thread pool, one at a time in it.
    store_lock = threading.Lock()

    @app.middleware("http")
    async def add_security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(f"{API_PREFIX}/"):
            detail = getattr(exc, "detail", None)
            return error_response(404, detail if isinstance(detail, str) and detail != "Not Found" else "no such resource")
        return page_response(not_found_page(page_path(request.url.path)), str(request.base_url))

    add_api(app, store, store_lock, config)
    app.mount(f"/{STATIC}", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(f"/{SCHEMAS}", StaticFiles(directory=SCHEMA_DIR), name="schemas")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        """Browsers ask for it on pages that name no icon (an event's JSON, say)."""
        return RedirectResponse(f"/{ICON}", status_code=301)

    @app.api_route("/{url_path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def page(url_path: str, request: Request) -> Response:
        path = page_path(url_path)
        with store_lock:
            if path == SEARCH and request.query_params:
                found = search_page(store, config, dict(request.query_params))
            else:
                found = resolve(store, path, config)
            # "/2024/05/01" would break the page's relative links: send it to "/2024/05/01/".
            if found is None and "." not in path.rsplit("/", 1)[-1]:
                if resolve(store, f"{path}/{HOME}", config) is not None:
                    return RedirectResponse(f"/{path}/", status_code=308)
            if found is None:
                raise HTTPException(status_code=404)
            return page_response(found, str(request.base_url))

    return app


def page_response(page: Page, base_url: str) -> Response:
    """`page` rendered, with the media type of what draws it (a "not found" page is HTML at any path)."""
    media_type = MEDIA_TYPES[PurePosixPath(page.template or page.path).suffix]
    return Response(render(page, base_url), status_code=page.status, media_type=media_type)


def serve(store: Store, host: str, port: int, config: PortalConfig | None = None) -> None:
    """Serve the portal at http://host:port/ until interrupted."""
    uvicorn.run(create_app(store, config), host=host, port=port)
