"""The full review, one page per section, in a private message with Previous / Next.

Only the person who opened it may turn its pages; when it times out its buttons go away.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.core.model import Review
from bot.discord.limits import EMBED_DESCRIPTION, escape, make_embed, split_text
from bot.discord.reporting import ReportingView, tell

log = logging.getLogger(__name__)

PAGER_TIMEOUT = 600.0  # seconds; well inside the 15 minutes an interaction token lives
REVIEW_COLOUR = discord.Colour.dark_teal()


def review_pages(review: Review) -> list[discord.Embed]:
    """One embed per section; a section too long for one embed runs over several."""
    bodies: list[str] = []
    for number, section in enumerate(review.sections):
        heading = f"**{escape(section.heading)}**\n\n" if section.heading else ""
        if number == 0 and review.tagline:
            heading = f"*{escape(review.tagline)}*\n\n" + heading
        # Room for a heading on every piece: a continued section keeps its heading.
        room = EMBED_DESCRIPTION - min(len(heading), EMBED_DESCRIPTION // 2)
        for piece in split_text(escape(section.text), room) or [""]:
            bodies.append(heading + piece)
            heading = f"**{escape(section.heading)} (continued)**\n\n" if section.heading else ""
    if not bodies:
        bodies = ["This review has no text."]
    total = len(bodies)
    return [
        make_embed(
            title=review.film.label(),
            description=body,
            footer=f"Page {n} of {total} · {review.reading_minutes} min read",
            colour=REVIEW_COLOUR,
        )
        for n, body in enumerate(bodies, 1)
    ]


class ReviewPager(ReportingView):
    def __init__(self, author_id: int, pages: list[discord.Embed]) -> None:
        super().__init__(timeout=PAGER_TIMEOUT)
        self.author_id = author_id
        self.pages = pages
        self.page = 0
        self.origin: discord.Interaction[Any] | None = None
        self._sync_buttons()

    @classmethod
    async def open(cls, interaction: discord.Interaction[Any], pages: list[discord.Embed]) -> None:
        """Send the first page privately, with buttons when there is more than one."""
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=True)
            return
        pager = cls(interaction.user.id, pages)
        pager.origin = interaction
        await interaction.response.send_message(embed=pages[0], view=pager, ephemeral=True)

    def _sync_buttons(self) -> None:
        self.previous_page.disabled = self.page == 0
        self.next_page.disabled = self.page == len(self.pages) - 1
        self.counter.label = f"{self.page + 1} / {len(self.pages)}"

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.author_id:
            return True
        await tell(
            interaction, "These pages belong to someone else: open your own with the button."
        )
        return False

    async def _turn(self, interaction: discord.Interaction[Any], page: int) -> None:
        self.page = max(0, min(len(self.pages) - 1, page))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.page], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous_page(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[ReviewPager]
    ) -> None:
        await self._turn(interaction, self.page - 1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[ReviewPager]
    ) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next_page(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[ReviewPager]
    ) -> None:
        await self._turn(interaction, self.page + 1)

    async def on_timeout(self) -> None:
        if self.origin is None:
            return
        try:
            await self.origin.edit_original_response(view=None)
        except discord.HTTPException:
            log.debug("pager message gone before its timeout")
