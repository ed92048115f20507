"""A load stores each chunk of files while the next is read: it must store what one batch of
all the files would, and a bad file anywhere must still leave the catalogue as it was."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import invented_films, write_reviews
from bot.core import loading
from bot.core.errors import ReviewFormatError
from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.review_format import render_review
from bot.service import FilmService
from bot.storage.database import Database
from tests.conftest import DATA_DIR


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many chunks from few files, read by worker processes as big loads are.
    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(loading, "_FILES_PER_TASK", 8)


def _write(path: Path, title: str, year: int | None, links: list[FilmRef]) -> None:
    review = ParsedReview(
        title=title,
        year=year,
        tagline="A line to remember it by.",
        sections=(Section(None, f"{title} is a patient film about distance."),),
        keep_exploring=tuple(links),
    )
    path.write_text(render_review(review), encoding="utf-8")


def _folder(root: Path) -> Path:
    """60 synthetic reviews, and films named without a year before the chunk that dates them."""
    films = invented_films(100, random.Random(11))
    written = write_reviews(root, films[:60], films, seed=12)
    # Sorted first: the year-less "Moon" is met chunks before "Moon (2009)" is.
    _write(root / "000-early.txt", "Distant Light", 2001, [FilmRef("Moon", None), films[70]])
    _write(root / "001-undated.txt", "Orbit Notes", None, [films[71]])
    _write(root / "zzz-moon.txt", "Moon", 2009, [FilmRef("Distant Light", 2001)])
    (root / "zzz-list.csv").write_text("title,year\nMoon,2009\nGattaca,\n", encoding="utf-8")
    return written.directory


async def _catalogue(db: Database) -> dict[str, Any]:
    reviews = await db.all_reviews()
    return {
        "films": sorted((f.title, f.year or 0, f.reviewed) for f in await db.all_films()),
        "reviews": sorted(
            (r.film.label(), r.content_hash, r.version, tuple(f.label() for f in r.keep_exploring))
            for r in reviews
        ),
        "search": sorted(h.film.label() for h in await db.search("patient distance", 50)),
        "audit": sorted((e.action, e.film_label) for e in await db.audit_entries(500)),
    }


async def test_a_chunked_load_stores_what_one_batch_of_its_files_stores(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    seen: list[int] = []
    async with await Database.open(tmp_path / "chunked.db") as db:
        service = await FilmService.start(db)
        report = await service.load([folder], "tester", progress=lambda done, _: seen.append(done))
        chunked = await _catalogue(db)
        assert await db.integrity_check() == "ok"
    batch = loading.read_batch([folder], processes=1)
    async with await Database.open(tmp_path / "batch.db") as db:
        whole = await db.save_reviews(batch.reviews, "tester", films=batch.films)
        assert chunked == await _catalogue(db)

    assert report.saved is not None and report.files == batch.files == 64
    assert seen == list(range(1, 65))
    # Outcomes in file order, the deferred year-less ones included.
    assert [(o.film.label(), o.action) for o in report.saved.outcomes] == [
        (o.film.label(), o.action) for o in whole.outcomes
    ]
    assert report.saved.films_added == whole.films_added
    moons = [f for f in chunked["films"] if f[0] == "Moon"]
    assert moons == [("Moon", 2009, True)]  # one Moon: the early year-less link found it
    early = next(r for r in chunked["reviews"] if r[0] == "Distant Light (2001)")
    assert early[3][0] == "Moon (2009)"
    assert ("Gattaca", 0, False) in chunked["films"]
    # The index was rebuilt from what was stored.
    assert service.resolve("orbit notes").match is not None
    assert service.resolve("distant light").match is not None


@pytest.mark.parametrize("where", ["early", "late"])
async def test_a_bad_file_in_any_chunk_stores_nothing_and_every_bad_file_is_named(
    tmp_path: Path, where: str
) -> None:
    folder = _folder(tmp_path / "in")
    bad_names = ["000-bad.txt", "zzzz-bad.txt"] if where == "early" else ["zzzz-bad.txt"]
    for name in bad_names:
        (folder / name).write_text("Keep Exploring...\n", encoding="utf-8")
    async with await Database.open(tmp_path / "catalogue.db") as db:
        service = await FilmService.start(db)
        assert (await service.load([DATA_DIR], "tester")).ok
        before = await _catalogue(db)
        report = await service.load([folder], "tester")
        assert report.saved is None
        sources = [e.source for e in report.errors if isinstance(e, ReviewFormatError)]
        assert sorted(Path(source).name for source in sources) == sorted(bad_names)
        assert report.files == 64 + len(bad_names)
        assert await _catalogue(db) == before
        assert await db.integrity_check() == "ok"
        # Nothing half-stored lingers for the next load: it stores normally.
        assert (await service.load([DATA_DIR], "tester")).ok


async def test_skip_bad_stores_the_good_files_of_every_chunk(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    (folder / "000-bad.txt").write_text("Keep Exploring...\n", encoding="utf-8")
    async with await Database.open(tmp_path / "catalogue.db") as db:
        service = await FilmService.start(db)
        report = await service.load([folder], "tester", skip_bad=True)
        assert report.saved is not None and len(report.errors) == 1
        assert report.saved.count("added") == 63
        assert await db.count_reviews() == 63
