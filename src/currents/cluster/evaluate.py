"""Scoring a clustering against gold labels: B-cubed precision, recall and F1, and NMI.

B-cubed (Bagga & Baldwin 1998; Amigó et al. 2009) is averaged over items, so a big event
weighs by its articles rather than counting once, and it punishes both merging two events
(precision) and splitting one (recall). Normalised mutual information is printed beside it
because it is what topic-clustering papers usually quote.

The gold is a CSV with a `url` or `file` column and a label column. Gold rows are matched to
stored articles by URL (any URL that carried the article), else by file; rows that match
nothing are reported, not dropped, and stored articles without a gold row are ignored.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from currents.model import Article

LEVELS = ("event", "story")
# Label columns looked for in this order after `label` and the level's own column.
FALLBACK_LABEL_COLUMNS = ("topic",)
KEY_COLUMNS = ("url", "file")
# How many unmatched gold rows a summary names.
SHOWN_UNMATCHED = 5

LABEL_RULE = (
    "the label column is `label` if present, else the level's own column (`event` or `story`), "
    "else `topic`, else the second column"
)


class GoldError(ValueError):
    """The gold file cannot be used: the message names the file and the reason."""


@dataclass(frozen=True)
class GoldRow:
    line: int
    url: str | None
    file: str | None
    label: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.url or self.file}"


@dataclass(frozen=True)
class Gold:
    path: str
    label_column: str
    rows: list[GoldRow]


@dataclass
class ClusterScores:
    """How a predicted partition compares with the gold one, over the articles both cover."""

    precision: float
    recall: float
    f1: float
    nmi: float
    predicted_clusters: int
    gold_clusters: int
    items: int
    level: str = "event"
    label_column: str = "label"
    unmatched: list[GoldRow] = field(default_factory=list)
    # Matched articles the cluster stage has not placed: each counts as a cluster of its own.
    unclustered: int = 0
    # Articles that several gold rows match with different labels (the first row's label is used).
    conflicting: list[GoldRow] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.level}s: B-cubed P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f}, "
            f"NMI {self.nmi:.3f}, {self.predicted_clusters} predicted / {self.gold_clusters} gold clusters "
            f"over {self.items} articles"
        )

    def notes(self) -> list[str]:
        """What the scores do not cover: gold rows matching no article, unplaced articles, label conflicts."""
        notes = []
        if self.unmatched:
            shown = "; ".join(map(str, self.unmatched[:SHOWN_UNMATCHED]))
            more = ", ..." if len(self.unmatched) > SHOWN_UNMATCHED else ""
            notes.append(f"unmatched gold rows: {len(self.unmatched)} ({shown}{more})")
        if self.unclustered:
            notes.append(f"articles in no {self.level} (each counted alone): {self.unclustered}")
        if self.conflicting:
            shown = "; ".join(map(str, self.conflicting[:SHOWN_UNMATCHED]))
            count = len(self.conflicting)
            notes.append(f"gold rows disagreeing with an earlier row on the same article: {count} ({shown})")
        return notes


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """Item-averaged B-cubed precision, recall and F1 of `predicted` against `gold` (same items, same order).

    Computed from the contingency table: an item in predicted cluster C and gold class L scores
    |C∩L|/|C| precision and |C∩L|/|L| recall, so each cell adds |C∩L|²/|C| (resp. /|L|).
    """
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted labels for {len(gold)} gold labels")
    if not gold:
        return 0.0, 0.0, 0.0
    cells = Counter(zip(predicted, gold))
    predicted_sizes, gold_sizes = Counter(predicted), Counter(gold)
    precision = sum(n * n / predicted_sizes[p] for (p, _), n in cells.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in cells.items()) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_partitions(predicted: Sequence[Hashable], gold: Sequence[Hashable], level: str = "event") -> ClusterScores:
    """B-cubed and NMI of two labelings of the same items."""
    from sklearn.metrics import normalized_mutual_info_score

    precision, recall, f1 = bcubed(predicted, gold)
    nmi = float(normalized_mutual_info_score(list(map(str, gold)), list(map(str, predicted)))) if gold else 0.0
    return ClusterScores(
        precision, recall, f1, nmi, len(set(predicted)), len(set(gold)), len(gold), level=level
    )


def read_gold(path: str | Path, level: str = "event") -> Gold:
    """The rows of a gold CSV, with the label column chosen by `LABEL_RULE`."""
    if level not in LEVELS:
        raise GoldError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = columns
            label_column = _label_column(path, columns, level)
            rows = [_gold_row(path, number, record, label_column) for number, record in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GoldError(f"{path}: cannot read the gold file ({exc})") from exc
    if not rows:
        raise GoldError(f"{path}: the gold file has no rows")
    return Gold(str(path), label_column, rows)


def _label_column(path: str | Path, columns: list[str], level: str) -> str:
    if not any(key in columns for key in KEY_COLUMNS):
        raise GoldError(f"{path}: no `url` or `file` column (columns: {', '.join(columns) or 'none'})")
    for name in ("label", level, *FALLBACK_LABEL_COLUMNS):
        if name in columns:
            return name
    other_levels = [name for name in LEVELS if name != level]
    if len(columns) >= 2 and columns[1] not in (*KEY_COLUMNS, *other_levels):
        return columns[1]
    raise GoldError(f"{path}: no label column for level {level!r} ({LABEL_RULE}; columns: {', '.join(columns)})")


def _gold_row(path: str | Path, number: int, record: dict[str, str | None], label_column: str) -> GoldRow:
    url = (record.get("url") or "").strip() or None
    file = (record.get("file") or "").strip() or None
    label = (record.get(label_column) or "").strip()
    if not (url or file):
        raise GoldError(f"{path}: line {number} has neither a url nor a file")
    if not label:
        raise GoldError(f"{path}: line {number} has no {label_column!r} label")
    return GoldRow(number, url, file, label)


class ArticleIndex:
    """Finds stored articles by any URL that carried them, or by the file they came from."""

    def __init__(self, articles: Iterable[Article]):
        self.by_url: dict[str, str] = {}
        self.by_basename: dict[str, list[tuple[PurePosixPath, str]]] = defaultdict(list)
        for article in articles:
            for url in article.urls:
                self.by_url.setdefault(url, article.id)
            files = {article.file, *(copy.file for copy in article.copies)} - {None}
            for file in files:
                posix = _posix(file)
                self.by_basename[posix.name].append((posix, article.id))

    def find(self, row: GoldRow) -> str | None:
        """The article a gold row names: by URL, else by a file that holds exactly one article."""
        if row.url and row.url in self.by_url:
            return self.by_url[row.url]
        return self.find_file(row.file) if row.file else None

    def find_file(self, file: str) -> str | None:
        """By exact path, else by path suffix, else by basename; None when nothing or several articles fit."""
        wanted = _posix(file)
        candidates = self.by_basename.get(wanted.name, [])
        for fits in (
            lambda stored: stored == wanted,
            lambda stored: _ends_with(stored, wanted),
            lambda stored: True,
        ):
            ids = {article_id for stored, article_id in candidates if fits(stored)}
            if ids:
                return ids.pop() if len(ids) == 1 else None
        return None


def _posix(file: str) -> PurePosixPath:
    return PurePosixPath(file.replace("\\", "/"))


def _ends_with(stored: PurePosixPath, wanted: PurePosixPath) -> bool:
    parts = wanted.parts
    return len(stored.parts) >= len(parts) and stored.parts[-len(parts) :] == parts


def evaluate_articles(articles: Sequence[Article], gold: Gold, level: str = "event") -> ClusterScores:
    """Score the stored articles' events (or stories) against the gold rows they match."""
    index = ArticleIndex(articles)
    labels: dict[str, str] = {}
    unmatched: list[GoldRow] = []
    conflicting: list[GoldRow] = []
    for row in gold.rows:
        article_id = index.find(row)
        if article_id is None:
            unmatched.append(row)
        elif labels.setdefault(article_id, row.label) != row.label:
            conflicting.append(row)
    if not labels:
        raise GoldError(f"{gold.path}: none of its {len(gold.rows)} rows matches a stored article (wrong store?)")
    by_id = {article.id: article for article in articles}
    predicted = [_cluster_of(by_id[article_id], level) for article_id in labels]
    scores = score_partitions(predicted, list(labels.values()), level)
    scores.label_column = gold.label_column
    scores.unmatched, scores.conflicting = unmatched, conflicting
    scores.unclustered = sum(1 for article_id in labels if _assigned(by_id[article_id], level) is None)
    return scores


def _assigned(article: Article, level: str) -> str | None:
    return article.event_id if level == "event" else article.story_id


def _cluster_of(article: Article, level: str) -> str:
    """The article's event or story; an unplaced article is a cluster of its own."""
    return _assigned(article, level) or f"unclustered:{article.id}"
