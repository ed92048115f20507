"""The command tree, owning the one error handler every slash command shares."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord.reporting import report


class FilmTree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        # Always private, and through the followup when the command already answered.
        await report(interaction, error)
