"""What every filmbot cog shares: the bot, its service and its settings."""

from __future__ import annotations

from discord.ext import commands

from bot.discord.client import FilmBot
from bot.service import FilmService
from bot.settings import Settings


class FilmCog(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @property
    def service(self) -> FilmService:
        return self.bot.service

    @property
    def settings(self) -> Settings:
        return self.bot.settings
