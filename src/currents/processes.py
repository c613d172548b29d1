"""Pools of worker processes, started from a fork server where the platform has one.

Three stages use both cores through worker processes: reading inputs, analysing articles and
writing the site. Forking the caller is unsafe (it holds SQLite connections and perhaps a progress
bar's thread), and spawning is slow: every worker imports its modules again, and the analysis
workers' spaCy pulls in torch, seconds each. A fork server is a clean process that imports the
named modules once; each worker is a fork of it, and later pools of the same process reuse it. The
server keeps the modules it started with, so the first pool of a process names every module its
later pools' workers will need (an ingest that will analyse what it reads names the analysis
module when it starts its readers).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor


def worker_pool(processes: int, preload: Sequence[str]) -> ProcessPoolExecutor:
    """A pool of `processes` workers that start with the modules `preload` names already imported."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
    else:  # Windows: each worker imports what it needs itself
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(processes, mp_context=context)
