"""The use cases on a real catalogue: replies, and the in-memory index kept up to date."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.replies import ChooseFilm, NoMatch, ReviewCard, SimilarFilms, UnreviewedCard
from bot.service import FilmService
from bot.storage.database import Database
from tests.conftest import DATA_DIR

NEW_REVIEW = """Solaris
Year: 1972
"The ocean remembers for you."
Tarkovsky's Solaris is a slow, haunting film about grief and a planet that answers with memories. It is a masterpiece that rewards patience.
Why It Lasts
Every scene on the station feels lived in, and the ending still lands.
Keep Exploring...
- Moon (2009)
- Stalker (1979)
"""


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[FilmService]:
    async with await Database.open(tmp_path / "catalogue.db") as db:
        service = await FilmService.start(db)
        report = await service.load([DATA_DIR], "tester")
        assert report.ok
        yield service


async def test_an_unreviewed_film_suggests_films_beyond_the_reviews_linking_to_it(
    service: FilmService,
) -> None:
    reply = await service.review("never let me go")
    assert isinstance(reply, UnreviewedCard)
    assert len(reply.linked_from) >= 5
    linked = {f.id for f in reply.linked_from}
    assert reply.suggestions
    assert not linked & {s.film.id for s in reply.suggestions}


async def test_a_saved_review_is_found_and_linked_at_once(service: FilmService) -> None:
    before = service.resolve("solaris 1972")
    assert before.match is not None
    assert not before.match.reviewed
    preview = service.preview(NEW_REVIEW, "solaris.txt")
    await service.save([preview], "mod")
    card = await service.review("solaris 1972")
    assert isinstance(card, ReviewCard)
    assert [f.title for f in card.keep_exploring] == ["Moon", "Stalker"]
    assert service.resolve("stalker").match is not None
    similar = await service.similar("solaris 1972")
    assert isinstance(similar, SimilarFilms)
    assert similar.suggestions[0].film.title == "Moon"


async def test_a_removed_review_leaves_an_unreviewed_card(service: FilmService) -> None:
    moon = service.resolve("moon").match
    assert moon is not None
    await service.remove(moon.id, "mod")
    assert isinstance(await service.review("moon"), UnreviewedCard)
    assert service.resolve("moon").match is not None


async def test_shared_titles_ask_and_nonsense_suggests(service: FilmService) -> None:
    choose = await service.review("the host")
    assert isinstance(choose, ChooseFilm)
    assert sorted(f.year or 0 for f in choose.candidates) == [2006, 2013]
    assert isinstance(await service.review("qqqq zzzz xxxx"), NoMatch)


async def test_similar_never_names_the_film_itself(service: FilmService) -> None:
    for film in service.index.reviewed():
        reply = service.similar_to(film.id, 10)
        assert isinstance(reply, SimilarFilms)
        ids = [s.film.id for s in reply.suggestions]
        assert film.id not in ids
        assert len(ids) == len(set(ids))


async def test_a_small_load_updates_the_index_in_place(
    service: FilmService, tmp_path: Path
) -> None:
    path = tmp_path / "solaris.txt"
    path.write_text(NEW_REVIEW, encoding="utf-8")
    index_before = service.index
    report = await service.load([path], "mod")
    assert report.saved is not None
    assert report.saved.count("added") == 1
    assert service.index is index_before
    solaris = service.resolve("solaris 1972").match
    assert solaris is not None
    assert solaris.reviewed
    assert service.resolve("stalker").match is not None
    similar = service.similar_to(solaris.id)
    assert isinstance(similar, SimilarFilms)
    assert similar.suggestions[0].film.title == "Moon"
