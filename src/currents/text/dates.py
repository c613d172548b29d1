"""Parse the publication dates readers find, without ever inventing a part of one."""

from __future__ import annotations

import warnings
from datetime import datetime

from dateutil import parser as dateutil_parser

# "2016-11-17": shorter ISO forms ("2016-11", "2016") lack a day and must not parse as full dates.
_ISO_DAY_LENGTH = 10
_SENTINEL_A = datetime(1900, 1, 1)
# Eight days later in its month than A: a weekday without a day ("Thursday, March 2016") moves
# dateutil's default day forward to that weekday, to days 1-7 from A and 9-15 from B, so the two
# parses disagree instead of agreeing on an invented day.
_SENTINEL_B = datetime(1904, 2, 9)
# The days a weekday can give from A's day 1.
_FIRST_WEEK_DAYS = 7


def parse_datetime(value: str | None) -> datetime | None:
    """A full date (with time when given) from `value`, or None.

    A value that lacks its year, month or day ("November 2016", "Thursday")
    gives None: dateutil would fill the gap from a default, and that default
    would be an invented date. We parse twice with different defaults and
    accept only what both agree on.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    if len(text) >= _ISO_DAY_LENGTH:
        try:
            # The common case (JSON Lines, feeds, meta tags) is ISO 8601, and this is 70x faster.
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    try:
        with warnings.catch_warnings():
            # Unknown zone names ("EST") are dropped, not guessed; dateutil's warning says the same to stderr.
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            first = dateutil_parser.parse(text, default=_SENTINEL_A)
            if _all_parts_stated(first):
                return first
            second = dateutil_parser.parse(text, default=_SENTINEL_B)
    except (ValueError, OverflowError):
        return None
    if first.date() != second.date():
        return None
    return first


def _all_parts_stated(parsed: datetime) -> bool:
    """The first parse's year, month and day cannot have come from its default, so the value stated them.

    A missing part takes the default's value, or for a day a weekday's (1-7), so the second parse
    would agree: it is skipped, which halves the cost for most full dates.
    """
    return (
        parsed.year != _SENTINEL_A.year
        and parsed.month != _SENTINEL_A.month
        and parsed.day > _FIRST_WEEK_DAYS
    )
