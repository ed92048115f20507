"""The constructors' bulk builds give what the one-at-a-time paths give, the key shortcuts
they lean on agree with the full rules, and the collector pause always hands back."""

from __future__ import annotations

import gc
import random
import threading
from collections.abc import Iterator
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.collector import collector_paused
from bot.core.matching import FilmIndex, Resolution
from bot.core.matching.keys import (
    _AMBIGUOUS_ROMAN,
    _DROPPED_WORDS,
    _NUMBER_WORDS,
    _ROMAN,
    canonical_key,
    subtitle_keys,
)
from bot.core.model import Film
from bot.core.recommend import Recommender

TITLES = [
    "The Host",
    "Never Let Me Go",
    "The Godfather: Part II",
    "Star Wars: Episode V - The Empire Strikes Back",
    "The Lord of the Rings: The Two Towers",
    "Rocky IV",
    "Ocean's Eleven",
    "Spider-Man",
    "Le Fabuleux Destin d'Amélie Poulain",
    "2001: A Space Odyssey",
    "Three Musketeers, The",
    "$",
]


def catalogue(seed: int) -> list[Film]:
    """Titles shared, aliased, reviewed or not, and a few ids given twice."""
    rng = random.Random(seed)
    films = []
    for film_id in range(1, 60):
        title = rng.choice(TITLES) + rng.choice(["", "", " 2", " Returns", ": The Long Night"])
        aliases = tuple(rng.sample(TITLES, rng.randint(0, 2)))
        films.append(Film(film_id, title, rng.randint(1950, 2020), rng.random() < 0.3, aliases))
    films += [replace_title(f, rng.choice(TITLES)) for f in rng.sample(films, 5)]
    return films


def replace_title(film: Film, title: str) -> Film:
    return Film(film.id, title, film.year, not film.reviewed, film.aliases)


def queries(films: list[Film]) -> Iterator[str]:
    for film in films:
        title = film.title
        yield from (title, title.lower(), title[: len(title) // 2], title[1:], f"{title} 1999")
        yield from title.split(": ")[1:]


def answer(result: Resolution) -> tuple[object, ...]:
    return (
        result.match.id if result.match else None,
        result.score,
        [f.id for f in result.candidates],
        [f.id for f in result.suggestions],
    )


@pytest.mark.parametrize("seed", range(6))
def test_an_index_built_at_once_answers_as_one_filled_film_by_film(seed: int) -> None:
    films = catalogue(seed)
    at_once = FilmIndex(films)
    by_upsert = FilmIndex()
    for film in films:
        by_upsert.upsert(film)
    assert len(at_once) == len(by_upsert) == len({f.id for f in films})
    assert at_once.reviewed() == by_upsert.reviewed()
    for query in queries(films):
        assert answer(at_once.resolve(query)) == answer(by_upsert.resolve(query)), query
        assert at_once.autocomplete(query) == by_upsert.autocomplete(query), query


def canonical_by_rule(key: str) -> str:
    """canonical_key as its docstring states it, one word at a time."""
    words = key.split()
    out = []
    for i, word in enumerate(words):
        if word in _DROPPED_WORDS and len(words) > 1:
            continue
        number = _ROMAN.get(word) or _NUMBER_WORDS.get(word)
        sequel = i > 0 and (i == len(words) - 1 or words[i - 1] in {"part", "episode", "vol"})
        if number is None and word in _AMBIGUOUS_ROMAN and sequel:
            number = _AMBIGUOUS_ROMAN[word]
        out.append(number or word)
    return " ".join(out) or key


REWRITTEN = sorted({*_DROPPED_WORDS, *_ROMAN, *_NUMBER_WORDS, *_AMBIGUOUS_ROMAN})
WORDS = [*REWRITTEN, "host", "moon", "rocky", "2049", "$", "episode", "vol"]


@given(st.lists(st.sampled_from(WORDS), max_size=5), st.sampled_from([" ", "  "]))
def test_canonical_key_shortcut_agrees_with_the_rule(words: list[str], space: str) -> None:
    key = space.join(words)
    assert canonical_key(key) == canonical_by_rule(key)


def test_every_word_the_rule_rewrites_is_rewritten() -> None:
    for word in REWRITTEN:
        assert canonical_key(f"film {word}") != f"film {word}", word


def test_subtitle_keys_need_a_separator() -> None:
    assert subtitle_keys("Never Let Me Go") == []
    assert subtitle_keys("Spider-Man and the Secret Door") == []
    assert subtitle_keys("Mission Impossible - Dead Reckoning") == ["dead reckoning"]
    assert subtitle_keys("Dune: Part Two Again") == ["part two again"]


# --- the recommender keeps what needs no cleaning, cleans the rest ----------------------

FILMS = [Film(i, f"Film {i}", 2000 + i, reviewed=i <= 4) for i in range(1, 9)]
LISTS = {1: [2, 5], 2: [1, 6], 3: [7], 4: [1, 2, 8]}
TERMS = {
    1: {"clone": 0.9, "school": 0.5, "memory": 0.4},
    2: {"moon": 1.0, "clone": 0.7, "robot": 0.3},
    3: {"memory": 0.8, "grief": 0.6},
    4: {"clone": 0.2, "grief": 0.9, "moon": 0.1},
}


def all_similar(recommender: Recommender) -> list[object]:
    return [recommender.similar(film.id, 20) for film in FILMS]


def test_terms_in_any_mapping_or_with_bad_weights_build_the_same() -> None:
    plain = Recommender(FILMS, LISTS, TERMS)
    proxied = Recommender(FILMS, LISTS, {k: MappingProxyType(v) for k, v in TERMS.items()})
    dirty = {k: {**v, "noise": 0.0, "minus": -1.0} for k, v in TERMS.items()}
    dirty[5] = {"nothing": -0.5}
    cleaned = Recommender(FILMS, LISTS, dirty)
    assert all_similar(plain) == all_similar(proxied) == all_similar(cleaned)
    assert any(all_similar(plain))


def test_a_recommender_built_at_once_answers_as_one_filled_review_by_review() -> None:
    at_once = Recommender(FILMS, LISTS, TERMS)
    by_review = Recommender(FILMS, {}, {})
    for film_id, terms in TERMS.items():
        by_review.update_review(FILMS[film_id - 1], LISTS[film_id], terms)
    assert all_similar(at_once) == all_similar(by_review)


# --- the collector pause -------------------------------------------------------------------


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_building_leaves_the_collector_as_it_found_it() -> None:
    FilmIndex(catalogue(0))
    Recommender(FILMS, LISTS, TERMS)
    assert gc.isenabled()
    gc.disable()
    try:
        FilmIndex(catalogue(0))
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_the_pause_nests_and_survives_an_error() -> None:
    def broken() -> Iterator[Film]:
        yield Film(1, "Moon", 2009)
        raise RuntimeError("the catalogue broke")

    with collector_paused:
        FilmIndex(catalogue(1))
        assert not gc.isenabled()  # the inner build does not end the outer pause
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        FilmIndex(broken())
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_builds_in_several_threads_give_the_collector_back() -> None:
    films = catalogue(2)
    errors: list[BaseException] = []

    def build() -> None:
        try:
            for _ in range(5):
                FilmIndex(films)
                Recommender(FILMS, LISTS, TERMS)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert gc.isenabled()
