"""Reading what a chat message asks for."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.chat import MAX_SIMILAR_COUNT, Intent, Request, parse_request


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "<@123> what did you think of never let me go?",
            Request(Intent.REVIEW, "what did you think of never let me go?"),
        ),
        (
            "have you reviewed the host 2006",
            Request(Intent.REVIEW, "have you reviewed the host 2006"),
        ),
        ("<@!42> anything like moon?", Request(Intent.SIMILAR, "moon?")),
        ("films like the host please", Request(Intent.SIMILAR, "the host please")),
        ("something similar to Her", Request(Intent.SIMILAR, "Her")),
        ("<@42> help", Request(Intent.HELP)),
        ("what can you do?", Request(Intent.HELP)),
        ("surprise me!", Request(Intent.RANDOM)),
        ("search clones boarding school", Request(Intent.SEARCH, "clones boarding school")),
        ("/review moon", Request(Intent.REVIEW, "moon")),
        ("/similar the host 2006 3", Request(Intent.SIMILAR, "the host 2006", 3)),
        ("/similar moon 99", Request(Intent.SIMILAR, "moon", MAX_SIMILAR_COUNT)),
        ("/random", Request(Intent.RANDOM)),
        ("/review", Request(Intent.EMPTY, "review")),
        ("<@42>", Request(Intent.EMPTY)),
        ("@everyone ?!", Request(Intent.EMPTY)),
        ("I like moon", Request(Intent.REVIEW, "I like moon")),
    ],
)
def test_parse_request(message: str, expected: Request) -> None:
    assert parse_request(message) == expected


@given(st.text(max_size=3000))
def test_any_text_is_some_request_without_mentions(message: str) -> None:
    request = parse_request(message)
    assert isinstance(request.intent, Intent)
    assert not re.search(r"<@!?\d+>|@everyone\b|@here\b", request.text)
    assert len(request.text) <= 500
