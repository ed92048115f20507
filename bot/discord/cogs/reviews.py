"""/review, /random and /search: reading the reviews."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.core.matching import Resolution
from bot.core.replies import Reply
from bot.discord.client import FilmBot
from bot.discord.cogs._base import FilmCog
from bot.discord.transformers import FilmArgument
from bot.service import FilmService

# Full-text search is the heaviest thing anyone can ask for: a few a minute each.
SEARCH_RATE = 3
SEARCH_PER_SECONDS = 30.0


async def review_reply(service: FilmService, film: Resolution) -> Reply:
    """The card of the film picked; for text that named no single film, the service's
    answer to it ("which one?" or "did you mean?")."""
    if film.match is not None:
        return await service.review_of(film.match.id)
    return await service.review(film.query)


class Reviews(FilmCog):
    @app_commands.command(name="review", description="A film's review: tagline, summary and more")
    @app_commands.describe(film="The film's title (pick from the list, or type it)")
    async def review(self, interaction: discord.Interaction[Any], film: FilmArgument) -> None:
        await self.bot.show(interaction, await review_reply(self.service, film))

    @app_commands.command(name="random", description="A reviewed film picked at random")
    async def random(self, interaction: discord.Interaction[Any]) -> None:
        await self.bot.show(interaction, await self.service.random_review())

    @app_commands.command(name="search", description="Search the text of every review")
    @app_commands.describe(text="Words to look for, like: clones boarding school")
    @app_commands.checks.cooldown(SEARCH_RATE, SEARCH_PER_SECONDS, key=lambda i: i.user.id)
    async def search(self, interaction: discord.Interaction[Any], text: str) -> None:
        await interaction.response.defer(thinking=True)
        await self.bot.show(interaction, await self.service.search(text))


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(Reviews(bot))
