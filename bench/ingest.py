"""Loading 10,000 review files: our loader against a naive one-commit-per-review loader.

The files are synthetic (bench/synthetic.py: ~150 words, 3-8 Keep Exploring links each,
linking among 20,000 films). Measured in one run, each phase on a fresh database file:

- parse+prepare: read_batch (parse, summary, terms, hash) in one process, then one per core;
- store: Database.save_reviews of the prepared reviews (one transaction, a few statements
  per table) against the naive loader: plain sqlite3, the same schema and pragmas, each
  review's film lookups, row, sections, links, search entry and audit row inserted one
  statement at a time and committed on their own;
- overall: what `filmbot load` runs (service.load_files: worker processes read the files
  while the loading process stores each chunk read, all in one transaction), against the
  naive loader reading the files in one process and then storing them as above;
- in a running bot: FilmService.load, the same plus rebuilding the in-memory index after.

    .venv/bin/python -m bench.ingest [--reviews 10000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Result, table, to_json
from bench.synthetic import distinct_films, invented_films, write_reviews
from bot.core.loading import _usable_cores, read_batch
from bot.core.prepare import PreparedReview
from bot.core.review_format import parse_review_file
from bot.core.summary import summarise
from bot.core.terms import review_terms
from bot.core.titles import title_key
from bot.service import FilmService, load_files
from bot.storage.database import Database

SEED = 20_240_701
OVERALL_TARGET = 2_000  # reviews a second


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} reviews/s ({seconds:.2f} s)"


async def _fresh_database(path: Path) -> Database:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return await Database.open(path)


async def _store(reviews: Sequence[PreparedReview], path: Path) -> float:
    async with await _fresh_database(path) as db:
        started = time.perf_counter()
        await db.save_reviews(reviews, "bench")
        return time.perf_counter() - started


async def _load(folder: Path, path: Path) -> float:
    """What `filmbot load` runs: read and store, no in-memory index."""
    async with await _fresh_database(path) as db:
        started = time.perf_counter()
        report = await load_files(db, [folder], "bench")
        seconds = time.perf_counter() - started
    assert report.ok and report.saved is not None
    return seconds


async def _load_in_service(folder: Path, path: Path) -> float:
    """A load in a running bot or chat: read, store, then rebuild the in-memory index."""
    async with await _fresh_database(path) as db:
        service = await FilmService.start(db)
        started = time.perf_counter()
        report = await service.load([folder], "bench")
        seconds = time.perf_counter() - started
    assert report.ok and report.saved is not None
    return seconds


def naive_store(reviews: Sequence[PreparedReview], path: Path) -> float:
    """The loader one writes first: a statement per row, a commit per review."""
    asyncio.run(_create_schema(path))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    started = time.perf_counter()
    for review in reviews:
        parsed = review.parsed
        now = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute("BEGIN")
        ids = []
        for ref in (parsed.ref, *parsed.keep_exploring):
            key = title_key(ref.title)
            conn.execute(
                "INSERT OR IGNORE INTO films (title, title_key, year, created_at) "
                "VALUES (?, ?, ?, ?)",
                (ref.title, key, ref.year, now),
            )
            row = conn.execute(
                "SELECT id FROM films WHERE title_key = ? AND coalesce(year, 0) = ?",
                (key, ref.year or 0),
            ).fetchone()
            ids.append(row[0])
        film_id, links = ids[0], ids[1:]
        cursor = conn.execute(
            "INSERT INTO reviews (tagline, director, summary, summary_authored, "
            "word_count, terms, source, content_hash, film_id, added_by, added_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                parsed.tagline,
                parsed.director,
                review.summary,
                int(review.summary_authored),
                review.word_count,
                review.terms_json,
                review.source,
                review.content_hash,
                film_id,
                "naive",
                now,
                now,
            ),
        )
        review_id = cursor.lastrowid
        for position, section in enumerate(parsed.sections):
            conn.execute(
                "INSERT INTO review_sections (review_id, position, heading, body) "
                "VALUES (?, ?, ?, ?)",
                (review_id, position, section.heading, section.text),
            )
        for position, linked in enumerate(dict.fromkeys(links)):
            conn.execute(
                "INSERT INTO keep_exploring (review_id, position, film_id) VALUES (?, ?, ?)",
                (review_id, position, linked),
            )
        conn.execute(
            "INSERT INTO review_search (rowid, title, tagline, body) VALUES (?, ?, ?, ?)",
            (review_id, parsed.title, parsed.tagline or "", parsed.body_text()),
        )
        conn.execute(
            "INSERT INTO audit_log (at, actor, action, film_id, film_label, detail) "
            "VALUES (?, 'naive', 'added', ?, ?, '')",
            (now, film_id, parsed.ref.label()),
        )
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


async def _create_schema(path: Path) -> None:
    async with await _fresh_database(path):
        pass


def cpu_per_review(paths: Sequence[Path], sample: int = 500) -> str:
    """Where a review's reading time goes, in ms: parse, summary, terms."""
    parsed, parse_ms = [], []
    for path in paths[:sample]:
        started = time.perf_counter()
        parsed.append(parse_review_file(path))
        parse_ms.append((time.perf_counter() - started) * 1000)
    summary_ms, terms_ms = [], []
    for review in parsed:
        started = time.perf_counter()
        summarise(review.sections, title=review.title, tagline=review.tagline)
        summary_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        review_terms(review.body_text())
        terms_ms.append((time.perf_counter() - started) * 1000)
    mean = statistics.mean
    return (
        f"parse {mean(parse_ms):.2f} / summary {mean(summary_ms):.2f} / terms {mean(terms_ms):.2f}"
    )


def measure(review_count: int = 10_000) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="filmbot-ingest-") as scratch:
        work = Path(scratch)
        films = distinct_films(invented_films(2 * review_count, random.Random(SEED)))
        written = write_reviews(work / "reviews", films[:review_count], films, seed=SEED + 1)
        count = len(written.paths)
        # First, while the process holds little: the batches below make garbage collection
        # passes long enough to blur a per-review figure.
        breakdown = cpu_per_review(written.paths)

        started = time.perf_counter()
        serial = read_batch([written.directory], processes=1)
        serial_seconds = time.perf_counter() - started
        started = time.perf_counter()
        parallel = read_batch([written.directory])
        parallel_seconds = time.perf_counter() - started
        assert serial.reviews == parallel.reviews and not parallel.errors

        store_seconds = asyncio.run(_store(parallel.reviews, work / "ours.db"))
        naive_seconds = naive_store(serial.reviews, work / "naive.db")
        overall_seconds = asyncio.run(_load(written.directory, work / "overall.db"))
        service_seconds = asyncio.run(_load_in_service(written.directory, work / "service.db"))
        naive_overall = serial_seconds + naive_seconds

    cores = _usable_cores()
    overall_rate = count / overall_seconds
    return [
        Result(
            "ingest",
            f"parse+prepare {count:,} files, 1 process",
            _rate(count, serial_seconds),
            "same code (naive reads so)",
        ),
        Result(
            "ingest",
            f"parse+prepare, {cores} processes",
            _rate(count, parallel_seconds),
            "1 process",
        ),
        Result("ingest", "CPU ms a review (150 words)", breakdown),
        Result(
            "ingest",
            "store (save_reviews, one transaction)",
            _rate(count, store_seconds),
            f"{_rate(count, naive_seconds)} commit per review",
        ),
        Result(
            "ingest",
            "whole `filmbot load` (read, summarise, store)",
            _rate(count, overall_seconds),
            f"{_rate(count, naive_overall)} naive",
            f">= {OVERALL_TARGET:,} reviews/s",
            overall_rate >= OVERALL_TARGET,
        ),
        Result(
            "ingest",
            "load in a running bot (+ index rebuild)",
            _rate(count, service_seconds),
            "-",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    results = measure(args.reviews)
    print(to_json(results) if args.json else table(results))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
