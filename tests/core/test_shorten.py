"""Fitting text into Discord's limits without cutting words or going over."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.shorten import ELLIPSIS, shorten

TEXT = "Moon is a small film. It is also a sad one. Sam Rockwell carries every minute of it."


def test_text_that_fits_is_untouched() -> None:
    assert shorten(TEXT, len(TEXT)) == TEXT


def test_cut_after_a_whole_sentence_when_there_is_room() -> None:
    assert shorten(TEXT, 50) == "Moon is a small film. It is also a sad one. …"


def test_cut_after_a_whole_word_otherwise() -> None:
    assert shorten("Tremendously long words everywhere", 20) == "Tremendously long…"


def test_a_single_huge_word_is_cut_inside() -> None:
    assert shorten("x" * 50, 10) == "x" * 9 + ELLIPSIS


@given(st.text(), st.integers(min_value=0, max_value=300))
def test_never_over_the_limit_and_always_a_prefix(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    if short != text and short:
        kept = short.removesuffix(ELLIPSIS).rstrip()
        assert text.startswith(kept)


@given(st.lists(st.sampled_from(["alpha", "beta", "gamma."]), min_size=1, max_size=60))
def test_never_ends_in_half_a_word(words: list[str]) -> None:
    text = " ".join(words)
    short = shorten(text, 40)
    kept = short.removesuffix(ELLIPSIS).rstrip()
    assert all(word in {"alpha", "beta", "gamma."} for word in kept.split())
