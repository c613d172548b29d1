"""The portal as a person uses it: Debian's Chromium, driven by Playwright, on the live server and the static site.

Screenshots go to a `screenshots` folder under pytest's temporary directory;
the run prints where. Skipped only when /usr/bin/chromium is missing
(scripts/setup installs it).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

import currents
from conftest import SEEDS
from portal_data import HOSTILE_TITLE, TREATY_HEADLINE, fill

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_START_SECONDS = 30

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (run scripts/setup)")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    """A store with events and a story, and the static site built from it."""
    folder = tmp_path_factory.mktemp("portal")
    with currents.open(folder / "news.db") as portal:
        fill(portal)
        site = portal.build(folder / "site")
    return folder / "news.db", site


@pytest.fixture(scope="module")
def server(world):
    """`currents serve` on the hand-made store; yields its base URL."""
    with serving(world[0]) as base:
        yield base


@pytest.fixture(scope="module")
def seeds_server(tmp_path_factory):
    """`currents serve` on the seeds, ingested by the whole pipeline (events, summaries, comparison)."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with currents.open(db) as portal:
        portal.ingest(sorted(SEEDS.glob("*.txt")))
    with serving(db) as base:
        yield base


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """`currents serve` in its own process on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "currents", "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            httpx.get(base, timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"currents serve did not start: {process.stderr.read().decode(errors='replace')}")
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nbrowser screenshots: {folder}")
    return folder


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"{m.text} {m.location.get('url')}") if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield tab
    context.close()
    assert problems == [], problems  # no script error, no blocked resource, no CSP violation


def test_day_to_event_to_json_to_story_on_the_live_server(page, server, shots):
    page.goto(server)
    page.screenshot(path=shots / "live-home.png", full_page=True)
    page.get_by_role("link", name="Wednesday 1 May 2024").click()
    page.wait_for_url(f"{server}2024/05/01/index.html")
    page.get_by_role("link", name=HOSTILE_TITLE).first.click()
    assert page.locator("h1").inner_text() == HOSTILE_TITLE  # shown as text, never run
    page.screenshot(path=shots / "live-event.png", full_page=True)
    page.get_by_role("link", name="JSON").click()
    assert json.loads(page.locator("body").inner_text())["headline"] == HOSTILE_TITLE
    page.go_back()
    page.get_by_role("link", name="Valdoria and the water treaty").click()
    page.screenshot(path=shots / "live-story.png", full_page=True)
    page.locator("figure a[href='#fact-1']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#fact-1")
    assert page.locator("#fact-1").inner_text().endswith("Valdoria signed the water treaty in 2009.")


def test_citation_leads_to_the_sentence_it_cites_on_the_live_server(page, seeds_server, shots):
    page.goto(seeds_server)
    page.get_by_role("link", name="Wednesday 16 November 2016").first.click()
    page.locator("a.headline", has_text="Putin").click()
    page.wait_for_url("**/events/*.html")
    citation = page.locator(".summary .refs a").first
    note_id = citation.get_attribute("href").removeprefix("#")
    citation.click()
    page.wait_for_url(f"**#{note_id}")
    note = page.locator(f"#{note_id}")
    assert note.evaluate("element => element.matches(':target')")  # highlighted as the jump's target
    assert note.is_visible()
    quoted = " ".join(note.locator("q").inner_text().split())
    page.screenshot(path=shots / "live-event-citation.png", full_page=False)
    note.get_by_role("link", name="in the article").click()
    page.wait_for_url("**/articles/*.html#s-*")
    sentence = page.locator(":target")
    assert " ".join(sentence.inner_text().split()) == quoted
    assert sentence.evaluate("element => getComputedStyle(element).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.screenshot(path=shots / "live-cited-sentence.png", full_page=False)
    page.go_back()
    page.get_by_role("link", name="JSON").click()
    data = json.loads(page.locator("body").inner_text())
    assert quoted in [" ".join(n["text"].split()) for n in data["notes"]]


def test_searching_rome_statute_on_the_live_server(page, server, shots):
    page.goto(f"{server}search/")
    page.get_by_label("Words").fill("Rome Statute")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    hits = page.locator("#events-heading + ol.hits li a")
    assert hits.all_inner_texts() == [TREATY_HEADLINE]
    page.screenshot(path=shots / "live-search.png", full_page=True)
    hits.first.click()
    assert page.locator("h1").inner_text() == TREATY_HEADLINE


def test_static_site_from_disk_day_article_event_and_search(page, world, shots):
    site = world[1]
    page.goto((site / "index.html").as_uri())
    page.get_by_role("link", name="Tuesday 30 April 2024").click()
    page.locator("ol.articles a").first.click()
    assert page.locator("h1").inner_text() == TREATY_HEADLINE
    page.get_by_role("link", name="The event this article reports").click()
    page.wait_for_url((site / "events" / "treaty-exit.html").as_uri())
    page.screenshot(path=shots / "static-event.png", full_page=True)
    page.goto((site / "search" / "index.html").as_uri() + "?q=Rome+Statute")
    page.wait_for_selector("ol.hits")
    assert page.locator("ol.hits").first.locator("a").all_inner_texts() == [TREATY_HEADLINE]
    page.screenshot(path=shots / "static-search.png", full_page=True)
    page.locator("ol.hits a").first.click()
    page.wait_for_url((site / "events" / "treaty-exit.html").as_uri())


def test_keyboard_alone_reaches_the_content_and_the_menu(page, server, shots):
    page.goto(server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")
    page.goto(server)
    names = []
    for _ in range(7):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.textContent"))
    assert names == ["Skip to content", "currents", "Days", "Stories", "Entities", "Sources", "Search"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{server}search/index.html"
    page.screenshot(path=shots / "keyboard-focus.png")


def test_dark_scheme_follows_the_system_setting(browser, server, shots):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1000, "height": 900})
    tab = context.new_page()
    tab.goto(f"{server}stories/valdoria-water.html")
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    tab.screenshot(path=shots / "dark-story.png", full_page=True)
    context.close()
    assert background == "rgb(22, 22, 22)"
