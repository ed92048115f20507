"""The terminal chat: the Discord bot's conversation, typed at a prompt."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from bot.core.model import Film
from bot.core.replies import Action, ChooseFilm, Reply
from bot.service import FilmService
from bot.terminal.render import render

GREETING = (
    'filmbot — ask about a film ("what did you think of moon?"), '
    '"anything like the host 2006", "search clones", /random or help. '
    "Type a number to open a film from the last list; quit to leave."
)
QUIT_WORDS = frozenset({"quit", "exit", "bye", ":q"})


class ChatSession:
    """One conversation: remembers the last numbered films so a number walks to one."""

    def __init__(self, service: FilmService) -> None:
        self.service = service
        self._choices: list[Film] = []
        self._choice_action = Action.REVIEW

    async def answer(self, line: str) -> str:
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            film = self._choices[int(text) - 1]
            reply: Reply
            if self._choice_action is Action.SIMILAR:
                reply = self.service.similar_to(film.id)
            else:
                reply = await self.service.review_of(film.id)
        else:
            reply = await self.service.chat(text)
        rendered = render(reply)
        self._choices = rendered.choices
        self._choice_action = reply.action if isinstance(reply, ChooseFilm) else Action.REVIEW
        return rendered.text


async def run_chat(service: FilmService, write: Callable[[str], None] = print) -> None:
    session = ChatSession(service)
    interactive = sys.stdin.isatty()
    if interactive:
        write(GREETING)
    while True:
        try:
            line = await asyncio.to_thread(input, "> " if interactive else "")
        except EOFError:
            break
        if line.strip().lower() in QUIT_WORDS:
            break
        if not line.strip():
            continue
        write(await session.answer(line))
        if not interactive:
            write("")
