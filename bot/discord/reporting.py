"""One answer for every failure: what the user is told, and what the log keeps.

The command tree, the components and the modals all report through here, so a domain error
reads the same wherever it happens and an unexpected one always leaves a traceback with
enough context (command or component, user, guild) to find it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import discord
from discord import app_commands

from bot.core.errors import ConflictError, FilmbotError
from bot.discord.limits import MESSAGE_CONTENT, fit

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on my side, sorry. It has been logged; please try again later."


class NotModeratorError(app_commands.CheckFailure):
    """The user asked for a moderator action without being a moderator."""

    def __init__(self) -> None:
        super().__init__("Only moderators can change the reviews. Nothing was changed.")


def describe(error: BaseException) -> str | None:
    """The message for an error users can be told about; None when it is our fault."""
    if isinstance(error, ConflictError):
        return f"{error} Nothing was stored."
    if isinstance(error, FilmbotError):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {math.ceil(error.retry_after)}s."
    if isinstance(error, NotModeratorError):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return "Sorry, you can't use this here."
    return None


def unwrap(error: BaseException) -> BaseException:
    """The error our code raised, out of discord.py's wrappers."""
    if isinstance(error, app_commands.CommandInvokeError):
        return unwrap(error.original)
    if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        return unwrap(error.__cause__)
    return error


def context_of(interaction: discord.Interaction[Any]) -> str:
    """Where an interaction came from, for the log."""
    if interaction.command is not None:
        what = f"/{interaction.command.qualified_name}"
    elif interaction.data is not None and "custom_id" in interaction.data:
        what = f"component {interaction.data.get('custom_id')}"
    else:
        what = f"interaction type {interaction.type}"
    return f"{what} (user {interaction.user.id}, guild {interaction.guild_id})"


async def report(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the user what went wrong, privately; log the traceback when it is our fault."""
    error = unwrap(error)
    message = describe(error)
    if message is None:
        log.error("error in %s", context_of(interaction), exc_info=error)
        message = UNEXPECTED
    else:
        log.debug("refused %s: %s", context_of(interaction), message)
    await tell(interaction, message)


async def tell(interaction: discord.Interaction[Any], message: str) -> None:
    """Send a private note, whether or not the interaction was answered already."""
    content = fit(message, MESSAGE_CONTENT)
    none = discord.AllowedMentions.none()
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=none)
        else:
            await interaction.response.send_message(content, ephemeral=True, allowed_mentions=none)
    except discord.HTTPException:
        # The interaction expired or Discord is down: the log is all that is left.
        log.warning("could not tell %s: %s", context_of(interaction), message)


@asynccontextmanager
async def reporting(interaction: discord.Interaction[Any]) -> AsyncIterator[None]:
    """Report any error raised inside the block to the user (components and modals)."""
    try:
        yield
    except Exception as error:
        await report(interaction, error)


class ReportingView(discord.ui.View):
    """A view whose buttons' and selects' errors reach the user as report() words them."""

    async def on_error(
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any],
    ) -> None:
        await report(interaction, error)
