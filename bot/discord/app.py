"""What the components and cogs need from the running bot, without importing the bot itself.

The bot renders replies and its components open replies of their own: this small interface
lets them reach each other through `interaction.client` without an import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

import discord

if TYPE_CHECKING:
    from bot.core.replies import Reply
    from bot.service import FilmService
    from bot.settings import Settings


class FilmApp(Protocol):
    service: FilmService
    settings: Settings

    async def show(
        self,
        interaction: discord.Interaction[Any],
        reply: Reply,
        *,
        ephemeral: bool = False,
        replace: bool = False,
    ) -> None:
        """Render `reply` and send it as the answer to `interaction` (or edit its message)."""
        ...


def app_of(interaction: discord.Interaction[Any]) -> FilmApp:
    return cast(FilmApp, interaction.client)
