"""The live server: the static site's pages, rendered per request from the store.

Every URL is the path of the same page in the static site (`/` and
`/2024/05/01/` also answer for their `index.html`), drawn by the same context
builders and templates, so the live portal and a build never differ.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from currents.publish.context import HOME, STATIC, not_found_page, page_path, resolve
from currents.publish.site import STATIC_DIR, render
from currents.store import Store

# Pages show text from untrusted web pages; the browser is told to run
# nothing, load nothing from elsewhere, and never frame the portal.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(store: Store) -> FastAPI:
    """The ASGI application serving the portal from `store`."""
    app = FastAPI(title="currents", docs_url=None, redoc_url=None, openapi_url=None)
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
    async def not_found(request: Request, _exc: Exception) -> HTMLResponse:
        page = not_found_page(page_path(request.url.path))
        return HTMLResponse(render(page), status_code=page.status)

    app.mount(f"/{STATIC}", StaticFiles(directory=STATIC_DIR), name="static")

    @app.api_route("/{url_path:path}", methods=["GET", "HEAD"])
    def page(url_path: str) -> Response:
        path = page_path(url_path)
        with store_lock:
            found = resolve(store, path)
            # "/2024/05/01" would break the page's relative links: send it to "/2024/05/01/".
            if found is None and "." not in path.rsplit("/", 1)[-1]:
                if resolve(store, f"{path}/{HOME}") is not None:
                    return RedirectResponse(f"/{path}/", status_code=308)
        if found is None:
            raise HTTPException(status_code=404)
        return HTMLResponse(render(found), status_code=found.status)

    return app


def serve(store: Store, host: str, port: int) -> None:
    """Serve the portal at http://host:port/ until interrupted."""
    uvicorn.run(create_app(store), host=host, port=port)
