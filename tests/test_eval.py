"""`currents eval clusters`: B-cubed and NMI on partitions scored by hand, gold matching, and the command."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from conftest import EXAMPLES
from currents.cli import main
from currents.cluster.evaluate import (
    ArticleIndex,
    GoldError,
    GoldRow,
    bcubed,
    evaluate_articles,
    read_gold,
    score_partitions,
)
from currents.model import Article, Copy

GOLD = ["a", "a", "b", "b"]


def test_perfect_partition_scores_one():
    scores = score_partitions([7, 7, 9, 9], GOLD)
    assert (scores.precision, scores.recall, scores.f1, scores.nmi) == pytest.approx((1, 1, 1, 1))
    assert (scores.predicted_clusters, scores.gold_clusters, scores.items) == (2, 2, 4)


def test_everything_in_one_cluster_keeps_recall_and_halves_precision():
    # Each item's cluster holds 4 items of which 2 share its label: precision 2/4; recall 2/2.
    scores = score_partitions([1, 1, 1, 1], GOLD)
    assert (scores.precision, scores.recall) == pytest.approx((0.5, 1.0))
    assert scores.f1 == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert scores.nmi == pytest.approx(0.0)  # one cluster tells nothing about the labels


def test_all_singletons_keep_precision_and_halve_recall():
    scores = score_partitions([1, 2, 3, 4], GOLD)
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((1.0, 0.5, 2 / 3))
    # I = H(gold) = ln 2, H(pred) = ln 4; arithmetic-mean normalisation: ln2 / ((ln2 + ln4) / 2) = 2/3.
    assert scores.nmi == pytest.approx(2 / 3)


def test_a_mixed_partition_by_hand():
    # gold a a a b b, predicted 1 1 2 2 2: per-item precision 1, 1, 1/3, 2/3, 2/3 and recall 2/3, 2/3, 1/3, 1, 1.
    precision, recall, f1 = bcubed([1, 1, 2, 2, 2], ["a", "a", "a", "b", "b"])
    assert precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    assert f1 == pytest.approx(11 / 15)
    entropy = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4))  # both partitions split 3/2
    mutual = 0.4 * math.log(5 * 2 / (2 * 3)) + 0.2 * math.log(5 * 1 / (3 * 3)) + 0.4 * math.log(5 * 2 / (3 * 2))
    assert score_partitions([1, 1, 2, 2, 2], ["a", "a", "a", "b", "b"]).nmi == pytest.approx(mutual / entropy)


def test_bcubed_refuses_labelings_of_different_lengths():
    with pytest.raises(ValueError):
        bcubed([1, 2], ["a"])


def write_csv(folder: Path, text: str, name: str = "gold.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "level", "column"),
    [
        ("url,story,label", "event", "label"),
        ("file,url,event,story", "event", "event"),
        ("file,url,event,story", "story", "story"),
        ("file,topic,original_name", "story", "topic"),
        ("url,cluster", "event", "cluster"),
    ],
)
def test_label_column_rule(tmp_path, header, level, column):
    values = ",".join(f"x{i}" for i in range(len(header.split(","))))
    gold = read_gold(write_csv(tmp_path, f"{header}\n{values}\n"), level)
    assert gold.label_column == column


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name,label\nx,a\n", "no `url` or `file` column"),
        ("url,event\nhttp://x.example/1,a\n", "no label column for level 'story'"),
        ("url,label\n,a\n", "line 2 has neither a url nor a file"),
        ("url,label\nhttp://x.example/1,\n", "line 2 has no 'label' label"),
        ("url,label\n", "no rows"),
    ],
)
def test_unusable_gold_files_are_refused_with_the_reason(tmp_path, text, reason):
    path = write_csv(tmp_path, text)
    with pytest.raises(GoldError, match=reason) as caught:
        read_gold(path, "story")
    assert str(path) in str(caught.value)


def test_missing_gold_file_names_the_path(tmp_path):
    with pytest.raises(GoldError, match="nope.csv"):
        read_gold(tmp_path / "nope.csv")


def article(article_id: str, url: str | None = None, file: str | None = None, event: str | None = None, copies=()):
    return Article(title=article_id, id=article_id, url=url, file=file, event_id=event, copies=list(copies))


ARTICLES = [
    article("wire", url="https://wire.example/1", file="/data/in/feed.xml", event="E1",
            copies=[Copy("https://mirror.example/1", "Mirror", "/data/in/copy.txt")]),
    article("second", url="https://wire.example/2", file="/data/in/feed.xml", event="E1"),
    article("plain", file="/data/in/txt/pier.txt", event="E2"),
    article("other-pier", file="/data/elsewhere/pier.txt", event="E3"),
    article("only", file="/data/in/html/only.html", event=None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "file", "expected"),
    [
        ("https://mirror.example/1", None, "wire"),  # a copy's URL finds the article
        ("https://wire.example/2", "feed.xml", "second"),
        (None, "/data/in/txt/pier.txt", "plain"),  # exact path
        (None, "txt/pier.txt", "plain"),  # path suffix
        (None, "pier.txt", None),  # basename shared by two articles: ambiguous
        (None, "only.html", "only"),  # basename, unambiguous
        (None, "copy.txt", "wire"),  # a copy's file
        (None, "feed.xml", None),  # a file holding two articles, and no URL to tell them apart
        ("https://unknown.example/9", None, None),
    ],
)
def test_gold_rows_find_articles_by_url_then_file(url, file, expected):
    assert ArticleIndex(ARTICLES).find(GoldRow(2, url, file, "x")) == expected


def test_unmatched_rows_are_reported_and_unclustered_articles_stand_alone(tmp_path):
    gold = read_gold(
        write_csv(
            tmp_path,
            "file,url,event\n"
            ",https://wire.example/1,A\n,https://wire.example/2,A\ntxt/pier.txt,,B\nhtml/only.html,,B\n"
            "gone.txt,,C\n,https://wire.example/404,C\n",
        )
    )
    scores = evaluate_articles(ARTICLES, gold)
    assert [row.line for row in scores.unmatched] == [6, 7]
    assert scores.items == 4 and scores.unclustered == 1
    # Predicted {wire, second} {plain} {only}: B has been split in two, so recall drops, precision stays 1.
    assert (scores.precision, scores.recall) == pytest.approx((1.0, (1 + 1 + 0.5 + 0.5) / 4))
    notes = "\n".join(scores.notes())
    assert "unmatched gold rows: 2 (line 6: gone.txt; line 7: https://wire.example/404)" in notes
    assert "articles in no event (each counted alone): 1" in notes


def test_a_gold_file_matching_nothing_is_an_error(tmp_path):
    gold = read_gold(write_csv(tmp_path, "url,label\nhttps://elsewhere.example/1,A\n"))
    with pytest.raises(GoldError, match="none of its 1 rows matches"):
        evaluate_articles(ARTICLES, gold)


def run(capsys, *args: str) -> tuple[int, str, str]:
    """`currents ARGS` in this process: exit status, standard output, standard error."""
    try:
        status = main(list(args))
    except SystemExit as exit_:  # argparse's own usage errors
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_eval_usage_errors_exit_2(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    status, _, err = run(capsys, "eval", "clusters", "--gold", str(tmp_path / "missing.csv"), "--db", db)
    assert status == 2 and "missing.csv" in err
    no_label = str(write_csv(tmp_path, "url\nhttps://x.example/1\n"))
    status, _, err = run(capsys, "eval", "clusters", "--gold", no_label, "--db", db)
    assert status == 2 and "no label column" in err
    assert run(capsys, "eval", "clusters", "--db", db)[0] == 2  # --gold is required
    assert run(capsys, "eval", "clusters", "--gold", no_label, "--level", "topic", "--db", db)[0] == 2


@pytest.fixture(scope="module")
def example_store(tmp_path_factory) -> Path:
    """The example corpus ingested (and clustered) once, as `currents ingest` does it."""
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    assert main(["ingest", str(EXAMPLES), "--db", str(db), "--quiet"]) == 0
    return db


# The example corpus has 19 distinct articles in 5 events and 3 stories. One article put in the wrong
# event of its story costs about 0.05-0.1 of B-cubed F1, so 0.9 allows at most about one such slip.
EXAMPLE_F1 = 0.9


@pytest.mark.parametrize("level", ["event", "story"])
def test_example_corpus_clusters_match_its_gold_labels(example_store, capsys, level):
    capsys.readouterr()
    gold = str(EXAMPLES.parent / "labels.csv")
    status, out, err = run(capsys, "eval", "clusters", "--gold", gold, "--level", level, "--db", str(example_store))
    assert status == 0, err
    lines = dict(line.split(None, 2)[-2:] for line in out.splitlines() if line.startswith("B-cubed"))
    assert float(lines["F1"]) >= EXAMPLE_F1, out
    assert "unmatched" not in out
    assert f"gold labels from column '{level}'" in out
