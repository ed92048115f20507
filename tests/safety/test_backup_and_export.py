"""Copies of the catalogue are whole: `filmbot backup` during writes, export then load."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

from bench.synthetic import ReviewWriter, distinct_films, invented_films
from bot.core.model import FilmRef
from bot.core.prepare import PreparedReview, prepare_review
from bot.core.review_format import render_review
from bot.storage.database import Database
from tests.safety.conftest import run_filmbot

ROOT = Path(__file__).resolve().parents[2]
BATCH = 40
BATCHES = 30


def _reviews(count: int, seed: int) -> list[PreparedReview]:
    rng = random.Random(seed)
    films = distinct_films(invented_films(count * 2, rng))
    writer = ReviewWriter(rng)
    # Links go to the films nobody reviews here, so none is a link to the review's own film.
    return [
        prepare_review(writer.review(film, rng.sample(films[count:], 4), 150), source=f"r{n}.txt")
        for n, film in enumerate(films[:count])
    ]


def _check_backup(path: Path) -> int:
    """A backup is a committed state: whole batches, each review with all its rows."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reviews = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
        sections = conn.execute("SELECT count(*) FROM review_sections").fetchone()[0]
        links = conn.execute("SELECT count(*) FROM keep_exploring").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM review_search").fetchone()[0]
        audited = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert reviews % BATCH == 0, f"{reviews} reviews: a batch was copied half-written"
    # Every synthetic review has three sections and four links.
    assert (sections, links, indexed, audited) == (3 * reviews, 4 * reviews, reviews, reviews)
    return int(reviews)


async def test_backup_while_another_connection_writes_is_consistent(tmp_path: Path) -> None:
    db_path = tmp_path / "live.db"
    batches = _reviews(BATCH * BATCHES, seed=5)
    committed = 0

    async def write() -> None:
        nonlocal committed
        async with await Database.open(db_path) as db:
            for start in range(0, len(batches), BATCH):
                await db.save_reviews(batches[start : start + BATCH], "writer")
                committed += BATCH
                await asyncio.sleep(0.01)

    async def back_up(n: int) -> tuple[int, int, int]:
        before = committed
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--db",
            str(db_path),
            "backup",
            str(tmp_path / f"copy-{n}.db"),
            cwd=tmp_path,
            env={"FILMBOT_LOAD_BUNDLED": "false", "PATH": "/usr/bin:/bin"},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await child.communicate()
        assert child.returncode == 0, err.decode()
        return before, _check_backup(tmp_path / f"copy-{n}.db"), committed

    async with await Database.open(db_path):
        pass  # the schema exists before the writer and the backups start
    writer = asyncio.create_task(write())
    copies = []
    for n in range(4):
        await asyncio.sleep(0.2)
        copies.append(await back_up(n))
    await writer
    for before, copied, after in copies:
        assert before <= copied <= after
    assert any(before < after for before, _, after in copies), "no backup overlapped a write"
    assert copies[-1][1] > 0


def _metadata_rich(writer: ReviewWriter, films: list[FilmRef]) -> list[Any]:
    """Reviews using every header line: Director, Aliases, an authored Summary, no year."""
    base = writer.review(films[0], films[1:4], 150)
    return [
        dataclasses.replace(base, director="Ana Lopes", aliases=("First Alias", "Second")),
        dataclasses.replace(
            writer.review(films[4], films[5:7], 150),
            summary="An authored summary that the loader must keep as it is.",
        ),
        dataclasses.replace(writer.review(films[7], [films[0]], 150), year=None),
    ]


async def _catalogue(db_path: Path) -> dict[str, Any]:
    async with await Database.open(db_path) as db:
        films = await db.all_films()
        reviews = await db.all_reviews()
    return {
        "films": sorted((f.title, f.year or 0, f.reviewed, f.aliases) for f in films),
        "reviews": sorted(
            (
                r.film.label(),
                r.tagline,
                r.director,
                r.summary,
                r.summary_is_authored,
                r.word_count,
                r.content_hash,
                r.sections,
                tuple(f.label() for f in r.keep_exploring),
                r.aliases,
            )
            for r in reviews
        ),
    }


async def test_export_then_load_gives_the_same_catalogue(tmp_path: Path) -> None:
    rng = random.Random(9)
    films = distinct_films(invented_films(400, rng))
    writer = ReviewWriter(rng)
    source = tmp_path / "source"
    source.mkdir()
    for n, review in enumerate(
        # Links never name the review's own film: the store drops such a link, so its
        # exported file (and content hash) would differ from the original file's.
        [writer.review(f, rng.sample(films[220:], 5), 150) for f in films[20:220]]
        + _metadata_rich(writer, films[:10])
    ):
        (source / f"synthetic-{n:03d}.txt").write_text(render_review(review), encoding="utf-8")

    original, copy = tmp_path / "original.db", tmp_path / "copy.db"
    loaded = run_filmbot(
        "--db", str(original), "load", str(ROOT / "data" / "reviews"), str(source), cwd=tmp_path
    )
    assert loaded.returncode == 0, loaded.stderr
    exported = run_filmbot("--db", str(original), "export", str(tmp_path / "export"), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    reloaded = run_filmbot("--db", str(copy), "load", str(tmp_path / "export"), cwd=tmp_path)
    assert reloaded.returncode == 0, reloaded.stderr

    before, after = await _catalogue(original), await _catalogue(copy)
    assert len(before["reviews"]) == 203 + len(list((ROOT / "data" / "reviews").glob("*.txt")))
    assert before["films"] == after["films"]
    assert before["reviews"] == after["reviews"]
