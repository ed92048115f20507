"""/similar: films like the one named, each with why."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.core.chat import DEFAULT_SIMILAR_COUNT, MAX_SIMILAR_COUNT
from bot.discord.client import FilmBot
from bot.discord.cogs._base import FilmCog
from bot.discord.transformers import FilmArgument

SIMILAR_RATE = 5
SIMILAR_PER_SECONDS = 30.0


class Recommendations(FilmCog):
    @app_commands.command(name="similar", description="Films like the one you name, with why")
    @app_commands.describe(film="The film you liked", count="How many films (1 to 10)")
    @app_commands.checks.cooldown(SIMILAR_RATE, SIMILAR_PER_SECONDS, key=lambda i: i.user.id)
    async def similar(
        self,
        interaction: discord.Interaction[Any],
        film: FilmArgument,
        count: app_commands.Range[int, 1, MAX_SIMILAR_COUNT] = DEFAULT_SIMILAR_COUNT,
    ) -> None:
        if film.match is not None:
            reply = self.service.similar_to(film.match.id, count)
        else:
            reply = await self.service.similar(film.query, count)
        await self.bot.show(interaction, reply)


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(Recommendations(bot))
