"""/reviews: moderators add, edit, remove and import reviews, each after a private preview.

The module's bot has its own catalogue; the tests change it in order, each on its own films.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.model import Film
from bot.core.review_format import MAX_REVIEW_BYTES
from bot.discord import confirm
from bot.discord.reporting import UNEXPECTED
from tests.discord.conftest import World
from tests.standin import (
    CommandUnavailable,
    FakeAttachment,
    FakeMember,
    InteractionResult,
    iter_components,
    message_text,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

PRIMER = """Primer
Year: 2004
"Two engineers build a box in a garage and lose track of which day it is."
Shane Carruth made Primer for almost nothing, and it shows in the best way: every scene feels overheard rather than staged. The dialogue is dense with jargon and never slows down to explain itself.
The Box
What begins as a side project becomes a machine that folds time back on itself. The film trusts its audience to keep up, and it rewards a second viewing more than any puzzle film I know.
Keep Exploring...
-
Moon
2009
-
Coherence
2013
"""
TIMECRIMES = """Timecrimes
Year: 2007
"One afternoon, three versions of the same tired man."
A small Spanish thriller that turns a country house, a pair of binoculars and a bandaged stranger into a neat loop. Every scene is replayed from a new angle and gets darker each time.
"""
PI = """Pi
Year: 1998
"Numbers everywhere, and a headache that will not stop."
Darren Aronofsky's first feature is grainy, loud and feverish, a black-and-white nightmare about a mathematician chasing a pattern in the stock market.
"""


def attachment(world: World, name: str, text: str | bytes) -> FakeAttachment:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return world.fake.add_attachment(name, data, "text/plain")


def button(message: dict[str, Any] | None, label: str) -> str:
    assert message is not None
    for component in iter_components(message.get("components") or []):
        if component.get("label") == label:
            custom_id: str = component["custom_id"]
            return custom_id
    raise AssertionError(f"no {label!r} button in {message_text(message)!r}")


def current(world: World, message: dict[str, Any] | None) -> dict[str, Any]:
    assert message is not None
    return world.fake.messages[int(message["id"])]


async def reviewed_film(world: World, label: str) -> Film | None:
    film = world.service.resolve(label).match
    if film is None or film.label() != label:
        return None
    return film if await world.service.db.get_review(film.id) else None


async def press(
    world: World, preview: InteractionResult, label: str, user: FakeMember
) -> dict[str, Any]:
    """Press a button on a preview; the preview message as it is afterwards."""
    await world.fake.click(preview.message, button(preview.message, label), user=user)  # type: ignore[arg-type]
    return current(world, preview.message)


async def test_members_do_not_see_the_moderator_commands(world: World) -> None:
    with pytest.raises(CommandUnavailable):
        await world.slash("reviews log", user=world.member)


async def test_staff_of_another_server_are_refused_and_nothing_changes(world: World) -> None:
    reviews = await world.service.db.count_reviews()
    for command, options in (
        ("reviews log", {}),
        ("reviews add", {"file": attachment(world, "primer.txt", PRIMER)}),
        ("reviews remove", {"film": "moon"}),
    ):
        result = await world.slash(command, options, user=world.outsider_admin)
        assert result.ephemeral
        assert "Only moderators can change the reviews" in message_text(result.message)
    assert await world.service.db.count_reviews() == reviews
    assert await reviewed_film(world, "Primer (2004)") is None


async def test_add_from_a_file_cancelled_stores_nothing(world: World) -> None:
    reviews = await world.service.db.count_reviews()
    preview = await world.slash(
        "reviews add", {"file": attachment(world, "primer.txt", PRIMER)}, user=world.moderator
    )

    assert preview.ephemeral
    text = message_text(preview.message)
    assert "Preview: Primer (2004)" in text and "Adds a new review." in text
    assert "Nothing is stored until you press Confirm." in text
    after = await press(world, preview, "Cancel", world.moderator)

    assert after["content"] == "Cancelled. Nothing was stored."
    assert after["components"] == []
    assert await world.service.db.count_reviews() == reviews
    assert world.service.resolve("Primer 2004").match is None


async def test_add_from_a_file_confirmed_is_stored_and_logged(world: World) -> None:
    preview = await world.slash(
        "reviews add", {"file": attachment(world, "primer.txt", PRIMER)}, user=world.moderator
    )
    after = await press(world, preview, "Confirm", world.moderator)

    assert after["content"] == "✅ Added the review of Primer (2004)."
    assert after["components"] == []
    film = await reviewed_film(world, "Primer (2004)")
    assert film is not None
    card = await world.slash("review", {"film": "primer"}, user=world.member)
    assert card.message is not None
    assert card.message["embeds"][0]["title"] == "Primer (2004)"
    [entry, *_] = await world.service.db.audit_entries(1)
    assert (entry.action, entry.film_label) == ("added", "Primer (2004)")
    assert entry.actor == f"mod_maria ({world.moderator.id})"


async def test_confirm_checks_again_that_the_person_is_a_moderator(world: World) -> None:
    preview = await world.slash(
        "reviews add", {"file": attachment(world, "pi.txt", PI)}, user=world.moderator
    )
    world.moderator.roles.remove(world.mod_role)
    try:
        refusal = await world.fake.click(
            preview.message,  # type: ignore[arg-type]
            button(preview.message, "Confirm"),
            user=world.moderator,
        )
    finally:
        world.moderator.roles.append(world.mod_role)
    assert refusal.ephemeral
    assert "Only moderators" in message_text(refusal.message)
    assert await reviewed_film(world, "Pi (1998)") is None


async def test_manage_server_in_an_admin_guild_makes_a_moderator(world: World) -> None:
    result = await world.slash("reviews log", user=world.admin)
    assert result.ephemeral
    assert result.message is not None
    [embed] = result.message["embeds"]
    assert embed["title"] == "Recent changes"
    # Markdown in names is escaped: the underscore shows as written.
    assert "**mod\\_maria (" in embed["description"]
    assert "added Primer (2004)" in embed["description"]


async def test_add_with_the_form(world: World) -> None:
    opened = await world.slash("reviews add", user=world.moderator)
    modal = opened.modal
    assert modal is not None and modal["title"] == "Add a review"

    submitted = await world.fake.submit_modal(
        opened,
        {
            "review:title": "Coherence",
            "review:year": "2013",
            "review:tagline": "A comet passes and the dinner party splits.",
            "review:body": (
                "Eight friends, one house, a power cut.\n\n"
                "## Dinner Party\n\n"
                "Most of it was improvised, and the cast really did not know what came next."
            ),
            "review:keep_exploring": "Primer (2004)\n- Moon (2009)",
        },
    )
    assert submitted.ephemeral
    assert "Preview: Coherence (2013)" in message_text(submitted.message)
    after = await press(world, submitted, "Confirm", world.moderator)

    assert after["content"] == "✅ Added the review of Coherence (2013)."
    film = await reviewed_film(world, "Coherence (2013)")
    assert film is not None
    review = await world.service.get_review(film.id)
    assert review.tagline == "A comet passes and the dinner party splits."
    assert [s.heading for s in review.sections] == [None, "Dinner Party"]
    assert [f.label() for f in review.keep_exploring] == ["Primer (2004)", "Moon (2009)"]


async def test_a_form_that_does_not_read_as_a_review_is_refused(world: World) -> None:
    opened = await world.slash("reviews add", user=world.moderator)
    submitted = await world.fake.submit_modal(
        opened,
        {"review:title": "Upstream Color", "review:year": "20x3", "review:body": "Pigs."},
    )
    assert submitted.ephemeral
    text = message_text(submitted.message)
    assert "The form can't be read as a review: Year: '20x3' is not a year." in text
    assert world.service.resolve("Upstream Color").match is None


async def test_edit_from_a_file_replaces_the_review(world: World) -> None:
    film = await reviewed_film(world, "Primer (2004)")
    assert film is not None
    before = await world.service.get_review(film.id)
    changed = PRIMER.replace("lose track of which day it is", "misplace a whole week")
    preview = await world.slash(
        "reviews edit",
        {"film": f"#{film.id}", "file": attachment(world, "primer-v2.txt", changed)},
        user=world.moderator,
    )
    assert "Replaces the review of Primer (2004)." in message_text(preview.message)

    after = await press(world, preview, "Confirm", world.moderator)

    assert after["content"] == "✅ Updated the review of Primer (2004)."
    review = await world.service.get_review(film.id)
    assert review.tagline is not None and "misplace a whole week" in review.tagline
    assert review.version == before.version + 1


async def test_an_edit_that_lost_a_race_stores_nothing(world: World) -> None:
    film = await reviewed_film(world, "Primer (2004)")
    assert film is not None
    slow = await world.slash(
        "reviews edit",
        {"film": "primer", "file": attachment(world, "slow.txt", PRIMER.replace("box", "crate"))},
        user=world.moderator,
    )
    quick = await world.slash(
        "reviews edit",
        {"film": "primer", "file": attachment(world, "quick.txt", PRIMER.replace("box", "case"))},
        user=world.admin,
    )
    await press(world, quick, "Confirm", world.admin)

    after = await press(world, slow, "Confirm", world.moderator)

    assert "Someone changed this review since you opened it" in after["content"]
    assert after["content"].endswith("Nothing was stored.")
    review = await world.service.get_review(film.id)
    assert review.tagline is not None and "case" in review.tagline


async def test_edit_with_the_form_starts_from_the_review(world: World) -> None:
    film = await reviewed_film(world, "Coherence (2013)")
    assert film is not None
    opened = await world.slash("reviews edit", {"film": "coherence"}, user=world.moderator)
    modal = opened.modal
    assert modal is not None
    values = {
        c["custom_id"]: str(c.get("value"))
        for c in iter_components(modal["components"])
        if "custom_id" in c
    }
    assert values["review:title"] == "Coherence"
    assert values["review:year"] == "2013"
    assert "## Dinner Party" in values["review:body"]
    assert values["review:keep_exploring"] == "Primer (2004)\nMoon (2009)"

    submitted = await world.fake.submit_modal(
        opened, {"review:tagline": "The comet changes everything."}
    )
    after = await press(world, submitted, "Confirm", world.moderator)

    assert after["content"] == "✅ Updated the review of Coherence (2013)."
    review = await world.service.get_review(film.id)
    assert review.tagline == "The comet changes everything."
    assert [s.heading for s in review.sections] == [None, "Dinner Party"]


async def test_remove_asks_first_then_removes(world: World) -> None:
    film = await reviewed_film(world, "Coherence (2013)")
    assert film is not None
    question = await world.slash("reviews remove", {"film": "coherence"}, user=world.moderator)
    assert question.ephemeral
    assert "Remove the review of Coherence (2013)?" in message_text(question.message)

    after = await press(world, question, "Remove", world.moderator)

    assert "Removed the review of Coherence (2013)" in after["content"]
    assert await reviewed_film(world, "Coherence (2013)") is None
    card = await world.slash("review", {"film": "coherence"}, user=world.member)
    assert "Nobody has reviewed this film yet." in message_text(card.message)


async def test_import_several_files_at_once(world: World) -> None:
    preview = await world.slash(
        "reviews import",
        {
            "file1": attachment(world, "timecrimes.txt", TIMECRIMES),
            "file2": attachment(world, "pi.txt", PI),
        },
        user=world.moderator,
    )
    text = message_text(preview.message)
    assert "Import 2 reviews" in text and "Timecrimes (2007)" in text and "Pi (1998)" in text

    after = await press(world, preview, "Confirm", world.moderator)

    assert after["content"] == "✅ Imported 2 reviews: 2 added, 0 updated, 0 unchanged."
    assert await reviewed_film(world, "Timecrimes (2007)") is not None
    assert await reviewed_film(world, "Pi (1998)") is not None


async def test_import_with_a_bad_file_imports_nothing(world: World) -> None:
    good = PRIMER.replace("Primer", "Upstream Color").replace("2004", "2013")
    result = await world.slash(
        "reviews import",
        {
            "file1": attachment(world, "upstream.txt", good),
            "file2": attachment(world, "bad.txt", "Moon\nYear: 20x9\nText here.\n"),
        },
        user=world.admin,
    )
    text = message_text(result.message)
    assert "Nothing was imported: 1 of 2 files have problems." in text
    assert "bad.txt:2: Year: '20x9' is not a year" in text
    assert await reviewed_film(world, "Upstream Color (2013)") is None


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("poster.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "poster.png:3: not a text file"),
        (
            "latin1.txt",
            "Amélie\nYear: 2001\nTrès bien.\n".encode("latin-1"),
            "latin1.txt:1: not UTF-8",
        ),
        (
            "broken.txt",
            "Moon\n\nSome text.\nKeep Exploring...\n-\nGattaca\n19x7\n",
            "broken.txt:7:",
        ),
        ("empty.txt", b"", "empty.txt: the file is empty"),
    ],
)
async def test_bad_files_are_refused_with_the_reason(
    world: World, name: str, data: bytes | str, problem: str
) -> None:
    reviews = await world.service.db.count_reviews()
    result = await world.slash(
        "reviews add", {"file": attachment(world, name, data)}, user=world.moderator
    )
    assert result.ephemeral
    text = message_text(result.message)
    assert problem in text and UNEXPECTED not in text
    assert await world.service.db.count_reviews() == reviews


async def test_a_huge_file_is_refused_before_it_is_downloaded(world: World) -> None:
    huge = attachment(world, "huge.txt", b"a" * (MAX_REVIEW_BYTES + 1))
    downloads = len([r for r in world.fake.requests if "/attachments/" in r.path])
    result = await world.slash("reviews add", {"file": huge}, user=world.moderator)
    assert "huge.txt is too large: 1,000,001 bytes" in message_text(result.message)
    assert len([r for r in world.fake.requests if "/attachments/" in r.path]) == downloads


async def test_a_review_too_long_for_the_form_is_handed_over_as_a_file(world: World) -> None:
    paragraphs = [
        f"Hour {n} of the film is one more long take across the mud, and it is somehow "
        f"never dull: the camera waits, the rain keeps falling, and the village goes on "
        f"lying to itself in ways that are funny, then cruel, then funny again. " * 2
        for n in range(1, 12)
    ]
    long_review = "Satantango\nYear: 1994\n" + "\n".join(paragraphs) + "\n"
    assert len(long_review) > 4000
    preview = await world.slash(
        "reviews add",
        {"file": attachment(world, "satantango.txt", long_review)},
        user=world.moderator,
    )
    await press(world, preview, "Confirm", world.moderator)
    assert await reviewed_film(world, "Satantango (1994)") is not None

    handed = await world.slash("reviews edit", {"film": "satantango"}, user=world.moderator)

    assert handed.modal is None and handed.ephemeral
    assert handed.message is not None
    assert "too long for the form" in handed.message["content"]
    [file] = handed.message["attachments"]
    exported = world.fake.attachment_bytes(file)
    # The file is the review itself: uploading it unchanged changes nothing.
    again = await world.slash(
        "reviews edit",
        {"film": "satantango", "file": attachment(world, "satantango.txt", exported)},
        user=world.moderator,
    )
    after = await press(world, again, "Confirm", world.moderator)
    assert after["content"] == "✅ Nothing changed in the review of Satantango (1994)."


async def test_a_preview_left_alone_expires_and_stores_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(confirm, "CONFIRM_TIMEOUT", 0.3)
    text = PI.replace("Pi", "Cube").replace("1998", "1997")
    preview = await world.slash(
        "reviews add", {"file": attachment(world, "cube.txt", text)}, user=world.moderator
    )
    message_id = int(preview.message["id"])  # type: ignore[index]

    await world.fake.wait_until(lambda: world.fake.messages[message_id]["components"] == [], 3.0)

    assert world.fake.messages[message_id]["content"] == "This preview expired. Nothing was stored."
    assert await reviewed_film(world, "Cube (1997)") is None


async def test_a_removal_cancelled_removes_nothing(world: World) -> None:
    question = await world.slash("reviews remove", {"film": "primer"}, user=world.moderator)
    after = await press(world, question, "Cancel", world.moderator)
    assert after["content"] == "Cancelled. The review was not removed."
    assert after["embeds"] == [] and after["components"] == []
    assert await reviewed_film(world, "Primer (2004)") is not None
