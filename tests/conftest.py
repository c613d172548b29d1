"""Shared fixtures: real stores in temporary folders, and the shared seed corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

import currents

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SEEDS = SHARED / "seeds"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture
def app(tmp_path: Path):
    """A fresh store opened through the library, closed after the test."""
    with currents.open(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def seeds() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (CI checks it out beside the project)")
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def nlp():
    """The configured spaCy pipeline, loaded once for the whole run (it is a project dependency)."""
    from currents.config import NlpConfig
    from currents.text.nlp import load_pipeline

    return load_pipeline(NlpConfig().model)


def write_article(folder: Path, name: str, title: str, body: str) -> Path:
    """A plain-text article file: title line, blank line, body."""
    path = folder / name
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path
