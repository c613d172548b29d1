"""The text stage: boilerplate removal, metadata lines, encoding repair, and the plain-text reader."""

from __future__ import annotations

from datetime import datetime

import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252", how browsers read Windows-1252)
import pytest

from conftest import SHARED
from currents.config import TextConfig
from currents.model import Article
from currents.text.boilerplate import Label, classify, remove_boilerplate
from currents.text.clean import clean_article
from currents.text.decode import decode_bytes, repair
from currents.text.metadata import parse_byline, parse_date_line, parse_dateline, strip_title_tags

CONFIG = TextConfig()

PROSE = [
    "The city council voted on Tuesday to close the old bridge to cars from next spring, ending years of debate.",
    "Engineers had warned that the structure could not carry heavy traffic for much longer without repairs.",
    "Shares in the company that built it fell after it said it would not comment on the terms of the contract.",
]

PAGE = [
    "Follow us on",
    "Home » Local » Transport",
    "Sign in | Subscribe",
    "Bridges",
    "",
    PROSE[0],
    "[A cyclist crosses the old bridge at dawn.]",
    PROSE[1],
    "A long wait for repairs",
    PROSE[2],
    "",
    "Share this article",
    "Post Comments",
    "Read more: https://news.example/bridges/123",
    "Sign up for our newsletter and manage your cookie settings",
    "By posting a comment you accept the terms and conditions of",
    "Today",
]


def kept(lines: list[str]) -> list[str]:
    return [line for line in remove_boilerplate(lines, CONFIG) if line.strip()]


# -- boilerplate ---------------------------------------------------------------------


def test_page_furniture_goes_and_prose_with_its_subheading_stays():
    assert kept(PAGE) == [PROSE[0], PROSE[1], "A long wait for repairs", PROSE[2]]


def test_prose_that_uses_interface_words_is_kept():
    lines = [
        "Investors who follow the sector said they would share their concerns with the board on Monday.",
        "He declined to comment.",
        "The terms and conditions of the loan were published by the ministry in a short statement.",
    ]
    assert kept(lines) == lines


def test_removal_is_idempotent():
    once = remove_boilerplate(PAGE, CONFIG)
    assert remove_boilerplate(once, CONFIG) == once


def test_a_lone_short_body_is_not_thrown_away():
    assert kept(["Markets fell sharply"]) == ["Markets fell sharply"]


def test_a_menu_line_without_function_words_is_boilerplate_but_a_table_is_not():
    lines = [
        "News Sport Business Culture Travel Opinion Video Weather Podcasts",
        PROSE[0],
        "Results by district",
        "North 1,204",
        "South 987",
        PROSE[1],
    ]
    labels = classify(lines, CONFIG)
    assert labels[0] is Label.BOILERPLATE
    assert kept(lines) == lines[1:]


def test_lists_at_the_end_of_an_article_are_content():
    lines = [PROSE[0], PROSE[1], "Loans written off", "– Company A: €1.8m", "– Company B: €540,000"]
    assert kept(lines) == lines


def test_clean_article_removes_boilerplate_from_any_format_and_decodes_entities():
    article = Article(
        title="Bridge to close &#039;for good&#039; [VIDEO]",
        text="\n".join(["Share this page", PROSE[0].replace("years", "years&#039;"), PROSE[1], "Post Comments"]),
        format="html",
    )
    clean_article(article, CONFIG)
    assert article.title == "Bridge to close 'for good'"
    assert article.text.splitlines() == [PROSE[0].replace("years", "years'"), PROSE[1]]
    before = (article.title, article.text)
    clean_article(article, CONFIG)
    assert (article.title, article.text) == before


def test_doubly_escaped_entities_are_decoded_once_and_for_all():
    article = Article(title="AT&amp;amp;T&amp;#039;s deal", text="")
    clean_article(article, CONFIG)
    assert article.title == "AT&T's deal"


# -- metadata lines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "place", "outlet", "rest"),
    [
        ("WASHINGTON (Reuters) - The Senate voted on Friday.", "WASHINGTON", "Reuters", "The Senate voted on Friday."),
        ("LONDON — Britain said on Monday it would act.", "LONDON", None, "Britain said on Monday it would act."),
        ("Geneva, Switzerland (XYZ) – Talks resumed.", "Geneva, Switzerland", "XYZ", "Talks resumed."),
        ("ST.-DENIS, France — The raid began at dawn.", "ST.-DENIS, France", None, "The raid began at dawn."),
        ("KUALA LUMPUR: The search goes on.", "KUALA LUMPUR", None, "The search goes on."),
        ("(AP) -- Officials said the road was closed.", None, "AP", "Officials said the road was closed."),
        ("Paris (CNN)Police said three people were held.", "Paris", "CNN", "Police said three people were held."),
    ],
)
def test_datelines_are_recognised(line, place, outlet, rest):
    dateline = parse_dateline(line)
    assert dateline is not None
    assert (dateline.place, dateline.outlet, dateline.rest) == (place, outlet, rest)


@pytest.mark.parametrize(
    "line",
    [
        "Abaaoud - described as a ringleader - was filmed in Syria.",
        "Summary: the plan was approved.",
        "UPDATE: Police said the road was reopened.",
        "NATO - the alliance said - would send more ships.",
        "The court, based in The Hague, is the world's only permanent war crimes tribunal.",
    ],
)
def test_sentences_that_merely_contain_a_dash_or_colon_are_not_datelines(line):
    assert parse_dateline(line) is None


def test_a_dated_dateline_gives_the_date():
    dateline = parse_dateline("30 June 2011 – The expert warned today that cuts would hurt.")
    assert dateline is not None and dateline.date == datetime(2011, 6, 30)


@pytest.mark.parametrize(
    ("line", "published", "outlet"),
    [
        ("Thursday November 17, 2016 6:35 PM, IINA", datetime(2016, 11, 17, 18, 35), "IINA"),
        ("Published: 17 November 2016", datetime(2016, 11, 17), None),
        ("Updated May 4, 2014 | 10:05 am", datetime(2014, 5, 4, 10, 5), None),
        ("0930 GMT, 12 March 2011", datetime(2011, 3, 12, 9, 30), None),
        ("Valley News Wednesday 5th March, 2014", datetime(2014, 3, 5), "Valley News"),
    ],
)
def test_stated_date_lines_give_the_publication_time_as_stated(line, published, outlet):
    stated = parse_date_line(line)
    assert stated is not None
    assert (stated.published, stated.outlet) == (published, outlet)


@pytest.mark.parametrize(
    "line",
    [
        "November 2016",
        "Thursday",
        "Thursday, March 2016",
        "In 2016 the court ruled against the plan.",
        "Age: 44",
        "Match rating 7/10.",
    ],
)
def test_no_date_is_invented_from_a_partial_or_non_date_line(line):
    assert parse_date_line(line) is None


@pytest.mark.parametrize(
    ("line", "author", "outlet"),
    [
        ("By Jane Doe", "Jane Doe", None),
        ("BY JOHN SMITH", "JOHN SMITH", None),
        ("By Jane Doe, Reuters", "Jane Doe", "Reuters"),
        ("By Jane Doe and John Roe | The Valley Courier", "Jane Doe, John Roe", "The Valley Courier"),
        ("By Jane Doe, Staff Writer", "Jane Doe", None),
        ("Reporting by Jane Doe in Paris and John Roe; Editing by Mark Stone", "Jane Doe, John Roe", None),
        ("(Reporting by Tom Miles; Editing by Alison Wells)", "Tom Miles", None),
        ("Jane Doe | Reuters", "Jane Doe", "Reuters"),
        ("The Valley Courier with inputs from Agencies", None, "The Valley Courier"),
        ("This report prepared by Ann Lee for the Harbour Gazette.", "Ann Lee", "Harbour Gazette"),
        ("Kim Park, science editor, example.com", "Kim Park", "example.com"),
    ],
)
def test_bylines_give_author_and_outlet(line, author, outlet):
    byline = parse_byline(line)
    assert byline is not None
    assert (byline.author, byline.outlet) == (author, outlet)


@pytest.mark.parametrize(
    "line",
    ["By the time police arrived, the gunmen had fled.", "World News | Europe", "By By", "Follow us on"],
)
def test_lines_that_are_not_bylines(line):
    assert parse_byline(line) is None


def test_title_tags_are_stripped():
    assert strip_title_tags("Russia leaves the court [PPIO]") == "Russia leaves the court"
    assert strip_title_tags("[VIDEO] Russia leaves the court [PPIO]") == "Russia leaves the court"
    assert strip_title_tags("Court (ICC) rules") == "Court (ICC) rules"


# -- encodings -----------------------------------------------------------------------


def test_windows_1252_bytes_come_out_with_their_typography():
    data = "“Café” – it’s open — now".encode("cp1252")
    assert repair(decode_bytes(data)) == "“Café” – it’s open — now"


@pytest.mark.parametrize("wrong_codec", ["latin-1", "sloppy-windows-1252"])
def test_mojibake_is_undone_and_curly_quotes_are_kept(wrong_codec):
    original = "It’s a ‘café’ — “open” now"
    broken = original.encode("utf-8").decode(wrong_codec)  # UTF-8 read as a single-byte code page
    assert "Ã©" in broken
    assert repair(broken) == original


def test_a_legacy_non_latin_code_page_is_detected():
    text = "Москва заявила, что Россия выходит из Международного уголовного суда."
    assert decode_bytes(text.encode("cp1251")) == text


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("don\ufffdt", "don’t"),
        ("Russia\ufffds move", "Russia’s move"),
        ("a \ufffdterrorists\ufffd den", "a “terrorists” den"),
        ("a \ufffdterrorists\ufffd den\ufffd due to", "a “terrorists’ den” due to"),
        ("the victims\ufffd families", "the victims’ families"),
        ("the 1990\ufffd91 season", "the 1990–91 season"),
        ("he said \ufffd and left", "he said – and left"),
        ("£24\ufffdmillion", "£24 million"),
        ("Fran\ufffdoise", "Franoise"),
        ("We can?t wait", "We can’t wait"),
        ("in ?the Sinai", "in the Sinai"),
        ("What now? Nobody knows.", "What now? Nobody knows."),
        ("see https://x.example/page?id=3", "see https://x.example/page?id=3"),
    ],
)
def test_lost_characters_are_restored_by_their_position(damaged, repaired):
    assert repair(damaged) == repaired


# -- the plain-text reader, through the library --------------------------------------


def stored(app) -> list[Article]:
    return list(app.store.iter_articles())


def test_plain_text_title_skips_page_furniture_and_metadata_lines_become_fields(app, tmp_path):
    page = "\n".join(
        [
            "Follow us on",
            "Welcome! You are here: Home » Local",
            "Council closes the old bridge [XYZ]",
            "Tuesday March 5, 2024 9:15 AM, Valley Courier",
            "",
            "Bridges",
            "",
            "OSTERFELD (VC) – " + PROSE[0],
            PROSE[1],
            "By Jane Doe",
            "Share this page",
        ]
    )
    (tmp_path / "bridge.txt").write_text(page, encoding="utf-8")
    report = app.ingest([tmp_path / "bridge.txt"])
    assert report.accepted == 1
    (article,) = stored(app)
    assert article.title == "Council closes the old bridge"
    assert article.published == datetime(2024, 3, 5, 9, 15)
    assert article.source == "Valley Courier"
    assert article.author == "Jane Doe"
    assert article.metadata["dateline"] == "OSTERFELD"
    assert article.metadata["source_abbreviation"] == "VC"
    assert article.text.splitlines() == [PROSE[0], PROSE[1]]


def test_plain_text_without_a_date_has_no_publication_date(app, tmp_path):
    (tmp_path / "a.txt").write_text("Bridge closes\n\n" + "\n".join(PROSE), encoding="utf-8")
    app.ingest([tmp_path / "a.txt"])
    (article,) = stored(app)
    assert article.published is None


def test_a_file_that_starts_with_its_lede_gets_the_first_sentence_as_title(app, tmp_path):
    lede = "LONDON — " + " ".join(PROSE)
    (tmp_path / "a.txt").write_text(lede + "\n", encoding="utf-8")
    app.ingest([tmp_path / "a.txt"])
    (article,) = stored(app)
    assert article.title == PROSE[0]
    assert article.text.startswith(PROSE[0])
    assert article.metadata["dateline"] == "LONDON"


def test_windows_1252_file_is_stored_with_curly_quotes(app, tmp_path):
    body = "“We will not wait,” the mayor said — and the council agreed it’s time to act on the bridge at last."
    (tmp_path / "a.txt").write_bytes(f"Mayor’s plan\r\n\r\n{body}\r\n".encode("cp1252"))
    app.ingest([tmp_path / "a.txt"])
    (article,) = stored(app)
    assert (article.title, article.text) == ("Mayor’s plan", body)


def test_wikiref220_bodies_have_no_replacement_characters_or_mojibake(app):
    folder = SHARED / "wikiref220"
    if not folder.is_dir():
        pytest.skip(f"wikiref220 corpus not found at {folder}")
    report = app.ingest([folder])
    assert report.rejected == []
    assert report.accepted + report.duplicates == 220
    articles = stored(app)
    for article in articles:
        for marker in ("\ufffd", "â€", "Ã©", "Ã¨", "Â "):
            assert marker not in article.text, f"{article.file} has {marker!r}"
            assert marker not in article.title, f"{article.file} title has {marker!r}"
        assert article.title, f"{article.file} has no title"
    # The Windows-1252 files keep their typography.
    assert sum("’" in article.text or "“" in article.text for article in articles) > 50
