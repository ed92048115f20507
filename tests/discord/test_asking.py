"""/similar, /search and talking to the bot by mentioning it."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.replies import SearchResults, SimilarFilms
from tests.discord.conftest import World
from tests.standin import FakeMember, FakeUser, ResponseType, custom_ids, message_text

pytestmark = pytest.mark.asyncio(loop_scope="module")


def newcomer(world: World, name: str) -> FakeMember:
    """A fresh member, so per-user cooldowns start from zero."""
    member = FakeMember(FakeUser(name))
    world.guild.members.append(member)
    return member


async def test_similar_lists_films_with_reasons(world: World) -> None:
    moon = world.service.resolve("Moon (2009)").match
    assert moon is not None
    expected = world.service.similar_to(moon.id, 3)
    assert isinstance(expected, SimilarFilms)

    result = await world.slash("similar", {"film": "moon", "count": 3}, user=world.member)

    assert result.message is not None and not result.ephemeral
    [embed] = result.message["embeds"]
    assert embed["title"] == "Films like Moon (2009)"
    assert len(embed["fields"]) == len(expected.suggestions) == 3
    for field, suggestion in zip(embed["fields"], expected.suggestions, strict=True):
        assert suggestion.film.label() in field["name"]
        for reason in suggestion.reasons:
            assert reason[:30] in field["value"]
    assert "filmbot:open:review:0" in custom_ids(result.message)


async def test_similar_to_an_ambiguous_title_asks_then_answers_in_place(world: World) -> None:
    result = await world.slash("similar", {"film": "the host"}, user=world.member)
    question = result.message
    assert question is not None and "Which one" in question["content"]
    select_id = f"filmbot:open:similar:{world.member.id}"
    assert select_id in custom_ids(question)
    older = world.service.resolve("The Host 2006").match
    assert older is not None

    answer = await world.fake.select(question, select_id, [str(older.id)], user=world.member)

    assert answer.response_type == ResponseType.UPDATE_MESSAGE
    edited = world.fake.messages[int(question["id"])]
    assert edited["embeds"][0]["title"] == "Films like The Host (2006)"


async def test_search_finds_reviews_and_opens_them(world: World) -> None:
    expected = await world.service.search("lunar base")
    assert isinstance(expected, SearchResults) and expected.hits

    result = await world.slash("search", {"text": "lunar base"}, user=world.member)

    assert result.response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE
    assert result.message is not None
    [embed] = result.message["embeds"]
    assert embed["title"] == "Reviews mentioning “lunar base”"
    assert [f["name"].removesuffix(" ✍") for f in embed["fields"]] == [
        h.film.label() for h in expected.hits
    ]
    assert "**" in embed["fields"][0]["value"]  # the matched words stay bold
    first = expected.hits[0].film
    opened = await world.fake.select(
        result.message, "filmbot:open:review:0", [str(first.id)], user=world.friend
    )
    assert opened.ephemeral and opened.message is not None
    assert opened.message["embeds"][0]["title"] == first.label()


async def test_search_without_hits_says_so(world: World) -> None:
    result = await world.slash("search", {"text": "zeppelinquux"}, user=world.member)
    assert "No review mentions that" in message_text(result.message)


async def test_search_has_a_per_user_cooldown(world: World) -> None:
    hasty = newcomer(world, "hasty")
    answers = [await world.slash("search", {"text": f"film {n}"}, user=hasty) for n in range(4)]
    assert all(not a.ephemeral for a in answers[:3])
    assert answers[3].ephemeral
    assert "Slow down a little: try again in" in message_text(answers[3].message)
    # Someone else is not slowed down by it.
    other = await world.slash("search", {"text": "film"}, user=newcomer(world, "calm"))
    assert not other.ephemeral


async def test_mention_asking_about_a_film_gets_its_card(world: World) -> None:
    reply = await world.mention("what did you think of moon?", user=world.member)
    assert reply["embeds"][0]["title"] == "Moon (2009)"
    assert reply["message_reference"]["message_id"]  # a reply to the question


async def test_mention_asking_for_similar_films(world: World) -> None:
    reply = await world.mention("anything like moon?", user=world.member)
    assert reply["embeds"][0]["title"] == "Films like Moon (2009)"


async def test_mention_asking_for_help(world: World) -> None:
    reply = await world.mention("help", user=world.member)
    assert "/review" in message_text(reply)


async def test_mention_of_an_ambiguous_title_lets_its_author_pick(world: World) -> None:
    reply = await world.mention("tell me about the host", user=world.friend)
    select_id = f"filmbot:open:review:{world.friend.id}"
    assert select_id in custom_ids(reply)
    newer = world.service.resolve("The Host 2013").match
    assert newer is not None
    await world.fake.select(reply, select_id, [str(newer.id)], user=world.friend)
    assert world.fake.messages[int(reply["id"])]["embeds"][0]["title"] == "The Host (2013)"


async def test_messages_not_mentioning_the_bot_get_no_answer(world: World) -> None:
    channel = world.guild.text_channel
    before = len(world.fake.bot_messages(channel))
    await world.fake.send_message(
        "what did you think of moon?", user=world.member, guild=world.guild
    )
    await asyncio.sleep(0.2)
    assert len(world.fake.bot_messages(channel)) == before


async def test_other_bots_mentioning_it_get_no_answer(world: World) -> None:
    robot = FakeMember(FakeUser("another-bot", bot=True))
    world.guild.members.append(robot)
    channel = world.guild.text_channel
    before = len(world.fake.bot_messages(channel))
    await world.fake.send_message(
        f"{world.fake.bot_user.mention} what did you think of moon?", user=robot, guild=world.guild
    )
    await asyncio.sleep(0.2)
    assert len(world.fake.bot_messages(channel)) == before
