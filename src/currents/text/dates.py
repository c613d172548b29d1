"""Parse the publication dates readers find, without ever inventing a part of one."""

from __future__ import annotations

from datetime import datetime

from dateutil import parser as dateutil_parser

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
    try:
        first = dateutil_parser.parse(text, default=_SENTINEL_A)
        second = dateutil_parser.parse(text, default=_SENTINEL_B)
    except (ValueError, OverflowError):
        return None
    if first.date() != second.date():
        return None
    return first
