"""CSV film lists: plain title,year files and Letterboxd exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import FilmListError, ReviewFormatError
from bot.core.film_lists import MAX_FILM_LIST_BYTES, looks_like_film_list, parse_film_list
from bot.core.model import FilmRef
from bot.core.review_format import film_title

LETTERBOXD = """Date,Name,Year,Letterboxd URI
2024-01-03,Moon,2009,https://boxd.it/1
2024-01-05,"Three Musketeers, The",1973,https://boxd.it/2
2024-02-11,Solaris,1972,https://boxd.it/3
"""

GOOD: list[tuple[str, str | bytes, list[FilmRef]]] = [
    (
        "title-year",
        "title,year\nMoon,2009\nSolaris,1972\n",
        [FilmRef("Moon", 2009), FilmRef("Solaris", 1972)],
    ),
    ("header-any-case", "Title,YEAR\nMoon,2009\n", [FilmRef("Moon", 2009)]),
    ("columns-swapped", "year,title\n2009,Moon\n", [FilmRef("Moon", 2009)]),
    (
        "letterboxd",
        LETTERBOXD,
        [FilmRef("Moon", 2009), FilmRef("The Three Musketeers", 1973), FilmRef("Solaris", 1972)],
    ),
    (
        "letterboxd-bytes-bom-crlf",
        b"\xef\xbb\xbf" + LETTERBOXD.replace("\n", "\r\n").encode(),
        [FilmRef("Moon", 2009), FilmRef("The Three Musketeers", 1973), FilmRef("Solaris", 1972)],
    ),
    (
        "empty-year",
        "title,year\nMoon,\nSolaris, \n",
        [FilmRef("Moon", None), FilmRef("Solaris", None)],
    ),
    ("no-year-column", "title\nMoon\n", [FilmRef("Moon", None)]),
    ("short-row", "title,year\nMoon\n", [FilmRef("Moon", None)]),
    ("blank-rows", "\ntitle,year\n\nMoon,2009\n,\n", [FilmRef("Moon", 2009)]),
    ("spaces-and-nbsp", "title,year\n  Moon\u00a0 , 2009 \n", [FilmRef("Moon", 2009)]),
    ("header-only", "title,year\n", []),
    (
        "quoted-comma",
        'title,year\n"Crouching Tiger, Hidden Dragon",2000\n',
        [FilmRef("Crouching Tiger, Hidden Dragon", 2000)],
    ),
]


@pytest.mark.parametrize(("data", "expected"), [g[1:] for g in GOOD], ids=[g[0] for g in GOOD])
def test_film_list_parses(data: str | bytes, expected: list[FilmRef]) -> None:
    assert parse_film_list(data) == expected


BAD: list[tuple[str, str | bytes, int | None, str]] = [
    ("empty", "", None, "empty"),
    ("blank", "\n\n", None, "empty"),
    ("no-title-column", "film_name,year\nMoon,2009\n", 1, "title"),
    ("year-word", "title,year\nMoon,2009\nSolaris,soon\n", 3, "'soon' is not a year"),
    ("year-out-of-range", "title,year\n\nMoon,1750\n", 3, "1750"),
    ("missing-title", "title,year\nMoon,2009\n,2010\n", 3, "no title"),
    ("not-utf8", b"title,year\nCaf\xe9,2009\n", 2, "UTF-8"),
    ("binary", b"title,year\n\x00\x01", 2, "NUL"),
    (
        "too-large",
        b"title,year\n" + b"Moon,2009\n" * (MAX_FILM_LIST_BYTES // 10),
        None,
        "too large",
    ),
]


@pytest.mark.parametrize(("data", "line", "problem"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_film_list_names_source_and_line(
    data: str | bytes, line: int | None, problem: str
) -> None:
    with pytest.raises(FilmListError) as caught:
        parse_film_list(data, "lists/watched.csv")
    error = caught.value
    assert error.source == "lists/watched.csv"
    assert error.line == line
    assert problem in error.problem
    # Callers that catch review file errors catch these too.
    assert isinstance(error, ReviewFormatError)


def test_looks_like_film_list() -> None:
    assert looks_like_film_list(Path("watched.csv"))
    assert looks_like_film_list(Path("data/WATCHED.CSV"))
    assert not looks_like_film_list(Path("moon.txt"))
    assert not looks_like_film_list(Path("csv"))


@settings(max_examples=300)
@given(st.binary(max_size=500) | st.text(max_size=300))
def test_any_input_gives_films_or_film_list_error(data: bytes | str) -> None:
    try:
        films = parse_film_list(data)
    except FilmListError:
        return
    assert all(f.title for f in films)


_TITLES = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\u00a0\u202f\u2007"),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip())


@settings(max_examples=200)
@given(st.lists(st.tuples(_TITLES, st.none() | st.integers(1870, 2100)), max_size=10))
def test_rows_written_by_the_csv_module_read_back(rows: list[tuple[str, int | None]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "year"])
    writer.writerows([title, "" if year is None else year] for title, year in rows)
    expected = [FilmRef(film_title(title.strip()), year) for title, year in rows]
    assert parse_film_list(out.getvalue()) == [f for f in expected if f.title]
