"""Every word on the portal comes from untrusted web pages: it must show as text and never run.

Articles whose titles and bodies carry script tags, event handlers, javascript:
URLs and broken markup go in through the real ingest (and through the store for
events); then every page of the static site and of the live server is checked.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import etree, html

import currents
from currents.web.app import create_app
from portal_data import HOSTILE_AUTHOR, HOSTILE_ENTITY, HOSTILE_TITLE, fill

TEXT_TITLE = "<script>alert('txt')</script> Storm <b onclick=alert(1)>closes</b> the port"
HTML_PAGE = """<html><head><title>Ferry <img src=x onerror=alert(1)> strike</title>
<meta property="og:site_name" content="Quay &lt;script&gt;alert(9)&lt;/script&gt; Post" /></head>
<body onload="alert(2)"><article><h1>Ferry <img src=x onerror=alert(1)> strike</h1>
<p>Published 2 May 2024. Crews walked out <a href="javascript:alert(3)">over pay</a> on Thursday,
leaving hundreds of travellers waiting at the terminal for most of the afternoon.</p>
<p><script>alert(4)</script>The union said talks would resume on Monday <div><p>unclosed
<iframe src="https://evil.example/"></iframe> and the company said it regretted the disruption.</p>
</article></body></html>"""
SAFE_REL = "noopener noreferrer nofollow"


@pytest.fixture
def portal(tmp_path: Path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "storm.txt").write_text(
        f"{TEXT_TITLE}\n\n2 May 2024\n\nThe <iframe src=javascript:alert(5)> harbour closed at noon. "
        "A [link](javascript:alert(6)) and <a href='javascript:alert(7)'>another</a> follow.\n",
        encoding="utf-8",
    )
    (inputs / "ferry.html").write_text(HTML_PAGE, encoding="utf-8")
    with currents.open(tmp_path / "news.db") as opened:
        fill(opened)
        report = opened.ingest([inputs], understand=False)
        assert report.ok
        yield opened


@pytest.fixture
def site(portal, tmp_path: Path) -> Path:
    return portal.build(tmp_path / "site")


def assert_inert(document: html.HtmlElement, where: object) -> None:
    """No element that runs or loads anything, no handler, no link but http(s) or within the site."""
    scripts = document.findall(".//script")
    assert all(s.get("src", "").endswith("static/search.js") and not (s.text or "").strip() for s in scripts), where
    for tag in ("iframe", "img", "object", "embed", "base", "form[@action]"):
        if tag == "form[@action]":
            assert all(not urlsplit(f.get("action")).scheme for f in document.findall(".//form")), where
        else:
            assert document.findall(f".//{tag}") == [], (where, tag)
    for element in document.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib), (where, element.attrib)
    for element, attribute, link, _pos in document.iterlinks():
        scheme = urlsplit(link).scheme
        assert scheme in ("", "http", "https"), (where, link)
        if scheme and element.tag == "a":
            assert element.get("rel") == SAFE_REL, (where, link)
    policy = document.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert "script-src 'none'" in policy or "script-src 'self'" in policy, where


def test_every_static_page_shows_hostile_text_as_text(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        assert_inert(html.fromstring(path.read_bytes()), path)
    storm = next(p for p in site.glob("articles/*.html") if "Storm" in p.read_text(encoding="utf-8"))
    article = html.fromstring(storm.read_bytes())
    assert article.find(".//h1").text_content() == TEXT_TITLE
    assert "<iframe src=javascript:alert(5)>" in article.find_class("body")[0].text_content()
    harbour = html.fromstring((site / "articles" / "harbour.html").read_bytes())
    assert harbour.find(".//h1").text_content() == HOSTILE_TITLE
    assert [e.text_content() for e in harbour.find_class("author")] == [f"By {HOSTILE_AUTHOR}"]
    assert harbour.find(".//article").get("lang") is None  # a hostile language tag is dropped
    entity = html.fromstring((site / "entities" / "harbour-board.html").read_bytes())
    assert entity.find(".//h1").text_content() == HOSTILE_ENTITY


def test_only_the_search_page_loads_a_script_and_never_an_inline_one(site):
    with_scripts = [p.relative_to(site).as_posix() for p in site.rglob("*.html") if b"<script" in p.read_bytes()]
    assert with_scripts == ["search/index.html"]
    search = html.fromstring((site / "search" / "index.html").read_bytes())
    assert [s.get("src") for s in search.findall(".//script")] == ["../static/search.js"]


def test_feeds_and_twins_carry_hostile_text_as_escaped_text(site):
    feed = etree.fromstring((site / "feed.atom").read_bytes())
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert HOSTILE_TITLE in titles
    assert list(feed.iter("script")) == []
    twin = etree.fromstring((site / "events" / "harbour-vote.xml").read_bytes())
    assert twin.findtext("headline") == HOSTILE_TITLE and list(twin.iter("script")) == []


def test_feeds_and_markdown_link_nothing_but_the_site_and_http(site):
    for path in [*site.rglob("*.atom"), *site.rglob("*.xml")]:
        for element in etree.fromstring(path.read_bytes()).iter():
            link = element.get("href") or (element.text if element.tag.endswith("loc") else None)
            assert link is None or urlsplit(link).scheme in ("http", "https"), (path, link)
    for path in site.rglob("*.md"):
        targets = re.findall(r"(?<!\\)\]\((?!\.\./)([^)]*)\)", path.read_text(encoding="utf-8"))
        assert all(target.startswith("https\\:") or target.startswith("http\\:") for target in targets), path


def test_live_pages_are_inert_and_carry_security_headers(portal, site):
    client = TestClient(create_app(portal.store))
    for path in sorted(site.rglob("*.html")):
        url = "/" + path.relative_to(site).as_posix()
        response = client.get(url)
        assert response.status_code in (200, 404), url
        headers = response.headers
        assert "default-src 'self'" in headers["content-security-policy"] and "object-src 'none'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert_inert(html.fromstring(response.content), url)
    searched = client.get("/search/", params={"q": "storm OR harbour OR ferry"})
    assert_inert(html.fromstring(searched.content), "live search")
    assert "<script>alert" not in searched.text
