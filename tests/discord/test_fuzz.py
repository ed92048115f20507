"""Whatever anyone types, the bot answers within Discord's limits and pings nobody."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discord.reporting import UNEXPECTED
from tests.discord.conftest import World
from tests.standin import FakeMember, FakeUser, InteractionResult, message_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

NASTY = [
    "",
    " ",
    "@everyone",
    "@here moon",
    "<@123> <@&456> <#789> moon",
    "**moon** _the_ `host` ~~her~~ ||spoiler|| > quoted\n# heading\n-# small",
    "[moon](https://example.com) <https://x.y>",
    "\\*\\_\\",
    "x" * 6000,
    "moon " * 1200,
    "🎬" * 1500,
    "\u200b\u202e\ufeff moon",
    "the host 2006 2013 1999 0 -1 99999999999999999999",
]
TEXTS = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(min_size=1, max_size=12).map(lambda s: (s * 6000)[:6000]),
)
_names = itertools.count(1)


def stranger(world: World) -> FakeMember:
    """A new member for each example: per-user cooldowns never hide an answer."""
    member = FakeMember(FakeUser(f"fuzzer{next(_names)}"))
    world.guild.members.append(member)
    return member


def check_answer(result: InteractionResult) -> None:
    assert result.acknowledged, result
    assert result.message is not None, result
    assert UNEXPECTED not in message_text(result.message)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=TEXTS, count=st.integers(min_value=1, max_value=10))
async def test_any_text_gets_an_answer_within_limits(world: World, text: str, count: int) -> None:
    before = len(world.fake.violations)
    user = stranger(world)
    fake, guild = world.fake, world.guild

    for command, options in (
        ("review", {"film": text}),
        ("similar", {"film": text, "count": count}),
        ("search", {"text": text}),
    ):
        check_answer(await fake.slash(command, options, user=user, guild=guild, settle=0.01))
    choices = await fake.autocomplete("review", "film", text, user=user, guild=guild)
    assert len(choices) <= 25

    # A Discord message holds at most 2,000 characters.
    said = await fake.send_message(f"{fake.bot_user.mention} {text}"[:2000], user=user, guild=guild)
    [reply] = await fake.wait_for_bot_messages(guild.text_channel, 1, after=said)
    assert UNEXPECTED not in message_text(reply)

    assert fake.violations[before:] == []
