"""Typing a review into a form instead of uploading a file.

The form's fields are written out as a Markdown-style review file and read by the same parser
as an upload, so a typed review obeys exactly the rules a file does: "## Heading" lines start
sections, blank lines separate paragraphs, one Keep Exploring film per line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.model import Review
from bot.core.review_format import MAX_TITLE_CHARS, metadata_lines
from bot.discord.limits import MODAL_TITLE, MODAL_VALUE, fit
from bot.discord.reporting import report, reporting
from bot.service import as_parsed_review

FORM_TIMEOUT = 1800.0  # seconds: typing a review takes a while
TAGLINE_MAX = 300
KEEP_EXPLORING_MAX = 2000
_BULLETS = ("- ", "* ", "• ")

Submit = Callable[[discord.Interaction[Any], str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class FormValues:
    title: str = ""
    year: str = ""
    tagline: str = ""
    body: str = ""
    keep_exploring: str = ""
    # Metadata the form has no field for (director, aliases, an authored summary): kept.
    metadata: tuple[str, ...] = ()


def form_values(review: Review) -> FormValues | None:
    """The form filled in with a stored review; None when it does not fit in the form."""
    blocks: list[str] = []
    for section in review.sections:
        if section.heading:
            blocks.append(f"## {section.heading}")
        if section.text:
            blocks.append(section.text)
    # The file's own lines for what the form has no field for (a computed summary has none).
    metadata = metadata_lines(as_parsed_review(review))
    values = FormValues(
        title=review.film.title,
        year=str(review.film.year or ""),
        tagline=review.tagline or "",
        body="\n\n".join(blocks),
        keep_exploring="\n".join(f.label() for f in review.keep_exploring),
        metadata=tuple(metadata),
    )
    fits = (
        len(values.body) <= MODAL_VALUE
        and len(values.title) <= MAX_TITLE_CHARS
        and len(values.tagline) <= TAGLINE_MAX
        and len(values.keep_exploring) <= KEEP_EXPLORING_MAX
    )
    return values if fits else None


def review_text(values: FormValues) -> str:
    """The form as a review file, in the explicit Markdown style."""
    lines = [f"# {values.title.strip()}"]
    year = values.year.strip()
    lines.append(f"Year: {year or 'unknown'}")
    lines.extend(values.metadata)
    if values.tagline.strip():
        lines.append(f'> "{values.tagline.strip()}"')
    lines += ["", values.body.strip(), ""]
    films = [_unbulleted(line) for line in values.keep_exploring.splitlines() if line.strip()]
    if films:
        lines += ["## Keep Exploring", ""] + [f"- {film}" for film in films]
    return "\n".join(lines) + "\n"


def _unbulleted(line: str) -> str:
    line = line.strip()
    for bullet in _BULLETS:
        if line.startswith(bullet):
            return line[len(bullet) :].strip()
    return line


class ReviewForm(discord.ui.Modal):
    def __init__(self, heading: str, on_submit: Submit, values: FormValues | None = None) -> None:
        super().__init__(title=fit(heading, MODAL_TITLE), timeout=FORM_TIMEOUT)
        values = values or FormValues()
        self.submit = on_submit
        self.metadata = values.metadata
        self.film_title: discord.ui.TextInput[ReviewForm] = discord.ui.TextInput(
            label="Title",
            custom_id="review:title",
            max_length=MAX_TITLE_CHARS,
            default=values.title or None,
        )
        self.year: discord.ui.TextInput[ReviewForm] = discord.ui.TextInput(
            label="Year",
            custom_id="review:year",
            required=False,
            max_length=4,
            placeholder="2009",
            default=values.year or None,
        )
        self.tagline: discord.ui.TextInput[ReviewForm] = discord.ui.TextInput(
            label="Tagline (optional)",
            custom_id="review:tagline",
            required=False,
            max_length=TAGLINE_MAX,
            default=values.tagline or None,
        )
        self.body: discord.ui.TextInput[ReviewForm] = discord.ui.TextInput(
            label="Review (“## Heading” lines start sections)",
            custom_id="review:body",
            style=discord.TextStyle.paragraph,
            max_length=MODAL_VALUE,
            default=values.body or None,
        )
        self.keep_exploring: discord.ui.TextInput[ReviewForm] = discord.ui.TextInput(
            label="Keep Exploring: one film a line",
            custom_id="review:keep_exploring",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=KEEP_EXPLORING_MAX,
            placeholder="Gattaca (1997)\nSolaris (1972)",
            default=values.keep_exploring or None,
        )
        for item in (self.film_title, self.year, self.tagline, self.body, self.keep_exploring):
            self.add_item(item)

    def values(self) -> FormValues:
        return FormValues(
            title=self.film_title.value,
            year=self.year.value,
            tagline=self.tagline.value,
            body=self.body.value,
            keep_exploring=self.keep_exploring.value,
            metadata=self.metadata,
        )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        async with reporting(interaction):
            await self.submit(interaction, review_text(self.values()))

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        await report(interaction, error)
