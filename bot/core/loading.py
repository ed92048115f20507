"""Turning paths on disk into reviews and film lists ready to store, collecting every error."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.errors import FilmbotError, ReviewFormatError
from bot.core.film_lists import parse_film_list
from bot.core.model import FilmRef
from bot.core.prepare import PreparedReview, prepare_review
from bot.core.review_format import parse_review_file

REVIEW_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
FILM_LIST_SUFFIXES = frozenset({".csv"})
# A folder's README or LICENSE documents the folder; it is never a review.
DOCUMENT_STEMS = frozenset({"readme", "license", "licence", "changelog", "contributing"})

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class LoadBatch:
    """What a set of files holds: the good reviews and films, and every bad file's error."""

    reviews: list[PreparedReview] = field(default_factory=list)
    films: list[FilmRef] = field(default_factory=list)
    errors: list[ReviewFormatError] = field(default_factory=list)
    files: int = 0


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Review files and film lists under `paths` (directories are walked), in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in REVIEW_SUFFIXES | FILM_LIST_SUFFIXES
                    and p.stem.lower() not in DOCUMENT_STEMS
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise FilmbotError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))


def read_batch(paths: Iterable[Path], progress: Progress | None = None) -> LoadBatch:
    files = collect_files(paths)
    batch = LoadBatch(files=len(files))
    seen: dict[FilmRef, str] = {}
    for done, path in enumerate(files, start=1):
        try:
            if path.suffix.lower() in FILM_LIST_SUFFIXES:
                batch.films.extend(parse_film_list(_read_bytes(path), str(path)))
            else:
                review = prepare_review(parse_review_file(path), source=str(path))
                ref = review.parsed.ref
                if ref in seen:
                    raise ReviewFormatError(
                        str(path), 1, f"{ref.label()} is also reviewed in {seen[ref]}"
                    )
                seen[ref] = str(path)
                batch.reviews.append(review)
        except ReviewFormatError as error:
            batch.errors.append(error)
        if progress is not None:
            progress(done, len(files))
    return batch


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReviewFormatError(
            str(path), None, f"cannot read the file ({error.strerror})"
        ) from None
