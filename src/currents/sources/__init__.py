"""The sources stage: turn paths, globs, folders or standard input into articles.

`expand` resolves what the user named into inputs; `read_input` loads one,
checks it (size, emptiness, compression), detects its format and hands it to
the matching reader. Nothing here stores anything.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from currents.config import IngestConfig
from currents.model import Article, Rejection
from currents.sources import feed, html, jsonl, markdown, plaintext, warc
from currents.sources.base import Reader, Unreadable
from currents.sources.detect import GZIP_MAGIC, detect_format

STDIN = "-"

READERS: dict[str, Reader] = {
    "warc": warc.read,
    "feed": feed.read,
    "html": html.read,
    "jsonl": jsonl.read,
    "markdown": markdown.read,
    "text": plaintext.read,
}


@dataclass(frozen=True)
class Input:
    """One file (or standard input) to read; `path` is how reports name it."""

    path: str
    size: int | None = None


def expand(paths: list[str], exclude: set[str] = frozenset()) -> tuple[list[Input], list[Rejection]]:
    """Resolve files, folders (recursively), globs and "-" into inputs, in a stable order.

    Files whose real path is in `exclude` (the store's own database files,
    when a user ingests the folder that holds it) are passed over.
    """
    inputs: list[Input] = []
    problems: list[Rejection] = []
    seen: set[str] = set(exclude)
    real_folders: dict[Path, str] = {}
    for given in paths:
        if given == STDIN:
            inputs.append(Input(STDIN))
            continue
        matches = [given] if os.path.exists(given) else sorted(glob.glob(given, recursive=True))
        if not matches:
            problems.append(Rejection(given, "no such file, folder or matching glob"))
        for match in matches:
            for file in _files_under(Path(match)):
                key = _real_path(file, real_folders)
                if key not in seen:
                    seen.add(key)
                    inputs.append(Input(str(file), file.stat().st_size))
    return inputs, problems


def _real_path(file: Path, real_folders: dict[Path, str]) -> str:
    """`os.path.realpath(file)`, resolving each folder once (in `real_folders`) rather than for each of its files."""
    if file.is_symlink():
        return os.path.realpath(file)
    if file.parent not in real_folders:
        real_folders[file.parent] = os.path.realpath(file.parent)
    return os.path.join(real_folders[file.parent], file.name)


def _files_under(path: Path) -> Iterator[Path]:
    if path.is_dir():
        # Sorted by parts, as paths compare, but each path's parts computed once, not at every comparison.
        for child in sorted(path.rglob("*"), key=lambda found: found.parts):
            if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                yield child
    elif path.is_file():
        yield path


def read_input(item: Input, config: IngestConfig) -> Iterator[Article | Rejection]:
    """Read one input into articles; a problem with the whole input becomes one `Rejection`."""
    try:
        data = _load(item, config.max_file_bytes)
        fmt = "warc" if data.startswith(GZIP_MAGIC) and _is_gzipped_warc(data) else detect_format(data, item.path)
        for result in READERS[fmt](data, item.path):
            if isinstance(result, Article):
                result.file = None if item.path == STDIN else item.path
            yield result
    except Unreadable as exc:
        yield Rejection(item.path, str(exc))
    except OSError as exc:
        yield Rejection(item.path, exc.strerror or str(exc))


def _load(item: Input, limit: int) -> bytes:
    if item.size is not None and item.size > limit:
        raise Unreadable(f"file is {item.size:,} bytes, over the {limit:,}-byte limit")
    if item.path == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(item.path, "rb") as handle:
            data = _read_up_to(handle, limit + 1, item.size)
    if len(data) > limit:
        raise Unreadable(f"input is over the {limit:,}-byte limit")
    if not data.strip():
        raise Unreadable("empty input")
    if data.startswith(GZIP_MAGIC) and not _is_gzipped_warc(data):
        data = _gunzip(data, limit)
        if not data.strip():
            raise Unreadable("empty input (inside gzip)")
    return data


def _read_up_to(handle: BinaryIO, most: int, listed_size: int | None) -> bytes:
    """At most `most` bytes of an open file.

    A read allocates all that it asks for, so asking every small file for the
    size limit (20 MB) cost more than reading it. A file of known size is asked
    for that size and one byte more, which tells whether it grew since it was
    listed; only then is the rest read.
    """
    wanted = most if listed_size is None else min(listed_size + 1, most)
    data = handle.read(wanted)
    if len(data) == wanted < most:
        data += handle.read(most - wanted)
    return data


def _is_gzipped_warc(data: bytes) -> bool:
    """WARC readers stream gzip members themselves, record by record."""
    try:
        head = zlib.decompressobj(wbits=31).decompress(data[:4096], 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _gunzip(data: bytes, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise Unreadable(f"broken gzip data: {exc}") from exc
    if len(out) > limit:
        raise Unreadable(f"decompressed size is over the {limit:,}-byte limit")
    return out

