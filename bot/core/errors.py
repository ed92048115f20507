"""Errors whose message is fit to show to a user as it is."""

from __future__ import annotations


class FilmbotError(Exception):
    """Base for every error that carries a message meant for people, not a traceback."""


class ReviewFormatError(FilmbotError):
    """A review file that cannot be read; names the file and the line."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class FilmListError(ReviewFormatError):
    """A CSV film list that cannot be read."""


class NotFoundError(FilmbotError):
    """The film or review asked for does not exist."""


class ConflictError(FilmbotError):
    """The review changed since the caller read it (optimistic version check)."""


class PermissionDeniedError(FilmbotError):
    """The caller may not do this."""


class BusyError(FilmbotError):
    """Another process held the catalogue's write lock for too long (a big load, say)."""
