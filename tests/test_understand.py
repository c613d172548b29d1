"""What the understanding stage gives every article, pinned on the seeds and on hostile input."""

from __future__ import annotations

import json
from datetime import date

import pytest

import currents
from conftest import write_article


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (CI checks it out beside the project)")
    app = currents.open(tmp_path_factory.mktemp("seeds") / "seeds.db", nlp__enabled=True)
    report = app.ingest(sorted(SEEDS.glob("*.txt")))
    assert report.accepted == 5
    yield app
    app.close()


def seed(app, prefix: str):
    (article,) = [a for a in app.store.iter_articles() if a.file and a.file.rsplit("/", 1)[-1].startswith(prefix)]
    return article


def entity_named(article, name):
    matches = [e for e in article.entities if e.name == name]
    assert matches, f"{name!r} not among {[e.name for e in article.entities]}"
    return matches[0]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_seed_event_date_is_the_day_russia_announced(seed_store, prefix):
    article = seed(seed_store, prefix)
    assert article.event_date is not None
    assert (article.event_date.value, article.event_date.granularity) == ("2016-11-16", "day")


def test_on_wednesday_in_a_thursday_article_is_the_day_before(seed_store):
    article = seed(seed_store, "001")
    wednesday = [d for d in article.dates if d.text.lower().endswith("wednesday")]
    assert wednesday and all(d.value == "2016-11-16" for d in wednesday)


def test_undated_article_gets_no_invented_date(seed_store):
    article = seed(seed_store, "004")
    assert article.published is None
    assert article.event_date is None
    monday = [d for d in article.dates if "monday" in d.text.lower()]
    assert monday and all(d.value is None and d.note for d in monday)


_NAMES = "Vladimir Putin, Sergei Lavrov and the International Criminal Court in The Hague"
_UNDATED_REPORT = {
    "title": "Putin pulls Russia out of the war crimes court",
    "text": f"On Wednesday Russia announced that it would withdraw from the court's founding treaty. {_NAMES} were named in the decree. " * 2,
    "url": "https://wire.example/undated", "source": "Morning Ledger",
}
_DATED_REPORT = {
    "title": "Russia withdraws from the International Criminal Court",
    "text": f"Russia said it would withdraw its signature from the treaty of the court. {_NAMES} were named in the decree signed in Moscow. " * 2,
    "url": "https://wire.example/report", "source": "Coast Wire", "published": "2016-11-17T10:00:00Z",
}
_DATED_PROFILE = {  # the same names, another story
    "title": "Inside the judo club where a young wrestler learned to fall",
    "text": "The mats are worn and the coach is eighty, but the club still trains forty children every evening. " + f"{_NAMES} appear in the club's scrapbook. " * 2,
    "url": "https://wire.example/profile", "source": "Coast Wire", "published": "2019-08-09T10:00:00Z",
}  # fmt: skip


def _feed(folder, name: str, *records: dict):
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _wednesday_in_undated_report(app) -> list[str | None]:
    article = app.store.get_article(app.store.article_id_for_url(_UNDATED_REPORT["url"]))
    return [d.value for d in article.dates if d.text == "Wednesday"]


def test_an_undated_report_borrows_its_reference_date_from_a_dated_report_of_the_same_happening(tmp_path):
    with currents.open(tmp_path / "t.db") as app:
        app.ingest([_feed(tmp_path, "first.jsonl", _DATED_PROFILE, _UNDATED_REPORT)])
        assert _wednesday_in_undated_report(app) == [None, None], "sharing names with a profile is not enough"
        app.ingest([_feed(tmp_path, "later.jsonl", _DATED_REPORT)])
        assert _wednesday_in_undated_report(app) == ["2016-11-16", "2016-11-16"], "the Wednesday before the report"


def test_without_embeddings_an_undated_report_borrows_no_date(tmp_path):
    with currents.open(tmp_path / "t.db", cluster__embeddings=False) as app:
        app.ingest([_feed(tmp_path, "feed.jsonl", _DATED_REPORT, _UNDATED_REPORT)])
        assert _wednesday_in_undated_report(app) == [None, None]


def test_putin_forms_are_one_canonical_person(seed_store):
    ids = set()
    for prefix in ("000", "001", "002", "004"):
        ids.add(entity_named(seed(seed_store, prefix), "Vladimir Putin").entity_id)
    assert len(ids) == 1
    putin = seed_store.store.get_entity(ids.pop())
    assert {"Vladimir Putin", "Russian President Vladimir Putin"} & set(putin.aliases)


def test_a_bare_surname_joins_the_full_name(tmp_path):
    write_article(
        tmp_path, "a.txt", "Harbour strike ends",
        "Port workers in Lindqvist ended their strike on Monday after union leader Marta Okonkwo "
        "accepted a new pay offer. Okonkwo said the deal protected night shifts. "
        "The Lindqvist Port Authority confirmed that ships would be unloaded again from Tuesday.",
    )
    with currents.open(tmp_path / "t.db", nlp__enabled=True) as app:
        app.ingest([tmp_path / "a.txt"])
        (article,) = app.store.iter_articles()
    person = entity_named(article, "Marta Okonkwo")
    assert {"Marta Okonkwo", "Okonkwo"} <= set(person.surfaces)
    assert person.mentions == 2


def test_icc_is_the_international_criminal_court_everywhere(seed_store):
    ids = {entity_named(seed(seed_store, p), "International Criminal Court").entity_id for p in ("000", "001", "002", "004")}
    assert len(ids) == 1
    court = seed_store.store.get_entity(ids.pop())
    assert "ICC" in court.aliases


def test_nationality_and_possessive_map_to_the_country(seed_store):
    russia = entity_named(seed(seed_store, "001"), "Russia")
    assert russia.type == "GPE"
    assert {"Russian", "Russia's"} & set(russia.surfaces)


def test_background_withdrawals_are_dated_facts(seed_store):
    facts = {(f.date, f.granularity): f for f in seed(seed_store, "004").dated_facts}
    assert "Burundi" in facts[("2017", "year")].text
    assert "Philippines" in facts[("2019", "year")].text
    rome = {f.date for f in seed(seed_store, "000").dated_facts}
    assert {"2000", "2002"} <= rome


def test_sentences_locate_text_in_the_body(seed_store):
    article = seed(seed_store, "002")
    assert len(article.sentences) > 10
    for sentence in article.sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text


def test_export_carries_the_understanding_fields(seed_store, capsys):
    seed_store.export("articles")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for line in lines:
        for key in ("sentences", "entities", "dates", "event_date", "dated_facts", "keyphrases"):
            assert key in line
    assert all(line["keyphrases"] for line in lines)


def test_same_surname_in_unrelated_stories_is_not_merged(tmp_path):
    write_article(
        tmp_path, "music.txt", "Singer Anna Lindqvist releases a new album",
        "Swedish singer Anna Lindqvist released her fourth album on Friday in Stockholm. "
        "Lindqvist recorded the songs at a studio owned by the label Nordljus Records. "
        "Critics in Stockholm praised the album, and Lindqvist will tour Sweden in the spring.",
    )
    write_article(
        tmp_path, "chess.txt", "Chess player Erik Lindqvist wins the Tromso open",
        "Norwegian chess player Erik Lindqvist won the Tromso open tournament on Sunday. "
        "Lindqvist beat the top seed from India in the final round after a long endgame. "
        "The Norwegian Chess Federation said Lindqvist would play at the Olympiad in Budapest.",
    )
    with currents.open(tmp_path / "t.db", nlp__enabled=True) as app:
        app.ingest([tmp_path / "music.txt", tmp_path / "chess.txt"])
        people = {e.name: e.entity_id for a in app.store.iter_articles() for e in a.entities if e.type == "PERSON"}
    assert people["Anna Lindqvist"] != people["Erik Lindqvist"]


def test_foreign_language_article_is_stored_and_marked(tmp_path):
    write_article(
        tmp_path, "fr.txt", "Le conseil municipal vote le budget",
        "Le conseil municipal de la ville a voté mardi soir le budget de l'année prochaine. "
        "Les élus de l'opposition ont critiqué la hausse des impôts locaux et la baisse des subventions. "
        "Le maire a défendu un budget prudent, selon lui nécessaire après deux années difficiles.",
    )
    with currents.open(tmp_path / "t.db", nlp__enabled=True) as app:
        report = app.ingest([tmp_path / "fr.txt"])
        (article,) = app.store.iter_articles()
    assert report.accepted == 1
    assert article.language == "fr"
    assert article.entities == [] and article.dated_facts == []
    assert "English" in article.metadata["nlp_skipped"]


def test_very_long_article_is_capped_and_says_so(tmp_path):
    body = " ".join(f"The committee met for session number {n} in Lisbon and agreed on point {n}." for n in range(3000))
    write_article(tmp_path, "long.txt", "A very long report from Lisbon", body)
    with currents.open(tmp_path / "t.db", nlp__enabled=True, nlp__max_chars=5000) as app:
        app.ingest([tmp_path / "long.txt"])
        (article,) = app.store.iter_articles()
    assert article.metadata["nlp_truncated_at"] == 5000
    assert article.sentences[-1].end <= 5000


def test_tables_and_link_lists_yield_no_entities_or_facts(tmp_path):
    garbage = "\n".join(
        f"| {year} | Oslo | Bergen | {year * 3} | https://example.org/{year} |" for year in range(1990, 2010)
    )
    write_article(
        tmp_path, "table.txt", "Results table",
        "The city of Oslo published its yearly figures on Monday.\n" + garbage,
    )
    with currents.open(tmp_path / "t.db", nlp__enabled=True) as app:
        app.ingest([tmp_path / "table.txt"])
        (article,) = app.store.iter_articles()
    assert not any(f.date.startswith(("199", "200")) for f in article.dated_facts)
    assert all(e.name != "Bergen" for e in article.entities)


def test_an_undated_page_is_read_against_its_own_date_stamp():
    from currents.config import load_config
    from currents.text.understand import Job, analyse

    text = (
        "World news\n"
        "November 14, 2015 12:56 pm\n"
        "Gunmen attacked three cafes in the city centre on Friday evening, killing twelve people. "
        "Police sealed off the district and hospitals called in extra staff overnight."
    )
    [analysis] = analyse([Job("a", "Cafe attacks", text, None)], load_config(nlp__enabled=True).nlp)
    assert (analysis.event_date.value, analysis.event_date.granularity) == ("2015-11-13", "day")
    assert analysis.notes["reference_date"] == {"date": "2015-11-14", "from": "date stamp in the text"}


def test_each_entry_of_a_live_blog_is_read_against_its_own_stamp():
    from currents.config import load_config
    from currents.text.understand import Job, analyse

    text = (
        "Rescue teams reached the flooded valley today, the army said, and more help is on its way.\n"
        "0900 GMT, 4 March 2012\n"
        "The river burst its banks today after three days of rain, officials said in a statement.\n"
        "The mayor said yesterday that the old bridge had been closed as a precaution."
    )
    [analysis] = analyse([Job("a", "Floods live", text, date(2012, 3, 5))], load_config(nlp__enabled=True).nlp)
    by_sentence = {(d.sentence, d.text): d.value for d in analysis.dates}
    assert by_sentence[(0, "today")] == "2012-03-05"  # above the first entry: the page's own date
    assert by_sentence[(2, "today")] == "2012-03-04"  # in the 4 March entry
    assert by_sentence[(3, "yesterday")] == "2012-03-03"
