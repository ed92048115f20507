"""Starting, restarting and failing: the bot's life outside a single command."""

from __future__ import annotations

import logging
from pathlib import Path

import discord
import pytest

from bot.discord import client as client_module
from bot.discord.client import EXTENSIONS
from bot.discord.launcher import create_bot, run_bot
from bot.discord.reporting import UNEXPECTED
from bot.service import open_service
from bot.settings import Settings
from tests.discord.conftest import COMMANDS, make_world_guilds, world_settings
from tests.standin import FakeDiscord, FakeGuild, FakeMember, FakeUser, message_text
from tests.standin.payloads import snowflake_on_shard


def test_run_bot_without_a_token_explains_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bot(Settings(discord_token=None)) == 1
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err


def test_run_bot_with_a_bad_log_level_explains_and_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_bot(Settings(discord_token="x", log_level="CHATTY")) == 1
    assert "FILMBOT_LOG_LEVEL 'CHATTY' is not a log level" in capsys.readouterr().err


async def test_buttons_on_old_messages_work_after_a_restart(tmp_path: Path) -> None:
    people = make_world_guilds()
    member: FakeMember = people["member"]
    settings = world_settings(tmp_path / "filmbot.db", people)
    async with (
        open_service(settings) as service,
        FakeDiscord(guilds=[people["guild"], people["other_guild"]]) as fake,
    ):
        moon = service.resolve("Moon (2009)").match
        assert moon is not None
        async with fake.running(await create_bot(service, settings)):
            await fake.wait_commands_synced(*COMMANDS)
            card = (
                await fake.slash("review", {"film": "moon"}, user=member, guild=people["guild"])
            ).message
        assert card is not None

        async with fake.running(await create_bot(service, settings)):
            pages = await fake.click(card, f"filmbot:read:{moon.id}", user=member)
            similar = await fake.click(card, f"filmbot:similar:{moon.id}", user=member)
            first_linked = card["components"][1]["components"][0]["options"][0]
            opened = await fake.select(
                card, "filmbot:open:review:0", [first_linked["value"]], user=member
            )
        assert pages.message is not None and "Page 1 of" in message_text(pages.message)
        assert "Films like Moon (2009)" in message_text(similar.message)
        assert opened.message is not None
        assert opened.message["embeds"][0]["title"] == first_linked["label"]
        fake.assert_no_violations()


async def test_a_broken_extension_is_logged_and_the_rest_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        client_module, "EXTENSIONS", ("bot.discord.cogs.no_such_feature", *EXTENSIONS)
    )
    people = make_world_guilds()
    settings = world_settings(tmp_path / "filmbot.db", people)
    async with open_service(settings) as service, FakeDiscord(guilds=[people["guild"]]) as fake:
        bot = await create_bot(service, settings)
        async with fake.running(bot):
            await fake.wait_commands_synced(*COMMANDS)
            result = await fake.slash("review", {"film": "moon"}, user=people["member"])
        assert set(bot.failed_extensions) == {"bot.discord.cogs.no_such_feature"}
        assert "extension bot.discord.cogs.no_such_feature failed to load" in caplog.text
        assert result.message is not None
        assert result.message["embeds"][0]["title"] == "Moon (2009)"


async def test_an_unexpected_error_is_logged_with_its_context_and_answered_politely(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    people = make_world_guilds()
    member: FakeMember = people["member"]
    guild: FakeGuild = people["guild"]
    settings = world_settings(tmp_path / "filmbot.db", people)
    async with open_service(settings) as service, FakeDiscord(guilds=[guild]) as fake:
        async with fake.running(await create_bot(service, settings)):
            await fake.wait_commands_synced(*COMMANDS)
            await service.db.close()  # the database goes away under the running bot
            with caplog.at_level(logging.ERROR, logger="bot.discord.reporting"):
                result = await fake.slash("review", {"film": "moon"}, user=member)
        assert result.ephemeral
        assert message_text(result.message) == UNEXPECTED
        [record] = [r for r in caplog.records if r.name == "bot.discord.reporting"]
        assert f"/review (user {member.id}, guild {guild.id})" in record.getMessage()
        assert record.exc_info is not None
        fake.assert_no_violations()


async def test_sharded_bot_answers_in_guilds_on_every_shard(tmp_path: Path) -> None:
    people = [FakeMember(FakeUser(f"viewer{n}")) for n in range(2)]
    guilds = [
        FakeGuild(f"Shard {n} club", id=snowflake_on_shard(n, 2), members=[people[n]])
        for n in range(2)
    ]
    settings = Settings(db_path=tmp_path / "filmbot.db", shard_count=2)
    async with open_service(settings) as service, FakeDiscord(guilds=guilds, shards=2) as fake:
        bot = await create_bot(service, settings)
        assert isinstance(bot, discord.AutoShardedClient)
        async with fake.running(bot):
            await fake.wait_commands_synced(*COMMANDS)
            assert {s.shard_id for s in fake.live_sessions} == {0, 1}
            for person, guild in zip(people, guilds, strict=True):
                result = await fake.slash("review", {"film": "moon"}, user=person, guild=guild)
                assert result.message is not None
                assert result.message["embeds"][0]["title"] == "Moon (2009)"
        fake.assert_no_violations()


async def test_a_development_guild_gets_the_commands_directly(tmp_path: Path) -> None:
    people = make_world_guilds()
    guild: FakeGuild = people["guild"]
    settings = world_settings(tmp_path / "filmbot.db", people, dev_guild_id=guild.id)
    async with open_service(settings) as service, FakeDiscord(guilds=[guild]) as fake:
        bot = await create_bot(service, settings)
        assert not isinstance(bot, discord.AutoShardedClient)
        async with fake.running(bot):
            await fake.wait_commands_synced(*COMMANDS)
        assert {c["name"] for c in fake.commands[guild.id]} == set(COMMANDS)
        assert not fake.commands.get(None)
