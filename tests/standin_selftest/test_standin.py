"""The stand-in against the real discord.py client, through a small bot defined here."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.standin import (
    CommandUnavailable,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    InteractionType,
    Permission,
    ResponseType,
    StandinUsageError,
    custom_ids,
    find_component,
    limits,
    message_text,
    snowflake_on_shard,
)

SILENT = discord.AllowedMentions.none()
FILMS = ["Moon", "Moonlight", "Moonrise Kingdom", "Metropolis", "Alien"]


class FilmView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Again", custom_id="film:again")
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="clicked again", allowed_mentions=SILENT)

    @discord.ui.select(
        custom_id="film:pick",
        options=[discord.SelectOption(label=title, value=title.lower()) for title in FILMS],
        max_values=2,
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(
            f"picked {', '.join(select.values)}", ephemeral=True, allowed_mentions=SILENT
        )


class ReviewModal(discord.ui.Modal, title="Write a review"):
    headline: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Headline", custom_id="review:headline", max_length=80
    )
    body: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Review", custom_id="review:body", style=discord.TextStyle.paragraph, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"saved {self.headline.value!r} / {self.body.value!r}", allowed_mentions=SILENT
        )


class Reviews(app_commands.Group):
    @app_commands.command(description="Add a review")
    @app_commands.describe(film="Film title", rating="Out of 10")
    async def add(
        self,
        interaction: discord.Interaction,
        film: str,
        rating: app_commands.Range[int, 0, 10],
        reviewer: discord.Member | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        text = f"added {film} {rating}/10"
        if reviewer is not None:
            text += f" by {reviewer.name}"
        if file is not None:
            text += f" with {(await file.read()).decode()}"
        await interaction.response.send_message(text, allowed_mentions=SILENT)

    @app_commands.command(description="Remove a review")
    async def remove(self, interaction: discord.Interaction, film: str) -> None:
        await interaction.response.send_message(f"removed {film}", allowed_mentions=SILENT)


class SelfTestBot(commands.Bot):
    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            guild_ready_timeout=0.1,
            **options,
        )
        self.seen_messages: list[discord.Message] = []
        self.ready_shards: set[int] = set()

    async def setup_hook(self) -> None:
        self.tree.add_command(Reviews(name="reviews", description="Film reviews"))
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s between shard IDENTIFYs; the stand-in has no such rate limit.
        return None

    async def on_shard_ready(self, shard_id: int) -> None:
        self.ready_shards.add(shard_id)

    async def on_message(self, message: discord.Message) -> None:
        self.seen_messages.append(message)
        if message.author.bot or self.user is None:
            return
        if self.user in message.mentions:
            await message.reply(f"you said: {message.content}", allowed_mentions=SILENT)


def add_commands(bot: commands.Bot) -> None:
    tree = bot.tree

    @tree.command(description="Ping a film")
    async def ping(interaction: discord.Interaction, film: str) -> None:
        await interaction.response.send_message(
            f"pong {film}", view=FilmView(), allowed_mentions=SILENT
        )

    @ping.autocomplete("film")
    async def ping_film(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=title, value=title)
            for title in FILMS
            if title.lower().startswith(current.lower())
        ]

    @tree.command(description="Delete every review of a film")
    @app_commands.default_permissions(manage_messages=True)
    async def purge(interaction: discord.Interaction, film: str) -> None:
        await interaction.response.send_message(f"purged {film}", allowed_mentions=SILENT)

    @tree.command(description="Too many suggestions")
    async def many(interaction: discord.Interaction, film: str) -> None:
        await interaction.response.send_message(film, allowed_mentions=SILENT)

    @many.autocomplete("film")
    async def many_films(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"{current} {n}", value=str(n)) for n in range(30)]

    @tree.command(description="Send a file")
    async def export(interaction: discord.Interaction) -> None:
        file = discord.File(io.BytesIO(b"Moon (2009)\n"), filename="moon.txt")
        await interaction.response.send_message("here", file=file, allowed_mentions=SILENT)

    @tree.command(description="Say nothing")
    async def blank(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(allowed_mentions=SILENT)
        except discord.HTTPException as error:
            bot.last_error = error  # type: ignore[attr-defined]

    @tree.command(description="Open the review form")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ReviewModal())

    @tree.command(description="Answer after thinking")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("thought about it", allowed_mentions=SILENT)
        await interaction.followup.send("one more thing", allowed_mentions=SILENT)

    @tree.command(description="Answer twice at once")
    async def twice(interaction: discord.Interaction) -> None:
        await asyncio.gather(
            interaction.response.send_message("first", allowed_mentions=SILENT),
            interaction.response.send_message("second", allowed_mentions=SILENT),
            return_exceptions=True,
        )

    @tree.command(description="Too much text")
    async def huge(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(
                embed=discord.Embed(description="x" * 5000), allowed_mentions=SILENT
            )
        except discord.HTTPException as error:
            bot.last_error = error  # type: ignore[attr-defined]

    @tree.command(description="Forgets allowed_mentions")
    async def loud(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(f"you wrote {text}")

    @tree.command(description="Answers too late")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.4)
        try:
            await interaction.response.send_message("finally", allowed_mentions=SILENT)
        except discord.NotFound as error:
            bot.last_error = error  # type: ignore[attr-defined]


class ShardedSelfTestBot(commands.AutoShardedBot):
    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            shard_count=2,
            guild_ready_timeout=0.1,
        )
        self.ready_shards: set[int] = set()

    async def setup_hook(self) -> None:
        @self.tree.command(description="Which shard am I on?")
        async def where(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                f"shard {interaction.guild.shard_id if interaction.guild else None}",
                allowed_mentions=SILENT,
            )

        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    async def on_shard_ready(self, shard_id: int) -> None:
        self.ready_shards.add(shard_id)


ALICE = FakeUser("alice")
BOB = FakeUser("bob")


def make_guild() -> FakeGuild:
    moderator = FakeRole("Moderator", int(Permission.MANAGE_MESSAGES))
    return FakeGuild(
        "Film Club",
        owner_id=BOB.id,
        roles=[moderator],
        members=[FakeMember(ALICE), FakeMember(BOB, roles=[moderator])],
    )


@pytest.fixture
def guild() -> FakeGuild:
    return make_guild()


@pytest.fixture
async def fake(guild: FakeGuild) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord([guild]) as stand_in:
        yield stand_in


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[SelfTestBot]:
    self_test_bot = SelfTestBot()
    add_commands(self_test_bot)
    async with fake.running(self_test_bot):
        yield self_test_bot


async def test_login_ready_and_guild_available(
    fake: FakeDiscord, bot: SelfTestBot, guild: FakeGuild
) -> None:
    assert bot.user is not None
    assert bot.user.id == fake.bot_user.id
    cached = bot.get_guild(guild.id)
    assert cached is not None
    assert not cached.unavailable
    assert cached.me is not None
    # Without the members intent only the bot's own member arrives, as on Discord.
    assert [m.name for m in cached.members] == ["filmbot"]
    assert cached.member_count == 3
    assert cached.get_channel(guild.text_channel.id) is not None
    paths = [request.path for request in fake.requests]
    assert paths[:2] == ["/users/@me", "/oauth2/applications/@me"]
    session = fake.live_sessions[0]
    assert session.compress_mode == "zlib-stream"
    assert session.intents == discord.Intents.default().value & ~(1 << 15)
    await asyncio.wait_for(bot.wait_until_ready(), 5)
    fake.assert_no_violations()


async def test_command_sync_is_recorded(fake: FakeDiscord, bot: SelfTestBot) -> None:
    await fake.wait_commands_synced("ping", "reviews")
    reviews = fake.command("reviews")
    assert [option["name"] for option in reviews["options"]] == ["add", "remove"]
    assert fake.command("ping")["options"][0]["autocomplete"] is True
    assert len({command["id"] for command in fake.commands[None]}) == len(fake.commands[None])


async def test_slash_command_answered(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("ping", {"film": "Moon"}, user=ALICE)
    assert result.response_type == ResponseType.CHANNEL_MESSAGE
    assert result.message is not None
    assert result.message["content"] == "pong Moon"
    assert not result.ephemeral
    assert custom_ids(result.message) == ["film:again", "film:pick"]
    assert result.latency is not None
    assert result.latency < 1.0
    assert fake.response_latencies() == [result.latency]
    fake.assert_no_violations()


async def test_autocomplete_returns_choices(fake: FakeDiscord, bot: SelfTestBot) -> None:
    choices = await fake.autocomplete("ping", "film", "moo", user=ALICE)
    assert [choice["name"] for choice in choices] == ["Moon", "Moonlight", "Moonrise Kingdom"]
    assert fake.interactions[-1].type == InteractionType.AUTOCOMPLETE
    fake.assert_no_violations()


async def test_button_click_edits_message(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("ping", {"film": "Moon"}, user=ALICE)
    assert result.message is not None
    clicked = await fake.click(result.message, "film:again", user=BOB)
    assert clicked.response_type == ResponseType.UPDATE_MESSAGE
    assert clicked.message is not None
    assert clicked.message["id"] == result.message["id"]
    assert clicked.message["content"] == "clicked again"
    assert result.message["content"] == "clicked again"
    assert clicked.message["edited_timestamp"] is not None
    fake.assert_no_violations()


async def test_select_answers_ephemerally(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("ping", {"film": "Moon"}, user=ALICE)
    assert result.message is not None
    picked = await fake.select(result.message, "film:pick", ["moon", "alien"], user=ALICE)
    assert picked.message is not None
    assert picked.message["content"] == "picked moon, alien"
    assert picked.ephemeral
    with pytest.raises(StandinUsageError):
        await fake.select(result.message, "film:pick", ["not a film"], user=ALICE)
    fake.assert_no_violations()


async def test_modal_submit(fake: FakeDiscord, bot: SelfTestBot) -> None:
    opened = await fake.slash("form", user=ALICE)
    assert opened.modal is not None
    assert opened.modal["title"] == "Write a review"
    submitted = await fake.submit_modal(
        opened.modal, {"review:headline": "Quiet and lunar"}, user=ALICE
    )
    assert submitted.type == InteractionType.MODAL_SUBMIT
    assert message_text(submitted.message) == "saved 'Quiet and lunar' / ''"
    with pytest.raises(StandinUsageError):
        await fake.submit_modal(opened, {"review:headline": "again"})
    fake.assert_no_violations()


async def test_subcommand_with_member_and_attachment(
    fake: FakeDiscord, bot: SelfTestBot, guild: FakeGuild
) -> None:
    upload = fake.add_attachment("review.txt", b"a text file", "text/plain")
    result = await fake.slash(
        "reviews add",
        {"film": "Alien", "rating": 9, "reviewer": guild.member(BOB), "file": upload},
        user=ALICE,
    )
    assert message_text(result.message) == "added Alien 9/10 by bob with a text file"
    with pytest.raises(StandinUsageError):
        await fake.slash("reviews add", {"film": "Alien", "rating": 11}, user=ALICE)
    with pytest.raises(StandinUsageError):
        await fake.slash("reviews", {"film": "Alien"}, user=ALICE)
    fake.assert_no_violations()


async def test_default_permissions_hide_command(fake: FakeDiscord, bot: SelfTestBot) -> None:
    with pytest.raises(CommandUnavailable):
        await fake.slash("purge", {"film": "Alien"}, user=ALICE)
    result = await fake.slash("purge", {"film": "Alien"}, user=BOB)
    assert message_text(result.message) == "purged Alien"
    removed = await fake.slash("reviews remove", {"film": "Alien"}, user=ALICE)
    assert message_text(removed.message) == "removed Alien"


async def test_defer_then_followups(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("later", user=ALICE)
    assert result.response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE
    # The first follow-up fills in the "thinking" message and keeps the defer's ephemerality.
    assert result.original is not None
    assert result.original["content"] == "thought about it"
    assert result.ephemeral
    assert [m["content"] for m in result.followups] == ["one more thing"]
    fake.assert_no_violations()


async def test_mention_message_gets_reply(
    fake: FakeDiscord, bot: SelfTestBot, guild: FakeGuild
) -> None:
    sent = await fake.send_message(f"{fake.bot_user.mention} what about Moon?", user=ALICE)
    replies = await fake.wait_for_bot_messages(guild.text_channel, count=1)
    assert replies[0]["content"] == f"you said: {fake.bot_user.mention} what about Moon?"
    assert replies[0]["message_reference"]["message_id"] == sent["id"]
    # Without the message content intent a message that does not mention the bot arrives empty.
    await fake.send_message("no mention here", user=ALICE)
    assert bot.seen_messages[-1].content == ""
    # A reply to the bot mentions it (unless the user turns the ping off), so it is answered.
    await fake.send_message("and Alien?", user=ALICE, reply_to=replies[0])
    [answer] = await fake.wait_for_bot_messages(guild.text_channel, count=1)
    assert answer["content"] == "you said: and Alien?"
    await fake.send_message("quietly", user=ALICE, reply_to=answer, mention_author=False)
    assert bot.seen_messages[-1].content == ""
    fake.assert_no_violations()


async def test_second_response_rejected(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("twice", user=ALICE)
    assert [attempt.status for attempt in result.callbacks] == [200, 400]
    assert [v.kind for v in fake.violations] == ["double_response"]
    assert result.message is not None
    assert result.message["content"] in ("first", "second")


async def test_over_limit_embed_rejected(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("huge", user=ALICE, wait=False)
    await result.wait_until(lambda r: bool(r.callbacks) and r.in_flight == 0)
    assert result.callbacks[0].status == 400
    assert not result.acknowledged
    error = bot.last_error  # type: ignore[attr-defined]
    assert isinstance(error, discord.HTTPException)
    assert error.code == 50035
    assert "embeds.0.description" in str(error)
    [violation] = fake.violations
    assert violation.kind == "limit"
    assert violation.errors == {
        "embeds": {
            "0": {
                "description": {
                    "_errors": [
                        {
                            "code": "BASE_TYPE_MAX_LENGTH",
                            "message": "Must be 4096 or fewer in length.",
                        }
                    ]
                }
            }
        }
    }


async def test_missing_allowed_mentions_is_a_ping(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("loud", {"text": "@everyone look"}, user=ALICE)
    assert message_text(result.message) == "you wrote @everyone look"
    [violation] = fake.violations_of("ping")
    assert "@everyone" in violation.detail


async def test_late_response_is_unknown_interaction(fake: FakeDiscord, bot: SelfTestBot) -> None:
    fake.deadline = 0.2  # /slow answers after 0.4 s
    result = await fake.slash("slow", user=ALICE, wait=False)
    await result.wait_until(lambda r: bool(r.callbacks) and r.in_flight == 0, timeout=3)
    assert result.callbacks[0].status == 404
    assert result.callbacks[0].latency > fake.deadline
    error = bot.last_error  # type: ignore[attr-defined]
    assert isinstance(error, discord.NotFound)
    assert error.code == 10062
    assert [v.kind for v in fake.violations] == ["deadline"]


async def test_unknown_route_recorded(fake: FakeDiscord, bot: SelfTestBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/voice/regions"))
    [violation] = fake.unexpected_requests()
    assert violation.path == "/voice/regions"


async def test_unknown_component_is_a_usage_error(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("ping", {"film": "Moon"}, user=ALICE)
    assert result.message is not None
    assert find_component(result.message, "film:again") is not None
    with pytest.raises(StandinUsageError):
        await fake.click(result.message, "nope", user=ALICE)
    with pytest.raises(StandinUsageError):
        await fake.slash("nonexistent", user=ALICE)


async def test_auto_sharded_bot_gets_guilds_on_their_shards() -> None:
    first = FakeGuild("Shard Zero", id=snowflake_on_shard(0, 2), members=[FakeMember(ALICE)])
    second = FakeGuild("Shard One", id=snowflake_on_shard(1, 2), members=[FakeMember(ALICE)])
    async with FakeDiscord([first, second]) as fake:
        sharded = ShardedSelfTestBot()
        async with fake.running(sharded):
            sessions = {session.shard_id: session for session in fake.live_sessions}
            assert sorted(sessions) == [0, 1]
            assert all(session.shard_count == 2 for session in sessions.values())
            assert sessions[0].guild_ids == [first.id]
            assert sessions[1].guild_ids == [second.id]
            for guild, shard_id in ((first, 0), (second, 1)):
                cached = sharded.get_guild(guild.id)
                assert cached is not None
                assert not cached.unavailable
                assert cached.shard_id == shard_id
                result = await fake.slash("where", user=ALICE, guild=guild)
                assert message_text(result.message) == f"shard {shard_id}"
            await fake.wait_until(lambda: sharded.ready_shards == {0, 1}, timeout=5)
        fake.assert_no_violations()


async def test_too_many_autocomplete_choices_show_nothing(
    fake: FakeDiscord, bot: SelfTestBot
) -> None:
    choices = await fake.autocomplete("many", "film", "moon", user=ALICE)
    assert choices == []
    [violation] = fake.violations
    assert violation.kind == "limit"
    assert violation.errors is not None
    assert "choices" in violation.errors["data"]


async def test_file_upload_is_stored_and_served(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("export", user=ALICE)
    assert result.message is not None
    [attachment] = result.message["attachments"]
    assert attachment["filename"] == "moon.txt"
    assert fake.attachment_bytes(attachment) == b"Moon (2009)\n"
    async with aiohttp.ClientSession() as session, session.get(attachment["url"]) as response:
        assert await response.read() == b"Moon (2009)\n"
    fake.assert_no_violations()


async def test_empty_message_rejected(fake: FakeDiscord, bot: SelfTestBot) -> None:
    result = await fake.slash("blank", user=ALICE, wait=False)
    await result.wait_until(lambda r: bool(r.callbacks) and r.in_flight == 0)
    error = bot.last_error  # type: ignore[attr-defined]
    assert isinstance(error, discord.HTTPException)
    assert error.code == 50006
    assert [v.kind for v in fake.violations] == ["empty_message"]


def test_limits_catch_bad_commands_components_and_modals() -> None:
    good_option = {"type": 3, "name": "film", "description": "The film", "required": True}
    assert (
        limits.check_commands(
            [{"name": "review", "description": "A review", "options": [good_option]}]
        )
        == []
    )
    bad = limits.check_commands(
        [
            {"name": "Review", "description": "x"},
            {"name": "ok", "description": ""},
            {
                "name": "opts",
                "description": "x",
                "options": [
                    {"type": 3, "name": "a", "description": "x"},
                    {"type": 3, "name": "b", "description": "x", "required": True},
                    {
                        "type": 3,
                        "name": "c",
                        "description": "x",
                        "choices": [{"name": str(n), "value": str(n)} for n in range(26)],
                    },
                ],
            },
        ]
    )
    codes = {error.code for error in bad}
    assert codes == {
        "APPLICATION_COMMAND_INVALID_NAME",
        "BASE_TYPE_REQUIRED",
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        "BASE_TYPE_MAX_LENGTH",
    }
    button = {"type": 2, "style": 1, "label": "b", "custom_id": "x"}
    row = {"type": 1, "components": [{**button, "custom_id": str(n)} for n in range(6)]}
    select = {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]}
    mixed = {"type": 1, "components": [{**button, "custom_id": "y"}, select]}
    errors = limits.check_components([row, mixed, *[{"type": 1, "components": [button]}] * 4], 0)
    assert {error.code for error in errors} == {
        "BASE_TYPE_MAX_LENGTH",
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        "COMPONENT_CUSTOM_ID_DUPLICATED",
    }
    modal = {
        "title": "t" * 46,
        "custom_id": "m",
        "components": [
            {
                "type": 1,
                "components": [{"type": 4, "custom_id": "i", "style": 1, "label": "l" * 46}],
            }
        ],
    }
    assert [str(error) for error in limits.check_modal(modal)] == [
        "In data.title: Must be between 1 and 45 in length.",
        "In data.components.0.components.0.label: Must be between 1 and 45 in length.",
    ]
    assert (
        limits.check_embeds(
            [
                {
                    "description": "d" * 4096,
                    "title": "t" * 256,
                    "fields": [{"name": "n" * 256, "value": "v" * 1024}] * 2,
                }
            ]
        )
        != []
    )
    assert limits.mentions_silenced({"allowed_mentions": {"parse": []}})
    assert not limits.mentions_silenced({"allowed_mentions": {"parse": ["users"]}})
    assert limits.mention_tokens({"content": "hi @here and <@123>"}) == ["@here", "<@123>"]
