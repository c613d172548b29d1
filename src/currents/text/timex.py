"""Time expressions: find them in a spaCy Doc and resolve them to dates.

`resolve` is a pure function over one expression and a reference date (the
publication date): "on Wednesday" in an article published Thursday
2016-11-17 is ("2016-11-16", "day"), "in 2000" is ("2000", "year"). Values
are ISO dates cut to their granularity: day "2016-11-16", month "2016-11",
year "2016". A week has no granularity of its own: "last week" resolves to
the month that holds all its days, or the year when it straddles two months.

Rules that keep dates honest:
- Nothing is ever filled in from anything but the expression's own words and
  the reference date. Without a reference, relative expressions ("Monday",
  "last year", "in April") stay unresolved with a note saying so; absolute
  ones still resolve.
- Durations ("at least a year", "five years", "for two decades") and clock
  times are not dates: `resolve` returns None for them, and
  `time_expressions` drops them.
- Expressions relative to another happening ("a week after the vote") cannot
  be placed without knowing that happening: value None, with a note. The
  adverbial ones ("two days later", "the next day") count from the date the
  text gave just before, when there is one close enough (`time_expressions`).
- Decades and centuries ("the 1990s"), ranges ("between 2004 and 2010") and
  seasons without a year are not one date: value None, with a note (they
  are still reported, so a reader sees they were seen). A season with its
  year is that year ("autumn 2014"), except winter, which straddles two.
- A bare weekday is the most recent such day on or before the reference (the
  news convention: "on Wednesday" in a Thursday article is the day before; in
  a Wednesday article it is that day); "last Wednesday" is strictly before.
  Month names and day+month without a year are likewise the most recent one
  on or before the reference, unless their clause speaks of the future
  ("will", "shall"), in which case they are the next one on or after it.
- Anything after the reference ("next week", "later this year", "tomorrow")
  resolves, but is flagged `future` (note NOTE_FUTURE): a plan or a forecast,
  not a happening.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from spacy.symbols import PROPN
from spacy.tokens import Doc, Token

from currents.model import Sentence, TimeExpression
from currents.text.nlp import sentences_of, text_of

DAY = "day"
MONTH = "month"
YEAR = "year"

NOTE_NO_REFERENCE = "relative to an unknown publication date"
NOTE_OTHER_EVENT = "relative to another happening, which the expression does not date"
NOTE_ANCHORED = "counted from a date given earlier in the text"
NOTE_FUTURE = "after the publication date: a plan or forecast, not a happening"
NOTE_DECADE = "a decade or century: coarser than a year"
NOTE_RANGE = "a range of dates, not one date"
NOTE_VAGUE = "too vague to place on a date"
NOTE_WEEK_ACROSS_YEARS = "a week spanning two years: no single month or year holds it"

# Four-digit numbers outside this span are not read as years (counts, codes).
EARLIEST_YEAR = 1000
LATEST_YEAR = 2999

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
VAGUE_COUNTS = ("several", "a few", "few", "many", "some", "a couple of", "couple of", "a number of")
SEASONS_WITHIN_A_YEAR = ("spring", "summer", "autumn", "fall")

_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_WEEKDAY = "(?:" + "|".join(WEEKDAYS) + ")"
_COUNT = r"(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_VAGUE_COUNT = "(?:" + "|".join(VAGUE_COUNTS) + ")"
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|centur(?:y|ie))s?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"


@dataclass(frozen=True)
class Resolution:
    """What one time expression says, as far as its words and the reference allow.

    `value` is None when the expression names a date that cannot be placed
    (`note` says why). `relative` means it depends on the reference date (or
    on another happening). `future` means it lies after the reference.
    """

    value: str | None
    granularity: str | None
    relative: bool = False
    note: str | None = None
    future: bool = False


@dataclass(frozen=True)
class _Context:
    reference: date | None
    future_tense: bool


# -- normalisation ------------------------------------------------------------------
_ZONE = r"(?:gmt|utc|bst|cet|cest|est|edt|pst|pdt|et|pt|local time|hrs)"
# Clock times: "6:35 PM", "18:35", and the four-digit "1707 GMT" that must not be read as a year.
_CLOCK = re.compile(
    rf"\b\d{{1,2}}(?::\d{{2}})?\s*(?:a\.?m\.?|p\.?m\.?)(?=\W|$)|\b\d{{1,2}}:\d{{2}}\b|\b[0-2]\d[0-5]\d\s*{_ZONE}\b"
)
_TIME_ZONE = re.compile(rf"\b(?:{_ZONE}|o'clock)\b")
_PUNCTUATION = re.compile(r"[,.;:()\[\]\"“”!?]|(?<=[a-z])-|-(?=[a-z])")
_SPACES = re.compile(r"\s+")
_PART_OF_DAY_AS_DAY = (
    (re.compile(r"\btonight\b|\bthis (?:morning|afternoon|evening)\b"), "today"),
    (re.compile(r"\blast night\b"), "yesterday"),
)
_PART_OF_DAY = re.compile(
    r"\b(?:early|late|in the|on the|the)?\s*(?:morning|afternoon|evening|night|noon|midnight|overnight|hours)\b"
)
_LEADING_FILLER = re.compile(
    r"^(?:on|in|at|over|since|from|by|until|till|through|during|of|as of|around|about|circa|"
    r"the|early|late|mid|middle of|end of|beginning of|start of|turn of|close of|"
    rf"(?:earlier|later) in(?=\s+(?:\d|{_MONTH}\b))|(?:first|second|third|fourth|last) (?:quarter|half) of)\s+"
)
_WEEKDAY_PREFIX = re.compile(rf"^{_WEEKDAY}\s+(?=\d|{_MONTH}\b)")

# -- what is not a date at all --------------------------------------------------------
_DURATION_PREFIX = re.compile(
    r"^(?:(?:for|over|within|in|during|about|around|nearly|almost|roughly|approximately|some|only|just|"
    r"more than|less than|at least|at most|up to|upwards of|the better part of|just over|just under)\s+)*"
    r"(?:(?:the|these|those)\s+(?:(?:past|last|next|coming|previous|first|recent|following)\s+)?"
    r"|(?:past|recent)\s+)?"
)
_DURATION = re.compile(
    rf"^(?:(?:{_COUNT}|{_VAGUE_COUNT})(?:\s+(?:or|to|and)\s+{_COUNT})?\s+)?(?:full\s+|long\s+)?{_UNIT}"
    r"(?:\s+(?:and|or)\s+a\s+half)?(?:\s+(?:old|long))?$"
)
_NOT_A_DATE = re.compile(
    r"^(?:now|currently|present|the present|recently|the moment|daily|weekly|annually|yearly|monthly)$"
)

# -- relative to something other than the reference ------------------------------------
_PARTS = r"(?:day|morning|afternoon|evening|night|week|weekend|month|year)"
_OTHER_EVENT = re.compile(
    rf"^(?:(?:{_COUNT}|{_VAGUE_COUNT})\s+)?{_UNIT}\s+(?:after|later|before|earlier|prior|afterwards|on)\b"
    rf"|^the\s+(?:next|following|previous|preceding|same|prior)\s+{_PARTS}$"
    rf"|^(?:that|the same)\s+{_PARTS}$"
    r"|^the\s+(?:day|night|week|month|year)\s+(?:before|after)$"
)
_AGO = re.compile(
    r"^(?:(?:about|some|nearly|almost|more than|over|around|just|only|exactly)\s+)?"
    rf"(?:(?P<count>{_COUNT}|{_VAGUE_COUNT})\s+)?(?P<unit>day|week|month|year|decade)s?\s+ago$"
)


def resolve(expression: str, reference: date | None, *, future_tense: bool = False) -> Resolution | None:
    """The date `expression` names, relative to `reference` (the publication date).

    Returns None when the expression is not a date at all (a duration, a clock
    time, words we do not read as a date); a `Resolution` with `value` None when
    it names a date that cannot be placed. `future_tense` says the sentence
    speaks of the future: then a month or day without a year is the next one
    rather than the last one.
    """
    reference = as_day(reference)
    text = _normalise(expression)
    if not text or _NOT_A_DATE.match(text):
        return None
    if _OTHER_EVENT.match(text):
        return Resolution(None, None, relative=True, note=NOTE_OTHER_EVENT)
    text = _without_parts_of_day(text)
    if not text:
        return None
    context = _Context(reference, future_tense)
    ago = _AGO.match(text)
    if ago:
        return _ago(ago, context)
    if _is_duration(text):
        return None
    text = _strip_fillers(text)
    for pattern, reader in _FORMS:
        match = pattern.match(text)
        if match:
            return _flag_future(reader(match, context), reference)
    return None


def _normalise(expression: str) -> str:
    text = expression.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    text = _TIME_ZONE.sub(" ", _CLOCK.sub(" ", text))
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _without_parts_of_day(text: str) -> str:
    for pattern, day in _PART_OF_DAY_AS_DAY:
        text = pattern.sub(day, text)
    return _SPACES.sub(" ", _PART_OF_DAY.sub(" ", text)).strip()


def _is_duration(text: str) -> bool:
    return bool(_DURATION.match(_DURATION_PREFIX.sub("", text)))


def _strip_fillers(text: str) -> str:
    while True:
        stripped = _WEEKDAY_PREFIX.sub("", _LEADING_FILLER.sub("", text))
        if stripped == text:
            return text
        text = stripped


def _flag_future(resolution: Resolution | None, reference: date | None) -> Resolution | None:
    if resolution is None or resolution.value is None or resolution.future or reference is None:
        return resolution
    if period_start(resolution.value) > reference:
        return Resolution(resolution.value, resolution.granularity, resolution.relative, NOTE_FUTURE, future=True)
    return resolution


def as_day(value: date | None) -> date | None:
    """The calendar day of a date or datetime (a publication datetime compares as its day)."""
    return value.date() if isinstance(value, datetime) else value


def period_start(value: str) -> date:
    """The first day of the period an ISO value of any granularity names ("2016-11" -> 2016-11-01)."""
    parts = [int(part) for part in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def period_end(value: str) -> date:
    """The last day of the period an ISO value names ("2016-11" -> 2016-11-30)."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        return _add_months(date(parts[0], parts[1], 1), 1) - timedelta(days=1)
    return date(parts[0], 12, 31)


# -- building values -------------------------------------------------------------------
def _day(day: date, relative: bool) -> Resolution:
    return Resolution(day.isoformat(), DAY, relative)


def _month(day: date, relative: bool) -> Resolution:
    return Resolution(f"{day.year:04d}-{day.month:02d}", MONTH, relative)


def _year(year: int, relative: bool) -> Resolution:
    return Resolution(f"{year:04d}", YEAR, relative)


def _span(first: date, last: date, future: bool = False) -> Resolution:
    """The finest of our granularities that holds every day from `first` to `last`."""
    if (first.year, first.month) == (last.year, last.month):
        resolution = _month(first, relative=True)
    elif first.year == last.year:
        resolution = _year(first.year, relative=True)
    else:
        return Resolution(None, None, relative=True, note=NOTE_WEEK_ACROSS_YEARS)
    return Resolution(resolution.value, resolution.granularity, True, NOTE_FUTURE if future else None, future)


def _unplaced(note: str = NOTE_NO_REFERENCE) -> Resolution:
    return Resolution(None, None, relative=True, note=note)


def _future(resolution: Resolution) -> Resolution:
    return Resolution(resolution.value, resolution.granularity, resolution.relative, NOTE_FUTURE, future=True)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# -- readers, one per form ---------------------------------------------------------------
def _ago(match: re.Match[str], context: _Context) -> Resolution:
    count = _count(match["count"] or "")
    if count is None:
        return _unplaced(NOTE_VAGUE)
    if context.reference is None:
        return _unplaced()
    unit, reference = match["unit"], context.reference
    if unit == "day":
        return _day(reference - timedelta(days=count), relative=True)
    if unit == "week":
        return _span(*_week_of(reference - timedelta(weeks=count)))
    if unit == "month":
        return _month(_add_months(reference, -count), relative=True)
    if unit == "year":
        return _year(reference.year - count, relative=True)
    return _unplaced(NOTE_VAGUE)


def _iso_day(match: re.Match[str], context: _Context) -> Resolution | None:
    day = _valid_date(int(match["year"]), int(match["month"]), int(match["day"]))
    return _day(day, relative=False) if day else None


def _iso_month(match: re.Match[str], context: _Context) -> Resolution | None:
    month = int(match["month"])
    return _month(date(int(match["year"]), month, 1), relative=False) if 1 <= month <= 12 else None


def _day_month(match: re.Match[str], context: _Context) -> Resolution | None:
    month, day_number = MONTHS[match["month"]], int(match["day"])
    if match["year"]:
        day = _valid_date(int(match["year"]), month, day_number)
        return _day(day, relative=False) if day else None
    if _valid_date(2000, month, day_number) is None:  # 2000 is a leap year: any real day+month fits
        return None
    if context.reference is None:
        return _unplaced()
    return _day(_nearest_day(month, day_number, context), relative=True)


def _nearest_day(month: int, day_number: int, context: _Context) -> date:
    """The day+month's last occurrence on or before the reference (next on or after, in future tense)."""
    reference = context.reference
    step = 1 if context.future_tense else -1
    year = reference.year
    while True:
        day = _valid_date(year, month, day_number)  # 29 February exists only in leap years
        if day and (day >= reference if context.future_tense else day <= reference):
            return day
        year += step


def _month_year(match: re.Match[str], context: _Context) -> Resolution:
    return _month(date(int(match["year"]), MONTHS[match["month"]], 1), relative=False)


def _month_of_named_year(match: re.Match[str], context: _Context) -> Resolution:
    """"July this year", "March of last year"."""
    if context.reference is None:
        return _unplaced()
    year = context.reference.year + _UNIT_OFFSETS.get(match["which"], 0)
    return _month(date(year, MONTHS[match["month"]], 1), relative=True)


def _named_month(match: re.Match[str], context: _Context) -> Resolution:
    """A month name without a year: the last such month (the next one for "next" or in future tense)."""
    if context.reference is None:
        return _unplaced()
    reference, which = context.reference, match["which"]
    this_year = date(reference.year, MONTHS[match["month"]], 1)
    current = date(reference.year, reference.month, 1)
    if which == "this":
        month = this_year
    elif which in ("last", "past"):
        month = this_year if this_year < current else _add_months(this_year, -12)
    elif which in ("next", "coming"):
        month = this_year if this_year > current else _add_months(this_year, 12)
    elif context.future_tense:
        month = this_year if this_year >= current else _add_months(this_year, 12)
    else:
        month = this_year if this_year <= current else _add_months(this_year, -12)
    return _month(month, relative=True)


def _year_only(match: re.Match[str], context: _Context) -> Resolution | None:
    year = int(match["year"])
    return _year(year, relative=False) if EARLIEST_YEAR <= year <= LATEST_YEAR else None


def _season_year(match: re.Match[str], context: _Context) -> Resolution | None:
    if match["season"] not in SEASONS_WITHIN_A_YEAR:
        return Resolution(None, None, note=NOTE_VAGUE)
    return _year_only(match, context)


def _decade(match: re.Match[str], context: _Context) -> Resolution:
    return Resolution(None, None, note=NOTE_DECADE)


def _range(match: re.Match[str], context: _Context) -> Resolution:
    return Resolution(None, None, note=NOTE_RANGE)


def _weekday(match: re.Match[str], context: _Context) -> Resolution:
    """A weekday: the last one on or before the reference ("last": strictly before; "next": after)."""
    if context.reference is None:
        return _unplaced()
    reference, weekday, which = context.reference, WEEKDAYS[match["weekday"]], match["which"]
    back = (reference.weekday() - weekday) % 7
    ahead = (weekday - reference.weekday()) % 7
    if which in ("last", "past"):
        return _day(reference - timedelta(days=back or 7), relative=True)
    if which in ("next", "coming"):
        return _day(reference + timedelta(days=ahead or 7), relative=True)
    if which == "this":
        return _day(_week_of(reference)[0] + timedelta(days=weekday), relative=True)
    if context.future_tense:
        return _day(reference + timedelta(days=ahead), relative=True)
    return _day(reference - timedelta(days=back), relative=True)


_DAYS_FROM_REFERENCE = {
    "today": 0, "yesterday": -1, "day before yesterday": -2, "tomorrow": 1, "day after tomorrow": 2,
}  # fmt: skip


def _day_word(match: re.Match[str], context: _Context) -> Resolution:
    if context.reference is None:
        return _unplaced()
    return _day(context.reference + timedelta(days=_DAYS_FROM_REFERENCE[match["word"]]), relative=True)


_EARLIER = ("earlier this", "earlier in the")
_LATER = ("later this", "later in the")
_UNIT_OFFSETS = {"last": -1, "previous": -1, "next": 1, "coming": 1}


def _calendar_unit(match: re.Match[str], context: _Context) -> Resolution:
    """this / last / next / earlier this / later this + week, month or year."""
    if context.reference is None:
        return _unplaced()
    reference, which, unit = context.reference, match["which"], match["unit"]
    offset = _UNIT_OFFSETS.get(which, 0)
    if unit == "week":
        return _week(reference, offset, which)
    if unit == "month":
        resolution = _month(_add_months(reference, offset), relative=True)
    else:
        resolution = _year(reference.year + offset, relative=True)
    # "later this year" holds the reference, yet speaks of what has not happened.
    return _future(resolution) if which in _LATER else resolution


def _week(reference: date, offset: int, which: str) -> Resolution:
    monday, sunday = _week_of(reference + timedelta(weeks=offset))
    if which in _EARLIER:
        return _span(monday, max(monday, reference - timedelta(days=1)))
    if which in _LATER:
        return _span(min(sunday, reference + timedelta(days=1)), sunday, future=True)
    return _span(monday, sunday, future=offset > 0)


def _weekend(match: re.Match[str], context: _Context) -> Resolution:
    """A weekend: the last Saturday-Sunday (the next one for "next" or in future tense)."""
    if context.reference is None:
        return _unplaced()
    reference, which = context.reference, match["which"]
    if which in ("next", "coming") or (which in (None, "this") and context.future_tense):
        saturday = reference + timedelta(days=(5 - reference.weekday()) % 7)
        if which in ("next", "coming") and saturday <= reference:
            saturday += timedelta(weeks=1)
        return _span(saturday, saturday + timedelta(days=1), future=True)
    saturday = reference - timedelta(days=(reference.weekday() - 5) % 7)
    if which in ("last", "past") and reference - saturday < timedelta(days=2):
        saturday -= timedelta(weeks=1)
    return _span(saturday, saturday + timedelta(days=1))


def _vague(match: re.Match[str], context: _Context) -> Resolution:
    return Resolution(None, None, relative=True, note=NOTE_VAGUE)


_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], _Context], Resolution | None]], ...] = (
    (re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$"), _iso_day),
    (re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$"), _iso_month),
    (re.compile(rf"^(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{_MONTH})(?:\s+{_YEAR})?$"), _day_month),
    (re.compile(rf"^(?P<month>{_MONTH})\s+(?:the\s+)?(?P<day>\d{{1,2}}){_ORDINAL}(?:\s+{_YEAR})?$"), _day_month),
    (re.compile(rf"^(?P<month>{_MONTH})\s+(?:of\s+)?(?P<year>\d{{4}})$"), _month_year),
    (re.compile(rf"^(?P<month>{_MONTH})\s+(?:of\s+)?(?P<which>this|last|next)\s+year$"), _month_of_named_year),
    (re.compile(rf"^(?:(?P<which>this|last|next|past|coming)\s+)?(?P<month>{_MONTH})$"), _named_month),
    (re.compile(r"^(?:(?:the\s+)?(?:calendar\s+|fiscal\s+)?year\s+)?(?P<year>\d{4})$"), _year_only),
    (re.compile(r"^(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<year>\d{4})$"), _season_year),
    (re.compile(r"^'?\d{1,3}0'?s$"), _decade),
    (re.compile(r"^(?:\d{1,2}(?:st|nd|rd|th)|\d{2}|[a-z]+(?:teenth|tieth))\s+century$"), _decade),
    (re.compile(r"^\d{4}\s*(?:-|/|to|and|through)\s*(?:\d{2}|\d{4})$"), _range),
    (re.compile(r"^between\s.+\s(?:and|to)\s.+$"), _range),
    (re.compile(rf"^(?:(?P<which>last|this|next|past|coming)\s+)?(?P<weekday>{_WEEKDAY})$"), _weekday),
    (re.compile(r"^(?P<word>today|yesterday|tomorrow|day before yesterday|day after tomorrow)$"), _day_word),
    (
        re.compile(
            r"^(?P<which>this|last|next|previous|coming|current|earlier this|later this|earlier in the|later in the)"
            r"\s+(?P<unit>week|month|year)$"
        ),
        _calendar_unit,
    ),
    (re.compile(r"^(?:this|last|next|coming|past)\s+(?:spring|summer|autumn|fall|winter)$"), _vague),
    (re.compile(r"^(?:(?P<which>this|last|next|past|coming)\s+)?weekend$"), _weekend),
)


# -- finding expressions in a Doc --------------------------------------------------------
# "Two days later", "a year earlier": a step from the date given just before.
_COUNTED_STEP = re.compile(rf"^(?P<count>{_COUNT})\s+(?P<unit>day|week|month|year)s?\s+(?P<direction>later|earlier)$")
_NAMED_STEP = re.compile(
    r"^(?:the\s+)?(?P<which>next day|following day|day after|previous day|preceding day|day before|same day)$"
)
_NAMED_STEPS = {"next day": 1, "following day": 1, "day after": 1, "previous day": -1, "preceding day": -1,
                "day before": -1, "same day": 0}  # fmt: skip
# How far back (in sentences) "two days later" looks for the date it counts from.
MAX_ANCHOR_SENTENCES = 2
# Granularities an anchor needs for a step of each unit ("two days later" needs a day).
_ANCHOR_GRANULARITIES = {"day": {DAY}, "week": {DAY}, "month": {DAY, MONTH}, "year": {DAY, MONTH, YEAR}}
_CANDIDATE_LABELS = ("DATE", "TIME")
# Words after an entity that make it relative to another happening ("a week" + "after").
_ANCHOR_WORDS = frozenset({"after", "later", "before", "earlier", "ago", "prior", "afterwards"})
# Time zones after a four-digit number make it a clock time ("1707" + "GMT"), not a year.
_ZONE_WORDS = frozenset({"gmt", "utc", "bst", "cet", "cest", "est", "edt", "pst", "pdt"})
_CLOCK_WORDS = _ZONE_WORDS | {"am", "pm", "a.m.", "p.m."}
_UNIT_WORD = re.compile(rf"^{_UNIT}$")
_RANGE_OPENER = "between "
_AND = re.compile(r"\s+and\s+")
_ENUMERATION = re.compile(r"\s+(?:and|or)\s+")
_WEEKDAY_ALONE = re.compile(rf"^(?:(?:on|last|next|this)\s+)?{_WEEKDAY}$", re.IGNORECASE)
_FUTURE_MODAL = re.compile(r"^(?:will|shall|won't|'ll)$", re.IGNORECASE)
# A future modal in the clause before an expression, or among this many words after it, puts it in the future tense.
FUTURE_WORDS_AFTER = 3
_CLAUSE_BREAK = re.compile(r"[,;:.!?\"“”()\n]")
_WORDS = re.compile(r"[\w']+")
# Forms the small model misses or cuts short ("1 May 2003" where it sees "May 2003"); each
# runs once over the whole text, and overlapping entities are joined to them.
_MONTH_CAPITALISED = "(?:" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + ")"
_WEEKDAY_CAPITALISED = "(?:" + "|".join(w.capitalize() for w in WEEKDAYS) + ")"
_TEXT_PATTERNS = (
    re.compile(rf"\b\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTH_CAPITALISED}\.?,?\s+\d{{4}}\b"),
    re.compile(rf"\b{_MONTH_CAPITALISED}\.?\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}}\b"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(r"(?:(?<=\b[Ii]n )|(?<=\b[Ss]ince )|(?<=\b[Uu]ntil ))(?:1[89]|20)\d\d\b(?![-/]\d)"),
    re.compile(rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his) )?{_WEEKDAY_CAPITALISED}(?: (?:morning|afternoon|evening|night))?\b"),
)


def time_expressions(doc: Doc, reference: date | None) -> list[TimeExpression]:
    """Every date-like expression of `doc`, resolved against `reference` where possible.

    Candidates are spaCy's DATE and TIME entities plus a few regular
    expressions for forms the small model misses or cuts short; touching
    candidates are joined ("Monday" + "evening"), enumerations split
    ("December 2014 and June 2015"), and "between A and B" kept as one range.
    Durations and anything `resolve` does not read as a date are dropped.
    Offsets are character offsets into `doc.text`; `sentence` indexes `doc.sents`.
    """
    reference = as_day(reference)
    text = text_of(doc)
    sentences = sentences_of(doc)
    sentence_starts = [sentence.start_char for sentence in sentences]
    expressions = []
    for start, end in _candidate_spans(doc, text):
        index = max(0, bisect_right(sentence_starts, start) - 1)
        sentence_start = sentence_starts[index]
        sentence_text = text[sentence_start : sentences[index].end_char]
        future = future_tense_near(sentence_text, start - sentence_start, end - sentence_start)
        resolution = resolve(text[start:end], reference, future_tense=future)
        if resolution is None:
            continue
        expressions.append(
            TimeExpression(
                text[start:end],
                start,
                end,
                index,
                resolution.value,
                resolution.granularity,
                resolution.relative,
                resolution.note,
            )
        )
    return _anchor_to_previous_dates(expressions)


def _anchor_to_previous_dates(expressions: list[TimeExpression]) -> list[TimeExpression]:
    """Place "two days later", "the next day" against the date the text gave just before.

    "On 27 January 2014 Google and Samsung signed a deal. Two days later
    Google sold Motorola" means 29 January 2014. Only the adverbial forms are
    read ("later", "earlier", "the next day"): "a week after the court ruled"
    counts from a happening the text does not date. The anchor is the last
    placed date at most MAX_ANCHOR_SENTENCES sentences back, fine enough for
    the step ("days" need a day); with none, the expression stays unplaced.
    """
    anchored: list[TimeExpression] = []
    for expression in expressions:
        step = _anchored_step(expression)
        anchor = _anchor(anchored, expression, step[0]) if step else None  # steps chain: "the next day" after it
        if step is not None and anchor is not None:
            resolution = _step_from(anchor, *step)
            note = f"{NOTE_ANCHORED}: {anchor.text!r} (sentence {anchor.sentence})"
            expression = replace(expression, value=resolution.value, granularity=resolution.granularity, note=note)
        anchored.append(expression)
    return anchored


def _anchored_step(expression: TimeExpression) -> tuple[str, int] | None:
    """(unit, signed count) of "two days later" / "the previous day", or None for other forms."""
    if expression.value is not None or expression.note != NOTE_OTHER_EVENT:
        return None
    text = _normalise(expression.text)
    match = _COUNTED_STEP.match(text)
    if match:
        count = _count(match["count"])
        sign = -1 if match["direction"] == "earlier" else 1
        return (match["unit"], sign * count) if count else None
    match = _NAMED_STEP.match(text)
    return ("day", _NAMED_STEPS[match["which"]]) if match else None


def _anchor(earlier: list[TimeExpression], expression: TimeExpression, unit: str) -> TimeExpression | None:
    needed = _ANCHOR_GRANULARITIES[unit]
    for candidate in reversed(earlier):
        if expression.sentence - candidate.sentence > MAX_ANCHOR_SENTENCES:
            return None
        if candidate.value and candidate.granularity in needed and candidate.note != NOTE_FUTURE:
            return candidate
    return None


def _step_from(anchor: TimeExpression, unit: str, count: int) -> Resolution:
    start = period_start(anchor.value)
    if unit == "day":
        return _day(start + timedelta(days=count), relative=True)
    if unit == "week":
        return _day(start + timedelta(weeks=count), relative=True)
    if unit == "month":
        return _month(_add_months(start, count), relative=True)
    return _year(start.year + count, relative=True)


def resolve_again(expression: TimeExpression, reference: date, sentence: Sentence, note: str) -> TimeExpression:
    """A relative expression resolved against another reference date; others are returned as they are.

    `sentence` is the one holding it (its tense decides between the last and
    the next "Monday"); `note` says where the reference came from, unless the
    resolution has a note of its own (a plan, a vague span).
    """
    if not expression.relative:
        return expression
    start = expression.start - sentence.start
    future = future_tense_near(sentence.text, start, start + len(expression.text))
    result = resolve(expression.text, reference, future_tense=future)
    if result is None or result.value is None:
        return expression
    return replace(expression, value=result.value, granularity=result.granularity, note=result.note or note)


def future_tense_near(text: str, start: int, end: int) -> bool:
    """Whether a future modal ("will", "shall") governs `text[start:end]`.

    Without a parser, the cheap stand-in for the tense of the clause holding
    the expression: a modal earlier in its clause ("a deal that will keep him
    there until June 2016") or right after it ("in April the court will").
    """
    clause_start = max((match.end() for match in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    before = _WORDS.findall(text, clause_start, start)
    after = _WORDS.findall(text, end)[:FUTURE_WORDS_AFTER]
    return any(_FUTURE_MODAL.match(word) for word in before + after)


def _candidate_spans(doc: Doc, text: str) -> list[tuple[int, int]]:
    exact = [(match.start(), match.end()) for pattern in _TEXT_PATTERNS for match in pattern.finditer(text)]
    spans = list(exact)
    for entity in doc.ents:
        if entity.label_ not in _CANDIDATE_LABELS:
            continue
        start, end = entity.start_char, _entity_end(doc, entity.start, entity.end)
        inside = sum(1 for other_start, other_end in exact if other_start < end and start < other_end)
        if inside < 2:  # several full dates in one entity: the exact spans read them one by one
            spans.append((start, end))
    spans = _join_touching(text, _union_overlapping(spans))
    return _join_ranges(text, [part for span in spans for part in _split_enumeration(text, span)])


def _entity_end(doc: Doc, token_start: int, token_end: int) -> int:
    """Where a date entity really ends: the small model runs over a name ("15 August 2011 Google")
    and stops short of an anchor or a time zone ("a week" + "after", "1707" + "GMT")."""
    while token_end - token_start > 1 and _is_name_not_date(doc[token_end - 1]):
        token_end -= 1
    last = doc[token_end - 1]
    if token_end < len(doc):
        following = doc[token_end]
        anchored = following.lower_ in _ANCHOR_WORDS and _UNIT_WORD.match(last.lower_)
        if anchored or following.lower_ in _ZONE_WORDS:
            return following.idx + len(following)
    return last.idx + len(last)


def _is_name_not_date(token: Token) -> bool:
    word = token.lower_
    return token.pos == PROPN and word not in MONTHS and word not in WEEKDAYS and word not in _CLOCK_WORDS


def _union_overlapping(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _join_touching(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join spans separated by spaces only ("Monday" "evening"), and a weekday to its date ("Tuesday, Jan. 14")."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined:
            previous_start, previous_end = joined[-1]
            gap = text[previous_end:start]
            after_weekday = gap.strip(", ") == "" and _WEEKDAY_ALONE.match(text[previous_start:previous_end])
            if gap.strip(" ") == "" or after_weekday:
                joined[-1] = (previous_start, end)
                continue
        joined.append((start, end))
    return joined


def _split_enumeration(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """"December 2014 and June 2015" is two dates; "between 2004 and 2010" stays one range."""
    start, end = span
    if _opens_range(text, start):
        return [span]
    parts, cursor = [], start
    for match in _ENUMERATION.finditer(text, start, end):
        parts.append((cursor, match.start()))
        cursor = match.end()
    parts.append((cursor, end))
    return parts


def _join_ranges(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join "between" A "and" B into one span: a range is not two happenings."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _AND.fullmatch(text, joined[-1][1], start) and _opens_range(text, joined[-1][0]):
            first = joined[-1][0]
            opener = first - len(_RANGE_OPENER)
            if opener >= 0 and text[opener:first].lower() == _RANGE_OPENER:
                first = opener
            joined[-1] = (first, end)
        else:
            joined.append((start, end))
    return joined


def _opens_range(text: str, start: int) -> bool:
    """The span starts with "between", or follows it."""
    window = text[max(0, start - len(_RANGE_OPENER)) : start + len(_RANGE_OPENER)]
    return _RANGE_OPENER in window.lower()
