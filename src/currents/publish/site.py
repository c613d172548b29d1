"""Render portal pages, and write the whole portal as a static site.

`render` is the one renderer: `build_site` calls it for every page and the
live server (`currents.web.app`) calls it per request, so both show the same.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import partial
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from currents.publish.context import HOME, SOURCES, STATIC, STYLESHEET, Page, relative_url, site_pages
from currents.store import Store

STATIC_DIR = Path(__file__).parent / "static"
# Written into every build so a later build knows the folder it replaces is a
# portal, and never deletes a folder someone pointed --out at by mistake.
MARKER = ".currents-site"
MARKER_TEXT = "A portal written by `currents build`; the next build replaces this folder.\n"

_ENVIRONMENT = Environment(
    loader=PackageLoader("currents.publish", "templates"),
    # Every string shown comes from untrusted web pages: escaping is never optional.
    autoescape=True,
    undefined=StrictUndefined,
    lstrip_blocks=True,
)
_ENVIRONMENT.globals["site"] = {"home": HOME, "sources": SOURCES, "stylesheet": STYLESHEET}


class SiteError(ValueError):
    """The static site cannot be written where it was asked to go."""


def render(page: Page) -> str:
    """The HTML of `page`; its links are relative to where the page lives."""
    template = _ENVIRONMENT.get_template(page.template)
    return template.render(page.data, page=page, url=partial(relative_url, page.path))


def build_site(store: Store, out: Path) -> Path:
    """Write every page of the portal into `out` and return `out`.

    The site is built in a fresh folder beside `out` and swapped in only when
    complete, so a failed build leaves the previous site as it was, never half
    old and half new.
    """
    folder = out.resolve()  # "." has no name to build beside
    _check_replaceable(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
    try:
        _write_site(store, building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap_in(building, folder)
    return out


def _write_site(store: Store, folder: Path) -> None:
    for page in site_pages(store):
        target = folder / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(page), encoding="utf-8")
    shutil.copytree(STATIC_DIR, folder / STATIC)
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    # mkdtemp makes a private folder; a published site is meant to be read by the web server.
    folder.chmod(0o755)


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
