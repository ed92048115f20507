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


async def test_a_first_version_database_upgrades_in_place_and_keeps_its_reviews(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    async with await Database.open(path, migrate_to=1) as old:
        assert await old.schema_version() == 1
        review = ParsedReview(
            title="Moon",
            year=2009,
            tagline="Alone on the far side.",
            sections=(Section(None, "A quiet film about a man and his clone."),),
            keep_exploring=(FilmRef("Gattaca", 1997),),
        )
        await old.save_reviews([prepare_review(review)], "tester")
    async with await Database.open(path) as upgraded:
        assert await upgraded.schema_version() == LATEST_VERSION
        assert await upgraded.integrity_check() == "ok"
        films = {f.title: f for f in await upgraded.all_films()}
        stored = await upgraded.get_review(films["Moon"].id)
        assert stored is not None
        assert stored.tagline == "Alone on the far side."
        assert [f.title for f in stored.keep_exploring] == ["Gattaca"]


async def test_a_database_from_a_newer_filmbot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(FilmbotError, match="newer than this filmbot"):
        await Database.open(path)
