"""Review files moderators upload: refused politely when too large, before downloading.

Whether the bytes are text (UTF-8, no NUL or control characters) is checked by the review
parser itself, which names the line at fault; this module guards the download.
"""

from __future__ import annotations

import discord

from bot.core.errors import FilmbotError
from bot.core.review_format import MAX_REVIEW_BYTES


async def read_review_file(attachment: discord.Attachment) -> bytes:
    name = attachment.filename
    if attachment.size > MAX_REVIEW_BYTES:
        raise FilmbotError(
            f"{name} is too large: {attachment.size:,} bytes "
            f"(a review file is at most {MAX_REVIEW_BYTES:,}). Nothing was stored."
        )
    try:
        data = await attachment.read()
    except (discord.HTTPException, discord.NotFound) as error:
        raise FilmbotError(f"I could not download {name}; please try again.") from error
    if len(data) > MAX_REVIEW_BYTES:
        raise FilmbotError(
            f"{name} is too large: {len(data):,} bytes "
            f"(a review file is at most {MAX_REVIEW_BYTES:,}). Nothing was stored."
        )
    return data
