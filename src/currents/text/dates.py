"""Parse the publication dates readers find, without ever inventing a part of one."""

from __future__ import annotations

import warnings
from datetime import datetime

from dateutil import parser as dateutil_parser

# "2016-11-17": shorter ISO forms ("2016-11", "2016") lack a day and must not parse as full dates.
_ISO_DAY_LENGTH = 10
_SENTINEL_A = datetime(1900, 1, 1)
_SENTINEL_B = datetime(1904, 2, 2)


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
            second = dateutil_parser.parse(text, default=_SENTINEL_B)
    except (ValueError, OverflowError):
        return None
    if first.date() != second.date():
        return None
    return first
