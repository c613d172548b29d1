"""The understanding stage: what each stored article says, and about whom and when.

For every article not yet analysed, spaCy (tagger, senter, NER) runs in a
pool of worker processes; each worker also does all per-article extraction
(sentences, entities grouped within the article, time expressions, event date,
dated facts, keyphrases), so both cores do the Python work too and only small
records travel back. The main process then links entities to canonical ones
across the store (that needs the store, so it cannot run in a worker), borrows
a reference date for undated articles from related dated ones, and saves.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import chain

from spacy.tokens import Doc

from currents.config import ClusterConfig, NlpConfig
from currents.iterate import batched
from currents.model import Article, DatedFact, EventDate, LocalEntity, Sentence, TimeExpression
from currents.processes import worker_pool
from currents.store import Store
from currents.text import facts, timex
from currents.text.embedding import Embedder, decode
from currents.text.entities import local_entities, mentions_by_sentence
from currents.text.keyphrases import keyphrases
from currents.text.language import detect_language
from currents.text.linking import EntityLinker
from currents.text.nlp import load_pipeline, pipe, sentences_of, text_of

ENGLISH = "en"
# A borrowed reference date must come from an article sharing at least this many canonical entities.
MIN_SHARED_ENTITIES_FOR_REFERENCE = 3


@dataclass(frozen=True)
class Job:
    """What a worker needs to analyse one article (small and picklable)."""

    article_id: str
    title: str
    text: str
    published: date | None


@dataclass
class Analysis:
    """What a worker found in one article."""

    article_id: str
    language: str | None
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[LocalEntity] = field(default_factory=list)
    dates: list[TimeExpression] = field(default_factory=list)
    event_date: EventDate | None = None
    dated_facts: list[DatedFact] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)


def analyse(jobs: list[Job], config: NlpConfig) -> list[Analysis]:
    """Analyse a batch of articles with one spaCy `pipe` call (runs inside a worker)."""
    results: dict[str, Analysis] = {}
    english: list[tuple[Job, str]] = []
    for job in jobs:
        # Headline-only articles: the title is all there is to understand.
        text = job.text or job.title
        language, confidence = detect_language(text)
        analysis = Analysis(job.article_id, language)
        results[job.article_id] = analysis
        if language not in (ENGLISH, None) and confidence >= config.language_confidence:
            analysis.notes["nlp_skipped"] = f"language {language!r}: English-only analysis skipped"
            continue
        if len(text) > config.max_chars:
            text = text[: config.max_chars]
            analysis.notes["nlp_truncated_at"] = config.max_chars
        english.append((job, text))
    nlp = load_pipeline(config.model)
    # Headlines name the actors most plainly ("Putin said that Russia would withdraw"), so
    # each article's title is analysed too, in the same pipe call as the bodies.
    texts = [t for job, text in english for t in ((job.title, text) if job.text and job.title else (text,))]
    docs = pipe(nlp, texts, config.batch_size)
    for job, _ in english:
        title_doc = next(docs) if job.text and job.title else None
        _fill(results[job.article_id], job, next(docs), title_doc)
    return [results[job.article_id] for job in jobs]


def _fill(analysis: Analysis, job: Job, doc: Doc, title_doc: Doc | None) -> None:
    headline_only = not job.text
    if not headline_only:
        text = text_of(doc)
        analysis.sentences = [
            Sentence(i, sent.start_char, sent.end_char, text[sent.start_char : sent.end_char])
            for i, sent in enumerate(sentences_of(doc))
        ]
    analysis.entities = local_entities(doc, title_doc)
    analysis.keyphrases = keyphrases(doc, title=job.title or None)
    if headline_only:
        return
    reference = job.published
    analysis.dates = timex.time_expressions(doc, reference)
    stamps = facts.day_stamps(analysis.dates, analysis.sentences)
    if reference is None and stamps:
        # An undated page stamped "November 14, 2015 12:56 pm" was written that day:
        # "on Friday evening" in it is the day before.
        reference = stamps[0][1]
        analysis.dates = timex.time_expressions(doc, reference)
        analysis.notes["reference_date"] = {"date": reference.isoformat(), "from": "date stamp in the text"}
    analysis.dates = _resolve_by_entry(analysis.dates, analysis.sentences, stamps, reference)
    analysis.event_date = facts.event_date(analysis.dates, analysis.sentences, reference)
    analysis.dated_facts = facts.dated_facts(
        analysis.sentences,
        analysis.dates,
        mentions_by_sentence(doc, analysis.entities),
        analysis.event_date,
        reference,
        unfit=facts.unfit_sentences(doc, analysis.dates),
    )


def _resolve_by_entry(
    dates: list[TimeExpression], sentences: list[Sentence], stamps: list[tuple[int, date]], reference: date | None
) -> list[TimeExpression]:
    """Relative dates of a live blog, resolved against the stamp of the entry that holds them.

    A live blog is dated by its newest entry, and each older entry carries its
    own stamp ("1032 GMT, 11 March 2011"): its "today" is that day. Only stamps
    on or before the page's date start an entry; text above the first one keeps
    the page's date.
    """
    entries = [(index, day) for index, day in stamps if reference is None or day <= reference]
    if not entries or all(day == reference for _, day in entries):
        return dates
    starts = [index for index, _ in entries]
    by_index = {sentence.index: sentence for sentence in sentences}
    resolved = []
    for expression in dates:
        entry = bisect_right(starts, expression.sentence) - 1
        if entry >= 0 and entries[entry][1] != reference and expression.sentence in by_index:
            note = f"resolved against the stamp of its entry, {entries[entry][1].isoformat()}"
            expression = timex.resolve_again(expression, entries[entry][1], by_index[expression.sentence], note)
        resolved.append(expression)
    return resolved


class Understander:
    """Analyses unanalysed articles of a store, in parallel when there are enough of them."""

    def __init__(self, store: Store, config: NlpConfig, cluster: ClusterConfig | None = None) -> None:
        self.store = store
        self.config = config
        self.linker = EntityLinker(store)
        # The cluster stage's sentence embeddings are computed here, once per article, with its analysis.
        self.embedder = Embedder(cluster, threads=1) if cluster and cluster.embeddings else None
        self._pool: ProcessPoolExecutor | None = None

    def run(self, limit: int | None = None) -> int:
        """Analyse up to `limit` (default: all) unanalysed articles; returns how many."""
        done = 0
        while limit is None or done < limit:
            chunk = self.store.unanalysed_articles(self.chunk_size())
            if limit is not None:
                chunk = chunk[: limit - done]
            if not chunk:
                break
            analyses = self._analyse(chunk)
            # Encoded here while the workers analyse the chunk: the encoder needs only title and text.
            vectors = self.embedder.embed(chunk) if self.embedder else {}
            with self.store.transaction():
                for article, analysis in zip(chunk, analyses):
                    _apply(article, analysis)
                    self.linker.link(article)
                    self.store.save_analysis(article)
                if vectors:
                    self.store.save_embeddings(self.embedder.config.embedding_model, vectors)
            done += len(chunk)
        return done

    def anchor_undated(self, limit: int = 500) -> int:
        """Resolve relative dates of undated articles against a dated report of the same happening.

        "On Wednesday" in an article that states no publication date means
        nothing alone; if a dated article shares several canonical entities
        with it, reads alike by title and lead (sentence embeddings), and no
        year the undated article mentions is later than that article's date,
        its publication date is a fair reference. Shared names alone are not
        enough: a profile of a first lady and a report of her trip share them.
        The result is marked as borrowed and carries a lower confidence; the
        article's `published` stays empty.
        """
        anchored = 0
        with self.store.transaction():
            for article in self.store.undated_unresolved_articles(limit):
                reference = self._reference_for(article)
                if reference is None:
                    continue
                related, day = reference
                _resolve_against(article, day, related)
                self.store.save_analysis(article)
                anchored += 1
        return anchored

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def chunk_size(self) -> int:
        """Articles analysed (and committed) together: enough to keep every worker busy."""
        return self.config.batch_size * max(1, self.config.processes) * 4

    def _analyse(self, articles: list[Article]) -> Iterable[Analysis]:
        """The articles' analyses; with workers, a lazy iterator over work already submitted to them."""
        jobs = [
            Job(a.id, a.title, a.text, a.published.date() if a.published else None) for a in articles
        ]
        if self.config.processes <= 1 or len(jobs) < self.config.min_articles_per_process * 2:
            return analyse(jobs, self.config)
        pool = self._ensure_pool()
        batches = list(batched(jobs, self.config.batch_size))
        return chain.from_iterable(pool.map(analyse, batches, [self.config] * len(batches)))

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = worker_pool(self.config.processes, [__name__])
        return self._pool

    def _reference_for(self, article: Article) -> tuple[str, date] | None:
        """The id and publication day of the dated article most alike `article`, if one is alike enough."""
        if self.embedder is None:
            return None
        ids = [e.entity_id for e in article.entities if e.entity_id]
        latest_year = max((int(d.value[:4]) for d in article.dates if d.value and not d.relative), default=None)
        candidates = {
            related.id: related.published.date()
            for related, shared in self.store.articles_sharing_entities(ids)
            if shared >= MIN_SHARED_ENTITIES_FOR_REFERENCE
            and related.id != article.id
            and related.published is not None
            and (latest_year is None or latest_year <= related.published.year)
        }
        if not candidates:
            return None
        vectors = self.store.article_embeddings([article.id, *candidates], self.embedder.config.embedding_model)
        if article.id not in vectors:
            return None
        own = decode(vectors[article.id])
        likeness = {i: float(own @ decode(vectors[i])) for i in candidates if i in vectors}
        alike = [(score, i) for i, score in likeness.items() if score >= self.config.reference_min_likeness]
        if not alike:
            return None
        _, best = max(alike)
        return best, candidates[best]


def _apply(article: Article, analysis: Analysis) -> None:
    article.language = analysis.language
    article.sentences = analysis.sentences
    article.entities = analysis.entities
    article.dates = analysis.dates
    article.event_date = analysis.event_date
    article.dated_facts = analysis.dated_facts
    article.keyphrases = analysis.keyphrases
    article.metadata.update(analysis.notes)


def _resolve_against(article: Article, reference: date, related_id: str) -> None:
    note = f"resolved against the publication date of related article {related_id}"
    by_index = {sentence.index: sentence for sentence in article.sentences}
    article.dates = [
        timex.resolve_again(expression, reference, by_index[expression.sentence], note)
        if expression.value is None and expression.sentence in by_index
        else expression
        for expression in article.dates
    ]
    when = facts.event_date(article.dates, article.sentences, None)
    if when is not None:
        article.event_date = replace(
            when,
            confidence=round(when.confidence * 0.7, 3),
            evidence=f"{when.evidence}; {EventDate.BORROWED} {related_id}",
        )
    article.metadata["reference_date"] = {"date": reference.isoformat(), "from_article": related_id}
