"""The summarize stage on small events written for these tests, and on the seeds.

Each event is ingested through the library (so sentences, entities and dates
come from the real understanding stage), then summarized with
`summarize_event`. What is checked is what a reader of an event page sees:
a headline of the right shape, summary sentences that their citations really
say, repeats left out, the disagreement in figures, who said a quote, and
which outlet is the most loaded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import currents
from conftest import SEEDS
from currents.config import SummarizeConfig
from currents.model import Article, LocalEntity, Sentence, summary_from_record, summary_record
from currents.summarize import summarize_event
from currents.summarize.actors import Actors
from currents.summarize.rewrite import rewrite_headline

CONFIG = SummarizeConfig()
_WORD = re.compile(r"\w+")

# A flood reported by three outlets: the first two disagree on the death toll, the third copies the
# first one's opening sentence word for word and adds loaded comment of its own.
FLOOD = [
    {
        "url": "https://northgate-herald.example/brackwell-flood",
        "source": "Northgate Herald",
        "published": "2024-02-05T18:00:00",
        "title": "Flooding in Brackwell forces thousands from their homes",
        "text": (
            "Twelve people were killed when the River Tam burst its banks in the town of Brackwell on Monday, "
            "police said.\n"
            "Mayor Helena Strand declared a state of emergency and asked the national army for help with the "
            "evacuation.\n"
            '"We have never seen the water rise this fast in living memory," Strand told reporters at the town hall.\n'
            "About 3,000 residents spent the night in schools and sports halls on higher ground.\n"
            "Forecasters expect more heavy rain over the hills later in the week."
        ),
    },
    {
        "url": "https://valley-courier.example/tam-recedes",
        "source": "Valley Courier",
        "published": "2024-02-05T20:30:00",
        "title": "Brackwell counts its dead as the Tam recedes",
        "text": (
            "Fifteen people were killed when the River Tam burst its banks in the town of Brackwell on Monday, "
            "officials said.\n"
            "Mayor Helena Strand has declared a state of emergency, and soldiers arrived in the town overnight to "
            "help.\n"
            '"We have never seen the water rise this fast in living memory," said Strand.\n'
            "The Tam rose by two metres in six hours after a week of heavy rain upstream.\n"
            "Insurers said the damage to homes and shops would run into millions of pounds."
        ),
    },
    {
        "url": "https://riverside-post.example/brackwell-scandal",
        "source": "Riverside Post",
        "published": "2024-02-06T07:00:00",
        "title": "Brackwell flood: a scandal of neglect",
        "text": (
            "Twelve people were killed when the River Tam burst its banks in the town of Brackwell on Monday, "
            "police said.\n"
            "This shameful disaster exposes a dreadful council that ignored obvious warnings for years.\n"
            "Furious residents are deeply bitter about the shockingly slow and careless response from officials."
        ),
    },
]
SINGLE = {
    "url": "https://harbour-news.example/ferry",
    "source": "Harbour News",
    "published": "2024-04-02T09:00:00",
    "title": "New ferry link opens between Osterby and Lunde",
    "text": (
        "A new ferry link between the island town of Osterby and the port of Lunde opened on Tuesday after "
        "two years of construction.\n"
        "The crossing takes forty minutes and will run eight times a day in both directions all year.\n"
        "Local businesses hope the route will bring more visitors to Osterby in the summer months."
    ),
}
HEADLINE_ONLY = {
    "url": "https://wire.example/port-closes",
    "source": "Wire Example",
    "published": "2024-04-03T09:00:00",
    "title": "Port of Lunde closes after storm damage [VIDEO]",
}
# Air strikes told by two outlets: one labels the Syrian president in its own words, the other gives his title.
STRIKES = [
    {
        "url": "https://east-wire.example/idlib-strikes",
        "source": "East Wire",
        "published": "2024-03-05T09:00:00",
        "title": "Air strikes hit towns near Idlib",
        "text": (
            "Russian jets struck three towns near Idlib on Tuesday in support of Syrian Regime Leader Bashar "
            "al-Assad, killing at least nine civilians.\n"
            "Rescue workers pulled survivors from collapsed buildings in Sarmin through the night.\n"
            "The strikes came a day after rebels shelled a government checkpoint."
        ),
    },
    {
        "url": "https://gulf-daily.example/idlib",
        "source": "Gulf Daily",
        "published": "2024-03-05T11:00:00",
        "title": "Nine civilians killed in strikes near Idlib",
        "text": (
            "At least nine civilians were killed when Russian jets struck three towns near Idlib on Tuesday, "
            "a monitoring group said.\n"
            "The strikes were carried out in support of President Bashar al-Assad, whose forces are preparing an "
            "offensive in the province.\n"
            "Rescue workers searched collapsed buildings in Sarmin for survivors."
        ),
    },
]
FOREIGN = {
    "url": "https://zeitung.example/faehre",
    "source": "Beispiel Zeitung",
    "published": "2024-04-02T11:00:00",
    "title": "Neue Fähre zwischen Osterby und Lunde",
    "text": (
        "Die neue Fährverbindung zwischen der Inselstadt Osterby und dem Hafen von Lunde wurde am Dienstag "
        "nach zwei Jahren Bauzeit eröffnet.\n"
        "Die Überfahrt dauert vierzig Minuten und soll das ganze Jahr über achtmal täglich fahren."
    ),
}


def _ingest(folder: Path, name: str, records: list[dict]) -> list[Article]:
    """Ingest `records` as one JSON Lines file into a fresh store; the stored, analysed articles."""
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    with currents.open(folder / f"{name}.db") as app:
        report = app.ingest([path])
        assert report.rejected == []
        return [app.store.get_article(a.id) for a in app.store.iter_articles()]


@pytest.fixture(scope="module")
def flood(tmp_path_factory):
    articles = _ingest(tmp_path_factory.mktemp("flood"), "flood", FLOOD)
    return articles, summarize_event(articles, CONFIG)


@pytest.fixture(scope="module")
def strikes(tmp_path_factory):
    return _ingest(tmp_path_factory.mktemp("strikes"), "strikes", STRIKES)


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory):
    """Seeds 000-002: the three outlets' reports without the event record, as bench/summarize.py reads them."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    with currents.open(tmp_path_factory.mktemp("reports") / "r.db") as app:
        app.ingest(sorted(SEEDS.glob("00[0-2]_*.txt")))
        articles = [app.store.get_article(a.id) for a in app.store.iter_articles()]
    return articles, summarize_event(articles, CONFIG)


@pytest.fixture(scope="module")
def seed_event(tmp_path_factory):
    """Seeds 000-003 (three outlets and the event record) as one event."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    paths = sorted(SEEDS.glob("00[0-3]_*.txt"))
    with currents.open(tmp_path_factory.mktemp("seeds") / "s.db") as app:
        app.ingest(paths)
        articles = [app.store.get_article(a.id) for a in app.store.iter_articles()]
    return articles, summarize_event(articles, CONFIG)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _cited_text(citation, articles: list[Article]) -> str:
    article = next(a for a in articles if a.id == citation.article_id)
    source = article.title if citation.sentence is None else article.text
    return source[citation.start : citation.end]


# -- headline ------------------------------------------------------------------------------------


def test_headline_is_one_present_tense_sentence_of_the_right_length(flood):
    _, summary = flood
    headline = summary.headline.text
    assert CONFIG.headline_min_words <= len(headline.split()) <= CONFIG.headline_max_words
    assert headline.startswith("Twelve people are killed when the River Tam")
    assert "police said" not in headline and "on Monday" not in headline
    assert headline.endswith(".")


def test_headline_rules_tense_attribution_and_full_names():
    article = Article(
        title="Port to close",
        text="Lorne has announced that the port will close. Prime Minister Ada Lorne spoke in Tarvik.",
        id="a1",
        sentences=[Sentence(0, 0, 45, "Lorne has announced that the port will close.")],
        entities=[LocalEntity("Ada Lorne", "PERSON", ["Lorne", "Prime Minister Ada Lorne"], 2, 0, "ada-lorne")],
    )
    actors = Actors([article])
    rewrite = rewrite_headline(
        "Lorne has announced that the port of Tarvik will close for a year after the storm, the ministry said.",
        actors,
        CONFIG,
    )
    assert rewrite is not None
    expected = "Prime Minister Ada Lorne announces that the port of Tarvik will close for a year after the storm."
    assert rewrite.text == expected
    assert rewrite.named_subject


def test_headline_refuses_background_and_marks_unnamed_subjects():
    actors = Actors([])
    background = "The treaty had been signed in 2009 by both governments after years of talks."
    assert rewrite_headline(background, actors, CONFIG) is None
    pronoun = "He signed the order to leave the court on Wednesday in front of the assembled press."
    rewrite = rewrite_headline(pronoun, actors, CONFIG)
    assert rewrite is not None and not rewrite.named_subject
    assert rewrite.text.startswith("He signs the order")


def test_seed_headline_names_putin_in_full_in_the_present_tense(seed_event):
    _, summary = seed_event
    headline = summary.headline.text
    assert headline.startswith("Russian President Vladimir Putin signs")
    assert "has signed" not in headline and "newspaper reported" not in headline


def test_seed_headline_has_no_outlets_own_label_for_assad(seed_reports):
    _, summary = seed_reports
    headline = summary.headline.text
    assert "Bashar al-Assad" in headline and "Regime" not in headline
    assert headline.startswith("Russian President Vladimir Putin signs")


def test_one_outlets_label_gives_way_to_the_title_another_outlet_writes(strikes):
    east = next(a for a in strikes if a.source == "East Wire")
    rewrite = rewrite_headline(east.sentences[0].text, Actors(strikes), CONFIG)
    assert rewrite is not None
    assert "in support of President Bashar al-Assad, killing" in rewrite.text
    assert "Regime" not in rewrite.text


def test_a_label_no_other_outlet_writes_leaves_the_bare_name(strikes):
    east = [a for a in strikes if a.source == "East Wire"]
    headline = summarize_event(east, CONFIG).headline.text
    assert "in support of Bashar al-Assad, killing" in headline


def _reporting(source: str, text: str, entities: list[LocalEntity]) -> Article:
    return Article(title="", text=text, id=source, source=source, entities=entities)


def test_loaded_title_loses_even_when_two_outlets_write_it():
    def lorne(surface: str) -> list[LocalEntity]:
        return [LocalEntity("Ada Lorne", "PERSON", ["Ada Lorne", surface], 1, 0, "ada-lorne")]

    articles = [
        _reporting("Tarvik Post", "Corrupt Mayor Ada Lorne closed the port.", lorne("Mayor Ada Lorne")),
        _reporting("Harbour Voice", "Corrupt Mayor Ada Lorne closed the port.", lorne("Mayor Ada Lorne")),
        _reporting("Coast Radio", "Mayor Ada Lorne closed the port.", lorne("Mayor Ada Lorne")),
    ]
    rewrite = rewrite_headline(
        "Corrupt Mayor Ada Lorne has closed the port of Tarvik for a year after the storm wrecked its cranes.",
        Actors(articles),
        CONFIG,
    )
    assert rewrite is not None
    assert rewrite.text == "Mayor Ada Lorne closes the port of Tarvik for a year after the storm wrecked its cranes."


def test_tail_naming_the_events_own_actor_becomes_the_subject_and_other_tails_go():
    board = [LocalEntity("Harbour Safety Board", "ORG", ["the Harbour Safety Board"], 1, 0, "harbour-safety-board")]
    articles = [
        _reporting("Tarvik Post", "The inquiry was led by the Harbour Safety Board.", board),
        _reporting("Coast Radio", "We spoke to the Harbour Safety Board.", board),
    ]
    actors = Actors(articles)
    finding = "A corroded mooring line caused the ferry to drift onto the rocks at Tarvik last month"
    by_board = rewrite_headline(f"{finding}, the Harbour Safety Board said on Wednesday.", actors, CONFIG)
    assert by_board is not None and by_board.named_subject
    assert by_board.text == f"The Harbour Safety Board says that a{finding[1:]}."
    by_official = rewrite_headline(f"{finding}, a harbour official said.", actors, CONFIG)
    assert by_official is not None and by_official.text == f"{finding}."
    ruling = rewrite_headline(
        "The port of Tarvik was entitled to close its northern quay during the storm, an appeals court ruled on "
        "Thursday.",
        actors,
        CONFIG,
    )
    assert ruling is not None
    assert ruling.text == (
        "An appeals court rules that the port of Tarvik is entitled to close its northern quay during the storm."
    )


# -- summary and citations -----------------------------------------------------------------------


def test_every_summary_sentence_cites_spans_that_say_it(flood, seed_event):
    for articles, summary in (flood, seed_event):
        assert CONFIG.summary_min_sentences <= len(summary.summary) <= CONFIG.summary_max_sentences
        for sentence in [summary.headline, *summary.summary]:
            assert sentence.citations, sentence.text
            for citation in sentence.citations:
                span = _cited_text(citation, articles)
                shared = len(_words(sentence.text) & _words(span)) / len(_words(sentence.text))
                assert shared >= 0.5, (sentence.text, span)


def test_summary_reads_on_from_the_headlines_source_like_its_lead_paragraph(seed_reports):
    _, summary = seed_reports
    first, second = summary.summary[0].citations[0], summary.summary[1].citations[0]
    assert (first.article_id, first.sentence) == (summary.headline.citations[0].article_id, 0)
    assert (second.article_id, second.sentence) == (first.article_id, 1)
    assert summary.summary[1].text.startswith("The President instructed Russia's foreign ministry")


def test_summary_leaves_out_another_outlets_version_of_the_same_fact(flood):
    _, summary = flood
    death_tolls = [s.text for s in summary.summary if "burst its banks" in s.text]
    assert len(death_tolls) == 1
    # The version left out is still cited: the reader sees every outlet that says it.
    outlets = {c.article_id for c in summary.summary[0].citations}
    assert len(outlets) >= 2


# -- comparison ----------------------------------------------------------------------------------


def test_conflicting_death_tolls_are_a_number_conflict(flood):
    articles, summary = flood
    conflicts = [c for c in summary.comparison.conflicts if c.kind == "number"]
    assert len(conflicts) == 1
    readings = {r.value: r.outlets for r in conflicts[0].readings}
    assert readings == {"12": ["Northgate Herald"], "15": ["Valley Courier"]}


def test_verbatim_copy_is_syndicated_not_independent(flood):
    _, summary = flood
    claim = next(c for c in summary.comparison.facts if "burst its banks" in c.text)
    assert claim.syndicated == ["Riverside Post"]
    assert not claim.single_source
    single = [c for c in summary.comparison.facts if "sports halls" in c.text]
    assert single and single[0].single_source and single[0].outlets == ["Northgate Herald"]


def test_quote_has_its_speaker_and_both_outlets(flood):
    _, summary = flood
    quote = next(q for q in summary.comparison.quotes if q.text.startswith("We have never seen"))
    assert quote.speaker == "Helena Strand"
    assert sorted(quote.outlets) == ["Northgate Herald", "Valley Courier"]


def test_loaded_outlet_comes_first_in_framing(flood):
    _, summary = flood
    framing = summary.comparison.framing
    assert framing[0].source == "Riverside Post"
    assert framing[0].loaded_share > framing[-1].loaded_share
    assert framing[0].loaded_phrases


def test_seed_framing_geopolitics_alert_most_loaded_event_record_least(seed_event):
    articles, summary = seed_event
    record = next(a for a in articles if Path(a.file).name.startswith("003"))
    framing = summary.comparison.framing
    assert framing[0].source == "Geopolitics Alert"
    assert framing[-1].article_ids == [record.id]
    assert framing[-1].loaded_share < min(f.loaded_share for f in framing[:-1])


# -- bad input -----------------------------------------------------------------------------------


def test_one_article_gives_its_lead_marked_single_source(tmp_path):
    articles = _ingest(tmp_path, "single", [SINGLE])
    summary = summarize_event(articles, CONFIG)
    assert summary.single_source
    assert [s.text for s in summary.summary] == [s.text.strip() for s in articles[0].sentences[:2]]
    assert all(claim.single_source for claim in summary.comparison.facts)


def test_headline_only_and_foreign_articles_fall_back_to_the_cleaned_title(tmp_path):
    articles = _ingest(tmp_path, "thin", [HEADLINE_ONLY, FOREIGN])
    assert all(not a.sentences for a in articles)
    summary = summarize_event(articles, CONFIG)
    assert summary.headline.text == "Neue Fähre zwischen Osterby und Lunde"
    assert summary.headline.citations[0].sentence is None
    assert summary.summary == [] and summary.comparison.facts == []
    assert not summary.single_source
    only_headline = summarize_event([a for a in articles if a.source == "Wire Example"], CONFIG)
    assert only_headline.headline.text == "Port of Lunde closes after storm damage"


def test_foreign_article_beside_english_ones_does_not_disturb_the_summary(tmp_path):
    articles = _ingest(tmp_path, "mixed", [SINGLE, FOREIGN])
    summary = summarize_event(articles, CONFIG)
    assert summary.headline.text.startswith("A new ferry link between the island town of Osterby")
    assert all(c.article_id == articles[0].id or c.sentence is not None for s in summary.summary for c in s.citations)


def test_no_articles_is_an_error():
    with pytest.raises(ValueError, match="at least one article"):
        summarize_event([], CONFIG)


def test_summary_record_round_trips_through_json(flood):
    _, summary = flood
    record = json.loads(json.dumps(summary_record(summary)))
    assert summary_from_record(record) == summary
    with pytest.raises(ValueError, match="malformed"):
        summary_from_record({"headline": {"text": "x"}})
