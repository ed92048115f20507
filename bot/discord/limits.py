"""Discord's payload limits, and the helpers that keep every reply inside them.

Every embed and component filmbot sends is built through these helpers, so a limit is enforced
in one place whatever the review text or the user typed. Text is cut with `shorten`: after a
sentence or a word, never over the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import discord

from bot.core.shorten import shorten

MESSAGE_CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_TOTAL = 6000
SELECT_OPTIONS = 25
OPTION_TEXT = 100  # an option's label, value and description
PLACEHOLDER = 150
BUTTON_LABEL = 80
CUSTOM_ID = 100
ACTION_ROWS = 5
CHOICES = 25
CHOICE_TEXT = 100
MODAL_TITLE = 45
MODAL_LABEL = 45
MODAL_VALUE = 4000

# A field must say something; Discord refuses an empty name or value.
_BLANK = "\u200b"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")


def fit(text: str | None, limit: int) -> str:
    """`text` cut to `limit` at a sentence or word; a blank stands in for nothing."""
    text = (text or "").strip()
    return shorten(text, limit) if text else _BLANK


def fit_lines(lines: Iterable[str], limit: int) -> str:
    """Whole lines joined while they fit, then a note of how many were left out."""
    lines = list(lines)
    reserve = len(f"…and {len(lines)} more") + 1
    kept: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = shorten(line, max(1, limit - reserve))
        is_last = i == len(lines) - 1
        if used + len(line) + (0 if is_last else reserve) > limit:
            kept.append(f"…and {len(lines) - i} more")
            break
        kept.append(line)
        used += len(line) + 1
    return fit("\n".join(kept), limit)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut between paragraphs, else sentences, else words."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = _last_break(window, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _last_break(window: str, limit: int) -> int:
    half = limit // 2
    paragraph = [m.start() for m in _PARAGRAPH_BREAK.finditer(window) if m.start() <= limit]
    if paragraph and paragraph[-1] >= half:
        return paragraph[-1]
    sentence = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= limit]
    if sentence and sentence[-1] >= half:
        return sentence[-1]
    space = window.rfind(" ", 0, limit)
    return space if space >= half else limit


def escape(text: str) -> str:
    """Review and user text shown as written: markdown characters lose their power."""
    return discord.utils.escape_markdown(text)


def escape_highlighted(snippet: str) -> str:
    """A search snippet whose `**` marks the matched words: escape the rest, keep the bold."""
    parts = snippet.split("**")
    return "**".join(escape(part) for part in parts) if len(parts) % 2 else escape(snippet)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


def make_embed(
    *,
    title: str | None = None,
    description: str | None = None,
    fields: Sequence[Field] = (),
    footer: str | None = None,
    colour: discord.Colour | None = None,
) -> discord.Embed:
    """An embed inside every per-part limit and the 6,000-character total.

    When the total is too long the description gives way first, then the last fields.
    """
    title = shorten(title.strip(), EMBED_TITLE) if title and title.strip() else None
    footer = shorten(footer.strip(), FOOTER) if footer and footer.strip() else None
    shaped = [
        Field(fit(f.name, FIELD_NAME), fit(f.value, FIELD_VALUE), f.inline)
        for f in fields[:EMBED_FIELDS]
    ]
    fixed = len(title or "") + len(footer or "")
    while shaped and fixed + sum(len(f.name) + len(f.value) for f in shaped) > EMBED_TOTAL:
        shaped.pop()
    room = EMBED_TOTAL - fixed - sum(len(f.name) + len(f.value) for f in shaped)
    if description:
        description = shorten(description.strip(), min(EMBED_DESCRIPTION, room)) or None
    embed = discord.Embed(title=title, description=description, colour=colour)
    for f in shaped:
        embed.add_field(name=f.name, value=f.value, inline=f.inline)
    if footer:
        embed.set_footer(text=footer)
    return embed
