"""The film and review model shared by every layer."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

# A common figure for adults reading for pleasure.
WORDS_PER_MINUTE = 230


def reading_minutes(word_count: int) -> int:
    return max(1, round(word_count / WORDS_PER_MINUTE))


_Class = TypeVar("_Class", bound=type)


def pickled_as_arguments(cls: _Class) -> _Class:
    """Pickle a frozen dataclass as its constructor's arguments.

    A big load sends every prepared review back from a worker process. The pickling that
    dataclasses give slotted classes gets and sets each field in Python, which made sending
    and receiving a review cost twice what this does. Apply above @dataclass, to the class
    it returns.
    """
    arguments: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(
        *(f.name for f in dataclasses.fields(cls))
    )

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, arguments(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class FilmRef:
    """A film named by title and year, as in a Keep Exploring list, before it is looked up."""

    title: str
    year: int | None

    def label(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Section:
    """One part of a review: an optional short heading and its paragraphs."""

    heading: str | None
    text: str


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class ParsedReview:
    """What a review file says, before it is stored."""

    title: str
    year: int | None
    tagline: str | None
    sections: tuple[Section, ...]
    keep_exploring: tuple[FilmRef, ...]
    director: str | None = None
    aliases: tuple[str, ...] = ()
    # A `Summary:` line in the file: the author's own summary wins over the computed one.
    summary: str | None = None

    @property
    def ref(self) -> FilmRef:
        return FilmRef(self.title, self.year)

    def body_text(self) -> str:
        """Every paragraph of every section, headings left out, blank-line separated."""
        return "\n\n".join(s.text for s in self.sections if s.text)

    def to_json(self) -> dict[str, object]:
        """The `filmbot parse --json` shape."""
        return {
            "title": self.title,
            "year": self.year,
            "tagline": self.tagline,
            "sections": [{"heading": s.heading, "text": s.text} for s in self.sections],
            "keep_exploring": [{"title": r.title, "year": r.year} for r in self.keep_exploring],
        }


@dataclass(frozen=True, slots=True)
class Film:
    """A film the catalogue knows: reviewed, or only named (Keep Exploring, a film list)."""

    id: int
    title: str
    year: int | None
    reviewed: bool = False
    aliases: tuple[str, ...] = ()

    def label(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True)
class Review:
    """A stored review with its film and the films it links to."""

    id: int
    film: Film
    tagline: str | None
    sections: tuple[Section, ...]
    keep_exploring: tuple[Film, ...]
    summary: str
    word_count: int
    source: str | None
    content_hash: str
    added_by: str
    added_at: datetime
    updated_at: datetime
    # Bumped on every change: the optimistic check that stops a lost update.
    version: int = 1
    director: str | None = None
    summary_is_authored: bool = False
    aliases: tuple[str, ...] = field(default=())

    def body_text(self) -> str:
        return "\n\n".join(s.text for s in self.sections if s.text)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A review found by full-text search, with the passage that matched."""

    film: Film
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change to the catalogue: who did what to which film, and when."""

    at: datetime
    actor: str
    action: str
    film_label: str
    detail: str
