"""Turning paths on disk into reviews and film lists ready to store, collecting every error."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.errors import FilmbotError, ReviewFormatError
from bot.core.film_lists import parse_film_list
from bot.core.model import FilmRef
from bot.core.prepare import PreparedReview, prepare_review
from bot.core.review_format import parse_review_file

REVIEW_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
FILM_LIST_SUFFIXES = frozenset({".csv"})
# A folder's README or LICENSE documents the folder; it is never a review.
DOCUMENT_STEMS = frozenset({"readme", "license", "licence", "changelog", "contributing"})

Progress = Callable[[int, int], None]

# Reading a review (parsing, summary, terms) is about a millisecond of CPU; from this many files
# on, spreading them over one process per core pays for starting the processes.
PARALLEL_MIN_FILES = 1000
_FILES_PER_TASK = 250


@dataclass(slots=True)
class LoadBatch:
    """What a set of files holds: the good reviews and films, and every bad file's error."""

    reviews: list[PreparedReview] = field(default_factory=list)
    films: list[FilmRef] = field(default_factory=list)
    errors: list[ReviewFormatError] = field(default_factory=list)
    files: int = 0


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Review files and film lists under `paths` (directories are walked), in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(_loadable_files(path), key=lambda p: p.parts))
        elif path.is_file():
            found.append(path)
        else:
            raise FilmbotError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))


def _loadable_files(folder: Path) -> Iterator[Path]:
    """Review files and film lists in the folder and the folders below it (not through
    symbolic links to folders), leaving out hidden files and folders and README, LICENSE...

    One os.scandir() a folder: Path.rglob() and a stat() for each file took 0.2-0.3 s for
    10,000 files, before any file could be read.
    """
    loadable = REVIEW_SUFFIXES | FILM_LIST_SUFFIXES
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _loadable_files(folder / entry.name)
                continue
            stem, dot, suffix = entry.name.rpartition(".")
            if (
                dot
                and stem
                and f".{suffix.lower()}" in loadable
                and stem.lower() not in DOCUMENT_STEMS
                and entry.is_file()
            ):
                yield folder / entry.name


def read_batch(
    paths: Iterable[Path], progress: Progress | None = None, *, processes: int | None = None
) -> LoadBatch:
    """Read every file under `paths`; `processes` (default: one per core) read big sets."""
    files = collect_files(paths)
    batch = LoadBatch()
    check = _BatchCheck(len(files), progress)
    for path, result in _read_files(files, processes):
        check.take(batch, path, result)
    return batch


async def read_chunks(
    paths: Iterable[Path], progress: Progress | None = None, *, processes: int | None = None
) -> AsyncGenerator[LoadBatch, None]:
    """read_batch() a chunk of files at a time, each chunk as soon as it is read, in order.

    A load stores one chunk while worker processes read the next. Close it with
    contextlib.aclosing(): a consumer that stops early must not leave workers reading.
    """
    files = await asyncio.to_thread(collect_files, list(paths))
    check = _BatchCheck(len(files), progress)
    chunks = [files[i : i + _FILES_PER_TASK] for i in range(0, len(files), _FILES_PER_TASK)]
    workers = _usable_cores() if processes is None else processes
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        for chunk in chunks:
            yield check.batch(chunk, await asyncio.to_thread(_read_chunk, chunk))
        return
    pool = _worker_pool(min(workers, len(chunks)))
    try:
        loop = asyncio.get_running_loop()
        pending = [loop.run_in_executor(pool, _read_chunk, chunk) for chunk in chunks]
        for chunk, results in zip(chunks, pending, strict=True):
            yield check.batch(chunk, await results)
    finally:
        # Waiting for the workers to exit is blocking: not on the event loop.
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


class _BatchCheck:
    """Sorts each file's result into a batch, refusing a film reviewed in two files, and
    reports progress."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self._total = total
        self._progress = progress
        self._done = 0
        self._seen: dict[FilmRef, str] = {}

    def batch(self, paths: Sequence[Path], results: Sequence[_FileResult]) -> LoadBatch:
        batch = LoadBatch()
        for path, result in zip(paths, results, strict=True):
            self.take(batch, path, result)
        return batch

    def take(self, batch: LoadBatch, path: Path, result: _FileResult) -> None:
        batch.files += 1
        try:
            if isinstance(result, _Failure):
                raise result.error()
            if isinstance(result, PreparedReview):
                ref = result.parsed.ref
                if ref in self._seen:
                    raise ReviewFormatError(
                        str(path), 1, f"{ref.label()} is also reviewed in {self._seen[ref]}"
                    )
                self._seen[ref] = str(path)
                batch.reviews.append(result)
            else:
                batch.films.extend(result)
        except ReviewFormatError as error:
            batch.errors.append(error)
        self._done += 1
        if self._progress is not None:
            self._progress(self._done, self._total)


@dataclass(frozen=True, slots=True)
class _Failure:
    """A ReviewFormatError as it crosses from a worker process (its own pickling loses fields)."""

    kind: type[ReviewFormatError]
    source: str
    line: int | None
    problem: str

    def error(self) -> ReviewFormatError:
        return self.kind(self.source, self.line, self.problem)


_FileResult = PreparedReview | list[FilmRef] | _Failure


def _read_file(path: Path) -> _FileResult:
    try:
        if path.suffix.lower() in FILM_LIST_SUFFIXES:
            return list(parse_film_list(_read_bytes(path), str(path)))
        return prepare_review(parse_review_file(path), source=str(path))
    except ReviewFormatError as error:
        return _Failure(type(error), error.source, error.line, error.problem)


def _read_chunk(paths: Sequence[Path]) -> list[_FileResult]:
    return [_read_file(path) for path in paths]


def _read_files(files: list[Path], processes: int | None) -> Iterator[tuple[Path, _FileResult]]:
    """Each file with what it holds, in order."""
    workers = _usable_cores() if processes is None else processes
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        for path in files:
            yield path, _read_file(path)
        return
    chunks = [files[i : i + _FILES_PER_TASK] for i in range(0, len(files), _FILES_PER_TASK)]
    with _worker_pool(min(workers, len(chunks))) as pool:
        for chunk, results in zip(chunks, pool.map(_read_chunk, chunks), strict=True):
            yield from zip(chunk, results, strict=True)


def _worker_pool(workers: int) -> ProcessPoolExecutor:
    # "spawn": a forked child could inherit a lock another thread (the database's) holds.
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )


def _exit_with_parent(parent: int) -> None:
    """Runs in each worker: stop when the loading process is gone (say, killed with SIGKILL),
    rather than live on reading files nobody will store."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReviewFormatError(
            str(path), None, f"cannot read the file ({error.strerror})"
        ) from None
