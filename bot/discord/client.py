"""FilmBot: the discord.py bot holding the catalogue service, its extensions and its replies."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from bot.core.replies import Reply
from bot.discord.components import DYNAMIC_ITEMS
from bot.discord.render import Rendered, render
from bot.discord.tree import FilmTree
from bot.service import FilmService
from bot.settings import Settings

log = logging.getLogger(__name__)

# One extension per feature area; a broken one is logged and the rest still load.
EXTENSIONS: tuple[str, ...] = (
    "bot.discord.cogs.reviews",
    "bot.discord.cogs.recommendations",
    "bot.discord.cogs.moderation",
    "bot.discord.cogs.help",
    "bot.discord.cogs.mentions",
)


def bot_intents() -> discord.Intents:
    """The least the bot needs: its guilds, and messages that mention it.

    Discord delivers the content of a message that mentions the bot without the privileged
    message_content intent, so mentions work on a public bot with no special approval.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    return intents


# Every message the bot sends: no text it quotes (a review, a user's words) can ping anyone.
BOT_OPTIONS: dict[str, Any] = {
    "command_prefix": commands.when_mentioned,
    "help_command": None,
    "allowed_mentions": discord.AllowedMentions.none(),
    "tree_cls": FilmTree,
}


class FilmBot(commands.Bot):
    """The bot. `settings.shard_count` set makes it auto-sharded (see `create_bot`)."""

    def __init__(self, service: FilmService, settings: Settings, **options: Any) -> None:
        super().__init__(intents=bot_intents(), **(BOT_OPTIONS | options))
        self.service = service
        self.settings = settings
        self.failed_extensions: dict[str, BaseException] = {}

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception as error:
                log.exception("extension %s failed to load", extension)
                self.failed_extensions[extension] = error
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """To the development guild when one is set (instant), else globally."""
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), guild.id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))

    async def on_ready(self) -> None:
        user = self.user
        log.info("connected as %s (%s) to %d guilds", user, user and user.id, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        # No prefix commands: mentions are answered by the mentions extension's listener.
        return

    async def show(
        self,
        interaction: discord.Interaction[Any],
        reply: Reply,
        *,
        ephemeral: bool = False,
        replace: bool = False,
    ) -> None:
        rendered = render(reply, owner_id=interaction.user.id)
        await send_rendered(interaction, rendered, ephemeral=ephemeral, replace=replace)


class ShardedFilmBot(FilmBot, commands.AutoShardedBot):
    """The same bot over several gateway connections, for many guilds."""


def create_film_bot(service: FilmService, settings: Settings) -> FilmBot:
    """A plain bot for one shard; an auto-sharded one when FILMBOT_SHARDS is set, running
    only FILMBOT_SHARD_IDS when this process is one cluster of several."""
    if settings.shard_count is None:
        return FilmBot(service, settings)
    shards = settings.shard_count or None  # 0 means "ask Discord"
    return ShardedFilmBot(
        service, settings, shard_count=shards, shard_ids=list(settings.shard_ids) or None
    )


async def send_rendered(
    interaction: discord.Interaction[Any],
    rendered: Rendered,
    *,
    ephemeral: bool = False,
    replace: bool = False,
) -> None:
    """Answer an interaction with a rendered reply: edit its message, respond, or follow up."""
    none = discord.AllowedMentions.none()
    view = rendered.view
    if replace:
        if interaction.response.is_done():
            await interaction.edit_original_response(
                content=rendered.content, embeds=rendered.embeds, view=view, allowed_mentions=none
            )
        else:
            await interaction.response.edit_message(
                content=rendered.content, embeds=rendered.embeds, view=view, allowed_mentions=none
            )
        return
    extra: dict[str, Any] = {"view": view} if view is not None else {}
    if interaction.response.is_done():
        await interaction.followup.send(
            content=rendered.content or "",
            embeds=rendered.embeds,
            ephemeral=ephemeral,
            allowed_mentions=none,
            **extra,
        )
    else:
        await interaction.response.send_message(
            content=rendered.content,
            embeds=rendered.embeds,
            ephemeral=ephemeral,
            allowed_mentions=none,
            **extra,
        )
