"""Render portal pages, and write the whole portal as a static site.

`render` is the one renderer: `build_site` calls it for every page and the
live server (`currents.web.app`) calls it per request, so both show the same.
HTML pages are Jinja templates; an event's JSON and XML twins are its page
data serialised (`currents.publish.formats`), its Markdown twin a template.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import closing
from functools import partial
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from currents.config import PortalConfig
from currents.processes import worker_pool
from currents.publish.context import (
    ENTITIES,
    FEED,
    HOME,
    ICON,
    SCHEMAS,
    SEARCH,
    SOURCES,
    STATIC,
    STORIES,
    STYLESHEET,
    Page,
    relative_url,
    schema_path,
)
from currents.publish.formats import absolute_url, markdown_text, to_json, to_script, to_xml
from currents.publish.pages import Share, site_pages
from currents.store import Store, open_store

STATIC_DIR = Path(__file__).parent / "static"
SCHEMA_DIR = Path(__file__).parent / "schemas"
# Written into every build so a later build knows the folder it replaces is a
# portal, and never deletes a folder someone pointed --out at by mistake.
MARKER = ".currents-site"
MARKER_TEXT = "A portal written by `currents build`; the next build replaces this folder.\n"
SITE_LINKS = {
    "home": HOME,
    "sources": SOURCES,
    "entities": ENTITIES,
    "stories": STORIES,
    "search": SEARCH,
    "feed": FEED,
    "stylesheet": STYLESHEET,
    "icon": ICON,
    "event_schema": schema_path("event"),
}


def _environment(autoescape: bool, finalize=None) -> Environment:
    environment = Environment(
        loader=PackageLoader("currents.publish", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        lstrip_blocks=True,
        trim_blocks=not autoescape,
        keep_trailing_newline=True,
        finalize=finalize,
        # Templates ship with the package: no need to look at their files again before every page.
        auto_reload=False,
    )
    environment.globals["site"] = SITE_LINKS
    return environment


# Every string shown comes from untrusted web pages: escaping is never optional.
# HTML, Atom and the sitemap are escaped as markup; Markdown by backslashes.
_MARKUP = _environment(autoescape=True)
_MARKDOWN = _environment(autoescape=False, finalize=markdown_text)
_SERIALISERS = {".json": to_json, ".xml": to_xml, ".js": to_script}


class SiteError(ValueError):
    """The static site cannot be written where it was asked to go."""


def render(page: Page, base_url: str) -> str:
    """The text of `page`: its template drawn, or its data serialised by its suffix.

    Links in HTML and Markdown are relative to where the page lives; feeds and
    the sitemap need absolute ones, made from `base_url` (where the site is served).
    """
    if page.template is None:
        return _SERIALISERS[Path(page.path).suffix](page)
    environment = _MARKDOWN if page.template.endswith(".md") else _MARKUP
    template = environment.get_template(page.template)
    return template.render(
        page.data,
        page=page,
        url=partial(relative_url, page.path),
        absolute=partial(absolute_url, base_url),
    )


def build_site(store: Store, out: Path, config: PortalConfig | None = None, db: str | None = None) -> Path:
    """Write every page of the portal into `out` and return `out`.

    The site is built in a fresh folder beside `out` and swapped in only when
    complete, so a failed build leaves the previous site as it was, never half
    old and half new. Given the store's `db`, a large site is written by several
    processes side by side (`portal.build_workers`), each reading the store itself.
    """
    config = config or PortalConfig()
    folder = out.resolve()  # "." has no name to build beside
    _check_replaceable(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
    try:
        _write_site(store, building, config, _workers(store, config) if db else 1, db)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap_in(building, folder)
    return out


def _workers(store: Store, config: PortalConfig) -> int:
    """How many processes to write with: starting one costs about a second, worth it for large sites only."""
    if store.count_articles() < config.build_workers_from:
        return 1
    return max(1, config.build_workers or os.cpu_count() or 1)


def _write_site(store: Store, folder: Path, config: PortalConfig, workers: int, db: str | None) -> None:
    if workers > 1:
        with worker_pool(workers - 1, [__name__]) as pool:
            others = [pool.submit(_write_share, db, folder, config, Share(i, workers)) for i in range(1, workers)]
            _write_pages(store, folder, config, Share(0, workers))
            for done in others:
                done.result()  # re-raises a worker's error here
    else:
        _write_pages(store, folder, config, Share())
    shutil.copytree(STATIC_DIR, folder / STATIC)
    shutil.copytree(SCHEMA_DIR, folder / SCHEMAS)
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    # mkdtemp makes a private folder; a published site is meant to be read by the web server.
    folder.chmod(0o755)


def _write_share(db: str, folder: Path, config: PortalConfig, share: Share) -> None:
    """A worker process's part of the build, read from its own connection to the store."""
    with closing(open_store(db)) as store:
        _write_pages(store, folder, config, share)


def _write_pages(store: Store, folder: Path, config: PortalConfig, share: Share) -> None:
    made: set[Path] = set()  # folders made already: one mkdir per folder, not per page
    for page in site_pages(store, config, share):
        target = folder / page.path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(render(page, config.base_url), encoding="utf-8")


def _check_replaceable(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise SiteError(f"{out} exists and is not a folder; choose another --out")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(f"{out} is a folder with other content, not an earlier portal; choose another --out")


def _swap_in(building: Path, out: Path) -> None:
    if not out.exists():
        os.rename(building, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, retired / out.name)
    try:
        os.rename(building, out)
    except OSError:
        os.rename(retired / out.name, out)
        retired.rmdir()
        shutil.rmtree(building, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)
