"""The `currents` command: parses arguments and calls the library, nothing more.

Exit status: 0 when all went well, 1 when some inputs were rejected (the rest
are stored), 2 on usage errors (argparse's own convention).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from currents import __version__
from currents.app import Currents
from currents.config import ConfigError, load_config
from currents.ingest import IngestReport
from currents.model import Rejection
from currents.publish.export import FORMATS, KINDS
from currents.store import StoreError

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ConfigError, StoreError, ValueError) as exc:
        print(f"currents: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("currents: interrupted; everything reported as stored is kept", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="currents",
        description="Turn raw news articles into a sourced current-events portal.",
    )
    parser.add_argument("--version", action="version", version=f"currents {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="read articles into the store",
        description="Read articles from files, folders (recursively), globs or '-' (standard input): "
        "plain text, Markdown, HTML, JSON Lines, WARC and RSS/Atom, detected from their content.",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    _add_db(ingest)
    ingest.add_argument("--quiet", "-q", action="store_true", help="print only the summary and rejections")
    ingest.set_defaults(run=_ingest)

    build = commands.add_parser("build", help="write the static portal", description="Write the static portal.")
    _add_db(build)
    build.add_argument("--out", default="site", help="output folder (default: ./site)")
    build.set_defaults(run=_build)

    serve = commands.add_parser("serve", help="serve the portal live", description="Serve the portal from the store.")
    _add_db(serve)
    serve.add_argument("--host", default=None, help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default: 8000)")
    serve.set_defaults(run=_serve)

    export = commands.add_parser(
        "export", help="print stored records as JSON Lines", description="Print one JSON object per line."
    )
    _add_db(export)
    export.add_argument("--what", choices=KINDS, required=True)
    export.add_argument("--format", choices=FORMATS, default="jsonl")
    export.set_defaults(run=_export)
    _add_eval(commands)
    return parser


def _add_eval(commands: argparse._SubParsersAction) -> None:
    from currents.cluster.evaluate import LABEL_RULE, LEVELS

    evaluate = commands.add_parser("eval", help="score the store against gold labels", description="Score the store.")
    kinds = evaluate.add_subparsers(title="what to score", required=True, metavar="WHAT")
    clusters = kinds.add_parser(
        "clusters",
        help="events or stories against a gold CSV",
        description="Score the stored events (or stories) against a gold CSV with a `url` or `file` column "
        f"and a label column: B-cubed precision, recall and F1, cluster counts, and NMI. {LABEL_RULE[0].upper()}"
        f"{LABEL_RULE[1:]}. Rows are matched by any URL of an article, else by file (exact path, path suffix, "
        "or basename when unambiguous); unmatched rows are listed, stored articles without a row are ignored.",
    )
    clusters.add_argument("--gold", required=True, metavar="FILE.csv", help="gold labels (CSV)")
    clusters.add_argument("--level", choices=LEVELS, default="event", help="compare events or stories (default: event)")
    _add_db(clusters)
    clusters.set_defaults(run=_eval_clusters)


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=None, help="store file (default: $CURRENTS_DB, currents.toml's db, or ./currents.db)"
    )
    parser.add_argument("--config", default=None, help="configuration file (default: ./currents.toml)")


def _open(args: argparse.Namespace) -> Currents:
    return Currents(config=load_config(args.config, db=args.db))


def _ingest(args: argparse.Namespace) -> int:
    with _open(args) as app:
        report = _run_ingest(app, args.paths, show_progress=sys.stderr.isatty() and not args.quiet)
    print(report.summary())
    return EXIT_OK if report.ok else EXIT_REJECTED


def _run_ingest(app: Currents, paths: list[str], show_progress: bool) -> IngestReport:
    def report_rejection(rejection: Rejection) -> None:
        print(f"rejected: {rejection}", file=sys.stderr)

    if not show_progress:
        return app.ingest(paths, on_rejection=report_rejection)

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int | None, _detail: str | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        def rejection_above_bar(rejection: Rejection) -> None:
            bar.console.print(f"rejected: {rejection}", markup=False, highlight=False)

        return app.ingest(paths, progress=advance, on_rejection=rejection_above_bar)


def _build(args: argparse.Namespace) -> int:
    with _open(args) as app:
        out = app.build(args.out)
    print(f"portal written to {out}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    with _open(args) as app:
        app.serve(args.host, args.port)
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    with _open(args) as app:
        app.export(args.what, sys.stdout, args.format)
    return EXIT_OK


def _eval_clusters(args: argparse.Namespace) -> int:
    with _open(args) as app:
        scores = app.evaluate_clusters(args.gold, args.level)
    print(f"{scores.level} level, gold labels from column {scores.label_column!r} of {args.gold}")
    print(f"B-cubed precision  {scores.precision:.3f}")
    print(f"B-cubed recall     {scores.recall:.3f}")
    print(f"B-cubed F1         {scores.f1:.3f}")
    counts = f"{scores.predicted_clusters} predicted, {scores.gold_clusters} gold ({scores.items} articles)"
    print(f"clusters           {counts}")
    print(f"NMI                {scores.nmi:.3f}")
    for note in scores.notes():
        print(note)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
