"""FILMBOT_SHARDS: the real FilmBot as an AutoShardedBot with two shards against the stand-in.

Each test has a guild on each shard (`snowflake_on_shard`), checks that both shards are
ready on both sides, and that a /review and a mention are answered in each guild, so each
shard's gateway connection carries its guild's events and the bot answers over it.

discord.py waits 5 s before each IDENTIFY after the first (Discord's one-identify-per-5-s
limit); the stand-in has no such limit, so `skip_identify_wait` replaces that hook on the
bot `create_bot` made. Building the bot the way the launcher does, rather than from a test
subclass, keeps the class and shard count under test exactly what FILMBOT_SHARDS gives.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core.errors import FilmbotError
from bot.discord.client import FilmBot, ShardedFilmBot
from bot.discord.launcher import create_bot
from bot.service import open_service
from bot.settings import Settings
from tests.conftest import DATA_DIR
from tests.standin import (
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeUser,
    message_text,
    snowflake_on_shard,
)

SHARDS = 2


def skip_identify_wait(bot: FilmBot) -> None:
    async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    bot.before_identify_hook = identify_at_once  # type: ignore[method-assign]


def guild_on_shard(shard_id: int) -> FakeGuild:
    member = FakeMember(FakeUser(f"viewer-on-shard-{shard_id}"))
    return FakeGuild(
        f"Shard {shard_id} Club", id=snowflake_on_shard(shard_id, SHARDS), members=[member]
    )


def settings_from(environment: dict[str, str], tmp_path: Path) -> Settings:
    return Settings.load(
        {
            "DISCORD_TOKEN": "standin-token",
            "FILMBOT_DB": str(tmp_path / "filmbot.db"),
            "FILMBOT_DATA_DIR": str(DATA_DIR),
            **environment,
        },
        dotenv_path=None,
    )


async def sharded_bot_answers_on_every_shard(
    settings: Settings, expected_shard_count: int | None
) -> None:
    guilds = [guild_on_shard(shard_id) for shard_id in range(SHARDS)]
    async with open_service(settings) as service:
        bot = await create_bot(service, settings)
        assert isinstance(bot, ShardedFilmBot)
        assert bot.shard_count == expected_shard_count
        skip_identify_wait(bot)
        async with FakeDiscord(guilds, shards=SHARDS) as fake, fake.running(bot):
            await fake.wait_commands_synced("review")
            sessions = sorted(fake.live_sessions, key=lambda s: s.shard_id)
            assert [(s.shard_id, s.shard_count) for s in sessions] == [(0, 2), (1, 2)]
            assert [s.guild_ids for s in sessions] == [[g.id] for g in guilds]
            # discord.py calls on_ready once every shard has its guilds.
            await asyncio.wait_for(bot.wait_until_ready(), 10.0)
            assert bot.shard_count == SHARDS
            assert sorted(bot.shards) == [0, 1]
            for shard_id, guild in enumerate(guilds):
                seen = bot.get_guild(guild.id)
                assert seen is not None and seen.shard_id == shard_id

            for shard_id, guild in enumerate(guilds):
                [member] = [m for m in guild.members if not m.user.bot]
                session = fake.session_for(guild)
                assert session.shard_id == shard_id
                events_before = {id(s): len(s.sent_events) for s in sessions}

                result = await fake.slash("review", {"film": "moon"}, user=member, guild=guild)
                assert result.message is not None and not result.ephemeral
                assert result.message["embeds"][0]["title"] == "Moon (2009)"

                await fake.send_message(
                    f"{fake.bot_user.mention} what did you think of moon?",
                    user=member,
                    guild=guild,
                )
                [reply] = await fake.wait_for_bot_messages(guild.text_channel, 1)
                assert "Moon (2009)" in message_text(reply)

                for each in sessions:
                    sent = {event for event, _ in each.sent_events[events_before[id(each)] :]}
                    if each is session:
                        assert {"INTERACTION_CREATE", "MESSAGE_CREATE"} <= sent
                    else:
                        assert not sent & {"INTERACTION_CREATE", "MESSAGE_CREATE"}
        fake.assert_no_violations()


async def test_filmbot_shards_2_runs_two_shards_and_answers_on_each(tmp_path: Path) -> None:
    settings = settings_from({"FILMBOT_SHARDS": "2"}, tmp_path)
    assert settings.shard_count == SHARDS
    await sharded_bot_answers_on_every_shard(settings, expected_shard_count=SHARDS)


async def test_filmbot_shards_auto_asks_discord_for_the_shard_count(tmp_path: Path) -> None:
    settings = settings_from({"FILMBOT_SHARDS": "auto"}, tmp_path)
    assert settings.shard_count == 0
    # None until discord.py asks /gateway/bot, which the stand-in answers with 2.
    await sharded_bot_answers_on_every_shard(settings, expected_shard_count=None)


async def test_a_shard_cluster_runs_only_its_own_shards(tmp_path: Path) -> None:
    """FILMBOT_SHARD_IDS: one process of several connects only its slice of the shards."""
    settings = settings_from({"FILMBOT_SHARDS": "2", "FILMBOT_SHARD_IDS": "1"}, tmp_path)
    assert settings.shard_ids == (1,)
    guilds = [guild_on_shard(shard_id) for shard_id in range(SHARDS)]
    async with open_service(settings) as service:
        bot = await create_bot(service, settings)
        skip_identify_wait(bot)
        # Not fake.running(): it waits for every shard, and this process runs only one.
        async with FakeDiscord(guilds, shards=SHARDS) as fake:
            with fake.patched_discord():
                running = asyncio.create_task(bot.start("standin-token"))
                try:
                    await asyncio.wait_for(bot.wait_until_ready(), 10.0)
                    sessions = [(s.shard_id, s.shard_count) for s in fake.live_sessions]
                    assert sessions == [(1, 2)]
                    assert bot.get_guild(guilds[0].id) is None
                    assert bot.get_guild(guilds[1].id) is not None
                    [member] = [m for m in guilds[1].members if not m.user.bot]
                    result = await fake.slash(
                        "review", {"film": "moon"}, user=member, guild=guilds[1]
                    )
                    assert result.message is not None
                finally:
                    await bot.close()
                    await running
        fake.assert_no_violations()


def test_shard_ids_need_a_shard_count(tmp_path: Path) -> None:
    with pytest.raises(FilmbotError, match="FILMBOT_SHARDS"):
        settings_from({"FILMBOT_SHARD_IDS": "0"}, tmp_path)
    with pytest.raises(FilmbotError, match="0 to 1"):
        settings_from({"FILMBOT_SHARDS": "2", "FILMBOT_SHARD_IDS": "2"}, tmp_path)
