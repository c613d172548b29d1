"""Benchmark of the summarize stage: ROUGE against reference headlines and summaries, with peers.

For each reference event it ingests the event's articles into a temporary store through the library
(`currents.open(db).ingest(paths)`, understanding on), summarizes them with `summarize_event`, and
prints ROUGE-1/2/L F1 (package rouge-score, stemmed) of

- headlines against the reference headline: ours, and peers limited to one sentence: the first
  sentence of the earliest article (lead), TextRank and LexRank (package sumy) and a TF-IDF centroid
  summarizer (the sentence closest to the centroid of all sentences);
- summaries against the reference summary: ours (2-5 sentences), and the same peers limited to as
  many sentences as ours.

Every system reads the same sentences (the understanding stage's spaCy sentences). Reference events:

- seed: seeds 000-002 of ../shared/corpus; the reference is seed 003 (an event record of the same
  happening), held out and read at run time;
- A1, A2: the examples corpus's articles of those events; the references are the corpus's own event
  records (examples/corpus/md), held out;
- B1, B2: the examples corpus's articles; references written by hand for this bench (our own
  annotations, bench/data/summaries.json).

It also prints our headline and summary (to read for grammar), and citation precision: the share of
summary sentences whose every cited span shares at least half of the sentence's words (goal 1.0).
Goal: our headline beats every peer on ROUGE-2, on the seed event and on the mean over events.
Run: .venv/bin/python bench/summarize.py [--show-peers]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

import currents
from currents.config import SummarizeConfig
from currents.model import Article, EventSummary
from currents.summarize import summarize_event
from currents.summarize.units import Space, by_publication

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
EXAMPLES = ROOT / "examples"
OWN_REFERENCES = ROOT / "bench" / "data" / "summaries.json"
RECORD_EVENTS = {"A1": "md/2024-03-12_valdoria_ostel_withdrawal.md", "A2": "md/2024-07-18_ostel_tribunal_ruling.md"}
METRICS = ("rouge1", "rouge2", "rougeL")
PEERS = ("lead", "textrank", "lexrank", "centroid")
_WORD = re.compile(r"\w+")


@dataclass
class Reference:
    name: str
    source: str
    headline: str
    summary: str
    paths: list[Path]
    # Stored articles to keep: matched by URL, or by file when the row has no URL.
    keep: list[tuple[str, str]] | None = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-peers", action="store_true", help="print the peers' headlines and summaries too")
    args = parser.parse_args()
    if not SEEDS.is_dir():
        sys.exit(f"shared corpus not found at {SEEDS.parent}")
    config = SummarizeConfig()
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, reference in enumerate(references()):
            articles = ingest(reference, Path(tmp) / f"event{number}.db")
            started = time.perf_counter()
            ours = summarize_event(articles, config)
            seconds = time.perf_counter() - started
            results.append(report(reference, articles, ours, seconds, scorer, args.show_peers))
    print_totals(results)


# -- references ----------------------------------------------------------------------------------


def references() -> list[Reference]:
    seed_record = next(SEEDS.glob("003_*"))
    headline, summary = read_record(seed_record)
    seed_paths = sorted(SEEDS.glob("00[0-2]_*"))
    found = [Reference("seed", f"seed 003 ({seed_record.name}), held out", headline, summary, seed_paths)]
    labels = list(csv.DictReader((EXAMPLES / "labels.csv").open(encoding="utf-8")))
    for event, record in RECORD_EVENTS.items():
        headline, summary = read_record(EXAMPLES / "corpus" / record)
        source = f"examples/corpus/{record} (event record), held out"
        found.append(example_event(event, source, headline, summary, labels))
    own = json.loads(OWN_REFERENCES.read_text(encoding="utf-8"))
    for item in own["events"]:
        source = f"our own annotation ({OWN_REFERENCES.relative_to(ROOT)})"
        found.append(example_event(item["event"], source, item["headline"], item["summary"], labels))
    return found


def read_record(path: Path) -> tuple[str, str]:
    """The '# headline' line of an event record and the summary paragraph under it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("# "))
    summary = []
    for line in lines[at + 1 :]:
        if line.startswith("#"):
            break
        summary.append(line.strip())
    return html.unescape(lines[at][2:].strip()), html.unescape(" ".join(s for s in summary if s))


def example_event(event: str, source: str, headline: str, summary: str, labels: list[dict]) -> Reference:
    rows = [row for row in labels if row["event"] == event and not row["file"].startswith("md/")]
    paths = sorted({EXAMPLES / "corpus" / row["file"] for row in rows})
    keep = [("url", row["url"]) if row["url"] else ("file", row["file"]) for row in rows]
    return Reference(event, source, headline, summary, paths, keep)


def ingest(reference: Reference, db: Path) -> list[Article]:
    with currents.open(db) as app:
        report = app.ingest(reference.paths)
        if report.rejected:
            sys.exit(f"{reference.name}: inputs rejected: {[str(r) for r in report.rejected]}")
        stored = [app.store.get_article(a.id) for a in app.store.iter_articles()]
    if reference.keep is None:
        return stored
    return [a for a in stored if any(_matches(a, how, value) for how, value in reference.keep)]


def _matches(article: Article, how: str, value: str) -> bool:
    if how == "url":
        return value in article.urls
    return bool(article.file) and Path(article.file).as_posix().endswith(value)


# -- peers ---------------------------------------------------------------------------------------


class _Words:
    """sumy's tokenizer interface over sentences we already have (no NLTK data needed)."""

    language = "english"

    def to_words(self, sentence: str) -> list[str]:
        return _WORD.findall(sentence)


def peer_picks(articles: list[Article], count: int) -> dict[str, list[str]]:
    """Each peer's `count` sentences (in document order, as the peers return them)."""
    ordered = by_publication(articles)
    sentences = [" ".join(s.text.split()) for a in ordered for s in a.sentences]
    lead = next((a for a in ordered if a.sentences), None)
    picks = {"lead": [" ".join(s.text.split()) for s in lead.sentences[:count]] if lead else []}
    document = ObjectDocumentModel([Paragraph([SumySentence(s, _Words()) for s in sentences])])
    for name, summarizer in (("textrank", TextRankSummarizer), ("lexrank", LexRankSummarizer)):
        ranker = summarizer(Stemmer("english"))
        ranker.stop_words = get_stop_words("english")
        picks[name] = [str(s) for s in ranker(document, count)]
    picks["centroid"] = centroid_picks(sentences, count)
    return picks


def centroid_picks(sentences: list[str], count: int) -> list[str]:
    """Radev-style centroid summary: the sentences closest (cosine) to the mean TF-IDF vector."""
    if not sentences:
        return []
    space = Space(sentences)
    centroid = space.vectors.mean(axis=0)
    scores = space.vectors @ centroid
    best = sorted(range(len(sentences)), key=lambda i: -scores[i])[:count]
    return [sentences[i] for i in sorted(best)]


# -- scoring and printing ------------------------------------------------------------------------


def report(
    reference: Reference, articles: list[Article], ours: EventSummary, seconds: float, scorer, show_peers: bool
) -> dict:
    print(f"\n=== event {reference.name}: {len(articles)} articles; reference: {reference.source}")
    print(f"summarized in {seconds:.2f} s (first event includes loading the spaCy parser)")
    summary_text = " ".join(s.text for s in ours.summary)
    one = peer_picks(articles, 1)
    many = peer_picks(articles, max(len(ours.summary), 1))
    headline_rows = {"ours": ours.headline.text} | {p: " ".join(one[p]) for p in PEERS}
    summary_rows = {"ours": summary_text} | {p: " ".join(many[p]) for p in PEERS}
    headline_scores = {name: score(scorer, reference.headline, text) for name, text in headline_rows.items()}
    summary_scores = {name: score(scorer, reference.summary, text) for name, text in summary_rows.items()}
    print_table("headline (one sentence)", headline_scores)
    print_table(f"summary ({len(ours.summary)} sentences each)", summary_scores)
    print(f"our headline ({len(ours.headline.text.split())} words): {ours.headline.text}")
    for number, sentence in enumerate(ours.summary, 1):
        print(f"our summary {number}: {sentence.text}  [{len(sentence.citations)} citations]")
    if show_peers:
        for name in PEERS:
            print(f"{name} headline: {headline_rows[name]}\n{name} summary: {summary_rows[name]}")
    precision = citation_precision(ours, {a.id: a for a in articles})
    print(f"citation precision: {precision:.2f} (goal 1.0)")
    beats = all(headline_scores["ours"]["rouge2"] > headline_scores[p]["rouge2"] for p in PEERS)
    print(f"headline ROUGE-2 beats every peer: {'yes' if beats else 'NO'}")
    return {"name": reference.name, "headline": headline_scores, "summary": summary_scores, "precision": precision}


def score(scorer, reference: str, candidate: str) -> dict[str, float]:
    scores = scorer.score(reference, candidate)
    return {metric: scores[metric].fmeasure for metric in METRICS}


def print_table(title: str, scores: dict[str, dict[str, float]]) -> None:
    print(f"{title:<34}" + "".join(f"{m:>9}" for m in ("ROUGE-1", "ROUGE-2", "ROUGE-L")))
    for name, values in scores.items():
        print(f"  {name:<32}" + "".join(f"{values[m]:9.3f}" for m in METRICS))


def citation_precision(summary: EventSummary, articles: dict[str, Article]) -> float:
    """Share of summary sentences whose every citation shares >= half of the sentence's words."""
    if not summary.summary:
        return 1.0
    supported = sum(
        all(word_overlap(s.text, cited_text(c, articles)) >= 0.5 for c in s.citations) and bool(s.citations)
        for s in summary.summary
    )
    return supported / len(summary.summary)


def cited_text(citation, articles: dict[str, Article]) -> str:
    article = articles[citation.article_id]
    source = article.title if citation.sentence is None else article.text
    return source[citation.start : citation.end]


def word_overlap(sentence: str, span: str) -> float:
    words = {w.casefold() for w in _WORD.findall(sentence)}
    return len(words & {w.casefold() for w in _WORD.findall(span)}) / len(words) if words else 0.0


def print_totals(results: list[dict]) -> None:
    print(f"\n=== mean over {len(results)} events (seed + examples A1, A2 records + our own B1, B2)")
    for part in ("headline", "summary"):
        means = {
            name: {m: statistics.mean(r[part][name][m] for r in results) for m in METRICS}
            for name in ("ours", *PEERS)
        }
        print_table(f"{part}, mean", means)
        ratio = means["ours"]["rouge2"] / max(max(means[p]["rouge2"] for p in PEERS), 1e-9)
        print(f"  ours / best peer, ROUGE-2: {ratio:.2f}")
    seed = next(r for r in results if r["name"] == "seed")
    seed_ok = all(seed["headline"]["ours"]["rouge2"] > seed["headline"][p]["rouge2"] for p in PEERS)
    mean_ok = all(
        statistics.mean(r["headline"]["ours"]["rouge2"] for r in results)
        > statistics.mean(r["headline"][p]["rouge2"] for r in results)
        for p in PEERS
    )
    print(f"goal: headline ROUGE-2 beats every peer on the seed event: {'PASS' if seed_ok else 'FAIL'}")
    print(f"goal: headline ROUGE-2 beats every peer on the mean: {'PASS' if mean_ok else 'FAIL'}")
    worst = min(r["precision"] for r in results)
    print(f"goal: citation precision 1.0 on every event: {'PASS' if worst == 1.0 else 'FAIL'} (lowest {worst:.2f})")


if __name__ == "__main__":
    main()
