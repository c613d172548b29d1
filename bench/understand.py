"""Benchmark of the understanding stage: accuracy against gold annotations, and speed against bare spaCy.

Prints:
- canonical-entity precision / recall / F1 per article (goal F1 >= 0.85),
- event-date accuracy on articles whose gold event date is known (goal >= 0.9),
- dated-fact precision / recall / F1 (goal F1 >= 0.8),
- words per second of our whole enrichment step and of bare spaCy `nlp.pipe` with the same
  components over the same texts on both cores, and their ratio (goal <= 1.25).

Gold: tests/data/understand_gold.json (facts written by us from reading the texts).
Run: .venv/bin/python bench/understand.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import currents
from currents.config import load_config
from currents.text.nlp import load_pipeline
from currents.text.understand import Understander

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "tests" / "data" / "understand_gold.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="speed runs (median reported)")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"shared corpus not found at {CORPUS}")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    with tempfile.TemporaryDirectory() as tmp:
        quality(gold, Path(tmp))
        speed(Path(tmp), args.repeat)


# -- quality -------------------------------------------------------------------------------------

def quality(gold: list[dict], tmp: Path) -> None:
    with currents.open(tmp / "gold.db", nlp__enabled=True) as app:
        app.ingest([CORPUS / g["file"] for g in gold])
        by_file = {Path(a.file).resolve(): a for a in app.store.iter_articles() if a.file}
        entity_scores = Counts()
        all_entity_scores = Counts()
        fact_scores = Counts()
        dates_right = dates_total = 0
        for item in gold:
            article = by_file.get((CORPUS / item["file"]).resolve())
            if article is None:
                print(f"  missing from the store: {item['file']}")
                continue
            entity_scores.add(*score_entities(article, item["entities"]))
            all_entity_scores.add(*score_entities(article, item["entities"], salient_only=False))
            fact_scores.add(*score_facts(article.dated_facts, item["dated_facts"]))
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
    print(f"  canonical entities  P {entity_scores.precision:.3f}  R {entity_scores.recall:.3f}  F1 {entity_scores.f1:.3f}  (goal F1 >= 0.85)")
    print(f"    (every entity)    P {all_entity_scores.precision:.3f}  R {all_entity_scores.recall:.3f}  F1 {all_entity_scores.f1:.3f}")
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


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").casefold()
    return " ".join(text.removeprefix("the ").split())


def score_entities(article, gold_entities: list[dict], salient_only: bool = True) -> tuple[int, int, int]:
    """Match predicted canonical entities to gold ones by name or alias.

    Gold lists the entities that matter (mentioned twice, or central), so the
    predictions scored are those mentioned at least twice or in the first
    sentence: the same notion of "matters", applied to our output.
    """
    lead_end = article.sentences[0].end if article.sentences else len(article.text)
    predicted = [e for e in article.entities if not salient_only or e.mentions >= 2 or e.first_offset < lead_end]
    gold_forms = [{_norm(g["name"]), *(_norm(a) for a in g.get("aliases", []))} for g in gold_entities]
    matched_gold: set[int] = set()
    true_positive = 0
    for entity in predicted:
        forms = {_norm(entity.name), *(_norm(s) for s in entity.surfaces)}
        hit = next((i for i, gold in enumerate(gold_forms) if i not in matched_gold and _norm(entity.name) in gold), None)
        if hit is None:
            hit = next((i for i, gold in enumerate(gold_forms) if i not in matched_gold and forms & gold), None)
        if hit is not None:
            matched_gold.add(hit)
            true_positive += 1
    return true_positive, len(predicted), len(gold_entities)


def score_facts(predicted, gold_facts: list[dict]) -> tuple[int, int, int]:
    """A predicted fact matches a gold one with the same date and granularity whose evidence it contains."""
    used: set[int] = set()
    true_positive = 0
    for fact in predicted:
        for i, gold in enumerate(gold_facts):
            if i in used or (fact.date, fact.granularity) != (gold["date"], gold["granularity"]):
                continue
            if _norm(gold["evidence"]) in _norm(fact.text) or not gold.get("evidence"):
                used.add(i)
                true_positive += 1
                break
    return true_positive, len(predicted), len(gold_facts)


# -- speed ---------------------------------------------------------------------------------------

def speed(tmp: Path, repeat: int) -> None:
    files = sorted((CORPUS / "wikiref220").glob("*.txt")) + sorted((CORPUS / "seeds").glob("*.txt"))
    config = load_config(nlp__enabled=True).nlp
    with currents.open(tmp / "speed-texts.db") as app:
        app.ingest(files, understand=False)
        texts = [a.text or a.title for a in app.store.iter_articles()]
    words = sum(len(t.split()) for t in texts)
    ours, bare = [], []
    for run in range(repeat):
        db = tmp / f"speed-{run}.db"
        with currents.open(db) as app:
            app.ingest(files, understand=False)
            understander = Understander(app.store, config)
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
    print(f"  ours (whole enrichment step): {ours_s:6.2f} s  {words / ours_s:8,.0f} words/s")
    print(f"  bare spaCy nlp.pipe:          {bare_s:6.2f} s  {words / bare_s:8,.0f} words/s")
    print(f"  ratio ours / bare: {ours_s / bare_s:.2f}  (goal <= 1.25)")


if __name__ == "__main__":
    main()
