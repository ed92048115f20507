"""Recommendations from Keep Exploring links and review text, and the terms they use."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import NotFoundError
from bot.core.model import Film
from bot.core.recommend import MAX_REASON_CHARS, MAX_REASONS, Recommender, Suggestion
from bot.core.terms import _token_words, content_words, review_terms, singular

NEVER_LET_ME_GO, MOON, FOUNTAIN, HER, MELANCHOLIA = 1, 2, 3, 4, 5
SOLARIS, SUNSHINE, UNLINKED, GATTACA, CHILDREN, ANOTHER, SUNSHINE_2007 = 6, 7, 8, 9, 10, 11, 12

FILMS = [
    Film(NEVER_LET_ME_GO, "Never Let Me Go", 2010, reviewed=True),
    Film(MOON, "Moon", 2009, reviewed=True),
    Film(FOUNTAIN, "Fountain, The", 2006),
    Film(HER, "Her", 2013, reviewed=True),
    Film(MELANCHOLIA, "Melancholia", 2011),
    Film(SOLARIS, "Solaris", 1972, reviewed=True),
    Film(SUNSHINE, "Eternal Sunshine of the Spotless Mind", 2004, reviewed=True),
    Film(UNLINKED, "Upside Down", 2012),
    Film(GATTACA, "Gattaca", 1997),
    Film(CHILDREN, "Children of Men", 2006),
    Film(ANOTHER, "Another Earth", 2011, reviewed=True),
    Film(SUNSHINE_2007, "Sunshine", 2007),
]

KEEP_EXPLORING = {
    # A duplicate and the film itself, which must both disappear.
    NEVER_LET_ME_GO: [FOUNTAIN, MOON, MELANCHOLIA, HER, FOUNTAIN, NEVER_LET_ME_GO],
    MOON: [NEVER_LET_ME_GO, FOUNTAIN, MELANCHOLIA, SUNSHINE_2007],
    HER: [FOUNTAIN, MELANCHOLIA, CHILDREN],
    ANOTHER: [FOUNTAIN, MELANCHOLIA],
}

TEXTS = {
    NEVER_LET_ME_GO: "Three friends grow up at a boarding school and learn they are clones "
    "raised as organ donors. Their love, jealousy and memory of school become all they own. "
    "The donors accept their fate; the donations continue; the school stays a memory.",
    MOON: "An astronaut alone on a lunar mining base nears the end of his contract. "
    "The mining company, the robot and the base itself keep secrets. Lunar dust, lunar "
    "silence, a robot that cares more than the company does.",
    HER: "A lonely writer falls in love with an operating system. The romance with a voice "
    "grows tender and strange; loneliness, love and letters written for strangers.",
    SOLARIS: "A psychologist on a space station above an ocean planet meets the copy of his "
    "dead wife. Grief, memory and guilt take shape; the ocean returns memory as flesh. "
    "Grief that will not end, a widower who wants to forget and cannot.",
    SUNSHINE: "After a breakup a man pays to have every memory of his girlfriend erased. "
    "As the memories vanish he fights to keep them; grief, memory and heartbreak, "
    "erased memory by erased memory. Forget the grief, keep the love.",
    ANOTHER: "A student causes a crash on the night a mirror planet appears in the sky. "
    "Guilt and second chances; the crash, the planet, the guilt.",
}


def build(
    films: list[Film] | None = None,
    keep_exploring: dict[int, list[int]] | None = None,
    texts: dict[int, str] | None = None,
) -> Recommender:
    terms = {film_id: review_terms(text) for film_id, text in (texts or TEXTS).items()}
    return Recommender(films or FILMS, keep_exploring or KEEP_EXPLORING, terms)


def ids(suggestions: list[Suggestion]) -> list[int]:
    return [s.film.id for s in suggestions]


def reasons_of(suggestions: list[Suggestion], film_id: int) -> tuple[str, ...]:
    return next(s.reasons for s in suggestions if s.film.id == film_id)


def test_own_keep_exploring_list_comes_first_in_its_order_without_duplicates() -> None:
    suggestions = build().similar(NEVER_LET_ME_GO, count=20)
    assert ids(suggestions)[:4] == [FOUNTAIN, MOON, MELANCHOLIA, HER]
    assert NEVER_LET_ME_GO not in ids(suggestions)
    assert len(ids(suggestions)) == len(set(ids(suggestions)))
    assert reasons_of(suggestions, FOUNTAIN)[0] == "in the Keep Exploring list of Never Let Me Go"
    # Moon's own review links back: a second reason.
    assert "its review recommends Never Let Me Go" in reasons_of(suggestions, MOON)


def test_curated_order_survives_stronger_other_evidence() -> None:
    # Moon is both in the list and links back, Melancholia is named in four lists; the
    # author's order still wins, and every curated film outranks every other suggestion.
    suggestions = build().similar(NEVER_LET_ME_GO)
    curated, others = suggestions[:4], suggestions[4:]
    assert [s.score for s in curated] == sorted((s.score for s in curated), reverse=True)
    assert SUNSHINE_2007 in ids(others)
    assert min(s.score for s in curated) > max(s.score for s in others)


def test_reverse_links_and_cooccurrence_for_an_unreviewed_film() -> None:
    suggestions = build().similar(FOUNTAIN, count=20)
    reverse = {NEVER_LET_ME_GO, MOON, HER, ANOTHER}
    assert set(ids(suggestions)[:4]) == reverse
    for reviewer in reverse:
        assert "its review recommends The Fountain" in reasons_of(suggestions, reviewer)
    # Melancholia sits beside The Fountain in all four lists that name it.
    assert "often recommended alongside The Fountain (4 lists)" in reasons_of(
        suggestions, MELANCHOLIA
    )
    assert ids(suggestions)[4] == MELANCHOLIA
    # Children of Men shares one list (Her's) with The Fountain.
    assert "recommended alongside The Fountain by Her" in reasons_of(suggestions, CHILDREN)
    assert FOUNTAIN not in ids(suggestions)


def test_reverse_link_earlier_in_a_list_counts_more() -> None:
    films = [Film(i, f"Film {i}", None, reviewed=i in (2, 3)) for i in range(1, 9)]
    # Film 2 names film 1 last of five, film 3 names it first of five.
    recommender = Recommender(films, {2: [4, 5, 6, 7, 1], 3: [1, 4, 5, 6, 8]}, {})
    order = ids(recommender.similar(1))
    assert order[:2] == [3, 2]


def test_a_film_named_in_very_many_lists_gets_its_most_prominent_links() -> None:
    films = [Film(i, f"Film {i:04}", None, reviewed=i > 1) for i in range(1, 602)]
    # Reviews 2..601 all name film 1: the even ones first of four, the odd ones last.
    lists = {i: [1, 700, 701, 702] if i % 2 == 0 else [700, 701, 702, 1] for i in range(2, 602)}
    suggestions = Recommender(films, lists, {}).similar(1, count=20)
    assert ids(suggestions) == list(range(2, 42, 2))
    assert all(s.reasons == ("its review recommends Film 0001",) for s in suggestions)


def test_text_similarity_finds_unlinked_reviews_on_the_same_subject() -> None:
    recommender = build()
    suggestions = recommender.similar(SOLARIS)
    assert ids(suggestions)[0] == SUNSHINE
    reason = reasons_of(suggestions, SUNSHINE)[0]
    assert reason.startswith("also about ")
    assert "grief" in reason
    assert "memory" in reason
    assert MOON not in ids(suggestions)
    assert ids(recommender.similar(SUNSHINE))[0] == SOLARIS


def test_unknown_film_raises_and_an_unlinked_film_gets_nothing() -> None:
    recommender = build()
    with pytest.raises(NotFoundError):
        recommender.similar(999)
    assert recommender.similar(UNLINKED) == []
    assert recommender.similar(GATTACA) == []
    assert recommender.similar(NEVER_LET_ME_GO, count=0) == []


def test_count_limits_the_list() -> None:
    assert len(build().similar(NEVER_LET_ME_GO, count=2)) == 2


def test_ties_go_to_reviewed_films_then_title_then_id() -> None:
    films = [
        Film(1, "Query", None),
        Film(2, "Zed", None, reviewed=True),
        Film(3, "Beta", None),
        Film(4, "Alpha", None),
        Film(5, "Alpha", None),
        Film(6, "Lister", None, reviewed=True),
    ]
    # One list names them all; each shares exactly that list with the query.
    recommender = Recommender(films, {6: [1, 5, 3, 2, 4]}, {})
    suggestions = recommender.similar(1)
    assert ids(suggestions) == [6, 2, 4, 5, 3]
    assert len({s.score for s in suggestions[1:]}) == 1


def test_same_answers_whatever_the_input_order() -> None:
    shuffled_films = list(reversed(FILMS))
    shuffled_lists = dict(reversed(list(KEEP_EXPLORING.items())))
    shuffled_texts = dict(reversed(list(TEXTS.items())))
    first, second = build(), build(shuffled_films, shuffled_lists, shuffled_texts)
    for film in FILMS:
        assert first.similar(film.id, 20) == second.similar(film.id, 20)


def test_reasons_are_short_and_few() -> None:
    long_title = "An Extraordinarily Long Title " * 6
    films = [*FILMS, Film(50, long_title, 2000, reviewed=True)]
    keep_exploring = {**KEEP_EXPLORING, 50: [NEVER_LET_ME_GO, FOUNTAIN]}
    texts = {**TEXTS, 50: TEXTS[SOLARIS]}
    keep_exploring[NEVER_LET_ME_GO] = [*keep_exploring[NEVER_LET_ME_GO], 50]
    recommender = build(films, keep_exploring, texts)
    for film in films:
        for suggestion in recommender.similar(film.id, 20):
            assert 1 <= len(suggestion.reasons) <= MAX_REASONS
            assert all(len(reason) <= MAX_REASON_CHARS for reason in suggestion.reasons)
    reasons = reasons_of(recommender.similar(FOUNTAIN, 20), 50)
    assert reasons[0].startswith("its review recommends")
    long_reasons = reasons_of(recommender.similar(50, 20), NEVER_LET_ME_GO)
    assert any("…" in reason for reason in long_reasons)


def test_update_and_remove_review() -> None:
    recommender = build()
    gattaca = replace(FILMS[GATTACA - 1], reviewed=True)
    recommender.update_review(
        gattaca, [NEVER_LET_ME_GO], review_terms("Clones, donors and organ donation.")
    )
    assert ids(recommender.similar(GATTACA))[0] == NEVER_LET_ME_GO
    gattaca_reasons = reasons_of(recommender.similar(NEVER_LET_ME_GO, 20), GATTACA)
    assert gattaca_reasons[0] == "its review recommends Never Let Me Go"
    assert gattaca_reasons[1].startswith("also about ")
    assert "clone" in gattaca_reasons[1]
    recommender.remove_review(GATTACA)
    assert recommender.similar(GATTACA) == []
    assert GATTACA not in ids(recommender.similar(NEVER_LET_ME_GO, 20))
    # Removing again, or removing what was never there, changes nothing.
    recommender.remove_review(GATTACA)
    recommender.remove_review(999)
    assert recommender.similar(GATTACA) == []


def test_remove_film_takes_it_out_of_every_list() -> None:
    recommender = build()
    assert MOON in ids(recommender.similar(NEVER_LET_ME_GO, 20))
    recommender.remove_film(MOON)
    with pytest.raises(NotFoundError):
        recommender.similar(MOON)
    for film in FILMS:
        if film.id != MOON:
            assert MOON not in ids(recommender.similar(film.id, 20))
    # Moon's own list is gone: The Fountain loses that reverse link.
    assert "its review recommends The Fountain" in reasons_of(
        recommender.similar(FOUNTAIN, 20), NEVER_LET_ME_GO
    )
    recommender.remove_film(MOON)


def test_upsert_film_renames_and_adds() -> None:
    recommender = build()
    recommender.upsert_film(Film(FOUNTAIN, "The Fountain (Director's Cut)", 2006))
    recommender.upsert_film(Film(60, "Upstream Color", 2013))
    assert reasons_of(recommender.similar(FOUNTAIN, 20), MOON)[0] == (
        "its review recommends The Fountain (Director's Cut)"
    )
    assert recommender.similar(60) == []


# --- incremental changes give exactly what a rebuild gives --------------------------------

WORDS = [f"topic{n}" for n in range(40)]


def random_terms(rng: random.Random) -> dict[str, float]:
    chosen = rng.sample(WORDS, rng.randint(1, 12))
    return {word: round(rng.uniform(0.1, 1.0), 2) for word in chosen}


def random_list(rng: random.Random, film_ids: list[int]) -> list[int]:
    return rng.sample(film_ids, rng.randint(0, 6))


@pytest.mark.parametrize("seed", range(12))
def test_incremental_changes_equal_a_rebuild(seed: int) -> None:
    rng = random.Random(seed)
    film_ids = list(range(1, 41))
    films = {i: Film(i, f"Film {rng.randint(1, 15)}", 2000 + i % 5) for i in film_ids}
    reviewed = rng.sample(film_ids, 15)
    lists = {i: random_list(rng, film_ids) for i in reviewed}
    terms = {i: random_terms(rng) for i in reviewed}
    for i in reviewed:
        films[i] = replace(films[i], reviewed=True)
    recommender = Recommender(films.values(), lists, terms)

    for _ in range(25):
        action = rng.choice(["update", "update", "remove", "upsert", "drop"])
        film_id = rng.choice(film_ids)
        if action == "update":
            film = films.get(film_id) or Film(film_id, "Back", None)
            films[film_id] = replace(film, reviewed=True)
            lists[film_id] = random_list(rng, film_ids)
            terms[film_id] = random_terms(rng)
            recommender.update_review(films[film_id], lists[film_id], terms[film_id])
        elif action == "remove":
            if film_id in films:
                films[film_id] = replace(films[film_id], reviewed=False)
            lists.pop(film_id, None)
            terms.pop(film_id, None)
            recommender.remove_review(film_id)
        elif action == "drop":
            films.pop(film_id, None)
            lists.pop(film_id, None)
            terms.pop(film_id, None)
            recommender.remove_film(film_id)
        else:
            film = films.get(film_id) or Film(film_id, "Back", None)
            films[film_id] = replace(film, title=f"Film {rng.randint(1, 15)}")
            recommender.upsert_film(films[film_id])

    rebuilt = Recommender(films.values(), lists, terms)
    for film_id in film_ids:
        if film_id in films:
            assert recommender.similar(film_id, 50) == rebuilt.similar(film_id, 50)
        else:
            with pytest.raises(NotFoundError):
                recommender.similar(film_id)


# --- distinctive terms -------------------------------------------------------------------


def test_review_terms_weights_folding_and_exclusions() -> None:
    text = (
        "Clones dream of gardens. The clone's garden is a memory; memories fade. "
        "Kathy keeps the memory. Then Kathy and Tommy remember it, and the film shows it. "
        "It is 2010 and the café is closed. Grief."
    )
    terms = review_terms(text)
    assert terms["memory"] == 1.0
    # "memory", "memories", "memory": 3; "Clones", "clone's": 2.
    assert terms["clone"] == terms["garden"] == pytest.approx(2 / 3, abs=1e-4)
    assert "kathy" not in terms
    assert "tommy" not in terms
    assert "film" not in terms
    assert "the" not in terms
    assert "cafe" in terms
    assert "grief" in terms
    assert all(0 < weight <= 1 for weight in terms.values())
    assert not any(term.isdigit() for term in terms)


def test_review_terms_limit_and_order() -> None:
    text = " ".join(
        f"{word} " * (index + 1) for index, word in enumerate(["apple", "pear", "plum"])
    )
    assert list(review_terms(text)) == ["plum", "pear", "apple"]
    assert list(review_terms(text, limit=2)) == ["plum", "pear"]
    assert review_terms("") == {}
    assert review_terms("The and of it.") == {}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("clones", "clone"),
        ("stories", "story"),
        ("witches", "witch"),
        ("glass", "glass"),
        ("chorus", "chorus"),
        ("analysis", "analysis"),
        ("famous", "famous"),
        ("bus", "bus"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


@given(st.from_regex(r"[A-Za-z][A-Za-z'’éÉ]{0,12}", fullmatch=True))
def test_fast_token_path_agrees_with_content_words(token: str) -> None:
    assert _token_words(token) == content_words(token)
