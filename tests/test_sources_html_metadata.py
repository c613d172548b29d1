"""An HTML page's metadata: ours is trafilatura's, without its licence and category-link searches.

`html.page_metadata` runs trafilatura's metadata extractors itself, to skip two
costly searches whose results we drop or replace. These pages (all made here)
hold it to `trafilatura.extract_metadata` field by field, so that a trafilatura
upgrade that changes how its extractors fit together shows up here.
"""

from __future__ import annotations

import pytest
import trafilatura

from currents.sources import html

BODY = """<main><article><h1>{headline}</h1>{byline}
<p>The harbour council of Lindqvist voted on Monday to close the old ferry pier for repairs after engineers
warned that its wooden supports were failing under the weight of delivery lorries.</p>
<p>Council leader Maren Holt said the pier would reopen before the autumn timetable begins, and that
passengers would board from a temporary pontoon beside the fish market meanwhile.</p>
</article></main>
<footer><a href="/about">About us</a>
<a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a></footer>"""

PAGES = {
    "open graph, author meta, section and tags": (
        """<meta property="og:site_name" content="Lindqvist Gazette">
        <meta property="og:title" content="Lindqvist closes ferry pier">
        <meta property="og:url" content="https://gazette.example/news/2024/05/06/pier">
        <meta property="og:image" content="https://gazette.example/img/pier.jpg">
        <meta name="description" content="The old ferry pier closes for repairs.">
        <meta name="author" content="Ola Brenn">
        <meta property="article:published_time" content="2024-05-06T14:30:00+02:00">
        <meta property="article:section" content="Local">
        <meta property="article:tag" content="Harbour"><meta property="article:tag" content="Ferries">""",
        "",
        None,
    ),
    "JSON-LD article with a person and a publisher": (
        """<link rel="canonical" href="https://coast.example/2023/11/02/storm">
        <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
        "headline": "Storm closes the coast road", "datePublished": "2023-11-02T07:00:00Z",
        "author": {"@type": "Person", "name": "Jonas Petrov"},
        "publisher": {"@type": "Organization", "name": "Coast Courier"}, "articleSection": "Weather"}</script>""",
        "",
        None,
    ),
    "title element, byline in the body, date in the URL": (
        "",
        '<p class="byline">By <span class="author">Nadia Okafor</span></p>',
        "https://valley.example/2022/03/14/reservoir-vote",
    ),
    "a handle for a site name and a one-word author": (
        """<meta name="twitter:site" content="@valleypost">
        <meta name="author" content="editor">
        <meta name="keywords" content="water, reservoirs">""",
        "",
        "https://valley.example/a/1",
    ),
    "broken JSON-LD and nothing else": (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Half a record",</script>',
        "",
        None,
    ),
}

COMPARED = ("title", "author", "url", "sitename", "date", "description", "image", "tags")


def document(head: str, byline: str, headline: str = "Pier closes for repairs") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{headline} - Lindqvist Gazette</title>{head}</head>"
        f"<body>{BODY.format(headline=headline, byline=byline)}</body></html>"
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_page_metadata_is_what_trafilatura_finds(name):
    head, byline, url = PAGES[name]
    page = document(head, byline)
    ours = html.page_metadata(trafilatura.load_html(page), url)
    theirs = trafilatura.extract_metadata(trafilatura.load_html(page), url, dict(html._DATE_SEARCH))
    for field in COMPARED:
        if field == "sitename" and ours.sitename is None:
            continue  # trafilatura then names the URL's host, as `extract_html` does (`url_host`)
        assert getattr(ours, field) == getattr(theirs, field), field


def test_categories_are_the_sections_the_page_declares():
    head, byline, url = PAGES["open graph, author meta, section and tags"]
    related = '<div class="post-meta"><a href="/category/politics/">Politics</a></div>'
    page = document(head, byline).replace("</article>", f"{related}</article>")
    assert html.page_metadata(trafilatura.load_html(page), url).categories == ["Local"]


def test_extracted_article_carries_the_page_metadata():
    head, byline, url = PAGES["open graph, author meta, section and tags"]
    article = html.extract_html(document(head, byline))
    assert (article.source, article.author) == ("Lindqvist Gazette", "Ola Brenn")
    assert article.url == "https://gazette.example/news/2024/05/06/pier"
    assert article.metadata["categories"] == ["Local"]
    assert article.metadata["tags"] == ["Harbour", "Ferries"]
    assert article.metadata["description"] == "The old ferry pier closes for repairs."
    assert "license" not in article.metadata
