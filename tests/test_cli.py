"""The command-line contract other tools and later issues rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_article

BODY = (
    "The harbour council of Lindqvist voted on Monday to close the old ferry pier for repairs. "
    "Engineers had warned for two years that the wooden supports were failing under heavy traffic. "
    "The repairs are expected to take most of the summer, the council said in a statement."
)


def run(*args: str, db: Path | None = None, stdin: str | None = None, cwd: Path | None = None, env=None):
    command = [sys.executable, "-m", "currents", *args]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def export(db: Path, what: str = "articles") -> list[dict]:
    result = run("export", "--what", what, db=db)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_version_and_help_on_every_command():
    assert run("--version").stdout.startswith("currents ")
    for command in ("ingest", "build", "serve", "export"):
        result = run(command, "--help")
        assert result.returncode == 0
        assert "--db" in result.stdout


def test_usage_errors_exit_2(tmp_path):
    assert run("export", "--what", "nonsense", db=tmp_path / "x.db").returncode == 2
    assert run("ingest").returncode == 2
    assert run("frobnicate").returncode == 2


def test_ingest_summary_and_export_fields(tmp_path):
    write_article(tmp_path, "pier.txt", "Lindqvist closes its ferry pier", BODY)
    db = tmp_path / "news.db"
    result = run("ingest", str(tmp_path / "pier.txt"), db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1 accepted, 0 duplicates, 0 rejected"
    (line,) = export(db)
    for key in ("id", "url", "urls", "title", "source", "author", "published", "text", "file", "event_id", "story_id"):
        assert key in line
    assert line["title"] == "Lindqvist closes its ferry pier"
    assert line["text"].startswith("The harbour council of Lindqvist")
    assert line["file"] == str(tmp_path / "pier.txt")
    assert line["published"] is None


def test_rejected_input_exits_1_and_keeps_the_rest(tmp_path):
    write_article(tmp_path, "good.txt", "Lindqvist closes its ferry pier", BODY)
    (tmp_path / "empty.txt").write_bytes(b"")
    # The store sits in the folder being ingested: its own files must not be read as articles.
    db = tmp_path / "news.db"
    result = run("ingest", str(tmp_path), db=db)
    assert result.returncode == 1
    assert "empty.txt" in result.stderr and "empty" in result.stderr
    assert result.stdout.strip().endswith("1 accepted, 0 duplicates, 1 rejected")
    assert len(export(db)) == 1


def test_reads_standard_input_and_globs(tmp_path):
    db = tmp_path / "news.db"
    result = run("ingest", "-", db=db, stdin=f"Pier closes in Lindqvist\n\n{BODY}\n")
    assert result.returncode == 0, result.stderr
    (article,) = export(db)
    assert article["file"] is None
    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder, "a.txt", "Ferry pier closes", BODY)
    write_article(
        folder,
        "b.txt",
        "Museum reopens in Lindqvist",
        "The city museum of Lindqvist reopened on Saturday after a renovation that lasted three years. "
        "Visitors queued for an hour to see the restored whaling boats and the new gallery of harbour paintings. "
        "Entry will be free until the end of the month, the museum director told reporters.",
    )
    result = run("ingest", str(folder / "*.txt"), db=db)
    assert result.stdout.strip().endswith("1 accepted, 1 duplicates, 0 rejected")


def test_db_from_environment_and_config_file(tmp_path):
    write_article(tmp_path, "pier.txt", "Lindqvist closes its ferry pier", BODY)
    env = {**os.environ, "CURRENTS_DB": str(tmp_path / "from-env.db")}
    assert run("ingest", "pier.txt", cwd=tmp_path, env=env).returncode == 0
    assert (tmp_path / "from-env.db").exists()
    (tmp_path / "currents.toml").write_text('[ingest]\nmax_file_bytes = 10\n', encoding="utf-8")
    result = run("ingest", "pier.txt", cwd=tmp_path, db=tmp_path / "limited.db")
    assert result.returncode == 1
    assert "limit" in result.stderr
    (tmp_path / "currents.toml").write_text('[ingest]\nmax_file_byte = 10\n', encoding="utf-8")
    result = run("ingest", "pier.txt", cwd=tmp_path, db=tmp_path / "typo.db")
    assert result.returncode == 2
    assert "max_file_byte" in result.stderr


def test_export_events_and_stories_after_ingest(tmp_path):
    write_article(tmp_path, "pier.txt", "Lindqvist closes its ferry pier", BODY)
    db = tmp_path / "news.db"
    run("ingest", str(tmp_path / "pier.txt"), db=db)
    [article] = export(db, "articles")
    [event] = export(db, "events")
    [story] = export(db, "stories")
    assert event["article_ids"] == [article["id"]] and article["event_id"] == event["id"]
    assert story["event_ids"] == [event["id"]] and article["story_id"] == story["id"]
