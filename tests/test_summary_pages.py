"""Pages drawn from the summaries, as a reader checks them: an event's cited summary (notes that lead to the
cited sentence) and source comparison, and each outlet's framing over time."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import html

import currents
from currents.web.app import create_app
from conftest import SEEDS


@pytest.fixture(scope="module")
def seeds_portal(tmp_path_factory):
    """The five seeds ingested (summaries and all) and built into a static site."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    folder = tmp_path_factory.mktemp("seeds")
    with currents.open(folder / "seeds.db") as app:
        app.ingest(sorted(SEEDS.glob("*.txt")))
        yield app, app.build(folder / "site")


def event_page(site: Path, words: str) -> tuple[Path, html.HtmlElement]:
    """The event page whose headline has `words`."""
    for path in sorted(site.glob("events/*.html")):
        page = html.fromstring(path.read_bytes())
        if words in page.findtext(".//h1"):
            return path, page
    raise AssertionError(f"no event headline with {words!r}")


def target(site: Path, page: Path, href: str) -> html.HtmlElement:
    """The element a link from `page` points at (in this page or another of the site)."""
    url = urljoin(page.relative_to(site).as_posix(), href)
    parts = urlsplit(url)
    document = html.fromstring((site / parts.path).read_bytes()) if parts.path else html.fromstring(page.read_bytes())
    found = document.get_element_by_id(parts.fragment, None)
    assert found is not None, f"{href} from {page.name}: no element with id {parts.fragment!r}"
    return found


def words(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_every_citation_jumps_to_a_note_quoting_a_sentence_the_article_really_has(seeds_portal):
    _app, site = seeds_portal
    path, page = event_page(site, "Putin")
    citations = page.cssselect("h1 .refs a, .summary .refs a")
    assert citations, "the headline and summary cite their sources"
    assert page.cssselect("h1 .refs a"), "the headline cites its sources"
    for citation in citations:
        note = target(site, path, citation.get("href"))
        quoted = words(note.cssselect("q")[0])
        sentence = target(site, path, note.cssselect("a")[0].get("href"))
        assert words(sentence) == quoted


def test_summary_sentences_are_said_by_the_sentences_they_cite(seeds_portal):
    _app, site = seeds_portal
    path, page = event_page(site, "Putin")
    for paragraph in page.cssselect(".summary p:not(.note)"):
        said = {w.lower().strip(".,\"'“”") for w in words(paragraph).split()}
        cited = set()
        for citation in paragraph.cssselect(".refs a"):
            cited |= {w.lower().strip(".,\"'“”") for w in words(target(site, path, citation.get("href"))).split()}
        text_words = {w for w in said if not w.startswith("[")}
        assert len(text_words & cited) >= 0.5 * len(text_words), words(paragraph)


def test_comparison_ranks_the_loaded_outlet_first_and_the_record_last(seeds_portal):
    _app, site = seeds_portal
    _path, page = event_page(site, "Putin")
    outlets = [words(row) for row in page.cssselect("table.framing tbody th")]
    assert outlets[0] == "Geopolitics Alert"
    assert outlets[-1].startswith("003_")
    shares = [float(m.get("value")) for m in page.cssselect("table.framing meter")]
    assert shares == sorted(shares, reverse=True) and shares[0] > shares[-1]


def test_facts_matrix_has_a_column_per_outlet_and_links_each_report_to_its_sentence(seeds_portal):
    _app, site = seeds_portal
    path, page = event_page(site, "Putin")
    columns = [words(th) for th in page.cssselect("table.facts thead th")][1:]
    assert len(columns) == 4 and "Geopolitics Alert" in columns
    rows = page.cssselect("table.facts tbody tr")
    assert any(len(row.cssselect("td a")) >= 3 for row in rows), "some claim is reported by three outlets"
    for link in page.cssselect("table.facts td a"):
        assert words(target(site, path, link.get("href")))


def test_quotes_name_their_speaker_and_the_outlets_carrying_them(seeds_portal):
    _app, site = seeds_portal
    path, page = event_page(site, "Putin")
    quotes = page.cssselect("ul.quotes > li")
    assert quotes
    spokesperson = [q for q in quotes if "not justified hopes" in words(q)]
    assert spokesperson and "foreign ministry" in words(spokesperson[0].cssselect(".meta")[0]).lower()
    links = spokesperson[0].cssselect(".meta a")
    assert len(links) >= 2, "several outlets carry the spokesperson's words"
    for link in links:  # outlets word the quote differently; each backing sentence quotes it
        assert "truly independent" in words(target(site, path, link.get("href")))


def test_single_outlet_event_says_so_and_shows_no_one_column_matrix(seeds_portal):
    _app, site = seeds_portal
    _path, page = event_page(site, "juntas")
    assert "one outlet only" in words(page.cssselect(".summary")[0])
    assert not page.cssselect("table.facts")


def test_twins_carry_the_same_summary_and_notes(seeds_portal):
    _app, site = seeds_portal
    path, page = event_page(site, "Putin")
    data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert [n["text"] for n in data["notes"]] == [words(li.cssselect("q")[0]) for li in page.cssselect(".notes li")]
    assert [s["text"] for s in data["summary"]["sentences"]] == [
        words(p).rsplit("[", len(s["notes"]))[0].strip()
        for p, s in zip(page.cssselect(".summary p:not(.note)"), data["summary"]["sentences"])
    ]
    markdown = path.with_suffix(".md").read_text(encoding="utf-8")
    assert "## Cited sentences" in markdown and f"{len(data['notes'])}. " in markdown


def test_live_event_and_article_pages_are_the_static_ones(seeds_portal):
    app, site = seeds_portal
    client = TestClient(create_app(app.store))
    path, page = event_page(site, "Putin")
    note_link = page.cssselect(".notes a")[0].get("href")
    article = urlsplit(urljoin(path.relative_to(site).as_posix(), note_link)).path
    for served in (path.relative_to(site).as_posix(), article):
        assert client.get(f"/{served}").text == (site / served).read_text(encoding="utf-8")


def test_source_pages_chart_framing_by_month_and_rank_like_the_event(seeds_portal):
    app, site = seeds_portal
    shares = {}
    for source in app.store.sources():
        page = html.fromstring((site / "sources" / f"{source.id}.html").read_bytes())
        overall = page.cssselect("h1 ~ p meter")
        months = [row for row in page.cssselect("table.months tbody tr") if "November 2016" in words(row)]
        if overall and months:
            shares[source.name] = float(overall[0].get("value"))
            assert float(months[0].cssselect("meter")[0].get("value")) == shares[source.name]
    assert set(shares) >= {"Geopolitics Alert", "IINA", "The BRICS Post"}
    assert max(shares, key=shares.get) == "Geopolitics Alert"
