"""The real FilmBot against the Discord stand-in, over a real SQLite catalogue.

Each test module gets one bot (module-scoped fixtures on a module-scoped event loop), so a
module's tests share the catalogue: read-only modules share freely, the moderation module
orders its changes itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.discord.client import FilmBot
from bot.discord.launcher import create_bot
from bot.service import FilmService, open_service
from bot.settings import Settings
from tests.conftest import DATA_DIR
from tests.standin import (
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    InteractionResult,
    Permission,
    Violation,
)

COMMANDS = ("review", "random", "search", "similar", "help", "reviews")


@dataclass
class World:
    """The stand-in, the bot, its catalogue and the people in the test guilds."""

    fake: FakeDiscord
    bot: FilmBot
    service: FilmService
    guild: FakeGuild
    other_guild: FakeGuild
    member: FakeMember  # an ordinary member
    friend: FakeMember  # another ordinary member
    moderator: FakeMember  # has the moderator role
    admin: FakeMember  # Manage Server in an admin guild
    outsider_admin: FakeMember  # Manage Server in a guild that is not an admin guild
    mod_role: FakeRole

    def guild_of(self, who: FakeMember) -> FakeGuild:
        return self.guild if self.guild.has_member(who.id) else self.other_guild

    async def slash(
        self, command: str, options: dict[str, Any] | None = None, *, user: FakeMember
    ) -> InteractionResult:
        return await self.fake.slash(command, options, user=user, guild=self.guild_of(user))

    async def autocomplete(
        self, command: str, option: str, value: str, *, user: FakeMember
    ) -> list[dict[str, Any]]:
        return await self.fake.autocomplete(
            command, option, value, user=user, guild=self.guild_of(user)
        )

    async def mention(self, text: str, *, user: FakeMember) -> dict[str, Any]:
        """Say `text` to the bot in a channel (mentioning it); its reply message."""
        guild = self.guild_of(user)
        content = f"{self.fake.bot_user.mention} {text}"
        await self.fake.send_message(content, user=user, guild=guild)
        [reply] = await self.fake.wait_for_bot_messages(guild.text_channel, 1)
        return reply


def make_world_guilds() -> dict[str, Any]:
    # Discord shows /reviews only to Manage Server holders by default (default_permissions),
    # so the moderator role carries it too, as a server would set it up.
    mod_role = FakeRole("Film moderators", permissions=int(Permission.MANAGE_GUILD))
    admin_role = FakeRole("Admins", permissions=int(Permission.MANAGE_GUILD))
    owner = FakeMember(FakeUser("owner"))
    member = FakeMember(FakeUser("alice"))
    friend = FakeMember(FakeUser("bruno"))
    moderator = FakeMember(FakeUser("mod_maria"), roles=[mod_role])
    admin = FakeMember(FakeUser("admin_ade"), roles=[admin_role])
    guild = FakeGuild(
        "Film Club",
        owner_id=owner.id,
        roles=[mod_role, admin_role],
        members=[owner, member, friend, moderator, admin],
    )
    outsider_role = FakeRole("Server staff", permissions=int(Permission.MANAGE_GUILD))
    other_owner = FakeMember(FakeUser("other_owner"))
    outsider_admin = FakeMember(FakeUser("staff_sam"), roles=[outsider_role])
    other_guild = FakeGuild(
        "Another Server",
        owner_id=other_owner.id,
        roles=[outsider_role],
        members=[other_owner, outsider_admin],
    )
    return {
        "guild": guild,
        "other_guild": other_guild,
        "member": member,
        "friend": friend,
        "moderator": moderator,
        "admin": admin,
        "outsider_admin": outsider_admin,
        "mod_role": mod_role,
    }


def world_settings(db_path: Path, people: dict[str, Any], **changes: Any) -> Settings:
    settings = Settings(
        discord_token="standin-token",
        db_path=db_path,
        data_dir=DATA_DIR,
        mod_role_ids=frozenset({people["mod_role"].id}),
        admin_guild_ids=frozenset({people["guild"].id}),
    )
    return dataclasses.replace(settings, **changes)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    people = make_world_guilds()
    guild: FakeGuild = people["guild"]
    settings = world_settings(tmp_path_factory.mktemp("discord") / "filmbot.db", people)
    async with open_service(settings) as service:
        bot = await create_bot(service, settings)
        async with (
            FakeDiscord(guilds=[guild, people["other_guild"]]) as fake,
            fake.running(bot),
        ):
            await fake.wait_commands_synced(*COMMANDS)
            yield World(fake=fake, bot=bot, service=service, **people)


@pytest.fixture(autouse=True)
def no_new_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test: nothing the bot sent would be refused by Discord or ping anyone."""
    if "world" not in request.fixturenames:
        yield
        return
    world: World = request.getfixturevalue("world")
    before = len(world.fake.violations)
    yield
    new: list[Violation] = world.fake.violations[before:]
    assert new == [], "\n".join(str(v) for v in new)
