"""Replies as Discord messages: embeds and components, every limit enforced here.

One function per reply type. Text that came from a review or a user is escaped, so it shows
as written and cannot break the formatting around it; mentions in it never ping, because
every message goes out with `AllowedMentions.none()`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

import discord

from bot.core.model import Film
from bot.core.replies import (
    Action,
    AuditLog,
    ChooseFilm,
    HelpReply,
    NoMatch,
    Notice,
    Reply,
    ReviewCard,
    ReviewPreview,
    SearchResults,
    SimilarFilms,
    Tone,
    UnreviewedCard,
)
from bot.core.shorten import shorten
from bot.discord.components import (
    NO_OWNER,
    REVIEWED_MARK,
    OpenFilmSelect,
    ReadReviewButton,
    SimilarButton,
)
from bot.discord.limits import (
    EMBED_DESCRIPTION,
    FIELD_VALUE,
    MESSAGE_CONTENT,
    SELECT_OPTIONS,
    Field,
    escape,
    escape_highlighted,
    fit,
    fit_lines,
    make_embed,
)
from bot.discord.pager import REVIEW_COLOUR

INFO_COLOUR = discord.Colour.blurple()
ERROR_COLOUR = discord.Colour.red()
SUCCESS_COLOUR = discord.Colour.green()
PREVIEW_COLOUR = discord.Colour.gold()
# A user's query echoed back: long enough to recognise, short enough not to shout.
ECHO_CHARS = 100
TAGLINE_CHARS = 500
_ACTOR_ID = re.compile(r"\s*\(\d+\)$")


@dataclass(slots=True)
class Rendered:
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None


def render(reply: Reply, *, owner_id: int = NO_OWNER) -> Rendered:
    """The message for `reply`; `owner_id` is who asked (their pick may replace it)."""
    return _render(reply, owner_id)


@singledispatch
def _render(reply: object, owner_id: int) -> Rendered:
    raise TypeError(f"no Discord rendering for {type(reply).__name__}")


def film_line(film: Film) -> str:
    mark = f" {REVIEWED_MARK}" if film.reviewed else ""
    return escape(film.label()) + mark


def echo(text: str) -> str:
    """A user's text quoted back, short and harmless."""
    return escape(shorten(" ".join(text.split()), ECHO_CHARS))


def _description(tagline: str | None, summary: str) -> str:
    head = f"*{escape(shorten(tagline, TAGLINE_CHARS))}*\n\n" if tagline else ""
    return head + shorten(escape(summary), EMBED_DESCRIPTION - len(head))


def _view(*items: discord.ui.Item[Any] | None) -> discord.ui.View | None:
    present = [item for item in items if item is not None]
    if not present:
        return None
    # No timeout: every item is a DynamicItem, answered from its custom_id at any time.
    view = discord.ui.View(timeout=None)
    for item in present:
        view.add_item(item)
    return view


def _film_select(
    films: Sequence[Film],
    action: Action,
    owner_id: int,
    placeholder: str,
    descriptions: Sequence[str | None] = (),
) -> OpenFilmSelect | None:
    unique = list({film.id: film for film in films}.values())[:SELECT_OPTIONS]
    if not unique:
        return None
    return OpenFilmSelect(
        action, owner_id, unique, placeholder=placeholder, descriptions=descriptions
    )


@_render.register
def _(reply: ReviewCard, owner_id: int) -> Rendered:
    fields = []
    if reply.keep_exploring:
        fields.append(
            Field(
                f"Keep Exploring ({REVIEWED_MARK} = reviewed)",
                fit_lines((film_line(f) for f in reply.keep_exploring), FIELD_VALUE),
            )
        )
    added_by = _ACTOR_ID.sub("", reply.added_by) or reply.added_by
    embed = make_embed(
        title=escape(reply.film.label()),
        description=_description(reply.tagline, reply.summary),
        fields=fields,
        footer=f"{reply.reading_minutes} min read · added by {added_by}",
        colour=REVIEW_COLOUR,
    )
    view = _view(
        ReadReviewButton(reply.film.id),
        SimilarButton(reply.film.id),
        _film_select(reply.keep_exploring, Action.REVIEW, NO_OWNER, "Keep exploring…"),
    )
    return Rendered(embeds=[embed], view=view)


@_render.register
def _(reply: UnreviewedCard, owner_id: int) -> Rendered:
    fields = []
    if reply.linked_from:
        fields.append(
            Field(
                "Recommended in the reviews of",
                fit_lines((film_line(f) for f in reply.linked_from), FIELD_VALUE),
            )
        )
    if reply.suggestions:
        lines = [
            film_line(s.film) + (f" — {escape(s.reasons[0])}" if s.reasons else "")
            for s in reply.suggestions
        ]
        fields.append(Field("You might like", fit_lines(lines, FIELD_VALUE)))
    embed = make_embed(
        title=escape(reply.film.label()),
        description="Nobody has reviewed this film yet.",
        fields=fields,
        colour=INFO_COLOUR,
    )
    films = list(reply.linked_from) + [s.film for s in reply.suggestions]
    view = _view(
        SimilarButton(reply.film.id),
        _film_select(films, Action.REVIEW, NO_OWNER, "Open a film…"),
    )
    return Rendered(embeds=[embed], view=view)


@_render.register
def _(reply: ChooseFilm, owner_id: int) -> Rendered:
    content = f"Several films are called “{echo(reply.query)}”. Which one did you mean?"
    select = _film_select(reply.candidates, reply.action, owner_id, "Pick the year…")
    return Rendered(content=fit(content, MESSAGE_CONTENT), view=_view(select))


@_render.register
def _(reply: NoMatch, owner_id: int) -> Rendered:
    command = "/similar" if reply.action is Action.SIMILAR else "/review"
    if not reply.query.strip():
        return Rendered(content=f"Which film? Type a title, like `{command} moon`.")
    content = f"I don't know a film called “{echo(reply.query)}”."
    if reply.suggestions:
        content += " Did you mean one of these?"
    else:
        content += " Try `/search` to look through the text of the reviews."
    select = _film_select(reply.suggestions, reply.action, owner_id, "Did you mean…")
    return Rendered(content=fit(content, MESSAGE_CONTENT), view=_view(select))


@_render.register
def _(reply: SimilarFilms, owner_id: int) -> Rendered:
    title = f"Films like {escape(reply.film.label())}"
    if not reply.suggestions:
        embed = make_embed(
            title=title, description="I have nothing like it yet.", colour=INFO_COLOUR
        )
        return Rendered(embeds=[embed])
    fields = [
        Field(
            f"{n}. {film_line(s.film)}",
            "\n".join(f"• {escape(reason)}" for reason in s.reasons) or "A close match.",
        )
        for n, s in enumerate(reply.suggestions, 1)
    ]
    embed = make_embed(
        title=title,
        fields=fields,
        footer=f"{REVIEWED_MARK} = reviewed",
        colour=REVIEW_COLOUR,
    )
    films = [s.film for s in reply.suggestions]
    reasons = [s.reasons[0] if s.reasons else None for s in reply.suggestions]
    select = _film_select(films, Action.REVIEW, NO_OWNER, "Open a film…", reasons)
    return Rendered(embeds=[embed], view=_view(select))


@_render.register
def _(reply: SearchResults, owner_id: int) -> Rendered:
    title = f"Reviews mentioning “{echo(reply.text)}”"
    if not reply.hits:
        embed = make_embed(
            title=title,
            description="No review mentions that. Try fewer or different words.",
            colour=INFO_COLOUR,
        )
        return Rendered(embeds=[embed])
    fields = [
        Field(film_line(hit.film), escape_highlighted(hit.snippet) or "…") for hit in reply.hits
    ]
    embed = make_embed(title=title, fields=fields, colour=REVIEW_COLOUR)
    films = [hit.film for hit in reply.hits]
    select = _film_select(films, Action.REVIEW, NO_OWNER, "Open a review…")
    return Rendered(embeds=[embed], view=_view(select))


@_render.register
def _(reply: HelpReply, owner_id: int) -> Rendered:
    embed = make_embed(
        title="What I can do",
        description=reply.chat_hint,
        fields=[Field(topic.usage, topic.description) for topic in reply.topics],
        footer=f"{REVIEWED_MARK} marks a film with a review.",
        colour=INFO_COLOUR,
    )
    return Rendered(embeds=[embed])


_TONE_PREFIX = {Tone.ERROR: "⚠️ ", Tone.SUCCESS: "✅ ", Tone.INFO: ""}


@_render.register
def _(reply: Notice, owner_id: int) -> Rendered:
    # Notices are written by filmbot itself (their backticks are meant): not escaped.
    return Rendered(content=fit(_TONE_PREFIX[reply.tone] + reply.text, MESSAGE_CONTENT))


@_render.register
def _(reply: AuditLog, owner_id: int) -> Rendered:
    if not reply.entries:
        return Rendered(content="No changes recorded yet.")
    lines = [
        f"`{e.at:%Y-%m-%d %H:%M}` **{escape(e.actor)}** {escape(e.action)} {escape(e.film_label)}"
        for e in reply.entries
    ]
    embed = make_embed(
        title="Recent changes",
        description=fit_lines(lines, EMBED_DESCRIPTION),
        footer="Times in UTC",
        colour=INFO_COLOUR,
    )
    return Rendered(embeds=[embed])


def preview_outcome(preview: ReviewPreview) -> str:
    if preview.replaces is not None:
        if preview.known_film is not None and preview.known_film.id != preview.replaces.id:
            return f"Replaces the review of {preview.replaces.label()}, under a new title."
        return f"Replaces the review of {preview.replaces.label()}."
    if preview.known_film is not None and preview.known_film.reviewed:
        return "Updates the review this film already has."
    return "Adds a new review."


@_render.register
def _(reply: ReviewPreview, owner_id: int) -> Rendered:
    prepared = reply.review
    parsed = prepared.parsed
    minutes = prepared.reading_minutes
    headings = [escape(s.heading) for s in parsed.sections if s.heading]
    fields = [
        Field("What happens", escape(preview_outcome(reply))),
        Field(
            "Sections",
            f"{len(parsed.sections)}: {', '.join(headings)}"
            if headings
            else str(len(parsed.sections)),
        ),
        Field("Length", f"{prepared.word_count} words · {minutes} min read"),
    ]
    if parsed.keep_exploring:
        fields.append(
            Field(
                f"Keep Exploring ({len(parsed.keep_exploring)})",
                fit_lines((escape(ref.label()) for ref in parsed.keep_exploring), FIELD_VALUE),
            )
        )
    embed = make_embed(
        title=f"Preview: {escape(parsed.ref.label())}",
        description=_description(parsed.tagline, prepared.summary),
        fields=fields,
        footer="Nothing is stored until you press Confirm.",
        colour=PREVIEW_COLOUR,
    )
    return Rendered(embeds=[embed])


def render_import_preview(previews: Sequence[ReviewPreview]) -> Rendered:
    """Several reviews about to be stored together."""
    lines = [
        f"**{escape(p.review.parsed.ref.label())}** — {escape(preview_outcome(p))}"
        for p in previews
    ]
    embed = make_embed(
        title=f"Import {len(previews)} review{'s' if len(previews) != 1 else ''}",
        description=fit_lines(lines, EMBED_DESCRIPTION),
        footer="Nothing is stored until you press Confirm.",
        colour=PREVIEW_COLOUR,
    )
    return Rendered(embeds=[embed])
