"""The portal: a static site and a live server drawn from the store, safe with hostile text."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import etree, html

import currents
from currents.config import PortalConfig
from currents.publish.site import SiteError, build_site
from currents.web.app import create_app
from portal_data import HOSTILE_BODY, HOSTILE_ENTITY, HOSTILE_TITLE, TREATY_HEADLINE, add, portal  # noqa: F401 (fixture)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


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
def test_build_writes_every_kind_of_page(site):
    written = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    events = {f"events/{e}.{s}" for e in ("harbour-vote", "treaty-exit") for s in ("html", "json", "xml", "md")}
    assert written >= events | {
        "index.html",
        "404.html",
        "feed.atom",
        "sitemap.xml",
        "search/index.html",
        "search/index.js",
        "static/style.css",
        "static/search.js",
        "sources/index.html",
        "sources/evil-outlet.html",
        "entities/index.html",
        "entities/valdoria.html",
        "entities/valdoria.atom",
        "entities/harbour-board.html",
        "stories/index.html",
        "stories/valdoria-water.html",
        "stories/valdoria-water.atom",
        "undated/index.html",
        "2024/05/index.html",
        "2024/04/index.html",
        "2024/05/01/index.html",
        "2024/04/30/index.html",
        "articles/harbour.html",
        "articles/nodate.html",
    }


def test_every_page_is_well_formed_and_accessible(site):
    for path in pages(site):
        etree.fromstring(path.read_bytes(), etree.XMLParser())  # raises on any unbalanced or unquoted markup
        document = parse(path)
        assert document.get("lang") == "en", path
        assert len(document.findall(".//main")) == 1, path
        assert len(document.findall(".//h1")) == 1, path
        skip = document.find(".//body/a")
        assert skip.get("href") == "#main" and document.get_element_by_id("main") is not None, path


def test_feeds_sitemap_and_event_twins_are_well_formed(site):
    for path in [*site.rglob("*.atom"), *site.rglob("*.xml")]:
        etree.fromstring(path.read_bytes(), etree.XMLParser())
    for path in site.rglob("events/*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["formats"]["json"] == path.relative_to(site).as_posix()


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


def test_article_page_shows_outlet_author_time_copies_paragraphs_and_its_event(site):
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
    assert article.find(".//header//a[@href='../events/harbour-vote.html']") is not None


def test_unsafe_source_url_is_text_not_a_link(site):
    article = parse(site / "articles" / "evil.html")
    copies = article.find_class("copies")[0]
    assert copies.findall(".//a") == []
    assert text_of(copies, "url") == ["javascript:alert(1)"]


def test_day_page_lists_its_events_then_its_articles(site):
    day = parse(site / "2024" / "05" / "01" / "index.html")
    events = day.find_class("events")[0]
    assert [a.text_content() for a in events.find_class("headline")] == [HOSTILE_TITLE]
    assert text_of(events, "count") == ["2 outlets"]
    context = events.find_class("context")[0]
    assert [(a.get("href"), a.text_content()) for a in context.findall("a")] == [
        ("../../../entities/harbour-board.html", HOSTILE_ENTITY),
        ("../../../entities/valdoria.html", "Valdoria"),
    ]
    listed = [(a.get("href"), a.text_content()) for a in day.find_class("articles")[0].findall("li/a")]
    assert listed == [
        ("../../../articles/evil.html", "A link that runs code"),
        ("../../../articles/harbour.html", HOSTILE_TITLE),
    ]
    assert [t.text_content() for t in day.findall(".//ol[@class='articles']//time")] == ["09:30", "14:05 +02:00"]
    assert day.find(".//a[@rel='prev']").get("href") == "../../../2024/04/30/index.html"
    assert day.find(".//p[@class='meta']/a").get("href") == "../../../2024/05/index.html"


def test_a_date_without_a_time_shows_no_invented_time(site):
    day = parse(site / "2024" / "04" / "30" / "index.html")
    assert day.findall(".//ol[@class='articles']//time") == []
    article = parse(site / "articles" / "eve.html")
    assert article.find(".//article//time").text_content() == "Tuesday 30 April 2024"


def test_home_shows_the_latest_days_events_and_the_archive_by_month(site):
    home = parse(site / "index.html")
    days = [a.text_content() for a in home.findall(".//section[@class='day']/h2/a")]
    assert days == ["Wednesday 1 May 2024", "Tuesday 30 April 2024"]
    assert [a.text_content() for a in home.find_class("headline")] == [HOSTILE_TITLE, TREATY_HEADLINE]
    months = [(a.get("href"), a.text_content()) for a in home.find_class("months")[0].findall(".//a")]
    assert months == [("2024/05/index.html", "May 2024"), ("2024/04/index.html", "April 2024")]
    may = parse(site / "2024" / "05" / "index.html")
    assert [a.text_content() for a in may.find_class("headline")] == [HOSTILE_TITLE]
    assert may.find(".//a[@rel='prev']").get("href") == "../../2024/04/index.html"


def test_undated_and_headline_only_articles_have_their_own_page(site):
    home = parse(site / "index.html")
    assert home.find(".//a[@href='undated/index.html']").text_content() == "1 article without a publication date"
    undated = parse(site / "undated" / "index.html")
    assert [a.text_content() for a in undated.find_class("articles")[0].findall("li/a")] == [
        "Headline without a date"
    ]
    article = parse(site / "articles" / "nodate.html")
    assert text_of(article, "note") == ["Only the headline of this article is known."]


def test_event_page_shows_date_story_sources_context_related_and_formats(site):
    event = parse(site / "events" / "harbour-vote.html")
    assert event.find(".//h1").text_content() == HOSTILE_TITLE
    when = event.find(".//header//time")
    assert (when.get("datetime"), when.getparent().get("href")) == ("2024-05-01", "../2024/05/01/index.html")
    assert event.find(".//header//a[@href='../stories/valdoria-water.html']").text_content() == "Valdoria and the water treaty"
    sources = event.find_class("sources")[0]
    assert [a.text_content() for a in sources.findall(".//li/a")] == ["A link that runs code", HOSTILE_TITLE]
    originals = [a for a in sources.iterfind(".//a[@rel]")]
    assert [a.get("href") for a in originals] == ["https://example.org/harbour"]
    assert all(a.get("rel") == "noopener noreferrer nofollow" for a in originals)
    assert "4 outlets" in text_of(sources, "count")[0]  # the article's copies count: Mirror Daily, Data Outlet
    related = event.find_class("related")[0]
    assert related.find(".//a").get("href") == "../events/treaty-exit.html"
    assert [a.text_content() for a in related.find_class("context")[0].findall("a")] == ["Valdoria"]
    formats = [(a.text_content(), a.get("href")) for a in event.find_class("formats")[0].findall("a")]
    assert formats == [
        ("HTML", "../events/harbour-vote.html"),
        ("JSON", "../events/harbour-vote.json"),
        ("schema", "../schema/event.json"),
        ("XML", "../events/harbour-vote.xml"),
        ("Markdown", "../events/harbour-vote.md"),
    ]


def test_event_twins_carry_the_same_data_as_the_page(site):
    data = json.loads((site / "events" / "harbour-vote.json").read_text(encoding="utf-8"))
    assert data["headline"] == HOSTILE_TITLE
    assert [a["id"] for a in data["articles"]] == ["evil", "harbour"]
    assert [c["name"] for c in data["context"]] == [HOSTILE_ENTITY, "Valdoria"]
    xml = etree.fromstring((site / "events" / "harbour-vote.xml").read_bytes())
    assert xml.findtext("headline") == HOSTILE_TITLE
    assert [item.findtext("id") for item in xml.find("articles")] == ["evil", "harbour"]
    markdown = (site / "events" / "harbour-vote.md").read_text(encoding="utf-8")
    assert markdown.startswith("# \\<script\\>alert\\(1\\)\\<\\/script\\> Harbour council votes\n")
    assert re.search(r"(?<!\\)<", markdown) is None, "stored markup left unescaped"
    assert '[Harbour \\<svg onload\\=\\"alert\\(5\\)\\"\\> Board](../entities/harbour-board.html)' in markdown
    assert "[original](https\\:\\/\\/example\\.org\\/harbour)" in markdown
    assert "(../entities/valdoria.html)" in markdown


def test_entity_page_lists_its_events_on_a_timeline(site):
    entity = parse(site / "entities" / "valdoria.html")
    assert [a.text_content() for a in entity.find_class("headline")] == [HOSTILE_TITLE, TREATY_HEADLINE]
    marks = entity.findall(".//figure//a")
    assert sorted(a.get("href") for a in marks) == ["#event-harbour-vote", "#event-treaty-exit"]
    assert entity.find(".//link[@type='application/atom+xml'][@title='Valdoria']").get("href") == "../entities/valdoria.atom"


def test_story_page_places_events_and_dated_facts_in_order(site):
    story = parse(site / "stories" / "valdoria-water.html")
    chronology = story.find_class("chronology")[0]
    items = [(li.get("class"), li.find(".//time").get("datetime")) for li in chronology.findall("li")]
    assert items == [("fact", "2009"), ("fact", "2011-05"), ("event", "2024-04-30"), ("event", "2024-05-01")]
    assert chronology.find("li/p[@class='fact']").text_content() == "Valdoria signed the water treaty in 2009."
    marks = story.findall(".//figure//a")
    assert len(marks) == 4
    hollow = [a.get("href") for a in marks if "approximate" in (a[1].get("class") or "")]
    assert sorted(hollow) == ["#fact-1", "#fact-2"]  # a year or a month is never drawn as a day


def test_long_story_is_paged_newest_first_with_each_fact_on_one_page(portal, tmp_path):
    site = build_site(portal.store, tmp_path / "site", PortalConfig(chronology_events=1))
    first = parse(site / "stories" / "valdoria-water.html")
    second = parse(site / "stories" / "valdoria-water" / "page-2.html")
    assert not (site / "stories" / "valdoria-water" / "page-3.html").exists()

    def moments(page):
        return [(li.get("class"), li.find(".//time").get("datetime")) for li in page.find_class("chronology")[0]]

    assert moments(first) == [("event", "2024-05-01")]  # the latest event (no fact is dated after 30 April)
    assert moments(second) == [("fact", "2009"), ("fact", "2011-05"), ("event", "2024-04-30")]
    assert [a.get("href") for a in first.iterfind(".//nav[@class='pager']/a")] == ["../stories/valdoria-water/page-2.html"]
    assert [a.get("href") for a in second.iterfind(".//nav[@class='pager']/a")] == ["../../stories/valdoria-water.html"]
    assert len(second.findall(".//figure//a")) == 3  # its timeline draws its own moments only
    client = TestClient(create_app(portal.store, PortalConfig(chronology_events=1)))
    served = client.get("/stories/valdoria-water/page-2.html")
    assert served.text == (site / "stories" / "valdoria-water" / "page-2.html").read_text(encoding="utf-8")
    assert client.get("/stories/valdoria-water/page-3.html").status_code == 404
    assert client.get("/stories/valdoria-water/page-1.html").status_code == 404  # page 1 has one URL: the story's
    api = client.get("/api/stories/valdoria-water", params={"page": 2}).json()
    assert api["pager"] == {"number": 2, "pages": 2, "newer": "stories/valdoria-water.html", "older": None}
    assert client.get("/api/stories/valdoria-water", params={"page": 3}).status_code == 404


def test_entity_with_many_events_is_paged_newest_first(portal, tmp_path):
    site = build_site(portal.store, tmp_path / "site", PortalConfig(chronology_events=1))
    first = parse(site / "entities" / "valdoria.html")
    second = parse(site / "entities" / "valdoria" / "page-2.html")
    assert [a.text_content() for a in first.find_class("headline")] == [HOSTILE_TITLE]
    assert [a.text_content() for a in second.find_class("headline")] == [TREATY_HEADLINE]
    assert [h.text_content() for h in second.iterfind(".//h2")] == ["2 events"]
    assert [a.get("href") for a in second.iterfind(".//nav[@class='pager']/a")] == ["../../entities/valdoria.html"]
    client = TestClient(create_app(portal.store, PortalConfig(chronology_events=1)))
    assert client.get("/entities/valdoria/page-2.html").text == (site / "entities/valdoria/page-2.html").read_text(encoding="utf-8")
    assert client.get("/entities/valdoria/page-3.html").status_code == 404
    assert client.get("/api/entities/valdoria", params={"page": 2}).json()["pager"]["newer"] == "entities/valdoria.html"


def test_source_page_says_what_the_outlet_covered_and_how_often_first(site):
    evil = parse(site / "sources" / "evil-outlet.html")
    assert [a.text_content() for a in evil.find_class("headline")] == [HOSTILE_TITLE]
    assert text_of(evil, "first") == ["reported first"]
    example = parse(site / "sources" / "example-b-news-b.html")
    assert sorted(a.text_content() for a in example.find_class("headline")) == sorted([HOSTILE_TITLE, TREATY_HEADLINE])
    assert text_of(example, "first") == ["reported first"]  # the treaty exit only: Evil Outlet was first on the vote
    sources = parse(site / "sources" / "index.html")
    assert text_of(sources, "outlet") == ["Data Outlet", "Evil Outlet", "Example <b>News</b>", "Mirror Daily", "Wire"]


def test_busy_source_page_lists_its_latest_events_and_counts_every_month(portal):
    client = TestClient(create_app(portal.store, PortalConfig(source_events=1)))
    page = html.fromstring(client.get("/sources/example-b-news-b.html").content)
    assert [a.text_content() for a in page.find_class("headline")] == [HOSTILE_TITLE]  # the newer of its two
    assert text_of(page, "note") == ["The latest 1 of 2 events; the months above lead to the others."]
    months = [
        (row.find(".//a").get("href"), [cell.text_content() for cell in row.findall("td")[:2]])
        for row in page.iterfind(".//table[@class='months']/tbody/tr")
    ]
    assert months == [("../2024/05/index.html", ["1", "0"]), ("../2024/04/index.html", ["1", "1"])]


ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feeds_list_events_newest_first_with_absolute_links(site):
    feed = etree.fromstring((site / "feed.atom").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [HOSTILE_TITLE, TREATY_HEADLINE]
    assert entries[0].find(f"{ATOM}link").get("href") == "http://127.0.0.1:8000/events/harbour-vote.html"
    assert feed.findtext(f"{ATOM}updated") == "2024-05-01T12:05:00Z"
    story = etree.fromstring((site / "stories" / "valdoria-water.atom").read_bytes())
    assert len(story.findall(f"{ATOM}entry")) == 2
    board = etree.fromstring((site / "entities" / "harbour-board.atom").read_bytes())
    assert [e.findtext(f"{ATOM}title") for e in board.findall(f"{ATOM}entry")] == [HOSTILE_TITLE]


def test_sitemap_names_every_public_page_but_republished_articles(site):
    sitemap = etree.fromstring((site / "sitemap.xml").read_bytes())
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    base = "http://127.0.0.1:8000/"
    assert all(loc.startswith(base) and (site / loc.removeprefix(base)).is_file() for loc in locations)
    assert f"{base}events/harbour-vote.html" in locations and f"{base}stories/valdoria-water.html" in locations
    assert not any("/articles/" in loc for loc in locations)


def test_empty_store_builds_a_home_page_that_says_so(tmp_path):
    with currents.open(tmp_path / "empty.db") as empty:
        out = empty.build(tmp_path / "site")
    home = parse(out / "index.html")
    assert "No articles yet" in home.find(".//main").text_content()


def test_site_built_from_the_example_corpus_is_well_formed_and_fully_linked(tmp_path):
    """The real pipeline (read, understand, cluster) over examples/corpus, then every page checked."""
    with currents.open(tmp_path / "examples.db") as portal:
        portal.ingest([EXAMPLES])
        assert portal.store.count_events() > 0
        site = portal.build(tmp_path / "site")
    test_every_page_is_well_formed_and_accessible(site)
    test_every_internal_link_resolves_to_a_file(site)
    test_feeds_sitemap_and_event_twins_are_well_formed(site)
    for event in site.glob("events/*.html"):
        assert {event.with_suffix(s).is_file() for s in (".json", ".xml", ".md")} == {True}


def test_build_in_several_processes_writes_exactly_the_same_site(portal, tmp_path):
    alone = build_site(portal.store, tmp_path / "alone")
    shared = build_site(
        portal.store, tmp_path / "shared", PortalConfig(build_workers=2, build_workers_from=0), db=portal.config.db
    )
    files = {p.relative_to(alone) for p in alone.rglob("*") if p.is_file()}
    assert files == {p.relative_to(shared) for p in shared.rglob("*") if p.is_file()}
    assert all((alone / f).read_bytes() == (shared / f).read_bytes() for f in files)


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



# -- design -------------------------------------------------------------------
def _contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_colours_meet_wcag_aa_contrast_in_light_and_dark():
    css = (Path(currents.__file__).parent / "publish" / "static" / "style.css").read_text(encoding="utf-8")
    light, dark = (dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", block)) for block in css.split("@media (prefers-color-scheme: dark)", 1))
    for scheme in (light, dark):
        for name in ("text", "muted", "link", "visited"):
            assert _contrast(scheme[name], scheme["background"]) >= 4.5, (name, scheme)
        assert _contrast(scheme["focus"], scheme["background"]) >= 3  # non-text contrast for the focus ring


def test_pages_stay_small_before_their_own_content(site):
    """The frame every page carries (markup, stylesheet, script) stays far under 200 KB."""
    frame = len((site / "404.html").read_bytes()) + len((site / "static" / "style.css").read_bytes())
    search = frame + len((site / "static" / "search.js").read_bytes())
    assert max(frame, search) < 200_000 / 10
