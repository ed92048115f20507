"""Confirm / Cancel under a moderator's preview: nothing changes before Confirm.

Only the moderator who asked may press them, and Confirm checks again that they are still a
moderator. A preview that times out is only a preview: its buttons go, nothing is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.core.errors import FilmbotError
from bot.core.replies import Notice, Reply, Tone
from bot.discord.permissions import is_moderator
from bot.discord.render import render
from bot.discord.reporting import (
    UNEXPECTED,
    NotModeratorError,
    ReportingView,
    context_of,
    describe,
    tell,
)
from bot.settings import Settings

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT = 600.0  # seconds, inside the 15 minutes an interaction token lives
NOTHING_STORED = "Nothing was stored."

Change = Callable[[discord.Interaction[Any]], Awaitable[Reply]]


class ConfirmView(ReportingView):
    def __init__(
        self,
        owner_id: int,
        settings: Settings,
        change: Change,
        *,
        confirm_label: str = "Confirm",
        danger: bool = False,
        nothing_done: str = NOTHING_STORED,
    ) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.nothing_done = nothing_done
        self.owner_id = owner_id
        self.settings = settings
        self.change = change
        self.origin: discord.Interaction[Any] | None = None
        self.confirm.label = confirm_label
        if danger:
            self.confirm.style = discord.ButtonStyle.danger

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await tell(interaction, "Only the moderator who asked can answer this.")
            return False
        if not is_moderator(interaction.user, self.settings):
            await tell(interaction, str(NotModeratorError()))
            return False
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    async def confirm(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[ConfirmView]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(content="Working on it…", view=None)
        try:
            reply = await self.change(interaction)
        except FilmbotError as error:
            reply = Notice(describe(error) or str(error), Tone.ERROR)
        except Exception:
            log.exception("moderator change failed in %s", context_of(interaction))
            reply = Notice(UNEXPECTED, Tone.ERROR)
        rendered = render(reply)
        await interaction.edit_original_response(
            content=rendered.content or "Done.",
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[ConfirmView]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=f"Cancelled. {self.nothing_done}", embeds=[], view=None
        )

    async def on_timeout(self) -> None:
        if self.origin is None:
            return
        try:
            await self.origin.edit_original_response(
                content=f"This preview expired. {self.nothing_done}", view=None
            )
        except discord.HTTPException:
            log.debug("preview message gone before its timeout")
