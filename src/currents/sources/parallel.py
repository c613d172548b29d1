"""Read inputs in worker processes while the caller stores what the earlier ones held.

Reading, cleaning and fingerprinting articles take most of an ingest and need
no store; storing needs the one SQLite connection. With workers doing the
first while the main process does the second, a two-core machine does both at
once.

Workers come from a fork server (`currents.processes`), which imports the
readers once per process, on the first pool, which takes about a second: the
caller keeps small ingests to itself. Inputs go out in chunks of about
`_CHUNK_BYTES` (a task per small file would cost more than the file) and come
back in their order, with at most `_CHUNKS_AHEAD` chunks per worker read ahead
of the caller, so memory stays bounded however many inputs there are. An
exception in a worker is raised in the caller, as it would have been without
workers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from currents.processes import worker_pool
from currents.sources import Input

R = TypeVar("R")

_CHUNK_BYTES = 256 * 1024
_CHUNKS_AHEAD = 2


def map_inputs(
    work: Callable[..., Iterable[R]],
    inputs: list[Input],
    processes: int,
    *args: Any,
    preload: Sequence[str] = (),
) -> Iterator[tuple[Input, list[R]]]:
    """Each input with all that `work(input, *args)` gives for it, computed by `processes` workers, in input order.

    `work` must be a module-level function (workers import it by name); `preload` names further
    modules that later worker pools of this process will need (see `currents.processes`).
    """
    pool = worker_pool(processes, [work.__module__, *preload])
    pending: deque[tuple[list[Input], Future[list[list[R]]]]] = deque()
    try:
        for chunk in _chunks(inputs):
            pending.append((chunk, pool.submit(_work_on_chunk, work, chunk, args)))
            if len(pending) > processes * _CHUNKS_AHEAD:
                yield from _results(*pending.popleft())
        while pending:
            yield from _results(*pending.popleft())
    finally:
        pool.shutdown(cancel_futures=True)


def _chunks(inputs: list[Input]) -> Iterator[list[Input]]:
    """Consecutive inputs, grouped until a group holds `_CHUNK_BYTES`."""
    chunk: list[Input] = []
    size = 0
    for item in inputs:
        chunk.append(item)
        size += item.size or 0
        if size >= _CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _work_on_chunk(work: Callable[..., Iterable[R]], chunk: list[Input], args: tuple[Any, ...]) -> list[list[R]]:
    return [list(work(item, *args)) for item in chunk]


def _results(chunk: list[Input], done: Future[list[list[R]]]) -> Iterator[tuple[Input, list[R]]]:
    yield from zip(chunk, done.result())
