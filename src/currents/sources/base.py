"""What every reader shares: its signature and the error it raises.

A reader is a function `read(data: bytes, path: str) -> Iterator[Article | Rejection]`.
It raises `Unreadable` when the whole input is unusable (the caller reports
the path and reason and moves on), and yields a `Rejection` for one bad record
inside an otherwise good input (a JSON line, a WARC record), so the other
records still get stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from currents.errors import Unreadable
from currents.model import Article, Rejection

Reader = Callable[[bytes, str], Iterator[Article | Rejection]]

__all__ = ["Reader", "Unreadable"]
