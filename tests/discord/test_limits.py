"""The helpers every embed and select goes through stay inside Discord's limits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.discord.limits import (
    EMBED_DESCRIPTION,
    EMBED_FIELDS,
    EMBED_TITLE,
    EMBED_TOTAL,
    FIELD_NAME,
    FIELD_VALUE,
    FOOTER,
    Field,
    escape_highlighted,
    fit_lines,
    make_embed,
    split_text,
)

long_text = st.text(max_size=7000) | st.text(min_size=1, max_size=20).map(lambda s: s * 500)


@given(
    title=long_text,
    description=long_text,
    fields=st.lists(st.tuples(long_text, long_text), max_size=40),
    footer=long_text,
)
def test_make_embed_never_exceeds_a_limit(
    title: str, description: str, fields: list[tuple[str, str]], footer: str
) -> None:
    embed = make_embed(
        title=title,
        description=description,
        fields=[Field(name, value) for name, value in fields],
        footer=footer,
    )
    assert len(embed.title or "") <= EMBED_TITLE
    assert len(embed.description or "") <= EMBED_DESCRIPTION
    assert len(embed.fields) <= EMBED_FIELDS
    for field in embed.fields:
        assert 0 < len(field.name or "") <= FIELD_NAME
        assert 0 < len(field.value or "") <= FIELD_VALUE
    assert len(embed.footer.text or "") <= FOOTER
    assert len(embed) <= EMBED_TOTAL


def test_make_embed_gives_way_in_the_description_first() -> None:
    fields = [Field(f"Field {n}", "v" * 1000) for n in range(5)]
    embed = make_embed(title="T", description="word " * 2000, fields=fields)
    assert len(embed.fields) == 5
    assert len(embed) <= EMBED_TOTAL
    assert embed.description is not None and embed.description.endswith("…")


@given(text=st.text(max_size=20000), limit=st.integers(min_value=20, max_value=5000))
def test_split_text_keeps_every_word_and_each_piece_fits(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(0 < len(piece) <= limit for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_split_text_prefers_paragraph_then_sentence_breaks() -> None:
    first = "One sentence here. " * 20
    text = first.strip() + "\n\n" + "Second paragraph words. " * 20
    pieces = split_text(text, len(first) + 10)
    assert pieces[0] == first.strip()
    assert all(piece.endswith(".") for piece in pieces)


@given(lines=st.lists(st.text(max_size=300), max_size=60), limit=st.integers(40, 1024))
def test_fit_lines_fits_and_counts_what_it_left_out(lines: list[str], limit: int) -> None:
    text = fit_lines(lines, limit)
    assert 0 < len(text) <= limit


def test_fit_lines_says_how_many_films_did_not_fit() -> None:
    films = [f"Film number {n} (19{n:02d})" for n in range(60)]
    text = fit_lines(films, 200)
    kept = text.splitlines()
    assert kept[-1] == f"…and {60 - (len(kept) - 1)} more"
    assert kept[:-1] == films[: len(kept) - 1]


def test_search_snippets_keep_their_bold_but_not_other_markdown() -> None:
    assert escape_highlighted("a *lunar* **base** _x_") == "a \\*lunar\\* **base** \\_x\\_"
