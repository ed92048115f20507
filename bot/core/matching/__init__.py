"""Finding films: what a person types or says, resolved to the film they mean."""

from bot.core.matching.index import FilmIndex, Resolution

__all__ = ["FilmIndex", "Resolution"]
