"""The library facade: everything the CLI does, as documented Python calls."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from currents.cluster import ClusterReport, ClusterStage
from currents.config import Config, load_config
from currents.ingest import IngestReport, Ingestor
from currents.progress import Progress
from currents.model import Rejection
from currents.store import Store, open_store

if TYPE_CHECKING:
    from currents.cluster.evaluate import ClusterScores


class Currents:
    """One store plus the configuration every stage reads.

    `Currents(db)` opens (and migrates) the store; `db` defaults to the
    `CURRENTS_DB` variable, then `currents.toml`'s `db`, then `./currents.db`.
    Keyword overrides use the configuration's names (`ingest__max_file_bytes=...`).
    """

    def __init__(self, db: str | os.PathLike | None = None, config: Config | None = None, **overrides: Any):
        db_path = os.fspath(db) if db is not None else None
        if config is None:
            config = load_config(db=db_path, **overrides)
        elif db_path is not None:
            config = replace(config, db=db_path)
        self.config = config
        self.store: Store = open_store(self.config.db)

    def ingest(
        self,
        paths: Iterable[str | os.PathLike],
        progress: Progress | None = None,
        on_rejection: Callable[[Rejection], None] | None = None,
        understand: bool | None = None,
        cluster: bool | None = None,
    ) -> IngestReport:
        """Read, clean, de-duplicate and store every article in `paths` (files, folders, globs, "-").

        Then (unless `understand` is False, or `nlp.enabled` is off when it is None) analyse every article not yet
        analysed: sentences, canonical entities, dates, event date, facts; and (unless `cluster` is False, or
        `cluster.enabled` is off) group every new article into an event and its event into a story.
        """
        paths = [os.fspath(p) for p in paths]
        return Ingestor(self.store, self.config, understand, cluster).run(paths, progress, on_rejection)

    def cluster(self, progress: Progress | None = None) -> ClusterReport:
        """Group every analysed article not yet in an event (what ingest does last), on its own."""
        return ClusterStage(self.store, self.config.cluster).run(progress)

    def export(self, what: str = "articles", out: IO[str] | None = None, format: str = "jsonl") -> int:
        """Write one JSON object per line for each article/event/story; returns how many."""
        from currents.publish.export import export

        return export(self.store, what, out or sys.stdout, format)

    def evaluate_clusters(self, gold: str | os.PathLike, level: str = "event") -> ClusterScores:
        """Score the stored events (or stories) against a gold CSV: B-cubed P/R/F1 and NMI.

        Raises `GoldError` (a ValueError) when the file is missing or has no usable columns.
        """
        from currents.cluster.evaluate import evaluate_articles, read_gold

        gold_rows = read_gold(gold, level)
        return evaluate_articles(list(self.store.iter_articles()), gold_rows, level)

    def build(self, out: str | os.PathLike = "site") -> Path:
        """Write the static portal into `out` and return its path."""
        from currents.publish.site import build_site

        return build_site(self.store, Path(out), self.config.portal, db=self.config.db)

    def serve(self, host: str | None = None, port: int | None = None) -> None:
        """Serve the portal live from the store until interrupted."""
        from currents.web.app import serve

        serve(self.store, host or self.config.web.host, port or self.config.web.port, self.config.portal)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Currents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(db: str | os.PathLike | None = None, **overrides: Any) -> Currents:  # noqa: A001
    """Open the store at `db` (see `Currents`)."""
    return Currents(db, **overrides)


__all__ = ["Currents", "IngestReport", "Rejection", "open"]
