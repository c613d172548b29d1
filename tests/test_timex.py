"""Time expressions resolve to the dates a careful reader would give them, and never to invented ones."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from currents.config import NlpConfig
from currents.text import timex
from currents.text.timex import resolve, time_expressions

THURSDAY = date(2016, 11, 17)  # the day seed 001 was published
WEDNESDAY = date(2016, 11, 16)
NOT_A_DATE = None


def unresolved(note: str) -> tuple[str, str]:
    return ("unresolved", note)


def outcome(expression: str, reference: date | None, future_tense: bool = False):
    """What a reader sees: (value, granularity), ("unresolved", note) or None for "not a date"."""
    result = resolve(expression, reference, future_tense=future_tense)
    if result is None:
        return NOT_A_DATE
    if result.value is None:
        return unresolved(result.note)
    return (result.value, result.granularity)


@pytest.mark.parametrize(
    ("expression", "reference", "expected"),
    [
        # absolute forms: the reference does not matter, and may be missing
        ("November 17, 2016", None, ("2016-11-17", "day")),
        ("17 November 2016", None, ("2016-11-17", "day")),
        ("the 17th of November 2016", None, ("2016-11-17", "day")),
        ("Thursday November 17, 2016 6:35 PM", None, ("2016-11-17", "day")),
        ("Tuesday, Jan. 14, 2014", THURSDAY, ("2014-01-14", "day")),
        ("2016-11-17", None, ("2016-11-17", "day")),
        ("March 2014", None, ("2014-03", "month")),
        ("in 2000", None, ("2000", "year")),
        ("2000", THURSDAY, ("2000", "year")),
        ("the year 2000", None, ("2000", "year")),
        ("early 2016", None, ("2016", "year")),
        ("mid-2016", None, ("2016", "year")),
        ("autumn 2014", None, ("2014", "year")),
        ("the early hours of March 8, 2014", None, ("2014-03-08", "day")),
        # coarser than a year, or a range: seen, but not one date
        ("the 1990s", THURSDAY, unresolved(timex.NOTE_DECADE)),
        ("the 19th century", THURSDAY, unresolved(timex.NOTE_DECADE)),
        ("between 2004 and 2010", THURSDAY, unresolved(timex.NOTE_RANGE)),
        ("2003-2014", None, unresolved(timex.NOTE_RANGE)),
        # weekdays: the last such day on or before the publication date
        ("on Wednesday", THURSDAY, ("2016-11-16", "day")),
        ("Wednesday", WEDNESDAY, ("2016-11-16", "day")),
        ("last Wednesday", WEDNESDAY, ("2016-11-09", "day")),
        ("last Tuesday", THURSDAY, ("2016-11-15", "day")),
        ("Monday evening", THURSDAY, ("2016-11-14", "day")),
        ("late on Friday", THURSDAY, ("2016-11-11", "day")),
        # days around the publication date
        ("today", THURSDAY, ("2016-11-17", "day")),
        ("tonight", THURSDAY, ("2016-11-17", "day")),
        ("this morning", THURSDAY, ("2016-11-17", "day")),
        ("yesterday", THURSDAY, ("2016-11-16", "day")),
        ("last night", THURSDAY, ("2016-11-16", "day")),
        ("three days ago", THURSDAY, ("2016-11-14", "day")),
        # weeks resolve to the month holding all their days, or the year when they straddle two months
        ("this week", THURSDAY, ("2016-11", "month")),
        ("earlier this week", THURSDAY, ("2016-11", "month")),
        ("last week", date(2016, 11, 3), ("2016-10", "month")),
        ("last week", date(2016, 11, 9), ("2016", "year")),
        ("last week", date(2016, 1, 6), unresolved(timex.NOTE_WEEK_ACROSS_YEARS)),
        ("over the weekend", THURSDAY, ("2016-11", "month")),
        # months and years around the publication date
        ("this month", THURSDAY, ("2016-11", "month")),
        ("earlier this month", THURSDAY, ("2016-11", "month")),
        ("last month", THURSDAY, ("2016-10", "month")),
        ("last month", date(2016, 1, 10), ("2015-12", "month")),
        ("two months ago", THURSDAY, ("2016-09", "month")),
        ("July this year", THURSDAY, ("2016-07", "month")),
        ("this year", THURSDAY, ("2016", "year")),
        ("earlier this year", THURSDAY, ("2016", "year")),
        ("last year", THURSDAY, ("2015", "year")),
        ("the end of last year", THURSDAY, ("2015", "year")),
        ("two years ago", THURSDAY, ("2014", "year")),
        # a month or a day without its year: the last one, not a coming one
        ("in April", THURSDAY, ("2016-04", "month")),
        ("in November", THURSDAY, ("2016-11", "month")),
        ("in December", THURSDAY, ("2015-12", "month")),
        ("late November", THURSDAY, ("2016-11", "month")),
        ("Nov. 17", THURSDAY, ("2016-11-17", "day")),
        ("17 March", THURSDAY, ("2016-03-17", "day")),
        ("Nov. 20", THURSDAY, ("2015-11-20", "day")),
        ("February 29", date(2017, 3, 1), ("2016-02-29", "day")),
        # relative to another happening: no date without knowing that happening
        ("a week after", THURSDAY, unresolved(timex.NOTE_OTHER_EVENT)),
        ("a day later", THURSDAY, unresolved(timex.NOTE_OTHER_EVENT)),
        ("two days earlier", THURSDAY, unresolved(timex.NOTE_OTHER_EVENT)),
        ("the next day", THURSDAY, unresolved(timex.NOTE_OTHER_EVENT)),
        ("that year", THURSDAY, unresolved(timex.NOTE_OTHER_EVENT)),
        ("several years ago", THURSDAY, unresolved(timex.NOTE_VAGUE)),
        # durations, clock times and other words are not dates at all
        ("at least a year", THURSDAY, NOT_A_DATE),
        ("five years", THURSDAY, NOT_A_DATE),
        ("for two decades", THURSDAY, NOT_A_DATE),
        ("the past year", THURSDAY, NOT_A_DATE),
        ("around 5 years", THURSDAY, NOT_A_DATE),
        ("just over a year", THURSDAY, NOT_A_DATE),
        ("a week", THURSDAY, NOT_A_DATE),
        ("24 hours", THURSDAY, NOT_A_DATE),
        ("recent years", THURSDAY, NOT_A_DATE),
        ("6:35 PM", THURSDAY, NOT_A_DATE),
        ("1707 GMT", THURSDAY, NOT_A_DATE),
        ("evening", THURSDAY, NOT_A_DATE),
        ("2016-02-30", None, NOT_A_DATE),
    ],
)
def test_expression_resolves(expression, reference, expected):
    assert outcome(expression, reference) == expected


@pytest.mark.parametrize(
    "expression",
    ["on Wednesday", "Monday evening", "yesterday", "today", "last year", "earlier this year", "this week",
     "in April", "Nov. 17", "three days ago", "last month"],
)  # fmt: skip
def test_relative_expression_without_publication_date_stays_unresolved(expression):
    result = resolve(expression, None)
    assert result is not None and result.value is None and result.relative
    assert result.note == "relative to an unknown publication date"


def test_publication_datetime_counts_as_its_day():
    assert outcome("on Wednesday", datetime(2016, 11, 17, 18, 35)) == ("2016-11-16", "day")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("next week", ("2016-11", "month")),
        ("next Monday", ("2016-11-21", "day")),
        ("tomorrow", ("2016-11-18", "day")),
        ("next month", ("2016-12", "month")),
        ("later this year", ("2016", "year")),
        ("next year", ("2017", "year")),
        ("in 2030", ("2030", "year")),
    ],
)
def test_future_expressions_resolve_but_are_flagged(expression, expected):
    result = resolve(expression, THURSDAY)
    assert (result.value, result.granularity) == expected
    assert result.future and result.note == timex.NOTE_FUTURE


def test_future_tense_turns_yearless_months_and_weekdays_forward():
    assert outcome("in December", THURSDAY, future_tense=True) == ("2016-12", "month")
    assert outcome("on Friday", THURSDAY, future_tense=True) == ("2016-11-18", "day")
    assert outcome("in 2000", THURSDAY, future_tense=True) == ("2000", "year")


def test_past_expressions_are_not_flagged_future():
    for expression in ("on Wednesday", "in 2000", "this year", "earlier this week"):
        assert not resolve(expression, THURSDAY).future


# -- in a parsed document ---------------------------------------------------------------

TEXT = (
    "Russia said on Wednesday that it would leave the court, which it had joined in 2000. "
    "The three ministers met again on Monday evening in the capital. "
    "The agreement will last for five years, officials said. "
    "A week after the vote, the court said its judges had worked on the case between 2004 and 2010. "
    "Officials notified France in December 2014 and June 2015, according to the report."
)


@pytest.fixture(scope="module")
def nlp():
    from currents.text.nlp import load_pipeline

    try:
        return load_pipeline(NlpConfig().model)
    except OSError as exc:
        pytest.skip(f"spaCy model {NlpConfig().model!r} is not installed: {exc}")


def by_text(expressions):
    return {e.text: e for e in expressions}


def test_time_expressions_in_a_document(nlp):
    doc = nlp(TEXT)
    found = by_text(time_expressions(doc, THURSDAY))
    assert (found["Wednesday"].value, found["Wednesday"].sentence) == ("2016-11-16", 0)
    assert (found["2000"].value, found["2000"].granularity, found["2000"].relative) == ("2000", "year", False)
    assert found["Monday evening"].value == "2016-11-14" and found["Monday evening"].sentence == 1
    assert found["A week after"].value is None and found["A week after"].note == timex.NOTE_OTHER_EVENT
    assert found["between 2004 and 2010"].note == timex.NOTE_RANGE
    assert (found["December 2014"].value, found["June 2015"].value) == ("2014-12", "2015-06")
    assert not any("five years" in text for text in found)
    for expression in found.values():
        assert doc.text[expression.start : expression.end] == expression.text


def test_time_expressions_without_publication_date(nlp):
    found = by_text(time_expressions(nlp(TEXT), None))
    assert found["Monday evening"].value is None
    assert found["Monday evening"].note == "relative to an unknown publication date"
    assert found["2000"].value == "2000"
    assert found["December 2014"].value == "2014-12"


def test_time_expressions_read_full_dates_the_model_cuts_short(nlp):
    text = "The report covers abuses committed on 1 May 2003 in the north. On 15 August 2011 Google announced a deal."
    values = {e.value for e in time_expressions(nlp(text), THURSDAY)}
    assert {"2003-05-01", "2011-08-15"} <= values


def test_future_clause_turns_a_yearless_month_forward(nlp):
    text = "The court said it will rule on the appeal in December. The court ruled on a similar case in December."
    first, second = time_expressions(nlp(text), THURSDAY)
    assert (first.value, first.note) == ("2016-12", timex.NOTE_FUTURE)
    assert (second.value, second.note) == ("2015-12", None)


def test_two_days_later_counts_from_the_date_just_given(nlp):
    doc = nlp(
        "On 27 January 2014 the two firms signed a patent deal. Two days later the company sold its phone unit. "
        "The next day its shares rose."
    )
    found = by_text(time_expressions(doc, None))
    assert (found["Two days later"].value, found["Two days later"].granularity) == ("2014-01-29", "day")
    assert found["Two days later"].note.startswith(timex.NOTE_ANCHORED)
    assert found["The next day"].value == "2014-01-30"  # the day after those two days


def test_a_step_from_a_happening_the_text_does_not_date_stays_unplaced(nlp):
    doc = nlp(
        "The court ruled on 3 May 2019 against the company. Lawyers for both sides argued for hours. "
        "Neither side commented afterwards. Nobody expected an appeal. Two days later the firm appealed."
    )
    found = by_text(time_expressions(doc, None))
    assert found["Two days later"].value is None  # the dated sentence is too far back to count from
