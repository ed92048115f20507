"""`filmbot run`: open the catalogue, start the bot, and close everything on the way out."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys

import discord

from bot.discord.client import FilmBot, create_film_bot
from bot.service import FilmService, open_service
from bot.settings import Settings

log = logging.getLogger(__name__)


async def create_bot(service: FilmService, settings: Settings) -> FilmBot:
    """The bot over an open catalogue; `start` (or the tests) connects it."""
    bot = create_film_bot(service, settings)
    # The catalogue's index is tens of thousands of long-lived objects: a full garbage
    # collection walking them stalls the event loop for 100-250 ms (tests/load measured it).
    # Freezing them moves them out of the collector's generations; they are still freed
    # by reference counting when replaced.
    gc.collect()
    gc.freeze()
    return bot


def run_bot(settings: Settings) -> int:
    """Run until stopped; the exit code for the shell."""
    token = settings.discord_token
    if not token:
        print(
            "filmbot: DISCORD_TOKEN is not set. Put the bot token from the Discord developer "
            "portal in the environment or in .env, then run again.",
            file=sys.stderr,
        )
        return 1
    level = logging.getLevelNamesMapping().get(settings.log_level)
    if level is None:
        print(
            f"filmbot: FILMBOT_LOG_LEVEL {settings.log_level!r} is not a log level.",
            file=sys.stderr,
        )
        return 1
    # discord.py's handler and format for everything; the CLI's own basic handler would
    # print each line twice.
    logging.getLogger().handlers.clear()
    discord.utils.setup_logging(level=level, root=True)
    log.info("starting with %r", settings)  # Settings hides the token from its repr
    try:
        asyncio.run(_serve(settings, token))
    except discord.LoginFailure:
        print("filmbot: Discord refused the token; check DISCORD_TOKEN.", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print("filmbot: Discord refused the bot's intents.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


async def _serve(settings: Settings, token: str) -> None:
    async with open_service(settings) as service:
        bot = await create_bot(service, settings)
        async with bot:
            await bot.start(token)
