"""Reading reviews through Discord: /review with its card and components, /random, /help,
autocomplete. One bot for the module; nothing here changes the catalogue."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.model import Film
from bot.core.replies import ReviewCard, UnreviewedCard
from bot.discord import pager
from bot.discord.reporting import UNEXPECTED
from tests.discord.conftest import World
from tests.standin import ResponseType, custom_ids, find_component, message_text

pytestmark = pytest.mark.asyncio(loop_scope="module")


def film_by_label(world: World, label: str) -> Film:
    resolution = world.service.resolve(label)
    assert resolution.match is not None and resolution.match.label() == label
    return resolution.match


def component(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    found = find_component(message, custom_id)
    assert found is not None, custom_ids(message)
    return found


def options_of(message: dict[str, Any], custom_id: str) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = component(message, custom_id)["options"]
    return options


async def test_review_card_shows_tagline_summary_and_keep_exploring(world: World) -> None:
    moon = film_by_label(world, "Moon (2009)")
    card = await world.service.review_of(moon.id)
    assert isinstance(card, ReviewCard)

    result = await world.slash("review", {"film": "moon"}, user=world.member)

    message = result.message
    assert message is not None and not result.ephemeral
    [embed] = message["embeds"]
    assert embed["title"] == "Moon (2009)"
    assert embed["description"].startswith(f"*{card.tagline}*\n\n")
    assert card.summary[:60] in embed["description"]
    [field] = embed["fields"]
    assert field["name"].startswith("Keep Exploring")
    lines = field["value"].splitlines()
    assert len(lines) == len(card.keep_exploring)
    for line, film in zip(lines, card.keep_exploring, strict=True):
        assert line.startswith(film.label())
        assert line.endswith("✍") == film.reviewed
    assert embed["footer"]["text"] == f"{card.reading_minutes} min read · added by filmbot"
    ids = custom_ids(message)
    assert f"filmbot:read:{moon.id}" in ids and f"filmbot:similar:{moon.id}" in ids
    values = [o["value"] for o in options_of(message, "filmbot:open:review:0")]
    assert values == [str(f.id) for f in card.keep_exploring]


async def test_read_full_review_pages_through_every_section(world: World) -> None:
    moon = film_by_label(world, "Moon (2009)")
    review = await world.service.get_review(moon.id)
    card = (await world.slash("review", {"film": "Moon"}, user=world.member)).message
    assert card is not None

    opened = await world.fake.click(card, f"filmbot:read:{moon.id}", user=world.member)

    assert opened.ephemeral
    page = opened.message
    assert page is not None
    total = int(page["embeds"][0]["footer"]["text"].split(" of ")[1].split(" ")[0])
    assert total >= len(review.sections) > 1
    previous, _counter, following = custom_ids(page)
    assert component(page, previous)["disabled"] is True
    seen = [page["embeds"][0]["description"]]
    for number in range(2, total + 1):
        turned = await world.fake.click(page, following, user=world.member)
        assert turned.response_type == ResponseType.UPDATE_MESSAGE
        page = world.fake.messages[int(page["id"])]
        assert page["embeds"][0]["footer"]["text"].startswith(f"Page {number} of {total}")
        seen.append(page["embeds"][0]["description"])
    assert component(page, following)["disabled"] is True
    text = "\n".join(seen)
    for section in review.sections:
        if section.heading:
            assert f"**{section.heading}**" in text
        assert section.text.split("\n\n")[-1][-40:] in text
    back = await world.fake.click(page, previous, user=world.member)
    assert back.response_type == ResponseType.UPDATE_MESSAGE
    page = world.fake.messages[int(page["id"])]
    assert page["embeds"][0]["footer"]["text"].startswith(f"Page {total - 1} of {total}")


async def test_similar_button_answers_privately_with_reasons(world: World) -> None:
    moon = film_by_label(world, "Moon (2009)")
    card = (await world.slash("review", {"film": "moon"}, user=world.member)).message
    assert card is not None

    answer = await world.fake.click(card, f"filmbot:similar:{moon.id}", user=world.friend)

    assert answer.ephemeral
    assert answer.message is not None
    [embed] = answer.message["embeds"]
    assert embed["title"] == "Films like Moon (2009)"
    assert embed["fields"] and all(f["value"].startswith("•") for f in embed["fields"])


async def test_keep_exploring_select_opens_a_private_card_then_walks_in_place(
    world: World,
) -> None:
    gattaca = film_by_label(world, "Gattaca (1997)")
    card = (await world.slash("review", {"film": "moon"}, user=world.member)).message
    assert card is not None

    opened = await world.fake.select(
        card, "filmbot:open:review:0", [str(gattaca.id)], user=world.friend
    )

    assert opened.ephemeral and opened.message is not None
    assert opened.message["embeds"][0]["title"] == "Gattaca (1997)"
    assert world.fake.messages[int(card["id"])]["embeds"][0]["title"] == "Moon (2009)"
    private = opened.message
    next_film = options_of(private, "filmbot:open:review:0")[0]
    walked = await world.fake.select(
        private, "filmbot:open:review:0", [next_film["value"]], user=world.friend
    )
    assert walked.response_type == ResponseType.UPDATE_MESSAGE
    edited = world.fake.messages[int(private["id"])]
    assert edited["embeds"][0]["title"] == next_film["label"]


async def test_ambiguous_title_asks_for_the_year_and_the_answer_replaces_the_question(
    world: World,
) -> None:
    result = await world.slash("review", {"film": "The Host"}, user=world.member)

    question = result.message
    assert question is not None and not result.ephemeral
    assert "Several films are called" in question["content"]
    select_id = f"filmbot:open:review:{world.member.id}"
    labels = [o["label"] for o in options_of(question, select_id)]
    assert labels == ["The Host (2013)", "The Host (2006)"]

    # Someone else picking gets a private card; the question stays for its owner.
    other = await world.fake.select(
        question, select_id, [options_of(question, select_id)[1]["value"]], user=world.friend
    )
    assert other.ephemeral and other.message is not None
    assert other.message["embeds"][0]["title"] == "The Host (2006)"
    assert "Several films" in world.fake.messages[int(question["id"])]["content"]

    answer = await world.fake.select(
        question, select_id, [options_of(question, select_id)[0]["value"]], user=world.member
    )
    assert answer.response_type == ResponseType.UPDATE_MESSAGE
    replaced = world.fake.messages[int(question["id"])]
    assert replaced["content"] in ("", None)
    assert replaced["embeds"][0]["title"] == "The Host (2013)"


async def test_no_match_says_so_and_offers_what_it_knows(world: World) -> None:
    result = await world.slash("review", {"film": "Qwxzv Plorbnik"}, user=world.member)
    assert result.message is not None
    assert "I don't know a film called “Qwxzv Plorbnik”" in result.message["content"]

    near = await world.slash("review", {"film": "An Educashun"}, user=world.member)
    resolution = world.service.resolve("An Educashun")
    assert resolution.match is None and resolution.suggestions
    question = near.message
    assert question is not None
    select_id = f"filmbot:open:review:{world.member.id}"
    suggested = options_of(question, select_id)
    assert [o["value"] for o in suggested] == [str(f.id) for f in resolution.suggestions]
    answer = await world.fake.select(
        question, select_id, [suggested[0]["value"]], user=world.member
    )
    assert answer.response_type == ResponseType.UPDATE_MESSAGE
    title = world.fake.messages[int(question["id"])]["embeds"][0]["title"]
    assert title == suggested[0]["label"]


async def test_a_film_without_review_shows_where_it_is_recommended(world: World) -> None:
    solaris = film_by_label(world, "Solaris (1972)")
    reply = await world.service.review_of(solaris.id)
    assert isinstance(reply, UnreviewedCard) and reply.linked_from

    result = await world.slash("review", {"film": "solaris 1972"}, user=world.member)

    assert result.message is not None
    [embed] = result.message["embeds"]
    assert embed["title"] == "Solaris (1972)"
    assert "Nobody has reviewed this film yet." in embed["description"]
    linked = next(f for f in embed["fields"] if f["name"] == "Recommended in the reviews of")
    assert "Moon (2009) ✍" in linked["value"]
    assert f"filmbot:similar:{solaris.id}" in custom_ids(result.message)


async def test_random_shows_a_reviewed_film(world: World) -> None:
    reviewed = {f.label() for f in world.service.index.reviewed()}
    for _ in range(3):
        result = await world.slash("random", user=world.member)
        assert result.message is not None
        assert result.message["embeds"][0]["title"] in reviewed


async def test_help_lists_the_commands_privately(world: World) -> None:
    result = await world.slash("help", user=world.member)
    assert result.ephemeral
    text = message_text(result.message)
    for command in ("/review", "/similar", "/search", "/random", "/reviews"):
        assert command in text


async def test_autocomplete_offers_films_within_discord_limits(world: World) -> None:
    choices = await world.autocomplete("review", "film", "moo", user=world.member)
    assert choices[0] == {
        "name": "Moon (2009) ✍",
        "value": f"#{film_by_label(world, 'Moon (2009)').id}",
    }
    for typed in ("", "the", "x" * 6000, "@everyone <@1> **bold**", "ü" * 300):
        choices = await world.autocomplete("review", "film", typed, user=world.member)
        assert len(choices) <= 25
        assert all(0 < len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    empty = await world.autocomplete("review", "film", "", user=world.member)
    assert empty and all(c["name"].endswith("✍") for c in empty)


async def test_a_picked_choice_opens_exactly_that_film(world: World) -> None:
    older = film_by_label(world, "The Host (2006)")
    [choice] = [
        c
        for c in await world.autocomplete("review", "film", "the host", user=world.member)
        if c["value"] == f"#{older.id}"
    ]
    result = await world.slash("review", {"film": choice["value"]}, user=world.member)
    assert result.message is not None
    assert result.message["embeds"][0]["title"] == "The Host (2006)"
    assert UNEXPECTED not in message_text(result.message)


async def test_every_feature_area_loaded(world: World) -> None:
    assert world.bot.failed_extensions == {}
    assert set(world.bot.cogs) == {"Reviews", "Recommendations", "Moderation", "Help", "Mentions"}


async def test_the_pager_drops_its_buttons_when_it_times_out(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pager, "PAGER_TIMEOUT", 0.3)
    moon = film_by_label(world, "Moon (2009)")
    card = (await world.slash("review", {"film": "moon"}, user=world.member)).message
    assert card is not None
    opened = await world.fake.click(card, f"filmbot:read:{moon.id}", user=world.member)
    assert opened.message is not None and custom_ids(opened.message)
    message_id = int(opened.message["id"])

    await world.fake.wait_until(lambda: world.fake.messages[message_id]["components"] == [], 3.0)

    assert world.fake.messages[message_id]["embeds"] == opened.message["embeds"]
