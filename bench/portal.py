"""Benchmark of the portal: page and API latency under `currents serve`, and the static build's time.

1. A store of 100,000 headline-only articles (the seeded generator of bench/cluster.py's --scale),
   ingested with `currents.open(db).ingest(...)` in steps of 5,000, understanding and clustering on,
   as a user would. It is cached under --workdir and reused by later runs. The first step that
   leaves at least 10,000 events in the store is also copied aside for the build timing.
2. `currents serve` in a subprocess on a free loopback port; from this process, over one keep-alive
   connection, a warm-up and then a few hundred requests per kind of URL (pages and API calls, each
   kind cycling over different ids drawn from the store), interleaved so that a noisy moment on the
   shared machine falls on every kind alike. Prints median and p99 latency per kind (goal: p99 < 100 ms).
3. `currents build` of the static site from the 10,000-event store, timed as a whole (goal: < 2 min).

Run: .venv/bin/python bench/portal.py --workdir DIR [--requests 300] [--articles 100000]
Building the store takes about an hour on the two shared cores; later runs with the same --workdir
reuse it and take a few minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import currents

ARTICLES = 100_000
STEP = 5_000
BUILD_EVENTS = 10_000
REQUESTS = 300
WARM_UP = 20
# Requests of one kind in a row, between the server CPU readings around them.
BLOCK = 10
SEED = 20240601
GOAL_P99_MS = 100.0
GOAL_BUILD_SECONDS = 120.0
SERVER_START_SECONDS = 120.0
# A record of what the cached store holds, written last: a store without it was not finished.
MANIFEST = "manifest.json"
# How many events the build store holds, written when it is copied aside.
BUILD_NOTE = "build.json"


@dataclass(frozen=True)
class Stores:
    full: Path
    build: Path
    articles: int


# -- the stores --------------------------------------------------------------------------------
def prepare_stores(folder: Path, articles: int, build_events: int) -> Stores:
    """The cached stores in `folder`: reused when finished, else built (or an interrupted build resumed)."""
    manifest = folder / MANIFEST
    if manifest.exists():
        record = json.loads(manifest.read_text(encoding="utf-8"))
        print(f"store: reusing {folder.name} ({record['articles']:,} articles; build store: {record['build_events']:,} events)")
        return Stores(folder / record["full"], folder / record["build"], articles)
    (folder / "input").mkdir(parents=True, exist_ok=True)
    return build_stores(folder, articles, build_events)


def build_stores(folder: Path, articles: int, build_events: int) -> Stores:
    """Ingest the articles step by step; steps already in the store add nothing (their URLs are known)."""
    # Imported here, not at the top: the ingest's spawned workers re-import this script, and need none of it.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from cluster import synthetic_headlines  # the seeded generator bench/cluster.py's --scale uses

    records = [record for record, _event in synthetic_headlines(articles)]
    full, build, note = folder / "full.db", folder / "build.db", folder / BUILD_NOTE
    snapshot_events = json.loads(note.read_text(encoding="utf-8"))["events"] if note.exists() else 0
    started = time.perf_counter()
    with currents.open(full) as app:
        for number, start in enumerate(range(0, len(records), STEP)):
            path = folder / "input" / f"step{number:02d}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records[start : start + STEP]), encoding="utf-8")
            report = app.ingest([path])
            events = app.store.count_events()
            print(
                f"store: step {number + 1}: {min(start + STEP, len(records)):,} articles in,"
                f" {report.accepted:,} accepted,"
                f" {len(report.rejected)} rejected, {events:,} events, {time.perf_counter() - started:.0f} s",
                flush=True,
            )
            if not snapshot_events and events >= build_events:
                snapshot_events = snapshot(full, build, note)
    if not snapshot_events:
        snapshot_events = snapshot(full, build, note)
    record = {"articles": articles, "full": full.name, "build": build.name, "build_events": snapshot_events}
    (folder / MANIFEST).write_text(json.dumps(record), encoding="utf-8")
    return Stores(full, build, articles)


def snapshot(source: Path, target: Path, note: Path) -> int:
    """Copy the live store aside (WAL included, through SQLite's backup API); returns its events."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    events = count(target, "events")
    note.write_text(json.dumps({"events": events}), encoding="utf-8")
    return events


# -- what to ask for ---------------------------------------------------------------------------
def sample_urls(db: Path, count: int) -> dict[str, list[str]]:
    """For each kind of URL, `count` URLs over different ids drawn (seeded) from the store."""
    rng = random.Random(SEED)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:

        def ids(sql: str) -> list[str]:
            found = [row[0] for row in connection.execute(sql)]
            return [rng.choice(found) for _ in range(count)]

        events = ids("SELECT id FROM events")
        days = ids("SELECT DISTINCT date FROM events WHERE granularity = 'day'")
        entities = ids("SELECT DISTINCT entity_id FROM event_entities")
        stories = ids("SELECT id FROM stories")
        sources = ids("SELECT id FROM sources")
        words = [query_words(headline) for headline in ids("SELECT headline FROM events")]
    return {
        "home": ["/"] * count,
        "day": [f"/{day.replace('-', '/')}/" for day in days],
        "event": [f"/events/{i}.html" for i in events],
        "entity": [f"/entities/{i}.html" for i in entities],
        "story": [f"/stories/{i}.html" for i in stories],
        "source": [f"/sources/{i}.html" for i in sources],
        "search": [f"/search/?q={w}" for w in words],
        "api events": [f"/api/events?limit=50&offset={rng.randrange(200)}" for _ in range(count)],
        "api event": [f"/api/events/{i}" for i in events],
        "api entities": [f"/api/entities?offset={rng.randrange(200)}" for _ in range(count)],
        "api search": [f"/api/search?q={w}" for w in words],
    }


def query_words(headline: str) -> str:
    """Two words of a headline, as a reader would type them (URL-safe: letters only)."""
    words = ["".join(ch for ch in word if ch.isalpha()) for word in headline.split()]
    return "+".join([w for w in words if len(w) > 3][:2] or ["news"])


# -- the server --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    """`currents serve` in its own process, once it answers."""
    command = [sys.executable, "-m", "currents", "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"currents serve exited with status {server.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"currents serve did not answer within {SERVER_START_SECONDS:.0f} s; see {log}")


def timed_get(connection: http.client.HTTPConnection, url: str) -> tuple[float, int]:
    """Seconds until the whole answer to GET `url` was read, and its size; any status but 200 stops the run."""
    started = time.perf_counter()
    connection.request("GET", url)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        sys.exit(f"GET {url} answered {response.status}: {body[:200]!r}")
    return elapsed, len(body)


@dataclass
class Timings:
    """One kind of URL: each request's seconds and bytes, and the server's CPU seconds spent on them all."""

    samples: list[tuple[float, int]] = field(default_factory=list)
    server_cpu: float = 0.0


def measure(port: int, server_pid: int, urls: dict[str, list[str]], warm_up: int) -> dict[str, Timings]:
    """Latency and size of every URL after `warm_up` requests of each kind.

    Kinds take turns in blocks of BLOCK requests, so a noisy moment on the shared machine falls on
    every kind alike; the server's CPU time is read around each block, which no other load inflates.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for kind_urls in urls.values():
        for url in kind_urls[:warm_up]:
            timed_get(connection, url)
    timings = {kind: Timings() for kind in urls}
    for start in range(0, max(len(u) for u in urls.values()), BLOCK):
        for kind, kind_urls in urls.items():
            cpu = cpu_seconds(server_pid)
            for url in kind_urls[start : start + BLOCK]:
                timings[kind].samples.append(timed_get(connection, url))
            timings[kind].server_cpu += cpu_seconds(server_pid) - cpu
    connection.close()
    return timings


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (Linux /proc; in clock ticks of 10 ms)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_latency(timings: dict[str, Timings], urls: dict[str, list[str]]) -> bool:
    print(
        f"\n{'kind':<13} {'requests':>8} {'median ms':>10} {'p99 ms':>8} {'max ms':>8} {'server CPU ms':>14} {'KB':>6}"
        f"  goal p99 < {GOAL_P99_MS:.0f} ms  example"
    )
    passed = True
    for kind, timing in timings.items():
        ms = [seconds * 1000 for seconds, _size in timing.samples]
        p99 = statistics.quantiles(ms, n=100, method="inclusive")[98]
        ok = p99 < GOAL_P99_MS
        passed &= ok
        size = statistics.mean(size for _seconds, size in timing.samples) / 1024
        cpu = timing.server_cpu * 1000 / len(ms)
        print(
            f"{kind:<13} {len(ms):>8} {statistics.median(ms):>10.1f} {p99:>8.1f} {max(ms):>8.1f}"
            f" {cpu:>14.1f} {size:>6.1f}"
            f"  {'PASS' if ok else 'FAIL':<18} {urls[kind][0]}"
        )
    print("server CPU ms: the server process's CPU time per request (mean); other load on the machine does not inflate it")
    return passed


def run_latency(stores: Stores, folder: Path, requests: int) -> bool:
    urls = sample_urls(stores.full, requests)
    port = free_port()
    server = start_server(stores.full, port, folder / "serve.log")
    try:
        timings = measure(port, server.pid, urls, WARM_UP)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"serve: {stores.articles:,} articles, {count(stores.full, 'events'):,} events, on 127.0.0.1:{port}")
    return print_latency(timings, urls)


# -- the static build --------------------------------------------------------------------------
def run_build(stores: Stores, folder: Path) -> bool:
    """Time `currents build` over the build store, and count what it wrote."""
    out = folder / "site"
    command = [sys.executable, "-m", "currents", "build", "--db", str(stores.build), "--out", str(out)]
    cpu = children_cpu_seconds()
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu
    if result.returncode != 0:
        sys.exit(f"currents build failed ({result.returncode}): {result.stderr[-2000:]}")
    events = count(stores.build, "events")
    files = [p for p in out.rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.suffix in {".html", ".json", ".xml", ".md", ".atom"})
    megabytes = sum(p.stat().st_size for p in files) / 1024**2
    ok = seconds < GOAL_BUILD_SECONDS and events >= BUILD_EVENTS
    print(
        f"\nbuild: {events:,} events, {count(stores.build, 'articles'):,} articles: {pages:,} pages"
        f" ({len(files):,} files, {megabytes:.0f} MB) in {seconds:.1f} s (CPU {cpu:.1f} s, all its processes)"
        f" (goal < {GOAL_BUILD_SECONDS:.0f} s with >= {BUILD_EVENTS:,} events) {'PASS' if ok else 'FAIL'}"
    )
    shutil.rmtree(out, ignore_errors=True)
    return ok


def children_cpu_seconds() -> float:
    """CPU time of the finished child processes (and the processes they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def count(db: Path, table: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- main --------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="keeps the stores between runs (else a temporary folder)")
    parser.add_argument("--articles", type=int, default=ARTICLES, help=f"store size (default {ARTICLES:,})")
    parser.add_argument("--requests", type=int, default=REQUESTS, help=f"timed requests per kind (default {REQUESTS})")
    parser.add_argument("--skip", choices=("serve", "build"), action="append", default=[], help="leave a part out")
    args = parser.parse_args()
    print(f"load average {load()} at start")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as scratch:
        folder = (args.workdir or Path(scratch)) / f"portal-{args.articles}"
        stores = prepare_stores(folder, args.articles, BUILD_EVENTS)
        parts: list[Callable[[], bool]] = []
        if "serve" not in args.skip:
            parts.append(lambda: run_latency(stores, folder, args.requests))
        if "build" not in args.skip:
            parts.append(lambda: run_build(stores, folder))
        passed = all([part() for part in parts])
    print(f"\nload average {load()} at end; wall time {time.perf_counter() - started:.0f} s")
    return 0 if passed else 1


def load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg()) + " (1 / 5 / 15 min)"


if __name__ == "__main__":
    sys.exit(main())
