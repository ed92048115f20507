"""Replies as plain text for the terminal, with numbered films to walk to next."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from functools import singledispatch

from bot.core.model import Film
from bot.core.replies import (
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

WIDTH = 78
REVIEWED_MARK = "✍"


@dataclass(slots=True)
class Rendered:
    text: str
    # Films shown with a number: typing the number opens that film next.
    choices: list[Film] = field(default_factory=list)


def film_label(film: Film) -> str:
    return f"{film.label()} {REVIEWED_MARK}" if film.reviewed else film.label()


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _numbered(films: list[Film], start: int = 1) -> list[str]:
    return [f"  {i:>2}. {film_label(f)}" for i, f in enumerate(films, start)]


@singledispatch
def _render(reply: object) -> Rendered:
    raise TypeError(f"no terminal rendering for {type(reply).__name__}")


def render(reply: Reply) -> Rendered:
    return _render(reply)


@_render.register
def _(reply: ReviewCard) -> Rendered:
    lines = [reply.film.label(), "=" * min(WIDTH, len(reply.film.label()))]
    if reply.tagline:
        lines += [f"“{reply.tagline}”", ""]
    lines += [_wrap(reply.summary), ""]
    lines.append(f"{reply.reading_minutes} min read · added by {reply.added_by}")
    films = list(reply.keep_exploring)
    if films:
        lines += ["", f"Keep Exploring ({len(films)}; {REVIEWED_MARK} = reviewed):"]
        lines += _numbered(films)
    return Rendered("\n".join(lines), films)


@_render.register
def _(reply: UnreviewedCard) -> Rendered:
    lines = [f"{reply.film.label()} has no review yet."]
    films: list[Film] = []
    if reply.linked_from:
        lines += ["", "Recommended in the reviews of:"]
        films += reply.linked_from
        lines += _numbered(list(reply.linked_from))
    if reply.suggestions:
        lines += ["", "You might try:"]
        start = len(films) + 1
        films += [s.film for s in reply.suggestions]
        lines += _numbered([s.film for s in reply.suggestions], start)
    return Rendered("\n".join(lines), films)


@_render.register
def _(reply: ChooseFilm) -> Rendered:
    lines = ["Several films are called that. Which one did you mean? (type its number)"]
    lines += _numbered(list(reply.candidates))
    return Rendered("\n".join(lines), list(reply.candidates))


@_render.register
def _(reply: NoMatch) -> Rendered:
    if not reply.query.strip():
        return Rendered("Which film? Type a title, like: moon")
    lines = [f"I don't know a film called “{reply.query}”."]
    if reply.suggestions:
        lines += ["Did you mean:", *_numbered(list(reply.suggestions))]
    return Rendered("\n".join(lines), list(reply.suggestions))


@_render.register
def _(reply: SimilarFilms) -> Rendered:
    if not reply.suggestions:
        return Rendered(f"I have nothing like {reply.film.label()} yet.")
    lines = [f"Films like {reply.film.label()}:"]
    films = [s.film for s in reply.suggestions]
    for i, suggestion in enumerate(reply.suggestions, 1):
        lines.append(f"  {i:>2}. {film_label(suggestion.film)}")
        lines += [_wrap(reason, "      ") for reason in suggestion.reasons]
    return Rendered("\n".join(lines), films)


@_render.register
def _(reply: SearchResults) -> Rendered:
    if not reply.hits:
        return Rendered(f"No review mentions “{reply.text}”.")
    lines = [f"Reviews matching “{reply.text}”:"]
    for i, hit in enumerate(reply.hits, 1):
        lines.append(f"  {i:>2}. {film_label(hit.film)}")
        lines.append(_wrap(hit.snippet.replace("**", ""), "      "))
    return Rendered("\n".join(lines), [h.film for h in reply.hits])


@_render.register
def _(reply: HelpReply) -> Rendered:
    lines = ["What I can do:"]
    lines += [f"  {t.usage:<28} {t.description}" for t in reply.topics]
    lines += [
        "",
        _wrap(reply.chat_hint),
        "Type a number to open a film from the last list; quit to leave.",
    ]
    return Rendered("\n".join(lines))


@_render.register
def _(reply: Notice) -> Rendered:
    prefix = {Tone.ERROR: "Sorry: ", Tone.SUCCESS: "Done: ", Tone.INFO: ""}[reply.tone]
    return Rendered(prefix + reply.text)


@_render.register
def _(reply: AuditLog) -> Rendered:
    if not reply.entries:
        return Rendered("No changes recorded yet.")
    lines = [f"{e.at:%Y-%m-%d %H:%M} {e.actor}: {e.action} {e.film_label}" for e in reply.entries]
    return Rendered("\n".join(lines))


@_render.register
def _(reply: ReviewPreview) -> Rendered:
    parsed = reply.review.parsed
    lines = [f"Preview: {parsed.ref.label()}"]
    if parsed.tagline:
        lines.append(f"“{parsed.tagline}”")
    lines += [_wrap(reply.review.summary), f"{len(parsed.keep_exploring)} Keep Exploring films"]
    return Rendered("\n".join(lines))
