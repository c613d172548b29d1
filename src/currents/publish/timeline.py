"""Where things go on an SVG timeline: plain numbers for a template to draw.

A date cut to a month or a year is placed at the start of its period and
drawn hollow, so "2016" never looks like a precise day. Events sit above the
axis and dated background facts below it; marks that would touch move out to
another row instead of overlapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

WIDTH = 720
MARGIN = 24
AXIS_Y = 88
ROW_STEP = 14
ROWS_PER_SIDE = 4
HEIGHT = AXIS_Y * 2
# Marks closer than this (in SVG units) share a row only if they do not touch.
MARK_GAP = 10
# Aim for about this many labelled ticks, whatever the span.
TICKS_WANTED = 8


@dataclass(frozen=True)
class Moment:
    """A dated thing to place: an ISO date cut to its granularity, its kind ("event" or "fact")."""

    value: str
    kind: str
    label: str
    anchor: str


def timeline(moments: list[Moment]) -> dict[str, Any] | None:
    """The drawing of `moments` (ticks along the axis, one mark each), or None when none is dated."""
    if not moments:
        return None
    ordinals = [start_of(m.value).toordinal() for m in moments]
    first, last = min(ordinals), max(ordinals)
    span = max(last - first, 1)

    def x_of(ordinal: int) -> float:
        return round(MARGIN + (ordinal - first) / span * (WIDTH - 2 * MARGIN), 1) if last > first else WIDTH / 2

    return {
        "width": WIDTH,
        "height": HEIGHT,
        "axis_y": AXIS_Y,
        "ticks": [{"x": x_of(d.toordinal()), "label": label} for d, label in _ticks(first, last)],
        "marks": _marks(moments, [x_of(o) for o in ordinals]),
    }


def start_of(value: str) -> date:
    """The first day of the period an ISO date names ("2016" is 1 January 2016)."""
    parts = [int(part) for part in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _marks(moments: list[Moment], xs: list[float]) -> list[dict[str, Any]]:
    last_x_in_row: dict[tuple[str, int], float] = {}
    marks = []
    for moment, x in sorted(zip(moments, xs), key=lambda pair: pair[1]):
        row = next(
            (r for r in range(ROWS_PER_SIDE) if x - last_x_in_row.get((moment.kind, r), -MARK_GAP) >= MARK_GAP),
            ROWS_PER_SIDE - 1,
        )
        last_x_in_row[(moment.kind, row)] = x
        offset = ROW_STEP * (row + 1)
        marks.append(
            {
                "x": x,
                "y": AXIS_Y - offset if moment.kind == "event" else AXIS_Y + offset,
                "kind": moment.kind,
                "exact": moment.value.count("-") == 2,
                "label": moment.label,
                "anchor": moment.anchor,
            }
        )
    return marks


def _ticks(first: int, last: int) -> list[tuple[date, str]]:
    """Year ticks over a long span, month ticks over a short one, thinned to about TICKS_WANTED."""
    start, end = date.fromordinal(first), date.fromordinal(last)
    years = list(range(start.year + (start != date(start.year, 1, 1)), end.year + 1))
    if len(years) >= 2:
        step = max(1, len(years) // TICKS_WANTED)
        return [(date(year, 1, 1), str(year)) for year in years[::step]]
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    step = max(1, len(months) // TICKS_WANTED)
    return [(d, f"{d:%b %Y}") for d in months[::step] if first <= d.toordinal() <= last] or [(start, f"{start:%d %b %Y}")]
