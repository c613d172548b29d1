"""Benchmark of the understanding stage: accuracy against gold annotations, and speed against bare spaCy.

Prints:
- canonical-entity precision / recall / F1 per article (goal F1 >= 0.85), over the entities that
  matter by the gold's own definition (README beside it): mentioned at least twice, in the lead
  (first sentence or headline), or taking part in one of the article's dated facts, overall and
  for the articles the stage was tuned on and each held-out batch apart; then, for comparison,
  the same over the entities mentioned twice or in the lead only, and over every entity,
- event-date accuracy on articles whose gold event date is known (goal >= 0.9),
- dated-fact precision / recall / F1 (goal F1 >= 0.8),
- words per second of our whole enrichment step (sentence embeddings for clustering included) and
  of bare spaCy `nlp.pipe` with the same components over the same texts on both cores, and their
  ratio (goal <= 1.25). Each side's median of `--repeat` runs; the first run of ours also starts
  the analysis workers' fork server (once per process), which the list of runs shows.

Gold: tests/data/understand_gold.json (facts written by us from reading the texts).
Run: .venv/bin/python bench/understand.py [--repeat 3] [--misses] [--no-speed]
`--misses` lists, per article, the gold entities not found, the salient predictions that match no
gold entity, and the dated facts missed or extra: what to read first when a figure drops.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

import currents
from currents.config import load_config
from currents.text.countries import name_key
from currents.text.nlp import load_pipeline
from currents.text.understand import Understander

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "tests" / "data" / "understand_gold.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="speed runs (median reported)")
    parser.add_argument("--misses", action="store_true", help="list each article's entity and fact errors")
    parser.add_argument("--no-speed", action="store_true", help="score quality only")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"shared corpus not found at {CORPUS}")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    with tempfile.TemporaryDirectory() as tmp:
        quality(gold, Path(tmp), args.misses)
        if not args.no_speed:
            speed(Path(tmp), args.repeat)


# -- quality -------------------------------------------------------------------------------------

def quality(gold: list[dict], tmp: Path, show_misses: bool = False) -> None:
    with currents.open(tmp / "gold.db", nlp__enabled=True) as app:
        app.ingest([CORPUS / g["file"] for g in gold])
        by_file = {Path(a.file).resolve(): a for a in app.store.iter_articles() if a.file}
        entity_scores = {rule: Counts() for rule in SALIENCE}
        split_scores = {split: Counts() for split in dict.fromkeys(split_of(item) for item in gold)}
        fact_scores = Counts()
        dates_right = dates_total = 0
        for item in gold:
            article = by_file.get((CORPUS / item["file"]).resolve())
            if article is None:
                print(f"  missing from the store: {item['file']}")
                continue
            in_facts = fact_entity_names(article, app.store)
            for rule, counts in entity_scores.items():
                counts.add(*score_entities(article, item["entities"], rule, in_facts))
            split_scores[split_of(item)].add(*score_entities(article, item["entities"], GOLD_RULE, in_facts))
            fact_scores.add(*score_facts(article.dated_facts, item["dated_facts"]))
            if show_misses:
                print_misses(item, article, in_facts)
            if item.get("event_date"):
                dates_total += 1
                predicted = article.event_date
                expected = item["event_date"]
                right = predicted is not None and (predicted.value, predicted.granularity) == (
                    expected["date"],
                    expected["granularity"],
                )
                dates_right += right
                if not right:
                    got = f"{predicted.value} ({predicted.granularity})" if predicted else "none"
                    print(f"  event date {item['file']}: expected {expected['date']}, got {got}")
    print(f"\nunderstanding quality on {len(gold)} gold articles")
    for rule, counts in entity_scores.items():
        label = "canonical entities" if rule == GOLD_RULE else "  (same)"
        note = "  (goal F1 >= 0.85)" if rule == GOLD_RULE else ""
        figures = f"P {counts.precision:.3f}  R {counts.recall:.3f}  F1 {counts.f1:.3f}"
        print(f"  {label:<19} {figures}{note}  scoring: {SALIENCE[rule]}")
        if rule == GOLD_RULE:
            print(f"    ({counts.true_positive} right of {counts.predicted} found, {counts.expected} in the gold; F1 {counts.f1:.4f})")
            sizes = Counter(split_of(item) for item in gold)
            for split, split_counts in split_scores.items():
                figures = f"P {split_counts.precision:.3f}  R {split_counts.recall:.3f}  F1 {split_counts.f1:.3f}"
                print(f"    {split + f' ({sizes[split]})':<17} {figures}")
    accuracy = dates_right / dates_total if dates_total else float("nan")
    print(f"  event date accuracy {accuracy:.3f} on {dates_total} dated articles  (goal >= 0.9)")
    print(f"  dated facts         P {fact_scores.precision:.3f}  R {fact_scores.recall:.3f}  F1 {fact_scores.f1:.3f}  (goal F1 >= 0.8)")


class Counts:
    def __init__(self) -> None:
        self.true_positive = self.predicted = self.expected = 0

    def add(self, true_positive: int, predicted: int, expected: int) -> None:
        self.true_positive += true_positive
        self.predicted += predicted
        self.expected += expected

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def split_of(item: dict) -> str:
    """Which part of the gold an article belongs to: the articles the stage was tuned on, or a held-out batch
    (README beside the gold: annotated before the stage's output on them was looked at)."""
    return f"held out {item['held_out']}" if item.get("held_out") else "tuned on"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").casefold()
    return " ".join(text.removeprefix("the ").split())


# Which predicted entities are scored: the gold lists the entities that matter (README: mentioned at
# least twice, central, or taking part in a dated fact), so the same notion is applied to our output.
GOLD_RULE, LEAD_RULE, EVERY_RULE = "gold", "lead", "every"
SALIENCE = {
    GOLD_RULE: "entities mentioned twice, in the lead or in a dated fact",
    LEAD_RULE: "entities mentioned twice or in the lead (the former rule)",
    EVERY_RULE: "every entity found",
}


def fact_entity_names(article, store) -> frozenset[str]:
    """Names of the article's entities that take part in its dated facts (local and canonical names)."""
    named = {name for fact in article.dated_facts for name in fact.entities}
    canonical = {e.entity_id: store.get_entity(e.entity_id) for e in article.entities if e.entity_id}
    local = {e.name for e in article.entities if canonical.get(e.entity_id) and canonical[e.entity_id].name in named}
    return frozenset(named | local)


def score_entities(
    article, gold_entities: list[dict], rule: str = GOLD_RULE, in_facts: frozenset[str] = frozenset()
) -> tuple[int, int, int]:
    """Match the article's salient predicted entities (by `rule`) to gold ones by name or alias."""
    predicted, matches = match_entities(article, gold_entities, rule, in_facts)
    return len(matches), len(predicted), len(gold_entities)


def is_salient(entity, lead_end: int, rule: str, in_facts: frozenset[str]) -> bool:
    if rule == EVERY_RULE or entity.mentions >= 2 or entity.first_offset < lead_end:
        return True
    return rule == GOLD_RULE and entity.name in in_facts


def match_entities(
    article, gold_entities: list[dict], rule: str = GOLD_RULE, in_facts: frozenset[str] = frozenset()
) -> tuple[list, dict[int, int]]:
    """The predictions scored, and which gold entity (by index) each matched prediction (by index) hits."""
    lead_end = article.sentences[0].end if article.sentences else len(article.text)
    predicted = [e for e in article.entities if is_salient(e, lead_end, rule, in_facts)]
    gold_forms = [{_norm(g["name"]), *(_norm(a) for a in g.get("aliases", []))} for g in gold_entities]
    matches: dict[int, int] = {}
    for index, entity in enumerate(predicted):
        forms = {_norm(entity.name), *(_norm(s) for s in entity.surfaces)}
        free = [i for i in range(len(gold_forms)) if i not in matches.values()]
        hit = next((i for i in free if _norm(entity.name) in gold_forms[i]), None)
        if hit is None:
            hit = next((i for i in free if forms & gold_forms[i]), None)
        if hit is not None:
            matches[index] = hit
    return predicted, matches


def print_misses(item: dict, article, in_facts: frozenset[str] = frozenset()) -> None:
    """One article's errors: gold entities missed (and whether an unsalient prediction had them), extras, facts."""
    predicted, matches = match_entities(article, item["entities"], GOLD_RULE, in_facts)
    everything, all_matches = match_entities(article, item["entities"], EVERY_RULE)
    unsalient = {gold: everything[index] for index, gold in all_matches.items()}
    lines = []
    for index, gold in enumerate(item["entities"]):
        if index not in matches.values():
            seen = unsalient.get(index)
            how = f"  (predicted, not salient: {seen.name!r})" if seen else ""
            lines.append(f"    - missed {gold['type']} {gold['name']!r}{how}")
    for index, entity in enumerate(predicted):
        if index not in matches:
            lines.append(f"    + extra  {entity.type} {entity.name!r} x{entity.mentions} {entity.surfaces[:4]}")
    pairs = [(gold, fact) for gold in item["dated_facts"] for fact in article.dated_facts if _fact_matches(fact, gold)]
    for fact in article.dated_facts:
        if not any(fact is found for _, found in pairs):
            lines.append(f"    + fact   {fact.date} {fact.text[:90]!r}")
    for gold in item["dated_facts"]:
        if not any(gold is wanted for wanted, _ in pairs):
            lines.append(f"    - fact   {gold['date']} {gold['evidence']!r}")
    if lines:
        print(f"  {item['file']}:")
        print("\n".join(lines))


def score_facts(predicted, gold_facts: list[dict]) -> tuple[int, int, int]:
    """A predicted fact matches a gold one with the same date and granularity whose evidence it contains."""
    used: set[int] = set()
    true_positive = 0
    for fact in predicted:
        for i, gold in enumerate(gold_facts):
            if i not in used and _fact_matches(fact, gold):
                used.add(i)
                true_positive += 1
                break
    return true_positive, len(predicted), len(gold_facts)


def _fact_matches(fact, gold: dict) -> bool:
    if (fact.date, fact.granularity) != (gold["date"], gold["granularity"]):
        return False
    return not gold.get("evidence") or _norm(gold["evidence"]) in _norm(fact.text)


# -- speed ---------------------------------------------------------------------------------------

def speed(tmp: Path, repeat: int) -> None:
    files = sorted((CORPUS / "wikiref220").glob("*.txt")) + sorted((CORPUS / "seeds").glob("*.txt"))
    settings = load_config(nlp__enabled=True)
    config = settings.nlp
    with currents.open(tmp / "speed-texts.db") as app:
        app.ingest(files, understand=False)
        texts = [a.text or a.title for a in app.store.iter_articles()]
    words = sum(len(t.split()) for t in texts)
    ours, bare = [], []
    for run in range(repeat):
        db = tmp / f"speed-{run}.db"
        with currents.open(db) as app:
            app.ingest(files, understand=False)
            # With the cluster config: the step also encodes each article for clustering. The
            # workers' fork server imports spaCy in the first run only, and the encoder loaded while
            # scoring quality: once per process, as bare spaCy's model loads once, before its timing.
            understander = Understander(app.store, config, settings.cluster)
            start = time.perf_counter()
            understander.run()
            understander.anchor_undated()
            understander.close()
            ours.append(time.perf_counter() - start)
        nlp = load_pipeline(config.model)
        start = time.perf_counter()
        for _ in nlp.pipe((t[: config.max_chars] for t in texts), batch_size=config.batch_size, n_process=config.processes):
            pass
        bare.append(time.perf_counter() - start)
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    print(f"\nenrichment speed over {len(texts)} articles, {words:,} words, {config.processes} processes, median of {repeat}")
    print(f"  ours (whole enrichment step): {ours_s:6.2f} s  {words / ours_s:8,.0f} words/s  (runs: {_seconds(ours)})")
    print(f"  bare spaCy nlp.pipe:          {bare_s:6.2f} s  {words / bare_s:8,.0f} words/s  (runs: {_seconds(bare)})")
    encoder = "includes" if settings.cluster.embeddings else "excludes (cluster.embeddings off)"
    print(f"  ours {encoder} the sentence embeddings of titles and leads for clustering")
    print(f"  ratio ours / bare: {ours_s / bare_s:.2f}  (goal <= 1.25)")
    print_split_names(tmp / f"speed-{repeat - 1}.db")


def print_split_names(db: Path) -> None:
    """How many names the store splits over several canonical entities: two pages for one name.

    spaCy's small model types one name differently from one article to the next; linking joins such
    mentions where the articles share context (text/linking.py), so no gold is needed to see the rest.
    """
    with currents.open(db) as app:
        articles = [app.store.get_article(a.id) for a in app.store.iter_articles()]
        ids = {e.entity_id for a in articles for e in a.entities if e.entity_id}
        names = Counter(name_key(app.store.get_entity(i).name) for i in ids)
    split = {name: count for name, count in names.items() if count > 1}
    print(
        f"  canonical entities over those articles: {len(ids):,}; names split over several: {len(split)}"
        f" ({sum(split.values()) - len(split)} entities more than names)"
    )


def _seconds(runs: list[float]) -> str:
    return ", ".join(f"{seconds:.1f}" for seconds in runs)


if __name__ == "__main__":
    main()
