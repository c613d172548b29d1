"""Bad inputs are reported (path and reason) and never stop the good files of the same run."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from pathlib import Path

import pytest

import currents
from currents.model import Article, Rejection
from currents.sources import feed, warc
from test_readers import PARAGRAPHS, news_page, page, write_warc

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa" * 4

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>"""
# Parsing it naively would build gigabytes of "lol"; refusing it must stay far below that.
BOMB_SECONDS = 5
BOMB_PEAK_BYTES = 50 * 1024 * 1024

GOOD_LINES = [
    {"url": "https://gazette.example/pier", "title": "Pier closes", "text": PARAGRAPHS[0], "source": "Gazette"},
    {"url": "https://gazette.example/fares", "title": "Ferry fares rise", "source": "Gazette"},
]


def write_good_jsonl(folder: Path) -> Path:
    path = folder / "good.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in GOOD_LINES), encoding="utf-8")
    return path


def warc_with_a_broken_middle_record(path: Path) -> Path:
    """Three pages in a plain .warc; the second response's header line is overwritten with garbage."""
    write_warc(
        path,
        [(f"https://crawl.example/{n}", news_page(n), "200 OK", "text/html") for n in (1, 2, 3)],
        compress=False,
    )
    data = path.read_bytes()
    second_response = data.rfind(b"WARC/1.0\r\n", 0, data.index(b"WARC-Target-URI: https://crawl.example/2"))
    second_response = data.find(b"WARC/1.0\r\n", second_response + 1)  # past the request, to the response
    broken = bytearray(data)
    broken[second_response : second_response + 8] = b"XXXX/1.0"
    path.write_bytes(bytes(broken))
    return path


def ingest(tmp_path: Path, paths: list[Path], **overrides) -> tuple[currents.IngestReport, list[Article]]:
    with currents.open(tmp_path / "store.db", **overrides) as app:
        report = app.ingest(paths)
        return report, list(app.store.iter_articles())


def reasons_by_file(report) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rejection in report.rejected:
        found.setdefault(Path(rejection.path).name, []).append(rejection.reason)
    return found


def test_a_folder_of_bad_files_is_reported_file_by_file_and_the_good_file_is_stored(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_good_jsonl(folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.txt").write_bytes(PNG)
    compressed = gzip.compress(" ".join(f"harbour report {n}" for n in range(2000)).encode())
    (folder / "cut.txt.gz").write_bytes(compressed[: len(compressed) // 2])
    (folder / "blank.html").write_text("<html><head><title>App</title></head><body><div id='root'></div></body></html>")
    (folder / "laughs.rss").write_text(BILLION_LAUGHS)
    (folder / "lines.jsonl").write_text('{"title": "Fine line", "text": "Fine text."}\n{broken\n')
    warc_with_a_broken_middle_record(folder / "crawl.warc")

    report, stored = ingest(tmp_path, [folder])

    reasons = reasons_by_file(report)
    assert reasons["empty.txt"] == ["empty input"]
    assert reasons["picture.txt"] == ["binary content, not text"]
    assert reasons["cut.txt.gz"][0].startswith("broken gzip data")
    assert reasons["blank.html"] == ["HTML page without article text"]
    assert reasons["laughs.rss"] == ["feed declares XML entities (possible entity-expansion attack); refused"]
    assert reasons["lines.jsonl"][0].startswith("invalid JSON")
    assert reasons["crawl.warc"][0].startswith("broken WARC record")
    assert set(reasons) == {
        "empty.txt", "picture.txt", "cut.txt.gz", "blank.html", "laughs.rss", "lines.jsonl", "crawl.warc"
    }
    titles = {article.title for article in stored}
    assert {"Pier closes", "Ferry fares rise", "Fine line"} <= titles
    assert {"Crawled story number 1 about the harbour", "Crawled story number 3 about the harbour"} <= titles
    assert "Crawled story number 2 about the harbour" not in titles


def test_file_over_the_size_limit_is_rejected_and_the_small_one_stored(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"title": "Too big", "text": "word " * 500}), encoding="utf-8")
    good = write_good_jsonl(tmp_path)
    report, stored = ingest(tmp_path, [big, good], ingest__max_file_bytes=1000)
    (rejection,) = report.rejected
    assert rejection.path == str(big)
    assert "over the 1,000-byte limit" in rejection.reason
    assert {a.title for a in stored} == {"Pier closes", "Ferry fares rise"}


def test_jsonl_bad_line_is_rejected_alone(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join([json.dumps(GOOD_LINES[0]), '{"title": ', json.dumps(GOOD_LINES[1])]), encoding="utf-8"
    )
    report, stored = ingest(tmp_path, [path])
    assert [(r.path, r.part) for r in report.rejected] == [(str(path), "line 2")]
    assert report.accepted == 2
    assert len(stored) == 2


def test_billion_laughs_feed_is_refused_quickly_without_expanding(tmp_path):
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(currents.errors.Unreadable, match="entity-expansion"):
        list(feed.read(BILLION_LAUGHS.encode(), "laughs.rss"))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < BOMB_SECONDS
    assert peak < BOMB_PEAK_BYTES


def test_html_without_text_is_rejected_with_its_path(tmp_path):
    blank = tmp_path / "blank.html"
    blank.write_text(
        "<html><head><title>Loading</title></head><body><div id='root'></div><script>start()</script></body></html>",
        encoding="utf-8",
    )
    good = tmp_path / "good.html"
    good.write_text(page(), encoding="utf-8")
    report, stored = ingest(tmp_path, [blank, good])
    assert report.rejected == [Rejection(str(blank), "HTML page without article text")]
    assert [a.title for a in stored] == ["Lindqvist closes ferry pier for summer repairs"]


def gz_warc(tmp_path: Path) -> bytes:
    path = write_warc(
        tmp_path / "crawl.warc.gz",
        [(f"https://crawl.example/{n}", news_page(n), "200 OK", "text/html") for n in (1, 2, 3)],
    )
    return path.read_bytes()


def test_gzipped_warc_with_a_corrupt_member_keeps_the_records_before_and_after(tmp_path):
    data = bytearray(gz_warc(tmp_path))
    members = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08", i)]
    # Members: warcinfo, then request + response per page; damage the second page's response.
    second_response = members[4]
    data[second_response + 20 : second_response + 60] = b"\xff" * 40
    results = list(warc.read(bytes(data), "crawl.warc.gz"))
    urls = [r.url for r in results if isinstance(r, Article)]
    assert urls == ["https://crawl.example/1", "https://crawl.example/3"]
    (rejection,) = [r for r in results if isinstance(r, Rejection)]
    assert rejection.part == f"record 5 at byte {second_response:,}"
    assert rejection.reason.startswith("broken WARC record, skipped")


def test_truncated_gzipped_warc_keeps_every_record_before_the_cut(tmp_path):
    data = gz_warc(tmp_path)
    cut = data[: len(data) - 300]
    results = list(warc.read(cut, "crawl.warc.gz"))
    assert [r.url for r in results if isinstance(r, Article)] == ["https://crawl.example/1", "https://crawl.example/2"]
    (rejection,) = [r for r in results if isinstance(r, Rejection)]
    assert "truncated" in rejection.reason
    assert rejection.part.startswith("record 7")


def test_truncated_single_stream_gzip_warc_keeps_what_came_before(tmp_path):
    plain = write_warc(
        tmp_path / "plain.warc",
        [(f"https://crawl.example/{n}", news_page(n), "200 OK", "text/html") for n in (1, 2, 3)],
        compress=False,
    )
    whole = gzip.compress(plain.read_bytes())
    # Cut inside the last record's compressed data (the last 8 bytes are the gzip trailer).
    results = list(warc.read(whole[: len(whole) - 40], "crawl.warc.gz"))
    assert [r.url for r in results if isinstance(r, Article)] == ["https://crawl.example/1", "https://crawl.example/2"]
    (rejection,) = [r for r in results if isinstance(r, Rejection)]
    assert "truncated" in rejection.reason
