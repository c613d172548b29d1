"""Articles become events and events become stories, during ingest, whatever the input order."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

import currents
from conftest import EXAMPLES, SEEDS
from currents.cluster.features import OPEN_END, Features, day_span
from currents.cluster.grouping import Group, Grouping, GroupingParams
from currents.cluster.neighbours import semantic_neighbours
from currents.cluster.stage import _event_features, _stable_ids, story_label
from currents.config import load_config
from currents.model import Entity, Event
from currents.text.embedding import Embedder, EmbeddingUnavailable, decode, native_bfloat16

# The migration after which a story's context counts articles, not events.
STORY_ARTICLES_MIGRATION = 13


def _partition(app: currents.Currents, level: str) -> set[frozenset[str]]:
    """The store's grouping of articles into events (or stories), as a comparable set.

    An article is named by its first copy's URL or file: which of two syndicated copies is stored
    as the article (and gives it its id) depends on which came first, the set of copies does not.
    """
    groups: dict[str, set[str]] = {}
    for article in app.store.iter_articles():
        key = article.event_id if level == "event" else article.story_id
        assert key is not None, f"article {article.id} has no {level}"
        groups.setdefault(key, set()).add(min(c.url or c.file for c in article.copies))
    return {frozenset(g) for g in groups.values()}


def _example_inputs() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (CI checks it out beside the project)")
    with currents.open(tmp_path_factory.mktemp("seeds") / "t.db") as app:
        app.ingest([SEEDS])
        yield app


@pytest.fixture(scope="module")
def examples_at_once(tmp_path_factory):
    with currents.open(tmp_path_factory.mktemp("once") / "t.db") as app:
        app.ingest(_example_inputs())
        yield app


def test_seed_reports_form_one_event_on_its_day_and_the_sahel_article_another(seed_store):
    by_seed = {Path(a.file).name[:3]: a for a in seed_store.store.iter_articles()}
    russia = {by_seed[n].event_id for n in ("000", "001", "002", "003")}
    assert len(russia) == 1
    event = seed_store.store.get_event(russia.pop())
    assert (event.date, event.granularity) == ("2016-11-16", "day")
    assert by_seed["004"].event_id != event.id


def test_seed_events_share_a_story_and_list_each_other_as_related(seed_store):
    events = list(seed_store.store.iter_events())
    assert len(events) == 2
    assert len({e.story_id for e in events}) == 1
    for event, other in (events, events[::-1]):
        related = {r.event_id: r for r in event.related}
        assert other.id in related
        shared = {c.name for c in related[other.id].shared}
        assert {"International Criminal Court", "Russia"} <= shared
    story = seed_store.store.get_story(events[0].story_id)
    assert "International Criminal Court" in {c.name for c in story.context}
    assert story.label


@pytest.mark.parametrize(
    "batches",
    [
        # The undated reports (000, 002) and the 2025 one (004) come first and form an event, which
        # a dated report must reopen: it shares entities but not days with them.
        [["000"], ["004"], ["002"], ["001"], ["003"]],
        # The dated reports re-analyse 000 and 002, which are then both pending and in the event reopened.
        [["000", "004", "002"], ["001", "003"]],
    ],
    ids=["one-by-one", "undated-first"],
)
def test_seeds_ingested_in_parts_group_as_seeds_ingested_together(seed_store, tmp_path, batches):
    files = {path.name[:3]: path for path in SEEDS.glob("*.txt")}
    with currents.open(tmp_path / "parts.db") as app:
        for batch in batches:
            app.ingest([files[name] for name in batch])
        for level in ("event", "story"):
            assert _partition(app, level) == _partition(seed_store, level)


def test_examples_group_into_their_labelled_events_and_stories(examples_at_once):
    # examples/labels.csv: five events in three stories (see examples/README.md).
    assert examples_at_once.store.count_events() == 5
    assert len(list(examples_at_once.store.iter_stories())) == 3


def test_shuffled_batches_give_the_same_events_and_stories(examples_at_once, tmp_path):
    inputs = _example_inputs()
    random.Random(7).shuffle(inputs)
    with currents.open(tmp_path / "shuffled.db") as app:
        for start in range(0, len(inputs), 4):
            app.ingest(inputs[start : start + 4])
        for level in ("event", "story"):
            assert _partition(app, level) == _partition(examples_at_once, level)


def test_a_late_report_joins_its_event_and_the_event_keeps_its_id(tmp_path):
    inputs = _example_inputs()
    late = next(p for p in inputs if p.name == "a2_belcourt_herald_cp1252.txt")
    with currents.open(tmp_path / "t.db") as app:
        app.ingest([p for p in inputs if p != late])
        before = {e.id: set(e.article_ids) for e in app.store.iter_events()}
        app.ingest([late])
        after = {e.id: set(e.article_ids) for e in app.store.iter_events()}
    assert after.keys() == before.keys()
    grown = [event_id for event_id in after if after[event_id] != before[event_id]]
    assert len(grown) == 1 and len(after[grown[0]]) == len(before[grown[0]]) + 1


def test_headline_only_articles_cluster_by_what_they_report(tmp_path, app):
    headlines = [
        ("Harbour strike halts ferries across Lisnagh as dockers walk out", "2024-02-05T07:00:00Z", "Tidewater Post"),
        ("Lisnagh dockers strike, stranding ferry passengers", "2024-02-05T09:30:00Z", "Morning Ledger"),
        ("Ferry services cancelled as Lisnagh harbour workers strike over pay", "2024-02-05T11:10:00Z", "Coast Wire"),
        ("Orbital telescope Vantiel sends first images of the Corvane nebula", "2024-02-05T08:00:00Z", "Tidewater Post"),
        ("First Vantiel telescope pictures show Corvane nebula in detail", "2024-02-06T06:45:00Z", "Coast Wire"),
    ]
    app.ingest([_headline_feed(tmp_path / "headlines.jsonl", headlines)])
    assert _event_titles(app) == {frozenset(t for t, _, _ in headlines[:3]), frozenset(t for t, _, _ in headlines[3:])}


# One happening told in words the two headlines do not share, and an unrelated one the same morning.
QUAKE_HEADLINES = [
    ("Strong earthquake shakes Varnholm, toppling buildings", "2024-03-02T06:00:00Z", "Tidewater Post"),
    ("Rescuers dig through rubble after powerful tremor", "2024-03-02T09:00:00Z", "Coast Wire"),
    ("Orbital telescope Vantiel sends first images of the Corvane nebula", "2024-03-02T08:00:00Z", "Morning Ledger"),
]


def _headline_feed(path: Path, headlines: list[tuple[str, str, str]]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"title": t, "url": f"https://wire.example/{i}", "source": s, "published": p}) + "\n"
            for i, (t, p, s) in enumerate(headlines)
        ),
        encoding="utf-8",
    )
    return path


# A strike over three weeks: two events naming the port, then a settlement that names nothing.
STRIKE_HEADLINES = [
    ("Harbour strike halts ferries across Lisnagh as dockers walk out", "2024-02-05T07:00:00Z", "Tidewater Post"),
    ("Lisnagh dockers strike, stranding ferry passengers", "2024-02-05T09:30:00Z", "Morning Ledger"),
    ("Lisnagh harbour strike enters second week as ferry queues grow", "2024-02-12T08:00:00Z", "Coast Wire"),
    ("Dockers strike over harbour pay drags on, ferries still idle in Lisnagh", "2024-02-12T10:00:00Z", "Tidewater Post"),
    ("Dockers end harbour strike after pay deal, ferries sail again", "2024-02-26T07:30:00Z", "Coast Wire"),
]


def test_a_later_event_finds_its_stored_story_by_shared_words_alone(tmp_path):
    with currents.open(tmp_path / "at-once.db") as app:
        app.ingest([_headline_feed(tmp_path / "all.jsonl", STRIKE_HEADLINES)])
        at_once = _partition(app, "story")
    assert len(at_once) == 1, "one strike, one story"
    with currents.open(tmp_path / "later.db") as app:
        app.ingest([_headline_feed(tmp_path / "first.jsonl", STRIKE_HEADLINES[:4])])
        # The feed later holds the settlement too (what it held before is skipped as duplicates).
        app.ingest([_headline_feed(tmp_path / "later.jsonl", STRIKE_HEADLINES)])
        [late] = [a for a in app.store.iter_articles() if a.title == STRIKE_HEADLINES[4][0]]
        assert not [e for e in late.entities if e.entity_id], "the settlement names no one, so names cannot find it"
        assert _partition(app, "story") == at_once


def _event_titles(app: currents.Currents) -> set[frozenset[str]]:
    return {frozenset(app.store.get_article(i).title for i in e.article_ids) for e in app.store.iter_events()}


def _embedded(app: currents.Currents) -> set[str]:
    ids = [a.id for a in app.store.iter_articles()]
    return set(app.store.article_embeddings(ids, app.config.cluster.embedding_model))


def test_headlines_of_one_happening_in_other_words_join_through_embeddings(tmp_path):
    feed = _headline_feed(tmp_path / "quake.jsonl", QUAKE_HEADLINES)
    titles = [t for t, _, _ in QUAKE_HEADLINES]
    with currents.open(tmp_path / "on.db") as app:
        app.ingest([feed])
        assert _event_titles(app) == {frozenset(titles[:2]), frozenset(titles[2:])}
        assert _embedded(app) == {a.id for a in app.store.iter_articles()}, "each article is embedded once analysed"
    with currents.open(tmp_path / "off.db", cluster__embeddings=False) as app:
        app.ingest([feed])
        assert _event_titles(app) == {frozenset([t]) for t in titles}, "no shared word, no shared name"
        assert not _embedded(app)


def test_articles_analysed_without_embeddings_are_embedded_when_clustered(tmp_path):
    feed = _headline_feed(tmp_path / "quake.jsonl", QUAKE_HEADLINES)
    with currents.open(tmp_path / "t.db", cluster__embeddings=False) as app:
        app.ingest([feed], cluster=False)
    with currents.open(tmp_path / "t.db") as app:
        app.cluster()
        assert len(_embedded(app)) == 3
        assert len(_event_titles(app)) == 2


def test_a_missing_encoder_package_is_a_clear_error_and_loses_no_article(tmp_path):
    feed = _headline_feed(tmp_path / "quake.jsonl", QUAKE_HEADLINES)
    with currents.open(tmp_path / "t.db", cluster__embedding_model="no_such_encoder_package") as app:
        with pytest.raises(EmbeddingUnavailable, match="no_such_encoder_package.*embeddings = false"):
            app.ingest([feed])
        assert app.store.count_articles() == 3
        assert app.store.count_unanalysed() == 3, "analysed again by the next ingest"


def test_bfloat16_encoding_sees_articles_as_alike_as_float32_does(tmp_path):
    if not native_bfloat16():
        pytest.skip("this CPU computes bfloat16 only by emulation, so the encoder keeps float32")
    with currents.open(tmp_path / "t.db") as app:
        app.ingest(sorted(SEEDS.glob("*.txt")), understand=False)
        articles = list(app.store.iter_articles())
    likeness = {}
    for bfloat16 in (True, False):
        config = load_config(cluster__embedding_bfloat16=bfloat16).cluster
        vectors = np.stack([decode(blob) for blob in Embedder(config).embed(articles).values()])
        likeness[bfloat16] = vectors @ vectors.T
    assert np.abs(likeness[True] - likeness[False]).max() < 0.01
    nearest = {bfloat16: np.argsort(-matrix, axis=1)[:, 1] for bfloat16, matrix in likeness.items()}
    assert (nearest[True] == nearest[False]).all(), "each article's most alike other article is the same"


def test_semantic_neighbours_are_the_most_similar_items_near_in_time():
    def item(name: str, day: int, direction: list[float]) -> Features:
        vector = np.array(direction, dtype=np.float32)
        return Features(name, None, None, day, day, embedding=vector / np.linalg.norm(vector))

    items = [item("a", 100, [1, 0, 0]), item("b", 101, [1, 1, 0]), item("c", 130, [1, 0, 0]), item("d", 100, [0, 0, 1])]
    near = semantic_neighbours(items, count=2, floor=0.3, window=3)
    assert near["a"] == ["b"], "c says the same but a month later; d says something else"
    assert semantic_neighbours(items, count=2, floor=0.3, window=None)["a"] == ["c", "b"]



def test_a_date_resolved_against_a_borrowed_reference_does_not_date_the_happening(tmp_path, app):
    # "On Wednesday" in an undated article means the Wednesday before whichever related dated article
    # was stored first: a guess that depends on ingest order, so the clusterer leaves it out.
    names = "Vladimir Putin signed the order in Moscow; the International Criminal Court in The Hague"
    records = [
        {"title": "Russia leaves the court", "text": f"{names} said Russia had left. " * 3,
         "url": "https://wire.example/dated", "source": "Coast Wire", "published": "2016-11-16T10:00:00Z"},
        {"title": "Putin quits the court", "text": f"On Wednesday {names} heard that Russia had left. " * 3,
         "url": "https://wire.example/undated", "source": "Morning Ledger"},
    ]  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    app.ingest([feed])
    undated = app.store.get_article(app.store.article_id_for_url("https://wire.example/undated"))
    assert undated.published is None and undated.event_date.borrowed
    [seen] = app.store.articles_for_clustering([undated.id], app.config.cluster.lead_chars)
    assert day_span(seen, app.config.cluster.event_window_days) == (None, None)


def _event_grouping(**overrides) -> Grouping:
    params = dict(term_share=0.5, threshold=0.15, window_days=3, lookup_keys=12, postings_scanned=200, max_candidates=40)
    return Grouping(GroupingParams(**(params | overrides)))


def _members(groups: list[Group]) -> set[frozenset[str]]:
    return {frozenset(g.members) for g in groups if g.members}


def test_an_open_ended_report_joins_a_dated_event_which_stays_dated_by_its_dated_reports():
    day = 740_000
    quake = {"quake": 1.0}
    open_ended = Features("background", None, None, day - 400, OPEN_END, terms=dict(quake))
    dated = Features("report", None, None, day, day, terms=dict(quake))
    [event] = _event_grouping().fit([open_ended, dated])
    assert set(event.members) == {"background", "report"}
    # Dated by the dated report, a later ingest of a report that day reopens it by its days.
    assert (event.first_day, event.last_day) == (day, day)


def test_a_dated_report_never_joins_an_event_only_open_ended_reports_date():
    day = 740_000
    stored_open = Group(id="stored-open")
    stored_open.join(Features("background", None, None, day - 400, OPEN_END, terms={"quake": 1.0}))
    later = Features("report", None, None, day, day, terms={"quake": 1.0})
    # A later ingest would not reopen that stored event for a dated report (it is found by days),
    # so grouping all at once must not put them together either.
    groups = _event_grouping().fit([later], seeds=[stored_open])
    assert {"report"} in [set(g.members) for g in groups]
    stored_dated = Group(id="stored-dated")
    stored_dated.join(Features("report", None, None, day, day, terms={"quake": 1.0}))
    open_ended = Features("background", None, None, day - 400, OPEN_END, terms={"quake": 1.0})
    assert _members(_event_grouping().fit([open_ended], seeds=[stored_dated])) == {frozenset({"report", "background"})}


def test_an_embedding_likeness_weighs_less_beside_a_full_lead_than_beside_a_headline():
    day = 740_000
    grouping = _event_grouping(semantic_share=0.7, semantic_neighbours=5, semantic_floor=0.2, semantic_full_terms=20)
    first, second = np.array([1.0, 0.0], dtype=np.float32), np.array([0.25, np.sqrt(1 - 0.25**2)], dtype=np.float32)

    def report(name: str, words: int, embedding: np.ndarray) -> Features:
        terms = {f"{name}{i}": 1 / np.sqrt(words) for i in range(words)}  # no word shared with the other
        return Features(name, None, None, day, day, terms=terms, embedding=embedding)

    headlines = [report("a", 6, first), report("b", 6, second)]
    assert _members(grouping.fit(headlines)) == {frozenset({"a", "b"})}, "headlines: the encoder is the evidence"
    leads = [report("a", 100, first), report("b", 100, second)]
    assert len(_members(grouping.fit(leads))) == 2, "full leads sharing no word or name: two happenings"


def test_a_thinly_reported_event_alone_joins_the_story_it_fits_best_at_a_lower_bar():
    grouping = _event_grouping(threshold=0.13, window_days=None, attach_max_reports=2, attach_threshold=0.06)

    def event(name: str, shared: float, reports: int) -> Features:
        # Cosine `shared` with the quake story (and shared x shared with another such event).
        terms = {"quake": shared, name: float(np.sqrt(1 - shared**2))}
        return Features(name, None, None, None, None, terms=terms, reports=reports)

    story = [event("first", 1.0, 5), event("second", 1.0, 4)]
    witness = event("witness", 0.08, reports=1)  # under the story threshold, over the attach one
    assert _members(grouping.fit([*story, witness])) == {frozenset({"first", "second", "witness"})}
    without = _event_grouping(threshold=0.13, window_days=None)
    assert frozenset({"witness"}) in _members(without.fit([*story, witness]))
    rescue = event("rescue", 0.08, reports=3)
    assert frozenset({"rescue"}) in _members(grouping.fit([*story, rescue])), "three reports: a thread of its own"
    # Two lone events as alike as that do not make a story of their own.
    asides = [event("aside", 0.3, reports=1), event("other", 0.3, reports=1)]
    assert len(_members(grouping.fit(asides))) == 2


def test_events_of_one_day_are_grouped_in_an_order_set_by_their_articles_not_their_ids():
    # An event keeps the id it was first given, so its id depends on which of its articles came
    # first. `middle` reads as much like `left` as like `right`, and joins whichever is grouped
    # first: which one that is must not change with the ids.
    grouping = _event_grouping(threshold=0.5, window_days=None)
    # Whole numbers: the sums a group keeps as members leave and join stay exact, and so does the tie.
    shapes = {"left": {"left": 1.0}, "middle": {"left": 1.0, "right": 1.0}, "right": {"right": 1.0}}
    day = "2024-05-22"

    def partition(ids: dict[str, str]) -> set[frozenset[str]]:
        events = [
            Event(ids[name], day, "day", name, [f"article-{name}"], vector={"terms": terms}, first_day=day, last_day=day)
            for name, terms in shapes.items()
        ]
        groups = grouping.fit([_event_features(event) for event in events])
        name_of = {ids[name]: name for name in shapes}
        return {frozenset(name_of[member] for member in members) for members in _members(groups)}

    first = partition({"left": "e1", "middle": "e2", "right": "e3"})
    assert first == {frozenset({"left", "middle"}), frozenset({"right"})}
    assert partition({"left": "e3", "middle": "e2", "right": "e1"}) == first


def test_events_regrouped_apart_get_distinct_ids_never_a_stored_events():
    # A stored event's id came from its first member; regrouped, that member is alone and the rest
    # keeps the id. Two events with one id would overwrite each other's members.
    old_id = _stable_ids([_group("a", "b", "c")], {}, "e", lambda ids: set(), taken=set())[0]
    old_of = {member: old_id for member in "abc"}
    elsewhere = "e-stored-elsewhere"
    ids = _stable_ids([_group("b", "c"), _group("a")], old_of, "e", lambda ids: set(ids) & {elsewhere}, taken=set())
    assert ids[0] == old_id and ids[1] != old_id
    clash = ids[1]
    again = _stable_ids([_group("b", "c"), _group("a")], old_of, "e", lambda ids: set(ids) & {clash}, taken=set())
    assert len(set(again)) == 2 and clash not in again, "an id a stored event not regrouped has is not reused"


def _group(*members: str) -> Group:
    group = Group()
    for member in members:
        group.join(Features(member, None, None, None, None, terms={member: 1.0}))
    return group

def test_the_same_kind_of_happening_months_apart_is_two_events_of_one_story(tmp_path, app):
    reports = [
        (
            "Marrow Valley dam spillway opened as Carneth orders evacuations",
            "The Marrow Valley dam operator opened the spillway gates on Monday after heavy rain, and the "
            "river authority of Carneth ordered villages below the dam to evacuate.",
            "2023-03-07T10:00:00Z",
        ),
        (
            "Marrow Valley dam gates opened again; Carneth villages evacuated",
            "For the second time this year, Carneth's river authority evacuated villages downstream on "
            "Tuesday as the Marrow Valley dam released water through its spillway after storms.",
            "2023-06-13T10:00:00Z",
        ),
    ]
    feed = tmp_path / "dam.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"title": t, "text": b, "url": f"https://river.example/{i}", "source": "Carneth Courier",
                        "published": p}) + "\n"
            for i, (t, b, p) in enumerate(reports)
        ),
        encoding="utf-8",
    )
    app.ingest([feed])
    events = list(app.store.iter_events())
    assert len(events) == 2
    assert events[0].story_id == events[1].story_id


# Two happenings in one country, told through different actors: a wildfire and an election.
ONE_COUNTRY_HEADLINES = [
    ("Red Cross shelters thousands fleeing Portugal wildfire", "2024-08-01T07:00:00Z", "Tidewater Post"),
    ("Portugal wildfire: Red Cross opens shelters as villages evacuate", "2024-08-01T09:00:00Z", "Coast Wire"),
    ("Portugal elects Marta Quintela as president", "2024-08-20T07:00:00Z", "Tidewater Post"),
    ("Marta Quintela wins Portugal presidential runoff", "2024-08-20T09:00:00Z", "Coast Wire"),
]


@pytest.mark.parametrize(("place_weight", "stories"), [(0.3, 2), (1.0, 1)])
def test_a_shared_country_alone_does_not_make_two_events_one_story(tmp_path, place_weight, stories):
    feed = _headline_feed(tmp_path / "portugal.jsonl", ONE_COUNTRY_HEADLINES)
    with currents.open(tmp_path / "store.db", cluster__story_place_weight=place_weight) as app:
        app.ingest([feed])
        events = list(app.store.iter_events())
    assert len(events) == 2
    assert len({e.story_id for e in events}) == stories


@pytest.mark.parametrize(("place_weight", "one_story"), [(0.3, False), (1.0, True)])
def test_events_sharing_one_entity_are_related_only_within_one_story(tmp_path, place_weight, one_story):
    feed = _headline_feed(tmp_path / "portugal.jsonl", ONE_COUNTRY_HEADLINES)
    with currents.open(tmp_path / "store.db", cluster__story_place_weight=place_weight) as app:
        app.ingest([feed])
        fire, vote = app.store.iter_events()
        related = {r.event_id: [c.name for c in r.shared] for r in app.store.get_event(fire.id).related}
        listed_back = {r.event_id for r in app.store.get_event(vote.id).related}
    assert (fire.story_id == vote.story_id) is one_story
    if one_story:
        assert related == {vote.id: ["Portugal"]} and listed_back == {fire.id}
    else:
        assert vote.id not in related and fire.id not in listed_back


def test_export_lists_events_and_stories_with_their_members(examples_at_once):
    out = io.StringIO()
    examples_at_once.export("events", out)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    members = [article_id for event in events for article_id in event["article_ids"]]
    assert sorted(members) == sorted(a.id for a in examples_at_once.store.iter_articles())
    assert all(event["date"] and event["context"] and event["story_id"] for event in events)
    # The summarize stage ran on every event: a cited headline and cited summary sentences.
    assert all(event["headline_citations"] for event in events)
    assert all(sentence["citations"] for event in events for sentence in event["summary"])
    for event in events:
        times = [report["published"] for report in event["sources"] if report["published"]]
        assert times == sorted(times), "first reporter first"
    out = io.StringIO()
    examples_at_once.export("stories", out)
    stories = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted(i for s in stories for i in s["event_ids"]) == sorted(e["id"] for e in events)
    assert all(story["label"] for story in stories)
    out = io.StringIO()
    examples_at_once.export("articles", out)
    assert all(json.loads(line)["event_id"] for line in out.getvalue().splitlines())


def _assert_story_contexts_count_articles(store) -> None:
    """Each entity of a story's context counts the articles its events' contexts count for it."""
    events = list(store.iter_events())
    for story in store.iter_stories():
        counted = Counter()
        for event in events:
            if event.story_id == story.id:
                counted.update({c.id: c.articles for c in event.context})
        assert story.context
        assert {c.name: c.articles for c in story.context} == {c.name: counted[c.id] for c in story.context}


def test_a_story_context_counts_the_articles_its_events_count_for_each_entity(examples_at_once):
    _assert_story_contexts_count_articles(examples_at_once.store)


def test_a_story_context_stored_with_event_counts_counts_articles_once_migrated(examples_at_once, tmp_path):
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(examples_at_once.store.path)) as live, closing(sqlite3.connect(path)) as old:
        live.backup(old)
    with closing(sqlite3.connect(path, isolation_level=None)) as old:
        # What stores made before kept: how many of the story's events have the entity in their context.
        old.execute(
            "UPDATE story_entities SET articles = (SELECT count(*) FROM event_entities ee"
            " JOIN events e ON e.id = ee.event_id"
            " WHERE e.story_id = story_entities.story_id AND ee.entity_id = story_entities.entity_id)"
        )
        old.execute(f"PRAGMA user_version={STORY_ARTICLES_MIGRATION - 1}")
    with currents.open(path) as app:
        _assert_story_contexts_count_articles(app.store)
        kept = {s.id: {c.id for c in s.context} for s in app.store.iter_stories()}
    assert kept == {s.id: {c.id for c in s.context} for s in examples_at_once.store.iter_stories()}


def test_a_story_label_names_two_different_entities_and_a_phrase_that_adds_to_them():
    court = Entity("international-criminal-court", "International Criminal Court", "ORG", ["ICC"])
    russia = Entity("russia", "Russia", "GPE", ["Russian", "Kremlin"])
    label = story_label([court, russia], ["ICC", "Kremlin", "withdrawal"])
    assert label == "International Criminal Court, Russia: withdrawal"
    barnier = Entity("michel-barnier", "Michel Barnier", "PERSON", ["Barnier"])
    bare = Entity("barnier", "Barnier", "ORG", ["Barnier"])
    fed, reserve = Entity("fed", "Fed", "ORG"), Entity("federal-reserve", "Federal Reserve", "ORG")
    france = Entity("france", "France", "GPE")
    label = story_label([barnier, bare, france], ["Prime Minister Barnier", "no-confidence vote"])
    assert label == "Michel Barnier, France: no-confidence vote"
    assert story_label([fed, reserve, france], []) == "Fed, France"
    assert story_label([], []) == "(unlabelled story)"


# Two people sharing a surname, each named in full and then by surname alone, months apart.
NAMESAKE_REPORTS = [
    (
        "Marta Quintela opens children's hospital",
        "Health minister Marta Quintela opened a new children's hospital on Monday. Quintela said the wards "
        "would take their first patients next week.",
        "2024-03-04T08:00:00Z",
        "Tidewater Post",
    ),
    (
        "Quintela opens hospital for children",
        "Marta Quintela, the health minister, cut the ribbon at the children's hospital. Quintela thanked "
        "the nurses who had moved the equipment.",
        "2024-03-04T10:00:00Z",
        "Coast Wire",
    ),
    (
        "Rui Quintela wins chess championship",
        "Rui Quintela won the national chess championship on Sunday. Quintela, nineteen, beat the "
        "defending champion in the final round.",
        "2024-05-12T18:00:00Z",
        "Tidewater Post",
    ),
    (
        "Teenager Quintela takes chess title",
        "The chess title went to Rui Quintela after a tense last game. Quintela said he had prepared the "
        "opening for months.",
        "2024-05-12T20:00:00Z",
        "Coast Wire",
    ),
]


def test_people_sharing_a_surname_head_two_stories(tmp_path, app):
    feed = tmp_path / "namesakes.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"title": t, "text": x, "url": f"https://wire.example/q{i}", "source": s, "published": p}) + "\n"
            for i, (t, x, p, s) in enumerate(NAMESAKE_REPORTS)
        ),
        encoding="utf-8",
    )
    app.ingest([feed])
    events = list(app.store.iter_events())
    assert len(events) == 2
    assert events[0].story_id != events[1].story_id
