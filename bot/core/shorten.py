"""Fitting text into a limit without cutting a sentence, or at worst a word, in half."""

from __future__ import annotations

import re

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")


def shorten(text: str, limit: int) -> str:
    """Return `text` if it fits in `limit` characters, else a shorter text ending in "…".

    The cut falls after the last whole sentence when that keeps at least half the room,
    otherwise after the last whole word; mid-word only when one word fills the limit.
    """
    if len(text) <= limit:
        return text
    if limit < 2:
        return ELLIPSIS[:limit]
    sentence_room = limit - 2  # for " …"
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit) if m.end() <= sentence_room]
    if ends and ends[-1] >= limit // 2:
        return text[: ends[-1]] + " " + ELLIPSIS
    head = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head.rstrip(" ,;:-–—\n") + ELLIPSIS
