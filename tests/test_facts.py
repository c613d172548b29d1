"""The event date and the dated facts of an article, on texts written here and on the seeds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from currents.model import Sentence, TimeExpression
from currents.text.facts import dated_facts, event_date, lead_sentences, stamp_day, unfit_sentences
from currents.text.timex import time_expressions

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
THURSDAY = date(2016, 11, 17)
NON_NAME_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}


def names_by_sentence(doc) -> dict[int, list[tuple[int, int, str]]]:
    """Sentence index -> where spaCy found which names in it (the stage passes canonical names instead)."""
    return {
        index: [(e.start_char, e.end_char, e.text) for e in sentence.ents if e.label_ not in NON_NAME_LABELS]
        for index, sentence in enumerate(doc.sents)
    }


def understand(nlp, text: str, published: date | datetime | None):
    """What the understanding stage does for dates: expressions, event date, facts."""
    doc = nlp(text)
    sentences = [Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)]
    dates = time_expressions(doc, published)
    when = event_date(dates, sentences, published)
    facts = dated_facts(sentences, dates, names_by_sentence(doc), when, published, unfit=unfit_sentences(doc, dates))
    return when, facts


def fact_dates(facts) -> set[tuple[str, str]]:
    return {(fact.date, fact.granularity) for fact in facts}


# -- event date -----------------------------------------------------------------------

ANNOUNCEMENT = (
    "The foreign ministry said on Wednesday that the country was withdrawing its signature from the treaty. "
    "The ministry said the court had failed to live up to the hopes placed in it by its founders. "
    "The country had signed the treaty in 2000, but never ratified it, officials said."
)


def test_on_wednesday_in_a_thursday_article_is_the_event_day(nlp):
    when, _ = understand(nlp, ANNOUNCEMENT, THURSDAY)
    assert (when.value, when.granularity) == ("2016-11-16", "day")
    assert when.confidence > 0.5
    assert "Wednesday" in when.evidence


def test_undated_article_with_a_relative_lead_gets_no_event_date(nlp):
    text = (
        "The three governments announced their withdrawal from the court on Monday evening in a joint statement. "
        "They accused the court of selective justice and said they would build their own institutions. "
        "The first country to leave the court was Burundi in 2017, and the Philippines left in 2019."
    )
    when, facts = understand(nlp, text, None)
    assert when is None
    assert {("2017", "year"), ("2019", "year")} <= fact_dates(facts)


def test_lead_without_a_date_falls_back_to_the_publication_date(nlp):
    text = (
        "The city council approved the new budget after a long debate about taxes and public services. "
        "The mayor defended the plan and said it protected schools from any cuts in the coming years. "
        "The opposition said the council should have consulted residents before voting on the plan."
    )
    when, _ = understand(nlp, text, THURSDAY)
    assert (when.value, when.granularity) == ("2016-11-17", "day")
    assert when.confidence < 0.5 and when.evidence == "publication date"


def test_future_and_background_dates_are_not_the_event(nlp):
    text = (
        "The parliament will vote on the treaty on 20 November 2016, the speaker announced in the capital. "
        "The treaty, which the government had first signed on 13 September 2000, was never ratified by parliament. "
        "Lawmakers from the governing party said they expected a narrow majority for the ratification."
    )
    when, facts = understand(nlp, text, THURSDAY)
    assert when.value == "2016-11-17" and when.evidence == "publication date"
    assert fact_dates(facts) == {("2000-09-13", "day")}


def test_undated_article_with_nothing_to_go_on_gets_no_event_date(nlp):
    text = (
        "The city council approved the new budget after a long debate about taxes and public services. "
        "The council first adopted a budget rule in 1998, according to its own records."
    )
    when, _ = understand(nlp, text, None)
    assert when is None


def test_event_date_runs_again_from_plain_records():
    """An undated article re-resolved against a borrowed reference needs no Doc to find its event date."""
    sentences = [
        Sentence(0, 0, 80, "In a joint statement announcing their withdrawal on Monday evening, they spoke."),
        Sentence(1, 81, 160, "The first country to leave the court was Burundi in 2017, its records show now."),
    ]
    dates = [
        TimeExpression("Monday evening", 51, 65, 0, "2025-09-22", "day", relative=True, note="borrowed reference"),
        TimeExpression("2017", 133, 137, 1, "2017", "year"),
    ]
    when = event_date(dates, sentences, None)
    assert (when.value, when.granularity) == ("2025-09-22", "day")
    assert "Monday evening" in when.evidence


# -- dated facts ----------------------------------------------------------------------


def test_one_sentence_can_date_two_happenings(nlp):
    text = (
        "The ministry said on Wednesday that it would withdraw from the court. "
        "Russia had in 2000 signed the Rome Statute which created the ICC, but never ratified the treaty, "
        "which entered into force in 2002."
    )
    _, facts = understand(nlp, text, THURSDAY)
    assert fact_dates(facts) == {("2000", "year"), ("2002", "year")}
    assert all(fact.sentence == 1 and fact.text.startswith("Russia had in 2000") for fact in facts)
    assert "Russia" in facts[0].entities


def test_what_is_not_a_dated_fact(nlp):
    text = (
        "The ministry announced on Wednesday that the country would leave the court. "
        "The withdrawal takes at least a year to complete, the ministry said in its statement. "
        "The court will review the decision in 2030, a spokesman for the court said. "
        "The country hopes to build closer ties with its neighbours between 2017 and 2020, officials said.\n"
        "Photo: the old harbour of Piraeus at dawn, 12 March 2012.\n"
        "Results | 2014 | 2015 | 2016 | 12.5 | 13.1 | 14.2"
    )
    when, facts = understand(nlp, text, THURSDAY)
    assert when.value == "2016-11-16"
    assert facts == []


def test_relative_dates_are_facts_only_when_resolved(nlp):
    text = (
        "The governments announced their withdrawal from the court on Monday evening in a joint statement. "
        "In a report published last year, a rights group accused the army of serious abuses against civilians."
    )
    _, undated = understand(nlp, text, None)
    assert undated == []
    _, dated = understand(nlp, text, THURSDAY)
    assert fact_dates(dated) == {("2015", "year")}


def test_absolute_date_of_the_event_is_also_a_fact(nlp):
    text = (
        "On 27 January 2014 Google and Samsung signed a wide-ranging global patent deal in Seoul. "
        "The deal followed years of disputes between technology companies over mobile phone patents."
    )
    when, facts = understand(nlp, text, None)
    assert when.value == "2014-01-27"
    assert fact_dates(facts) == {("2014-01-27", "day")}


# -- the seeds, through the real model --------------------------------------------------


def seed_body(prefix: str) -> str:
    """A seed's text below its first line (the title line, for the plain-text seeds)."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (CI checks it out beside the project)")
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").split("\n", 1)[1].strip()


@pytest.mark.parametrize(
    ("prefix", "published"),
    [
        ("000", date(2016, 11, 17)),  # no date in the text: the caller provides the reference
        ("001", datetime(2016, 11, 17, 18, 35)),  # published Thursday, says "on Wednesday"
        ("002", date(2016, 11, 17)),  # no date in the text: the caller provides the reference
        ("003", date(2016, 11, 16)),  # a Markdown record dated on the event day itself
    ],
)
def test_seed_event_date_is_the_day_russia_announced(nlp, prefix, published):
    when, _ = understand(nlp, seed_body(prefix), published)
    assert (when.value, when.granularity) == ("2016-11-16", "day")


def test_seed_000_dates_the_rome_statute(nlp):
    when, facts = understand(nlp, seed_body("000"), date(2016, 11, 17))
    assert when.value == "2016-11-16"
    dates = fact_dates(facts)
    assert {("2000", "year"), ("2002", "year"), ("2008", "year")} <= dates
    assert not any(fact.date.startswith("2016-11-16") for fact in facts)  # the event is not its own fact
    assert not any("between" in fact.text and fact.date.startswith(("2003", "2014")) for fact in facts)  # a range


def test_seed_004_has_background_facts_and_no_event_date(nlp):
    when, facts = understand(nlp, seed_body("004"), None)
    assert when is None
    by_date = {(fact.date, fact.granularity): fact for fact in facts}
    assert "Burundi" in by_date[("2017", "year")].text
    assert "Philippines" in by_date[("2019", "year")].text
    assert "Burundi" in by_date[("2017", "year")].entities
    # Relative dates ("last year", "Earlier this year", "in April") cannot be placed: no facts from them.
    assert set(by_date) == {("2011", "year"), ("2023", "year"), ("2017", "year"), ("2019", "year")}


# -- what a reader takes for the event, the lead and a fact's parties ---------------------------------


def test_the_event_told_again_is_not_a_fact_but_a_reaction_that_day_is(nlp):
    text = (
        "Gunmen attacked three cafes in the city centre on Friday evening, killing twelve people. "
        "Police sealed off the district and hospitals called in extra staff overnight. "
        "The mayor cancelled all public events in the city, officials said. "
        "For the families of the victims, this was a massacre on a Friday night. "
        "The prime minister said on Friday evening that the attackers would be found."
    )
    when, facts = understand(nlp, text, date(2015, 11, 14))
    assert when.value == "2015-11-13"
    assert [fact.text for fact in facts] == [
        "The prime minister said on Friday evening that the attackers would be found."
    ]


def test_a_date_in_an_open_question_is_not_a_fact(nlp):
    text = (
        "Investigators are trying to find out whether the suspect travelled to Syria in 2014, officials said. "
        "He had moved to Brussels in 2012, according to court records."
    )
    _, facts = understand(nlp, text, None)
    assert fact_dates(facts) == {("2012", "year")}


def test_an_undated_biography_keeps_dates_after_its_first_one(nlp):
    text = (
        "The senator was born in Hawaii on August 4, 1961, and studied law in Massachusetts. "
        "He was elected president on November 4, 2008, and sworn in on January 20, 2009."
    )
    _, facts = understand(nlp, text, None)
    assert {("1961-08-04", "day"), ("2008-11-04", "day"), ("2009-01-20", "day")} <= fact_dates(facts)


def test_a_facts_entities_are_those_named_in_its_clause(nlp):
    text = (
        "The report was published on Wednesday by the ministry in the capital. "
        "Investigators compared the loss with Air France flight 447, which crashed in the Atlantic in 2009. "
        "In 2000, Russia signed the Rome Statute, but never ratified it."
    )
    _, facts = understand(nlp, text, THURSDAY)
    by_date = {fact.date: fact for fact in facts}
    assert by_date["2009"].entities[0].startswith("Air France")
    assert "Russia" in by_date["2000"].entities


def test_page_furniture_is_not_the_lead():
    sentences = [
        Sentence(0, 0, 90, "Please share this article with others using the link below, do not cut and paste it."),
        Sentence(1, 91, 160, "Email sales@example.com to buy additional rights for this story today."),
        Sentence(2, 161, 250, "Gunmen attacked three cafes in the city centre on Friday evening, killing twelve."),
    ]
    assert lead_sentences(sentences) == {2}


def test_a_date_stamp_in_an_undated_page_is_its_day(nlp):
    text = (
        "World news\n"
        "November 14, 2015 12:56 pm\n"
        "Gunmen attacked three cafes in the city centre on Friday evening, killing twelve people."
    )
    doc = nlp(text)
    sentences = [Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)]
    assert stamp_day(time_expressions(doc, None), sentences) == date(2015, 11, 14)

