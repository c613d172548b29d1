"""Each item's nearest items by sentence embedding, among those within reach in time.

Candidate groups for an item come from an inverted index over terms and entities; two headlines
that report one happening in different words share neither, so each item also brings the groups
of its nearest items by embedding. Those are found with blocks of matrix products over items
sorted by day, each block compared only with the items whose days can be within `window` of its
own, so the work grows with how many items are near in time, not with all pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from currents.cluster.features import Features, dated_closely

# Rows compared per matrix product: large enough for BLAS, small enough to bound memory.
_BLOCK = 512


def semantic_neighbours(
    items: Sequence[Features], count: int, floor: float, window: int | None
) -> dict[str, list[str]]:
    """Up to `count` items most similar to each item (cosine at least `floor`), most similar first.

    With a `window`, only dated items whose span is at most `window` days take part (an article dated
    only to a month could be near anything that month), and two items are within reach when their
    spans are at most `window` days apart, as the grouping's own window check reads it.
    """
    if count <= 0:
        return {}
    chosen = sorted(_eligible(items, window), key=lambda f: f.sort_key)
    if len(chosen) < 2:
        return {}
    vectors = np.stack([f.embedding for f in chosen])
    first = np.array([f.first_day if window is not None else 0 for f in chosen], dtype=np.int64)
    last = np.array([f.last_day if window is not None else 0 for f in chosen], dtype=np.int64)
    neighbours: dict[str, list[str]] = {}
    for start in range(0, len(chosen), _BLOCK):
        stop = min(start + _BLOCK, len(chosen))
        low, high = _partners(first, last, start, stop, window)
        similar = vectors[start:stop] @ vectors[low:high].T
        if window is not None:
            gap = np.maximum(first[low:high][None, :] - last[start:stop, None], first[start:stop, None] - last[low:high][None, :])
            similar[gap > window] = -np.inf
        for row in range(stop - start):
            own = start + row - low
            if 0 <= own < high - low:
                similar[row, own] = -np.inf
            neighbours[chosen[start + row].id] = [chosen[low + j].id for j in _top(similar[row], count, floor)]
    return neighbours


def _eligible(items: Sequence[Features], window: int | None) -> list[Features]:
    return [f for f in items if f.embedding is not None and dated_closely(f, window)]


def _partners(first: np.ndarray, last: np.ndarray, start: int, stop: int, window: int | None) -> tuple[int, int]:
    """The range of items (sorted by first day) that can be within reach of rows `start:stop`."""
    if window is None:
        return 0, len(first)
    # Spans are at most `window` long, so a partner's first day is at least this.
    low = int(np.searchsorted(first, first[start] - 2 * window, side="left"))
    high = int(np.searchsorted(first, last[start:stop].max() + window, side="right"))
    return low, high


def _top(similar: np.ndarray, count: int, floor: float) -> list[int]:
    """Positions of the `count` highest values at or above `floor`, highest first (ties: lower position)."""
    above = np.flatnonzero(similar >= floor)
    if len(above) > count:
        above = above[np.argpartition(-similar[above], count - 1)[:count]]
    return sorted(above.tolist(), key=lambda j: (-similar[j], j))
