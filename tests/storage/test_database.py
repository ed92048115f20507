"""The storage layer on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.core.errors import BusyError, ConflictError, NotFoundError
from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.prepare import PreparedReview, prepare_review
from bot.storage import database
from bot.storage.database import Database, ReviewVersion
from bot.storage.migrations import LATEST_VERSION


def make_review(
    title: str,
    year: int | None,
    links: list[tuple[str, int | None]] = (),  # type: ignore[assignment]
    *,
    body: str = "A quiet film about memory. It stays with you for days afterwards.",
    tagline: str | None = "Some tagline.",
) -> PreparedReview:
    parsed = ParsedReview(
        title=title,
        year=year,
        tagline=tagline,
        sections=(Section(None, body), Section("What Works", "The acting is superb.")),
        keep_exploring=tuple(FilmRef(t, y) for t, y in links),
    )
    return prepare_review(parsed, source=f"{title}.txt")


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "catalogue.db")
    yield database  # type: ignore[misc]
    await database.close()


async def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    async with await Database.open(path) as db:
        assert await db.schema_version() == LATEST_VERSION
        assert await db.integrity_check() == "ok"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_review_and_its_keep_exploring_films_are_stored_in_order(db: Database) -> None:
    report = await db.save_reviews(
        [make_review("Moon", 2009, [("Gattaca", 1997), ("Solaris", 1972), ("The Host", 2006)])],
        "tester",
    )
    assert [o.action for o in report.outcomes] == ["added"]
    assert report.films_added == 4
    moon = report.outcomes[0].film
    review = await db.get_review(moon.id)
    assert review is not None
    assert review.film.reviewed
    assert [f.label() for f in review.keep_exploring] == [
        "Gattaca (1997)",
        "Solaris (1972)",
        "The Host (2006)",
    ]
    assert not any(f.reviewed for f in review.keep_exploring)
    assert [s.heading for s in review.sections] == [None, "What Works"]
    assert review.version == 1 and review.added_by == "tester"


async def test_loading_the_same_review_twice_changes_nothing(db: Database) -> None:
    review = make_review("Moon", 2009, [("Gattaca", 1997)])
    await db.save_reviews([review], "tester")
    again = await db.save_reviews([review], "tester")
    assert [o.action for o in again.outcomes] == ["unchanged"]
    assert again.films_added == 0
    assert len(await db.audit_entries()) == 1
    assert await db.count_films() == 2


async def test_a_changed_review_is_updated_in_place(db: Database) -> None:
    first = await db.save_reviews([make_review("Moon", 2009, [("Gattaca", 1997)])], "a")
    before = await db.get_review(first.outcomes[0].film.id)
    changed = make_review("Moon", 2009, [("Solaris", 1972)], tagline="A new tagline.")
    report = await db.save_reviews([changed], "b")
    assert [o.action for o in report.outcomes] == ["updated"]
    after = await db.get_review(first.outcomes[0].film.id)
    assert before is not None and after is not None
    assert after.id == before.id
    assert after.version == 2
    assert after.tagline == "A new tagline."
    assert [f.title for f in after.keep_exploring] == ["Solaris"]
    assert after.added_by == "a"


async def test_a_linked_film_becomes_reviewed_when_its_review_arrives(db: Database) -> None:
    await db.save_reviews([make_review("Moon", 2009, [("Gattaca", 1997)])], "tester")
    films = {f.title: f for f in await db.all_films()}
    gattaca_id = films["Gattaca"].id
    assert not films["Gattaca"].reviewed
    report = await db.save_reviews([make_review("Gattaca", 1997)], "tester")
    assert report.outcomes[0].film.id == gattaca_id
    moon = await db.get_review(films["Moon"].id)
    assert moon is not None and moon.keep_exploring[0].reviewed


async def test_catalogue_spelling_with_trailing_article_is_the_same_film(db: Database) -> None:
    await db.add_films([FilmRef("The Three Musketeers", 1973)])
    report = await db.save_reviews([make_review("Three Musketeers, The", 1973)], "tester")
    assert report.films_added == 0
    assert await db.count_films() == 1


async def test_a_link_without_year_names_the_only_film_of_that_title(db: Database) -> None:
    await db.save_reviews([make_review("Moon", 2009)], "tester")
    await db.save_reviews([make_review("Gattaca", 1997, [("Moon", None)])], "tester")
    films = await db.all_films()
    assert sorted(f.label() for f in films) == ["Gattaca (1997)", "Moon (2009)"]


async def test_films_sharing_a_title_stay_apart(db: Database) -> None:
    await db.save_reviews(
        [make_review("The Host", 2006), make_review("The Host", 2013, [("The Host", 2006)])],
        "tester",
    )
    hosts = [f for f in await db.all_films() if f.title == "The Host"]
    assert sorted(f.year or 0 for f in hosts) == [2006, 2013]
    newer = next(f for f in hosts if f.year == 2013)
    review = await db.get_review(newer.id)
    assert review is not None and [f.year for f in review.keep_exploring] == [2006]


async def test_a_failing_batch_leaves_the_database_as_it_was(db: Database, tmp_path: Path) -> None:
    await db.save_reviews([make_review("Moon", 2009)], "tester")
    # A real SQLite failure in the middle of the batch, raised by the database itself.
    with sqlite3.connect(tmp_path / "catalogue.db") as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON reviews WHEN NEW.tagline = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    batch = [
        make_review("Gattaca", 1997, [("Solaris", 1972)]),
        make_review("Her", 2013, tagline="boom"),
    ]
    with pytest.raises(sqlite3.IntegrityError):
        await db.save_reviews(batch, "tester")
    assert await db.count_reviews() == 1
    assert await db.count_films() == 1
    assert len(await db.audit_entries()) == 1


async def test_a_write_while_another_process_holds_the_lock_is_a_friendly_error(
    db: Database, tmp_path: Path
) -> None:
    await db.save_reviews([make_review("Moon", 2009)], "tester")
    # Wait 50 ms, not the 5 s a real bot waits, for the other writer to finish.
    await db._conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(tmp_path / "catalogue.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # a big load in another process, say
        with pytest.raises(BusyError, match="busy with another change"):
            await db.save_reviews([make_review("Gattaca", 1997)], "tester")
        with pytest.raises(BusyError):
            await db.remove_review((await db.all_films())[0].id, "tester")
        other.execute("ROLLBACK")
    finally:
        other.close()
    report = await db.save_reviews([make_review("Gattaca", 1997)], "tester")
    assert [o.action for o in report.outcomes] == ["added"]
    assert await db.count_reviews() == 2


async def test_remove_keeps_the_film_but_drops_review_links_and_search(db: Database) -> None:
    report = await db.save_reviews(
        [make_review("Moon", 2009, [("Gattaca", 1997)], body="Clones on the far side.")],
        "tester",
    )
    moon = report.outcomes[0].film
    assert await db.search("clones")
    removed = await db.remove_review(moon.id, "mod")
    assert not removed.reviewed
    assert await db.get_review(moon.id) is None
    assert await db.search("clones") == []
    assert await db.count_films() == 2
    assert (await db.audit_entries())[0].action == "removed"
    with pytest.raises(NotFoundError):
        await db.remove_review(moon.id, "mod")


async def test_an_edit_on_a_stale_version_is_refused(db: Database) -> None:
    report = await db.save_reviews([make_review("Moon", 2009)], "a")
    moon = report.outcomes[0].film
    opened = ReviewVersion(moon.id, 1)
    await db.save_reviews([make_review("Moon", 2009, tagline="First edit.")], "b", edit_of=opened)
    with pytest.raises(ConflictError):
        await db.save_reviews(
            [make_review("Moon", 2009, tagline="Second edit.")], "c", edit_of=opened
        )
    review = await db.get_review(moon.id)
    assert review is not None and review.tagline == "First edit." and review.version == 2


async def test_an_edit_may_rename_the_film(db: Database) -> None:
    report = await db.save_reviews([make_review("Mon", 2009)], "a")
    typo = report.outcomes[0].film
    fixed = await db.save_reviews(
        [make_review("Moon", 2009)], "b", edit_of=ReviewVersion(typo.id, 1)
    )
    moon = fixed.outcomes[0].film
    assert moon.title == "Moon" and moon.reviewed
    assert await db.get_review(typo.id) is None
    assert await db.count_reviews() == 1


async def test_search_ranks_and_survives_query_syntax(db: Database) -> None:
    await db.save_reviews(
        [
            make_review("Never Let Me Go", 2010, body="Clones at a boarding school grow up."),
            make_review("Moon", 2009, body="A lonely man on the moon meets a clone."),
            make_review("Her", 2013, body="A man falls for his operating system."),
        ],
        "tester",
    )
    hits = await db.search("clones boarding school")
    assert hits[0].film.title == "Never Let Me Go"
    assert "**" in hits[0].snippet
    for hostile in ['"', "NEAR(", "a* OR", "'); DROP TABLE reviews; --", "", "***"]:
        await db.search(hostile)
    assert await db.count_reviews() == 3


async def test_backup_is_a_complete_copy(db: Database, tmp_path: Path) -> None:
    await db.save_reviews([make_review("Moon", 2009, [("Gattaca", 1997)])], "tester")
    await db.backup(tmp_path / "copy.db")
    async with await Database.open(tmp_path / "copy.db") as copy:
        assert await copy.count_reviews() == 1
        assert [f.label() for f in await copy.all_films()] == [
            f.label() for f in await db.all_films()
        ]


async def test_recommendation_inputs_follow_links_and_terms(db: Database) -> None:
    await db.save_reviews(
        [make_review("Moon", 2009, [("Gattaca", 1997), ("Solaris", 1972)])], "tester"
    )
    inputs = await db.recommendation_inputs()
    films = {f.title: f.id for f in await db.all_films()}
    assert inputs.keep_exploring == {films["Moon"]: [films["Gattaca"], films["Solaris"]]}
    assert inputs.review_terms[films["Moon"]]


async def test_more_ids_than_sqlite_takes_in_one_statement_are_asked_in_slices(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await db.save_reviews(
        [make_review("Moon", 2009, [("Gattaca", 1997)]), make_review("Her", 2013, [("Moon", 2009)])]
        + [make_review(f"Film {n}", 2000, [("Solaris", 1972)]) for n in range(5)],
        "tester",
    )
    films = await db.all_films()
    wanted = [f.id for f in reversed(films)]
    # SQLite refuses more than 32,766 parameters in one statement (250,000 as Debian builds it).
    asked = wanted + list(range(100_000, 360_000))
    assert [f.id for f in await db.films_by_ids(asked)] == wanted
    whole = await db.all_reviews()
    monkeypatch.setattr(database, "_IN_LIST_SLICE", 2)
    assert await db.all_reviews() == whole
    assert [f.id for f in await db.films_by_ids([*wanted, 99_999])] == wanted
    report = await db.save_reviews([make_review("Moon", 2009, [("Her", 2013)])], "tester")
    assert [o.action for o in report.outcomes] == ["updated"]
    assert len(await db.all_films()) == len(films)
