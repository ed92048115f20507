"""CSV film lists: a plain `title,year` file or a Letterboxd export (`Date,Name,Year,...`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from bot.core.errors import FilmListError
from bot.core.model import FilmRef
from bot.core.review_format import decode_text, film_title, parse_film_year

# Letterboxd's full-history exports stay well below this; anything bigger is not a film list.
MAX_FILM_LIST_BYTES = 5_000_000
# Header names for each column, compared case-insensitively; Letterboxd calls the title "Name".
_TITLE_COLUMNS = ("title", "name", "film", "film title")
_YEAR_COLUMNS = ("year", "release year")


def looks_like_film_list(path: Path) -> bool:
    """Whether a file is meant as a film list rather than a review: a .csv file."""
    return path.suffix.lower() == ".csv"


def parse_film_list(data: bytes | str, source: str = "<csv>") -> list[FilmRef]:
    """The films of a CSV list, in file order; FilmListError names the line of a bad row."""
    text = decode_text(data, source, max_bytes=MAX_FILM_LIST_BYTES, error=FilmListError)
    reader = csv.reader(io.StringIO(text, newline=""))

    def fail(problem: str) -> NoReturn:
        raise FilmListError(source, reader.line_num or None, problem)

    films: list[FilmRef] = []
    title_at: int | None = None
    year_at: int | None = None
    try:
        for row in reader:
            cells = [cell.replace("\u00a0", " ").strip() for cell in row]
            if not any(cells):
                continue
            if title_at is None:
                title_at, year_at = _columns(cells, fail)
                continue
            title = film_title(cells[title_at]) if title_at < len(cells) else ""
            if not title:
                fail("a row with no title")
            year_text = cells[year_at] if year_at is not None and year_at < len(cells) else ""
            year = None
            if year_text:
                try:
                    year = parse_film_year(year_text)
                except ValueError as exc:
                    fail(f"the year of {title!r}: {exc}")
            films.append(FilmRef(title, year))
    except csv.Error as exc:
        fail(f"not readable as CSV ({exc})")
    if title_at is None:
        raise FilmListError(source, None, "the file is empty")
    return films


def render_film_list(films: Iterable[FilmRef]) -> str:
    """A `title,year` CSV that parse_film_list reads back as the same films."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["title", "year"])
    writer.writerows([film.title, film.year or ""] for film in films)
    return out.getvalue()


def _columns(header: list[str], fail: Callable[[str], NoReturn]) -> tuple[int, int | None]:
    """Where the title and year are, from the header row."""
    names = [" ".join(cell.casefold().split()) for cell in header]
    title_at = next((names.index(n) for n in _TITLE_COLUMNS if n in names), None)
    if title_at is None:
        fail("the first row must name the columns, with a 'title' (or 'Name') column")
    year_at = next((names.index(n) for n in _YEAR_COLUMNS if n in names), None)
    return title_at, year_at
