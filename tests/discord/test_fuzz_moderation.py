"""Moderators' inputs, fuzzed through the real handlers: any file, any form.

Whatever the attachment holds (binary, another encoding, huge lines, markdown, mentions) or
the form says, the moderator gets a preview or a clear refusal, Discord would accept every
payload, nobody is pinged, and nothing is stored before Confirm.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discord.reporting import UNEXPECTED
from tests.discord.conftest import World
from tests.fuzz_budget import examples
from tests.standin import iter_components, message_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT_INPUT = 4
FIELD_TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["", "@everyone", "<@123>", "**bold** `code`", "x" * 4000, "2006", "20x6"]),
)
FILE_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=3000).map(lambda t: t.encode("utf-8")),
    st.text(max_size=500).map(lambda t: ("Film @everyone\n" + t).encode("utf-8")),
    st.text(alphabet="éàü<@>#*_~`\n", max_size=800).map(lambda t: t.encode("latin-1")),
)


def fit_form(modal: dict[str, Any], typed: dict[str, str]) -> dict[str, str]:
    """What Discord's own client lets a person submit: within each input's length limits."""
    values = {}
    for component in iter_components(modal["components"]):
        if component["type"] != TEXT_INPUT:
            continue
        custom_id = component["custom_id"]
        value = typed.get(custom_id, "")[: component.get("max_length", 4000)]
        needed = component.get("min_length", 1 if component.get("required", True) else 0)
        values[custom_id] = value if len(value) >= needed else value.ljust(needed, "x")
    return values


async def assert_nothing_stored(world: World, reviews_before: int) -> None:
    assert await world.service.db.count_reviews() == reviews_before


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=FILE_BYTES, name=st.sampled_from(["review.txt", "review.md", "notes.csv", "x"]))
async def test_any_attachment_gets_a_preview_or_a_reason(
    world: World, data: bytes, name: str
) -> None:
    before = len(world.fake.violations)
    reviews = await world.service.db.count_reviews()
    file = world.fake.add_attachment(name, data, "text/plain")
    result = await world.slash("reviews add", {"file": file}, user=world.moderator)
    assert result.ephemeral
    text = message_text(result.message)
    assert text.strip()
    assert UNEXPECTED not in text
    await assert_nothing_stored(world, reviews)
    assert world.fake.violations[before:] == []


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=FIELD_TEXT,
    year=FIELD_TEXT,
    tagline=FIELD_TEXT,
    body=FIELD_TEXT,
    keep_exploring=FIELD_TEXT,
)
async def test_any_form_gets_a_preview_or_a_reason(
    world: World, title: str, year: str, tagline: str, body: str, keep_exploring: str
) -> None:
    before = len(world.fake.violations)
    reviews = await world.service.db.count_reviews()
    opened = await world.slash("reviews add", user=world.moderator)
    assert opened.modal is not None
    typed = {
        "review:title": title,
        "review:year": year,
        "review:tagline": tagline,
        "review:body": body,
        "review:keep_exploring": keep_exploring,
    }
    submitted = await world.fake.submit_modal(opened, fit_form(opened.modal, typed))
    assert submitted.ephemeral
    text = message_text(submitted.message)
    assert text.strip()
    assert UNEXPECTED not in text
    await assert_nothing_stored(world, reviews)
    assert world.fake.violations[before:] == []
