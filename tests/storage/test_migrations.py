"""Schema versions: old databases open and upgrade in place; newer ones are refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.core.errors import FilmbotError
from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.prepare import prepare_review
from bot.storage.database import Database
from bot.storage.migrations import LATEST_VERSION, available_migrations


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in available_migrations()]
    assert versions == list(range(1, LATEST_VERSION + 1))


def _write_first_version_rows(path: Path) -> None:
    """A review as filmbot with schema 1 stored it (reviews.full_text included)."""
    now = "2026-01-01T00:00:00+00:00"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executemany(
            "INSERT INTO films (id, title, title_key, year, created_at) VALUES (?, ?, ?, ?, ?)",
            [(1, "Moon", "moon", 2009, now), (2, "Gattaca", "gattaca", 1997, now)],
        )
        conn.execute(
            """
            INSERT INTO reviews (id, film_id, tagline, director, full_text, summary,
                word_count, terms, source, content_hash, added_by, added_at, updated_at)
            VALUES (1, 1, 'Alone on the far side.', NULL, ?, 'A quiet film.', 9,
                '{"clone": 1.0}', 'moon.txt', 'abc', 'tester', ?, ?)
            """,
            ("Moon\n\nAlone on the far side.\n\nA quiet film about a man and his clone.", now, now),
        )
        conn.execute(
            "INSERT INTO review_sections (review_id, position, heading, body) "
            "VALUES (1, 0, NULL, 'A quiet film about a man and his clone.')"
        )
        conn.execute("INSERT INTO keep_exploring (review_id, position, film_id) VALUES (1, 0, 2)")
        conn.execute(
            "INSERT INTO review_search (rowid, title, tagline, body) VALUES (1, 'Moon', "
            "'Alone on the far side.', 'A quiet film about a man and his clone.')"
        )


async def test_a_first_version_database_upgrades_in_place_and_keeps_its_reviews(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    async with await Database.open(path, migrate_to=1) as old:
        assert await old.schema_version() == 1
    _write_first_version_rows(path)
    async with await Database.open(path) as upgraded:
        assert await upgraded.schema_version() == LATEST_VERSION
        assert await upgraded.integrity_check() == "ok"
        films = {f.title: f for f in await upgraded.all_films()}
        stored = await upgraded.get_review(films["Moon"].id)
        assert stored is not None
        assert stored.tagline == "Alone on the far side."
        assert stored.body_text() == "A quiet film about a man and his clone."
        assert [f.title for f in stored.keep_exploring] == ["Gattaca"]
        assert await upgraded.review_terms(films["Moon"].id) == {"clone": 1.0}
        assert [h.film.title for h in await upgraded.search("clone")] == ["Moon"]
        # The upgraded catalogue takes new reviews.
        review = ParsedReview(
            title="Gattaca",
            year=1997,
            tagline="There is no gene for the human spirit.",
            sections=(Section(None, "A cool, exact film about wanting more."),),
            keep_exploring=(FilmRef("Moon", 2009),),
        )
        report = await upgraded.save_reviews([prepare_review(review)], "tester")
        assert [o.action for o in report.outcomes] == ["added"]
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(reviews)")]
    assert "full_text" not in columns and "summary" in columns


async def test_a_database_from_a_newer_filmbot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(FilmbotError, match="newer than this filmbot"):
        await Database.open(path)
