"""Ingest keeps every accepted article once, whatever the order, repetition or crashes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash

import currents
from conftest import write_article
from currents.config import DedupConfig
from currents.model import Article
from currents.text import dedup

WIRE_BODY = """The regional water board of Osterfeld approved a plan on Tuesday to build two reservoirs north of the city, ending a dispute that had stalled the project for almost a decade.
Board chair Miriam Okafor said the reservoirs would hold enough water for three dry summers and that construction would begin next spring.
Farmers in the valley had opposed earlier versions of the plan because they would have flooded grazing land, but the approved route avoids the pastures.
The cost is estimated at 140 million euros, shared between the national government and the region.
Environmental groups welcomed the decision but said they would watch how the rivers downstream are affected."""


def stored(app) -> list:
    return list(app.store.iter_articles())


def test_reingesting_the_same_files_adds_nothing(app, tmp_path):
    path = write_article(tmp_path, "water.txt", "Osterfeld approves reservoirs", WIRE_BODY)
    first = app.ingest([path])
    second = app.ingest([path])
    assert (first.accepted, first.duplicates) == (1, 0)
    assert (second.accepted, second.duplicates) == (0, 1)
    assert len(stored(app)) == 1


def test_same_url_is_one_article_with_every_copy(app, tmp_path):
    lines = [
        {"url": "https://news.example/water", "title": "Reservoirs approved", "text": WIRE_BODY, "source": "Example News"},
        {"url": "https://news.example/water", "title": "Reservoirs approved (updated)", "text": WIRE_BODY + " Update.", "source": "Example News"},
    ]
    feed = tmp_path / "lines.jsonl"
    feed.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    report = app.ingest([feed])
    assert (report.accepted, report.duplicates) == (1, 1)


def test_syndicated_copy_is_stored_once_with_both_outlets(app, tmp_path):
    original = write_article(tmp_path, "wire.txt", "Osterfeld approves reservoirs", WIRE_BODY)
    reprint = tmp_path / "reprint.jsonl"
    reprint.write_text(
        json.dumps(
            {
                "url": "https://valley-courier.example/2024/water",
                "title": "Valley Courier: water board says yes to reservoirs",
                "text": "OSTERFELD -\n" + WIRE_BODY + "\nRead more stories from the valley on our homepage.",
                "source": "Valley Courier",
            }
        ),
        encoding="utf-8",
    )
    report = app.ingest([original, reprint])
    assert (report.accepted, report.duplicates) == (1, 1)
    (article,) = stored(app)
    assert "https://valley-courier.example/2024/water" in article.urls
    assert "Valley Courier" in {copy.source for copy in article.copies}


def test_different_articles_on_one_topic_are_not_merged(app, tmp_path):
    other = WIRE_BODY.replace("approved a plan on Tuesday to build", "rejected on Tuesday a proposal for").replace(
        "Board chair Miriam Okafor said", "Critics said"
    )
    other = " ".join(other.split()[:40]) + " The board will vote again in the autumn after hearing from farmers, engineers and the city."
    write_article(tmp_path, "a.txt", "Osterfeld approves reservoirs", WIRE_BODY)
    write_article(tmp_path, "b.txt", "Osterfeld board rejects reservoir plan", other)
    report = app.ingest([tmp_path])
    assert report.accepted == 2


def test_signatures_are_datasketch_minhashes_so_articles_stored_earlier_are_still_found():
    config = DedupConfig()
    words = " ".join(dedup.normalise(WIRE_BODY)).encode("utf-8").split(b" ")
    expected = MinHash(num_perm=config.num_perm, seed=1, hashfunc=int, scheme="affine32")
    expected.update_batch(dedup._shingle_hashes(words, config.shingle_words).tolist())
    signature = dedup.fingerprint(Article(title="Reservoirs", text=WIRE_BODY), config).signature
    assert np.frombuffer(signature, dtype=np.uint64).tolist() == expected.hashvalues.tolist()


def test_worker_processes_store_and_report_exactly_what_one_process_does(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(12):
        meeting = n % 11  # the last file repeats the first one's body under another headline
        body = (
            f"Meeting {meeting} of the Osterfeld council discussed item {meeting * 7} and item {meeting * 13} "
            f"at length. Councillor number {meeting % 17} proposed motion {meeting} about road {meeting * 3}, "
            f"which passed after a debate on budget line {meeting * 11}."
        )
        write_article(folder, f"{n:02d}.txt", f"Council meeting story {n}", body)
    (folder / "empty.txt").write_bytes(b"")
    lines = [
        {"url": f"https://news.example/{n}", "title": f"Line {n}", "text": WIRE_BODY + f" Line {n}."} for n in range(3)
    ]
    (folder / "lines.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n{broken\n", encoding="utf-8")

    def ingest(db: Path, **overrides) -> tuple:
        events, rejected = [], []
        with currents.open(db, **overrides) as app:
            report = app.ingest([folder], progress=lambda *event: events.append(event), on_rejection=rejected.append)
            stored = [(a.id, a.title, [c.file for c in a.copies]) for a in app.store.iter_articles()]
        return report.summary(), report.rejected, rejected, events, stored

    one = ingest(tmp_path / "one.db", ingest__processes=1)
    workers = ingest(tmp_path / "workers.db", ingest__processes=2, ingest__parallel_min_bytes=0)
    assert workers == one
    assert one[0] == "12 accepted, 3 duplicates, 2 rejected"


CHILD = """
import sys, currents
with currents.open(sys.argv[1], ingest__batch_size=5) as app:
    def stored(stage, done, total, path):
        if stage == "reading":
            print("stored", path, flush=True)
    app.ingest([sys.argv[2]], progress=stored)
"""


def test_kill_9_loses_nothing_reported_and_rerun_completes(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(400):
        write_article(
            folder,
            f"{n:04d}.txt",
            f"Council meeting number {n} in Osterfeld",
            f"Meeting {n} of the Osterfeld council discussed item {n * 7} and item {n * 13} at length. "
            f"Councillor number {n % 17} proposed motion {n} about road {n * 3}, which passed after a debate on budget line {n * 11}.",
        )
    db = tmp_path / "crash.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(folder)], stdout=subprocess.PIPE, text=True
    )
    reported = []
    deadline = time.monotonic() + 120
    while len(reported) < 60 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        reported.append(line.split(" ", 1)[1].strip())
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert len(reported) >= 60, "the child stopped before it stored 60 files"

    with sqlite3.connect(db) as connection:
        files = {row[0] for row in connection.execute("SELECT file FROM articles")}
        # Each batch is indexed for search in the transaction that stores it: no committed article is missing.
        searchable = connection.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'osterfeld'")
        assert searchable.fetchone()[0] == len(files)
    assert set(reported) <= files
    assert len(files) < 400, "the run finished before it was killed: the test proves nothing"

    with currents.open(db) as app:
        report = app.ingest([folder])
        assert report.accepted + report.duplicates == 400
        assert report.duplicates == len(files)
        assert app.store.count_articles() == 400
