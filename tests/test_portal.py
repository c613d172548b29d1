"""The portal: a static site and a live server drawn from the store, safe with hostile text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import etree, html

import currents
from currents.config import DedupConfig
from currents.model import Article, Copy
from currents.publish.site import SiteError
from currents.text.dedup import fingerprint
from currents.web.app import create_app

HOSTILE_TITLE = "<script>alert(1)</script> Harbour council votes"
HOSTILE_BODY = (
    "The council met on Monday <img src=x onerror=alert(1)> to vote on the pier.\n"
    "Broken markup follows: <div><p>unclosed <b>bold & </body></html> ]]> <!-- comment\n"
    "\n"
    "The repairs start in June."
)
HOSTILE_AUTHOR = '"><script>alert(2)</script>'
PLUS_TWO = timezone(timedelta(hours=2))


def add(portal: currents.Currents, article_id: str, **fields) -> Article:
    """Store an article through the real store API, as ingest would."""
    article = Article(**fields)
    article.id = article_id
    portal.store.add_article(article, fingerprint(article, DedupConfig()))
    return article


@pytest.fixture
def portal(tmp_path: Path):
    with currents.open(tmp_path / "news.db") as opened:
        add(
            opened,
            "harbour",
            title=HOSTILE_TITLE,
            text=HOSTILE_BODY,
            url="https://example.org/harbour",
            source="Example <b>News</b>",
            author=HOSTILE_AUTHOR,
            published=datetime(2024, 5, 1, 14, 5, tzinfo=PLUS_TWO),
            language='en" onmouseover="alert(3)',
        )
        opened.store.add_copy("harbour", Copy("https://mirror.example.net/pier", "Mirror Daily", None))
        opened.store.add_copy("harbour", Copy("data:text/html,<script>alert(4)</script>", "Data Outlet", None))
        add(
            opened,
            "evil",
            title="A link that runs code",
            text="Nothing to see.",
            url="javascript:alert(1)",
            source="Evil Outlet",
            published=datetime(2024, 5, 1, 9, 30),
        )
        add(
            opened,
            "eve",
            title="Ferry timetable published",
            text="The timetable covers the summer.",
            url="https://example.org/ferry",
            source="Example <b>News</b>",
            published=datetime(2024, 4, 30),
        )
        add(opened, "nodate", title="Headline without a date", url="https://example.org/nodate", source="Wire")
        yield opened


@pytest.fixture
def site(portal, tmp_path: Path) -> Path:
    return portal.build(tmp_path / "site")


@pytest.fixture
def client(portal) -> TestClient:
    return TestClient(create_app(portal.store))


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def text_of(document: html.HtmlElement, css_class: str) -> list[str]:
    return [e.text_content().strip() for e in document.find_class(css_class)]


# -- the static site ----------------------------------------------------------
def test_build_writes_home_days_undated_sources_and_one_page_per_article(site):
    written = {p.relative_to(site).as_posix() for p in pages(site)}
    assert written == {
        "index.html",
        "404.html",
        "sources/index.html",
        "undated/index.html",
        "2024/05/01/index.html",
        "2024/04/30/index.html",
        "articles/harbour.html",
        "articles/evil.html",
        "articles/eve.html",
        "articles/nodate.html",
    }
    assert (site / "static" / "style.css").is_file()


def test_every_page_is_well_formed_and_accessible(site):
    for path in pages(site):
        etree.fromstring(path.read_bytes(), etree.XMLParser())  # raises on any unbalanced or unquoted markup
        document = parse(path)
        assert document.get("lang") == "en", path
        assert len(document.findall(".//main")) == 1, path
        assert len(document.findall(".//h1")) == 1, path
        skip = document.find(".//body/a")
        assert skip.get("href") == "#main" and document.get_element_by_id("main") is not None, path


def test_every_internal_link_resolves_to_a_file(site):
    for path in pages(site):
        document = parse(path)
        for element, _attribute, link, _pos in document.iterlinks():
            parts = urlsplit(link)
            if parts.scheme:
                continue
            if not parts.path:
                assert document.get_element_by_id(parts.fragment) is not None, (path, link)
                continue
            assert not link.startswith("/"), f"{path}: {link} would break the site when served from a folder"
            assert (path.parent / parts.path).resolve().is_file(), (path, link)


def test_hostile_text_is_shown_as_text_never_run(site):
    for path in pages(site):
        document = parse(path)
        assert document.findall(".//script") == [], path
        assert document.findall(".//img") == [], path
        for element in document.iter():
            assert not any(name.startswith("on") for name in element.attrib), (path, element.attrib)
        for _element, attribute, link, _pos in document.iterlinks():
            if attribute == "href":
                assert urlsplit(link).scheme in ("", "http", "https"), (path, link)
    article = parse(site / "articles" / "harbour.html")
    assert article.find(".//h1").text_content() == HOSTILE_TITLE
    assert article.find(".//title").text_content().startswith(HOSTILE_TITLE)
    assert text_of(article, "author") == [f"By {HOSTILE_AUTHOR}"]
    assert article.find(".//article").get("lang") is None


def test_article_page_shows_outlet_author_time_copies_and_paragraphs(site):
    article = parse(site / "articles" / "harbour.html")
    body = [p.text_content() for p in article.find_class("body")[0].findall("p")]
    assert body == [line for line in HOSTILE_BODY.splitlines() if line]
    published = article.find(".//article//time")
    assert published.get("datetime") == "2024-05-01T14:05:00+02:00"
    assert published.text_content() == "Wednesday 1 May 2024, 14:05 +02:00"
    assert published.getparent().get("href") == "../2024/05/01/index.html"
    copies = article.find_class("copies")[0]
    assert text_of(copies, "outlet") == ["Example <b>News</b>", "Mirror Daily", "Data Outlet"]
    links = copies.findall(".//a")
    assert [a.get("href") for a in links] == ["https://example.org/harbour", "https://mirror.example.net/pier"]
    assert all(a.get("rel") == "noopener noreferrer nofollow" for a in links)
    assert "data:text/html,<script>alert(4)</script>" in text_of(copies, "url")


def test_unsafe_source_url_is_text_not_a_link(site):
    article = parse(site / "articles" / "evil.html")
    copies = article.find_class("copies")[0]
    assert copies.findall(".//a") == []
    assert text_of(copies, "url") == ["javascript:alert(1)"]


def test_articles_are_listed_on_their_day_newest_day_first(site):
    home = parse(site / "index.html")
    days = [(a.get("href"), a.text_content()) for a in home.find_class("days")[0].findall(".//a")]
    assert days == [
        ("2024/05/01/index.html", "Wednesday 1 May 2024"),
        ("2024/04/30/index.html", "Tuesday 30 April 2024"),
    ]
    assert text_of(home, "count") == ["2 articles", "1 article"]
    first_of_may = parse(site / "2024" / "05" / "01" / "index.html")
    listed = [(a.get("href"), a.text_content()) for a in first_of_may.find_class("articles")[0].findall("li/a")]
    assert listed == [
        ("../../../articles/evil.html", "A link that runs code"),
        ("../../../articles/harbour.html", HOSTILE_TITLE),
    ]
    assert text_of(first_of_may, "outlet") == ["Evil Outlet", "Example <b>News</b>"]
    assert [t.text_content() for t in first_of_may.findall(".//ol//time")] == ["09:30", "14:05 +02:00"]
    older = first_of_may.find(".//a[@rel='prev']")
    assert older.get("href") == "../../../2024/04/30/index.html"


def test_a_date_without_a_time_shows_no_invented_time(site):
    day = parse(site / "2024" / "04" / "30" / "index.html")
    assert day.findall(".//ol//time") == []
    article = parse(site / "articles" / "eve.html")
    assert article.find(".//article//time").text_content() == "Tuesday 30 April 2024"


def test_undated_and_headline_only_articles_have_their_own_page(site):
    home = parse(site / "index.html")
    assert home.find(".//a[@href='undated/index.html']").text_content() == "1 article without a publication date"
    undated = parse(site / "undated" / "index.html")
    assert [a.text_content() for a in undated.find_class("articles")[0].findall("li/a")] == [
        "Headline without a date"
    ]
    article = parse(site / "articles" / "nodate.html")
    assert text_of(article, "note") == ["Only the headline of this article is known."]


def test_sources_page_lists_every_outlet(site):
    sources = parse(site / "sources" / "index.html")
    assert text_of(sources, "outlet") == ["Data Outlet", "Evil Outlet", "Example <b>News</b>", "Mirror Daily", "Wire"]
    assert "example.org" in text_of(sources, "domain")


def test_empty_store_builds_a_home_page_that_says_so(tmp_path):
    with currents.open(tmp_path / "empty.db") as empty:
        out = empty.build(tmp_path / "site")
    home = parse(out / "index.html")
    assert "No articles yet" in home.find(".//main").text_content()


# -- rebuilding ---------------------------------------------------------------
def test_rebuild_replaces_the_previous_site_entirely(portal, site):
    (site / "stale.html").write_text("<p>from an older build</p>", encoding="utf-8")
    add(portal, "later", title="A later article", url="https://example.org/later", published=datetime(2024, 5, 2, 8))
    assert portal.build(site) == site
    assert not (site / "stale.html").exists()
    assert (site / "articles" / "later.html").is_file()
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".")) == []


def test_failed_build_leaves_the_previous_site_untouched(portal, site):
    before = {p: p.read_bytes() for p in pages(site)}
    # An id that cannot be a file name makes the build fail halfway through the article pages.
    add(portal, "../escape", title="Not a safe page name", url="https://example.org/escape")
    with pytest.raises(ValueError, match="escape"):
        portal.build(site)
    assert {p: p.read_bytes() for p in pages(site)} == before
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".")] == []


def test_build_refuses_to_replace_a_folder_that_is_not_a_portal(portal, tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work", encoding="utf-8")
    with pytest.raises(SiteError, match="not an earlier portal"):
        portal.build(folder)
    assert (folder / "thesis.txt").read_text(encoding="utf-8") == "years of work"


# -- the live server ----------------------------------------------------------
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


def test_live_pages_answer_with_security_headers(client):
    for url in ("/", "/2024/05/01/", "/2024/05/01/index.html", "/undated/", "/sources/", "/articles/harbour.html"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"]
    stylesheet = client.get("/static/style.css")
    assert stylesheet.status_code == 200 and stylesheet.headers["content-type"].startswith("text/css")
    assert all(name in stylesheet.headers for name in SECURITY_HEADERS)


def test_live_server_shows_exactly_the_static_pages(client, site):
    for path in pages(site):
        relative = path.relative_to(site).as_posix()
        response = client.get(f"/{relative}")
        assert response.status_code == (404 if relative == "404.html" else 200), relative
        assert response.text == path.read_text(encoding="utf-8"), relative


def test_unknown_pages_are_404_with_a_way_home(client):
    for url in (
        "/articles/nope.html",
        "/articles/../../etc/passwd",
        "/2024/05/03/",
        "/2024/13/45/",
        "/1999/01/01/index.html",
        "/static/nope.css",
        "/no/such/page",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert all(name in response.headers for name in SECURITY_HEADERS), url
        document = html.fromstring(response.content)
        assert document.find(".//h1").text_content() == "Not found"
        home = document.find(".//main//a").get("href")
        assert urljoin(f"http://testserver{url}", home) == "http://testserver/index.html", (url, home)


def test_day_without_trailing_slash_redirects_to_the_day_page(client):
    response = client.get("/2024/05/01", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/2024/05/01/"


def test_live_server_sees_articles_stored_after_it_started(portal, client):
    assert client.get("/articles/later.html").status_code == 404
    add(portal, "later", title="A later article", url="https://example.org/later", published=datetime(2024, 5, 2, 8))
    assert client.get("/articles/later.html").status_code == 200
    assert "Thursday 2 May 2024" in client.get("/").text

