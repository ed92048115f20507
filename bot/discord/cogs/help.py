"""/help: what filmbot can do."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.core.replies import HelpReply
from bot.discord.client import FilmBot
from bot.discord.cogs._base import FilmCog


class Help(FilmCog):
    @app_commands.command(name="help", description="What filmbot can do")
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        await self.bot.show(interaction, HelpReply(), ephemeral=True)


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(Help(bot))
