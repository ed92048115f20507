"""/reviews add | edit | remove | import | log: moderators change the reviews.

Every change shows a private preview first and is stored only on Confirm; every command, form
and Confirm button checks in our code that the person is a moderator.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.errors import FilmbotError, ReviewFormatError
from bot.core.matching import Resolution
from bot.core.model import Film
from bot.core.replies import Notice, Reply, ReviewPreview, Tone
from bot.core.review_format import render_review
from bot.discord.attachments import read_review_file
from bot.discord.client import FilmBot, send_rendered
from bot.discord.confirm import NOTHING_STORED, Change, ConfirmView
from bot.discord.limits import MESSAGE_CONTENT, fit_lines
from bot.discord.permissions import actor_name, is_moderator
from bot.discord.render import Rendered, render, render_import_preview
from bot.discord.reporting import NotModeratorError
from bot.discord.review_form import ReviewForm, Submit, form_values
from bot.discord.transformers import FilmArgument
from bot.service import FilmService, as_parsed_review, read_upload
from bot.storage.database import ReviewVersion, SaveReport

IMPORT_RATE = 1
IMPORT_PER_SECONDS = 30.0
FORM_SOURCE = "form"


def single_film(resolution: Resolution) -> Film:
    """The one film a moderator named; changing a review never guesses."""
    if resolution.match is not None:
        return resolution.match
    if resolution.candidates:
        names = ", ".join(f.label() for f in resolution.candidates[:10])
        raise FilmbotError(
            f"Several films are called that: {names}. Pick one from the list as you type."
        )
    hint = ""
    if resolution.suggestions:
        hint = " Did you mean " + ", ".join(f.label() for f in resolution.suggestions[:5]) + "?"
    raise FilmbotError(f"I don't know a film called that.{hint}")


def saved_notice(report: SaveReport) -> Notice:
    if len(report.outcomes) == 1:
        outcome = report.outcomes[0]
        words = {"added": "Added", "updated": "Updated", "unchanged": "Nothing changed in"}
        return Notice(
            f"{words.get(outcome.action, 'Saved')} the review of {outcome.film.label()}.",
            Tone.SUCCESS,
        )
    return Notice(
        f"Imported {len(report.outcomes)} reviews: {report.count('added')} added, "
        f"{report.count('updated')} updated, {report.count('unchanged')} unchanged.",
        Tone.SUCCESS,
    )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Moderation(
    commands.GroupCog, group_name="reviews", group_description="Moderators: change the reviews"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        super().__init__()

    @property
    def service(self) -> FilmService:
        return self.bot.service

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if not is_moderator(interaction.user, self.bot.settings):
            raise NotModeratorError()
        return True

    # -- shared steps ----------------------------------------------------------------------

    async def _preview(
        self, data: bytes | str, source: str, replaces: Film | None = None
    ) -> ReviewPreview:
        # Parsing and summarising a long review is CPU work: off the event loop, so other
        # people's interactions are still answered within Discord's 3 seconds meanwhile.
        prepared = await asyncio.to_thread(read_upload, data, source)
        return self.service.preview_of(prepared, replaces)

    async def _ask(
        self,
        interaction: discord.Interaction[Any],
        rendered: Rendered,
        change: Change,
        *,
        confirm_label: str = "Confirm",
        danger: bool = False,
        nothing_done: str = NOTHING_STORED,
    ) -> None:
        """Show a private preview with Confirm / Cancel; `change` runs on Confirm."""
        view = ConfirmView(
            interaction.user.id,
            self.bot.settings,
            change,
            confirm_label=confirm_label,
            danger=danger,
            nothing_done=nothing_done,
        )
        rendered.view = view
        await send_rendered(interaction, rendered, ephemeral=True)
        view.origin = interaction

    async def _preview_and_save(
        self,
        interaction: discord.Interaction[Any],
        preview: ReviewPreview,
        edit_of: ReviewVersion | None = None,
    ) -> None:
        async def save(confirming: discord.Interaction[Any]) -> Reply:
            report = await self.service.save(
                [preview], actor_name(confirming.user), edit_of=edit_of
            )
            return saved_notice(report)

        await self._ask(interaction, render(preview), save)

    def _form_submitted(
        self, replaces: Film | None = None, edit_of: ReviewVersion | None = None
    ) -> Submit:
        async def submitted(interaction: discord.Interaction[Any], text: str) -> None:
            # A form arrives as a new interaction: check the person again.
            if not is_moderator(interaction.user, self.bot.settings):
                raise NotModeratorError()
            try:
                preview = await self._preview(text, FORM_SOURCE, replaces=replaces)
            except ReviewFormatError as error:
                raise FilmbotError(
                    f"The form can't be read as a review: {error.problem}. Nothing was stored."
                ) from error
            await self._preview_and_save(interaction, preview, edit_of)

        return submitted

    # -- commands --------------------------------------------------------------------------

    @app_commands.command(name="add", description="Add a review from a file, or type it in a form")
    @app_commands.describe(file="A review file (.txt or .md, up to 1 MB); leave out to use a form")
    async def add(
        self, interaction: discord.Interaction[Any], file: discord.Attachment | None = None
    ) -> None:
        if file is None:
            await interaction.response.send_modal(
                ReviewForm("Add a review", self._form_submitted())
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await self._preview(await read_review_file(file), file.filename)
        await self._preview_and_save(interaction, preview)

    @app_commands.command(
        name="edit", description="Change a review: upload the new file, or edit it in a form"
    )
    @app_commands.describe(
        film="The reviewed film", file="The new review file; leave out to use a form"
    )
    async def edit(
        self,
        interaction: discord.Interaction[Any],
        film: FilmArgument,
        file: discord.Attachment | None = None,
    ) -> None:
        target = single_film(film)
        review = await self.service.get_review(target.id)
        edit_of = ReviewVersion(target.id, review.version)
        if file is not None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = await read_review_file(file)
            preview = await self._preview(data, file.filename, replaces=target)
            await self._preview_and_save(interaction, preview, edit_of)
            return
        values = form_values(review)
        if values is None:
            # Too long for a form: hand over the file to edit and upload again.
            text = render_review(as_parsed_review(review))
            current = discord.File(
                io.BytesIO(text.encode("utf-8")), filename=f"review-{target.id}.txt"
            )
            await interaction.response.send_message(
                f"This review is too long for the form. Here is its file: edit it, then upload it "
                f"with `/reviews edit film:{target.label()} file:`.",
                file=current,
                ephemeral=True,
            )
            return
        form = ReviewForm(f"Edit: {target.label()}", self._form_submitted(target, edit_of), values)
        await interaction.response.send_modal(form)

    @app_commands.command(name="remove", description="Remove a film's review (after a preview)")
    @app_commands.describe(film="The reviewed film")
    async def remove(self, interaction: discord.Interaction[Any], film: FilmArgument) -> None:
        target = single_film(film)
        review = await self.service.get_review(target.id)

        async def remove(confirming: discord.Interaction[Any]) -> Reply:
            removed = await self.service.remove(
                target.id, actor_name(confirming.user), expected_version=review.version
            )
            return Notice(
                f"Removed the review of {removed.label()}. The film stays in the catalogue.",
                Tone.SUCCESS,
            )

        card = render(await self.service.review_of(target.id))
        question = Rendered(content=f"Remove the review of {target.label()}?", embeds=card.embeds)
        await self._ask(
            interaction,
            question,
            remove,
            confirm_label="Remove",
            danger=True,
            nothing_done="The review was not removed.",
        )

    @app_commands.command(
        name="import", description="Add or update several reviews from files at once"
    )
    @app_commands.describe(
        file1="A review file",
        file2="Another review file",
        file3="Another review file",
        file4="Another review file",
        file5="Another review file",
    )
    @app_commands.checks.cooldown(IMPORT_RATE, IMPORT_PER_SECONDS, key=lambda i: i.user.id)
    async def import_reviews(
        self,
        interaction: discord.Interaction[Any],
        file1: discord.Attachment,
        file2: discord.Attachment | None = None,
        file3: discord.Attachment | None = None,
        file4: discord.Attachment | None = None,
        file5: discord.Attachment | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        files = [f for f in (file1, file2, file3, file4, file5) if f is not None]
        previews, problems = await self._read_all(files)
        if problems:
            summary = f"Nothing was imported: {len(problems)} of {len(files)} files have problems."
            await send_rendered(
                interaction,
                Rendered(content=fit_lines([summary, *problems], MESSAGE_CONTENT)),
                ephemeral=True,
            )
            return

        async def save(confirming: discord.Interaction[Any]) -> Reply:
            return saved_notice(await self.service.save(previews, actor_name(confirming.user)))

        await self._ask(interaction, render_import_preview(previews), save)

    async def _read_all(
        self, files: Sequence[discord.Attachment]
    ) -> tuple[list[ReviewPreview], list[str]]:
        previews: list[ReviewPreview] = []
        problems: list[str] = []
        seen: dict[str, str] = {}
        for file in files:
            try:
                preview = await self._preview(await read_review_file(file), file.filename)
            except FilmbotError as error:
                problems.append(f"• {error}")
                continue
            label = preview.review.parsed.ref.label()
            if label in seen:
                problems.append(f"• {file.filename}: another review of {label} (as {seen[label]})")
                continue
            seen[label] = file.filename
            previews.append(preview)
        return previews, problems

    @app_commands.command(name="log", description="The latest changes to the reviews")
    async def log(self, interaction: discord.Interaction[Any]) -> None:
        await self.bot.show(interaction, await self.service.audit_log(), ephemeral=True)


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(Moderation(bot))
