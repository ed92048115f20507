"""Two moderators editing one review at once: one edit wins, the other is told, none is lost.

Each moderator's bot is its own FilmService on its own connection to the same SQLite file
(as two bot processes would be), or the same service used by two tasks at once, or real
separate processes started together.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.core.errors import ConflictError
from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.review_format import render_review
from bot.service import FilmService
from bot.storage.database import Database, ReviewVersion

MOON = ParsedReview(
    title="Moon",
    year=2009,
    tagline="Alone on the far side.",
    sections=(Section(None, "A lone worker finishes a three-year contract on the moon."),),
    keep_exploring=(FilmRef("Gattaca", 1997),),
)


def moon_file(tagline: str) -> str:
    return render_review(
        ParsedReview(MOON.title, MOON.year, tagline, MOON.sections, MOON.keep_exploring)
    )


@pytest.fixture
async def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.db"
    async with await Database.open(path) as db:
        service = await FilmService.start(db)
        await service.save([service.preview(moon_file(MOON.tagline or ""), "moon.txt")], "author")
    return path


@pytest.fixture
async def services(db_path: Path) -> AsyncIterator[list[FilmService]]:
    """Six moderators' bots, each on its own connection to the catalogue."""
    async with AsyncExitStack() as stack:
        bots = []
        for _ in range(6):
            db = await stack.enter_async_context(await Database.open(db_path))
            bots.append(await FilmService.start(db))
        yield bots


async def _opened(service: FilmService) -> ReviewVersion:
    """What the edit button does: the review and the version the moderator sees."""
    film = service.resolve("moon").match
    assert film is not None
    review = await service.get_review(film.id)
    return ReviewVersion(film.id, review.version)


async def test_the_second_of_two_editors_gets_a_conflict_not_a_lost_update(
    services: list[FilmService],
) -> None:
    alice, bob = services[:2]
    alice_opened, bob_opened = await _opened(alice), await _opened(bob)
    assert alice_opened == bob_opened == ReviewVersion(alice_opened.film_id, 1)

    await alice.save(
        [alice.preview(moon_file("Alice's tagline."), "edit")], "alice", edit_of=alice_opened
    )
    with pytest.raises(ConflictError, match="changed this review"):
        await bob.save(
            [bob.preview(moon_file("Bob's tagline."), "edit")], "bob", edit_of=bob_opened
        )

    review = await bob.get_review(bob_opened.film_id)
    assert review.tagline == "Alice's tagline." and review.version == 2
    entries = await bob.audit_log(10)
    assert [(e.actor, e.action) for e in entries.entries][:2] == [
        ("alice", "updated"),
        ("author", "added"),
    ]
    # Bob opens the review again, sees Alice's version, and his edit now goes through.
    again = await _opened(bob)
    assert again.version == 2
    await bob.save([bob.preview(moon_file("Bob's tagline."), "edit")], "bob", edit_of=again)
    assert (await alice.get_review(again.film_id)).tagline == "Bob's tagline."


async def test_editors_saving_at_the_same_moment_one_wins(services: list[FilmService]) -> None:
    opened = [await _opened(service) for service in services]
    results = await asyncio.gather(
        *(
            service.save(
                [service.preview(moon_file(f"Tagline from editor {n}."), "edit")],
                f"editor-{n}",
                edit_of=version,
            )
            for n, (service, version) in enumerate(zip(services, opened, strict=True))
        ),
        return_exceptions=True,
    )
    winners = [n for n, result in enumerate(results) if not isinstance(result, BaseException)]
    assert len(winners) == 1, results
    assert all(
        isinstance(result, ConflictError) for n, result in enumerate(results) if n != winners[0]
    )
    review = await services[0].get_review(opened[0].film_id)
    assert review.version == 2
    assert review.tagline == f"Tagline from editor {winners[0]}."


async def test_one_bot_saving_two_edits_at_once_takes_one(services: list[FilmService]) -> None:
    bot = services[0]
    version = await _opened(bot)
    results = await asyncio.gather(
        bot.save([bot.preview(moon_file("First."), "edit")], "a", edit_of=version),
        bot.save([bot.preview(moon_file("Second."), "edit")], "b", edit_of=version),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "SaveReport"]
    review = await bot.get_review(version.film_id)
    assert review.version == 2 and review.tagline in {"First.", "Second."}
    # The bot's own view (index and recommender) follows the winner, not the loser.
    assert bot.resolve("moon").match is not None


async def test_removing_a_review_someone_just_edited_is_refused(
    services: list[FilmService],
) -> None:
    alice, bob = services[:2]
    seen = await _opened(bob)
    await alice.save([alice.preview(moon_file("Edited."), "edit")], "alice", edit_of=seen)
    with pytest.raises(ConflictError):
        await bob.remove(seen.film_id, "bob", expected_version=seen.version)
    assert (await alice.get_review(seen.film_id)).tagline == "Edited."


_EDITOR = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    from bot.core.errors import ConflictError
    from bot.service import FilmService
    from bot.storage.database import Database, ReviewVersion

    async def main(db_path, text_path, go, name):
        async with await Database.open(db_path) as db:
            service = await FilmService.start(db)
            film = service.resolve("moon").match
            review = await service.get_review(film.id)
            preview = service.preview(Path(text_path).read_text(), "edit")
            print("ready", flush=True)
            while not Path(go).exists():
                time.sleep(0.001)
            try:
                await service.save([preview], name, edit_of=ReviewVersion(film.id, review.version))
            except ConflictError:
                print("conflict")
            else:
                print("saved")

    asyncio.run(main(*sys.argv[1:]))
    """
)


def test_editors_in_separate_processes_one_wins(db_path: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    editors = []
    for n in range(4):
        text = tmp_path / f"edit-{n}.txt"
        text.write_text(moon_file(f"Tagline from process {n}."), encoding="utf-8")
        editors.append(
            subprocess.Popen(
                [sys.executable, "-c", _EDITOR, str(db_path), str(text), str(go), f"p{n}"],
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    for editor in editors:
        assert editor.stdout is not None
        assert editor.stdout.readline().strip() == "ready"
    go.touch()  # every editor has read version 1; now they all save at once
    answers = [editor.communicate(timeout=60)[0].strip() for editor in editors]
    assert all(editor.returncode == 0 for editor in editors)
    assert sorted(answers) == ["conflict", "conflict", "conflict", "saved"]
    winner = answers.index("saved")

    with sqlite3.connect(db_path) as conn:
        tagline, version = conn.execute("SELECT tagline, version FROM reviews").fetchone()
        updates = conn.execute("SELECT actor FROM audit_log WHERE action = 'updated'").fetchall()
    assert (tagline, version) == (f"Tagline from process {winner}.", 2)
    assert updates == [(f"p{winner}",)]
