"""Buttons and selects under filmbot's replies that keep working after a restart.

Each is a `DynamicItem`: its custom_id carries what it needs (`filmbot:read:42`), so the bot
rebuilds it from any old message instead of remembering the message.

Where an answer goes: a private (ephemeral) message is edited in place, so a person walks
from film to film in one message; a public message is edited only when its owner answers the
question it asked ("which year?", "did you mean?"); anyone else gets a private reply, so
nobody changes a message the whole channel sees.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.core.model import Film
from bot.core.replies import Action
from bot.discord.app import app_of
from bot.discord.limits import OPTION_TEXT, PLACEHOLDER, SELECT_OPTIONS, fit
from bot.discord.pager import ReviewPager, review_pages
from bot.discord.reporting import reporting

REVIEWED_MARK = "✍"
NO_OWNER = 0


def film_choice_label(film: Film) -> str:
    """ "Title (Year) ✍" within the 100 characters of a select option or a choice."""
    mark = f" {REVIEWED_MARK}" if film.reviewed else ""
    return fit(film.label(), OPTION_TEXT - len(mark)) + mark


def film_option(film: Film, description: str | None = None) -> discord.SelectOption:
    if description is None:
        description = "Reviewed" if film.reviewed else "No review yet"
    return discord.SelectOption(
        label=fit(film.label(), OPTION_TEXT),
        value=str(film.id),
        description=fit(description, OPTION_TEXT),
    )


class ReadReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"filmbot:read:(?P<film_id>\d{1,19})"
):
    def __init__(self, film_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Read full review",
                emoji="📖",
                style=discord.ButtonStyle.primary,
                custom_id=f"filmbot:read:{film_id}",
            )
        )
        self.film_id = film_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReadReviewButton:
        return cls(int(match["film_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async with reporting(interaction):
            review = await app_of(interaction).service.get_review(self.film_id)
            await ReviewPager.open(interaction, review_pages(review))


class SimilarButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"filmbot:similar:(?P<film_id>\d{1,19})",
):
    def __init__(self, film_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Similar films",
                emoji="🎞️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"filmbot:similar:{film_id}",
            )
        )
        self.film_id = film_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SimilarButton:
        return cls(int(match["film_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async with reporting(interaction):
            app = app_of(interaction)
            await app.show(interaction, app.service.similar_to(self.film_id), ephemeral=True)


class OpenFilmSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"filmbot:open:(?P<action>review|similar):(?P<owner>\d{1,19})",
):
    """A list of films; picking one answers with its card (or the films like it).

    `owner` is the person whose question the list answers; 0 when it answers nobody's.
    """

    def __init__(
        self,
        action: Action,
        owner_id: int,
        films: Sequence[Film] = (),
        *,
        placeholder: str = "Open a film…",
        descriptions: Sequence[str | None] = (),
        select: discord.ui.Select[Any] | None = None,
    ) -> None:
        if select is None:
            descriptions = list(descriptions) + [None] * len(films)
            options = [
                film_option(film, description)
                for film, description in zip(films, descriptions, strict=False)
            ]
            select = discord.ui.Select(
                placeholder=fit(placeholder, PLACEHOLDER), options=options[:SELECT_OPTIONS]
            )
        select.custom_id = f"filmbot:open:{action.value}:{owner_id}"
        super().__init__(select)
        self.action = action
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> OpenFilmSelect:
        select = item if isinstance(item, discord.ui.Select) else None
        return cls(Action(match["action"]), int(match["owner"]), select=select)

    def _replaces_message(self, interaction: discord.Interaction[Any]) -> bool:
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            return True
        return self.owner_id != NO_OWNER and interaction.user.id == self.owner_id

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async with reporting(interaction):
            if not self.item.values:
                await interaction.response.defer()
                return
            app = app_of(interaction)
            film_id = int(self.item.values[0])
            if self.action is Action.SIMILAR:
                reply = app.service.similar_to(film_id)
            else:
                reply = await app.service.review_of(film_id)
            await app.show(
                interaction, reply, ephemeral=True, replace=self._replaces_message(interaction)
            )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ReadReviewButton,
    SimilarButton,
    OpenFilmSelect,
)
