"""Talking to filmbot by mentioning it: "@filmbot what did you think of moon?"."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.core.errors import FilmbotError
from bot.discord.client import FilmBot
from bot.discord.cogs._base import FilmCog
from bot.discord.limits import MESSAGE_CONTENT, fit
from bot.discord.render import render
from bot.discord.reporting import UNEXPECTED

log = logging.getLogger(__name__)

# Each person may ask a few questions a minute; more are ignored quietly, not answered.
MENTION_RATE = 5
MENTION_PER_SECONDS = 30.0


class Mentions(FilmCog):
    def __init__(self, bot: FilmBot) -> None:
        super().__init__(bot)
        self.cooldowns = commands.CooldownMapping.from_cooldown(
            MENTION_RATE, MENTION_PER_SECONDS, commands.BucketType.user
        )

    def _addressed_to_me(self, message: discord.Message) -> bool:
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return False
        return any(user.id == me.id for user in message.mentions)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self._addressed_to_me(message):
            return
        bucket = self.cooldowns.get_bucket(message)
        if bucket is not None and bucket.update_rate_limit():
            log.debug("mention from %s ignored: rate limited", message.author.id)
            return
        none = discord.AllowedMentions.none()
        try:
            reply = await self.service.chat(message.content)
            rendered = render(reply, owner_id=message.author.id)
        except FilmbotError as error:
            await message.reply(fit(str(error), MESSAGE_CONTENT), allowed_mentions=none)
            return
        except Exception:
            log.exception(
                "error answering a mention (user %s, guild %s, channel %s)",
                message.author.id,
                message.guild and message.guild.id,
                message.channel.id,
            )
            await message.reply(UNEXPECTED, allowed_mentions=none)
            return
        await message.reply(
            content=rendered.content,
            embeds=rendered.embeds,
            view=rendered.view,  # type: ignore[arg-type]
            allowed_mentions=none,
            mention_author=False,
        )


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(Mentions(bot))
