"""The `film:` option of every command: autocompleted from the in-memory index, resolved once.

A picked choice's value is the film's id ("#42"); text typed without picking is resolved
like any query, so the command always receives a Resolution.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands

from bot.core.matching import Resolution
from bot.discord.app import app_of
from bot.discord.components import film_choice_label
from bot.discord.limits import CHOICES

_PICKED = re.compile(r"#(\d{1,19})")
# The score of a film named by its id: as sure as an exact title.
PICKED_SCORE = 100.0


def film_value(film_id: int) -> str:
    return f"#{film_id}"


class FilmTransformer(app_commands.Transformer[discord.Client]):
    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    async def transform(self, interaction: discord.Interaction[Any], value: Any) -> Resolution:
        text = str(value)
        service = app_of(interaction).service
        picked = _PICKED.fullmatch(text.strip())
        if picked:
            film = service.index.get(int(picked.group(1)))
            if film is not None:
                return Resolution(text, film, PICKED_SCORE)
        return service.resolve(text)

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        # The index lives in memory: no database query per keystroke.
        films = app_of(interaction).service.autocomplete(str(value), CHOICES)
        return [
            app_commands.Choice(name=film_choice_label(film), value=film_value(film.id))
            for film in films[:CHOICES]
        ]


FilmArgument = app_commands.Transform[Resolution, FilmTransformer]
