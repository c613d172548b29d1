"""Ingest: read inputs, clean each article, drop duplicates, store the rest.

Articles are committed in batches of `ingest.batch_size`, across inputs (a
commit per small file would cost more than the file), and an input is
reported as stored only once all of it is committed. So a run killed
half-way keeps everything it had reported as stored, and a re-run finds
those articles again by URL or content and adds nothing twice.

In a big ingest, worker processes read, clean and fingerprint the next
inputs while this process stores (`sources.parallel`); the results, their
order and the rejections are the same as without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from currents.cluster import ClusterStage
from currents.config import Config, IngestConfig
from currents.errors import Unreadable
from currents.model import Article, Copy, Rejection
from currents.progress import Progress
from currents.sources import Input, expand, read_input
from currents.sources.parallel import map_inputs
from currents.store import Store
from currents.text import clean_article
from currents.text.dedup import Fingerprint, fingerprint, similarity

# An article ready to store: cleaned, with its fingerprint.
Prepared = tuple[Article, Fingerprint]
# Where the analysis workers' code lives; named, not imported: it imports spaCy, which reading alone does not need.
ANALYSIS_MODULE = "currents.text.understand"


@dataclass
class IngestReport:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        return f"{self.accepted} accepted, {self.duplicates} duplicates, {len(self.rejected)} rejected"


class Ingestor:
    """Runs one ingest over a store; reusable for several batches.

    Articles are stored first (cheap, committed input by input), then
    understood (spaCy, slow) in chunks. An article stored but not yet
    understood when a run dies is picked up by the next run.
    """

    def __init__(
        self, store: Store, config: Config, understand: bool | None = None, cluster: bool | None = None
    ) -> None:
        self.store = store
        self.config = config
        self.understand = config.nlp.enabled if understand is None else understand
        # Clustering reads what understanding stored: without it there is nothing to group on.
        self.cluster = (config.cluster.enabled if cluster is None else cluster) and self.understand

    def run(
        self,
        paths: Iterable[str],
        progress: Progress | None = None,
        on_rejection: Callable[[Rejection], None] | None = None,
    ) -> IngestReport:
        report = IngestReport()
        inputs, problems = expand(list(paths), exclude=self.store.own_files())
        for problem in problems:
            self._reject(report, problem, on_rejection)
        total = sum(i.size or 0 for i in inputs) if all(i.size is not None for i in inputs) else None
        done = 0
        for item in self._ingest_inputs(inputs, report, on_rejection):
            done += item.size or 0
            if progress:
                progress("reading", done, total, item.path)
        if self.understand:
            self._understand(progress)
        if self.cluster:
            ClusterStage(self.store, self.config.cluster).run(progress)
            if self.config.summarize.enabled:
                # Imported here: it loads spaCy and lexicons, which reading alone does not need.
                from currents.summarize.stage import SummarizeStage

                SummarizeStage(self.store, self.config.summarize).run(progress)
        return report

    def _understand(self, progress: Progress | None) -> None:
        # Imported here: spaCy takes seconds to import, and reading alone does not need it.
        from currents.text.understand import Understander

        understander = Understander(self.store, self.config.nlp, self.config.cluster)
        try:
            pending = self.store.count_unanalysed()
            done = 0
            while analysed := understander.run(limit=understander.chunk_size()):
                done += analysed
                if progress:
                    progress("understanding", done, pending, None)
            understander.anchor_undated()
        finally:
            understander.close()

    def _ingest_inputs(
        self, inputs: list[Input], report: IngestReport, on_rejection: Callable[[Rejection], None] | None
    ) -> Iterator[Input]:
        """Store what `inputs` hold, one transaction per batch; yield each input once all of it is committed."""
        for batch in self._batches(inputs):
            stored = IngestReport()
            finished = []
            with self.store.transaction():
                for item, result in batch:
                    if result is None:
                        finished.append(item)
                    elif isinstance(result, Rejection):
                        self._reject(report, result, on_rejection)
                    else:
                        self._add(*result, stored)
            # Counted only once committed: the summary never claims what a crash undid.
            report.accepted += stored.accepted
            report.duplicates += stored.duplicates
            yield from finished

    def _batches(self, inputs: list[Input]) -> Iterator[list[tuple[Input, Prepared | Rejection | None]]]:
        """What the inputs hold, in batches of `ingest.batch_size` articles; None marks the end of an input."""
        batch: list[tuple[Input, Prepared | Rejection | None]] = []
        articles = 0
        for item, results in self._prepared(inputs):
            for result in results:
                batch.append((item, result))
                articles += not isinstance(result, Rejection)
                if articles == self.config.ingest.batch_size:
                    yield batch
                    batch, articles = [], 0
            batch.append((item, None))
        if batch:
            yield batch

    def _prepared(self, inputs: list[Input]) -> Iterator[tuple[Input, Iterable[Prepared | Rejection]]]:
        """Each input with what it holds, prepared by worker processes when there is enough to pay for them."""
        processes = worker_processes(inputs, self.config.ingest)
        if processes > 1:
            # The analysis workers that follow fork from the same server: it imports spaCy for them now.
            analysis = [ANALYSIS_MODULE] if self.understand else []
            return map_inputs(prepare, inputs, processes, self.config, preload=analysis)
        return ((item, prepare(item, self.config)) for item in inputs)

    def _add(self, article: Article, print_: Fingerprint, stored: IngestReport) -> None:
        existing = self._existing(article, print_)
        if existing:
            self.store.add_copy(existing, Copy(article.url, article.source, article.file))
            stored.duplicates += 1
            return
        article.id = print_.content_hash[:16]
        self.store.add_article(article, print_)
        stored.accepted += 1

    def _existing(self, article: Article, print_: Fingerprint) -> str | None:
        """The stored article this one duplicates: same URL, same text, or nearly the same text."""
        if article.url:
            found = self.store.article_id_for_url(article.url)
            if found:
                return found
        found = self.store.article_id_for_hash(print_.content_hash)
        if found or print_.signature is None:
            return found
        best, best_score = None, self.config.dedup.threshold
        for candidate, signature in self.store.near_duplicate_candidates(list(print_.bands)):
            score = similarity(print_.signature, signature)
            if score >= best_score:
                best, best_score = candidate, score
        return best

    @staticmethod
    def _reject(
        report: IngestReport, rejection: Rejection, on_rejection: Callable[[Rejection], None] | None
    ) -> None:
        report.rejected.append(rejection)
        if on_rejection:
            on_rejection(rejection)


def worker_processes(inputs: list[Input], config: IngestConfig) -> int:
    """How many processes prepare `inputs`: `config.processes` for several inputs that are
    `config.parallel_min_bytes` in all (their size known), else 1, this one."""
    sizes = [item.size for item in inputs]
    enough = len(inputs) > 1 and None not in sizes and sum(sizes) >= config.parallel_min_bytes
    return config.processes if enough else 1


def prepare(item: Input, config: Config) -> Iterator[Prepared | Rejection]:
    """Read one input, then clean and fingerprint its articles: all of an ingest but the store.

    A module-level function, so that worker processes can run it.
    """
    for result in read_input(item, config.ingest):
        if isinstance(result, Rejection):
            yield result
            continue
        try:
            clean_article(result, config.text)
        except Unreadable as exc:
            yield Rejection(result.file or "-", str(exc), result.url)
            continue
        yield result, fingerprint(result, config.dedup)
