"""Review files: parsing every accepted variant, refusing bad files clearly, writing them back."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import review_format, titles
from bot.core.errors import ReviewFormatError
from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.review_format import (
    MAX_FILM_YEAR,
    MAX_REVIEW_BYTES,
    MIN_FILM_YEAR,
    clean_lines,
    film_title,
    parse_review,
    parse_review_file,
    render_review,
)

DATA_REVIEWS = Path(__file__).resolve().parents[2] / "data" / "reviews"

# --- the review site's own example --------------------------------------------------------


def test_seed_review_parses(seed_review_path: Path) -> None:
    review = parse_review_file(seed_review_path)
    assert review.title == "Never Let Me Go"
    # No Year: line: 2010 is inferred, as the prose names it more than any other year.
    assert review.year == 2010
    assert review.tagline is not None
    assert review.tagline.startswith("Love is")
    assert not review.tagline.startswith('"')
    headings = [s.heading for s in review.sections]
    assert headings == [
        None,
        "The Sci-Fi That Wasn’t",
        "Three Hearts, One Clock",
        "The Quiet Cult of the Devastated",
    ]
    assert all(s.text and "\n\n\n" not in s.text for s in review.sections)
    assert [len(s.text.split("\n\n")) for s in review.sections] == [1, 2, 3, 3]
    assert len(review.keep_exploring) == 20
    assert review.keep_exploring[0] == FilmRef("The Fountain", 2006)
    assert review.keep_exploring[-1] == FilmRef("High School Musical 2", 2007)
    assert FilmRef("5 Centimeters per Second", 2007) in review.keep_exploring
    assert (review.director, review.aliases, review.summary) == (None, (), None)


def test_seed_review_round_trips(seed_review_path: Path) -> None:
    review = parse_review_file(seed_review_path)
    rendered = render_review(review)
    assert parse_review(rendered) == review
    # The seed is plain text and stays plain text.
    assert rendered.startswith("Never Let Me Go\nYear: 2010\n")
    assert "\nKeep Exploring...\n-\nThe Fountain\n2006\n" in rendered


def test_seed_review_from_bytes_with_windows_line_ends(seed_review_path: Path) -> None:
    data = seed_review_path.read_bytes()
    crlf = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    assert parse_review(crlf, "seed") == parse_review_file(seed_review_path)


# --- accepted variants -----------------------------------------------------------------------
# One invented review of Moon (2009), written out in each way a file may come.

TAGLINE = "Three years alone, and the company is a robot."
INTRO = "Duncan Jones made his first feature for about five million dollars in 2009."
HEADING = "A Base Called Sarang"
BODY_1 = "The station looks used: scuffed panels, taped notes, a plant that refuses to die."
BODY_2 = "Sam Rockwell carries nearly every scene, and by the end of 2009 people noticed."

BASE = f"""Moon
"{TAGLINE}"
{INTRO}
{HEADING}
{BODY_1}
{BODY_2}
Keep Exploring...
-
Solaris
1972
-
Silent Running
1972
"""

EXPECTED = ParsedReview(
    title="Moon",
    year=2009,
    tagline=TAGLINE,
    sections=(Section(None, INTRO), Section(HEADING, f"{BODY_1}\n\n{BODY_2}")),
    keep_exploring=(FilmRef("Solaris", 1972), FilmRef("Silent Running", 1972)),
)


def _with_ke(*lines: str) -> str:
    return BASE.split("Keep Exploring...")[0] + "\n".join(lines) + "\n"


def _replace(**changes: object) -> ParsedReview:
    return dataclasses.replace(EXPECTED, **changes)  # type: ignore[arg-type]


WRAPPED = f"""Moon

"{TAGLINE}"

Duncan Jones made his first feature for about
five million dollars in 2009.

{HEADING}

The station looks used: scuffed panels, taped
notes, a plant that refuses to die.

Sam Rockwell carries nearly every scene, and by
the end of 2009 people noticed.

Keep Exploring:

- Solaris (1972)
- Silent Running (1972)
"""

MARKDOWN = f"""# Moon

> "{TAGLINE}"

{INTRO}

## {HEADING}

{BODY_1}

{BODY_2}

## Keep Exploring

- Solaris (1972)
- Silent Running (1972)
"""

VARIANTS: list[tuple[str, str | bytes, ParsedReview]] = [
    ("plain", BASE, EXPECTED),
    ("crlf", BASE.replace("\n", "\r\n"), EXPECTED),
    ("old-mac-cr", BASE.replace("\n", "\r"), EXPECTED),
    ("bom-bytes", b"\xef\xbb\xbf" + BASE.encode(), EXPECTED),
    ("bom-str", "\ufeff" + BASE, EXPECTED),
    ("blank-lines", "\n\n" + BASE.replace("\n", "\n\n\n"), EXPECTED),
    ("trailing-spaces", BASE.replace("\n", "  \t\n"), EXPECTED),
    ("leading-spaces", BASE.replace("\n", "\n   "), EXPECTED),
    ("nbsp", BASE.replace("Sam Rockwell", "Sam\u00a0Rockwell").replace("\n", "\u00a0\n"), EXPECTED),
    ("curly-quotes", BASE.replace(f'"{TAGLINE}"', f"“{TAGLINE}”"), EXPECTED),
    ("no-tagline", BASE.replace(f'"{TAGLINE}"\n', ""), _replace(tagline=None)),
    ("year-line-overrides", BASE.replace("Moon\n", "Moon\nYear: 2010\n"), _replace(year=2010)),
    ("year-line-unknown", BASE.replace("Moon\n", "Moon\nYear: unknown\n"), _replace(year=None)),
    (
        "year-not-dominating",
        BASE.replace("end of 2009", "end of 2010"),
        _replace(
            year=None,
            sections=(
                EXPECTED.sections[0],
                Section(HEADING, f"{BODY_1}\n\n{BODY_2}".replace("of 2009", "of 2010")),
            ),
        ),
    ),
    (
        "decades-money-and-keep-exploring-years-ignored",
        BASE.replace("in 2009.", "in the 1990s, $1972 and 2009."),
        _replace(
            sections=(
                Section(None, INTRO.replace("in 2009.", "in the 1990s, $1972 and 2009.")),
                EXPECTED.sections[1],
            )
        ),
    ),
    ("marker-upper", BASE.replace("Keep Exploring...", "KEEP EXPLORING"), EXPECTED),
    ("marker-colon", BASE.replace("Keep Exploring...", "Keep exploring:"), EXPECTED),
    ("marker-ellipsis", BASE.replace("Keep Exploring...", "Keep Exploring…"), EXPECTED),
    ("marker-bare", BASE.replace("Keep Exploring...", "Keep Exploring"), EXPECTED),
    (
        "ke-dash-lines",
        _with_ke("Keep Exploring", "- Solaris (1972)", "- Silent Running (1972)"),
        EXPECTED,
    ),
    (
        "ke-bare-lines",
        _with_ke("Keep Exploring", "Solaris (1972)", "Silent Running (1972)"),
        EXPECTED,
    ),
    (
        "ke-star-and-numbers",
        _with_ke("Keep Exploring", "* Solaris (1972)", "2. Silent Running (1972)"),
        EXPECTED,
    ),
    (
        "ke-year-on-next-line",
        _with_ke("Keep Exploring", "- Solaris", "1972", "- Silent Running", "1972"),
        EXPECTED,
    ),
    (
        "ke-mixed-and-yearless",
        _with_ke(
            "Keep Exploring",
            "-",
            "Solaris",
            "1972",
            "- Silent Running",
            "-",
            "Sunshine",
            "- Gattaca (1997)",
        ),
        _replace(
            keep_exploring=(
                FilmRef("Solaris", 1972),
                FilmRef("Silent Running", None),
                FilmRef("Sunshine", None),
                FilmRef("Gattaca", 1997),
            )
        ),
    ),
    (
        "ke-title-brackets-and-articles",
        _with_ke(
            "Keep Exploring",
            "- Birdman (or The Unexpected Virtue of Ignorance) (2014)",
            "-",
            "Host, The",
            "(2006)",
        ),
        _replace(
            keep_exploring=(
                FilmRef("Birdman (or The Unexpected Virtue of Ignorance)", 2014),
                FilmRef("The Host", 2006),
            )
        ),
    ),
    ("no-keep-exploring", BASE.split("Keep Exploring...")[0], _replace(keep_exploring=())),
    ("hard-wrapped", WRAPPED, EXPECTED),
    ("markdown", MARKDOWN, EXPECTED),
    (
        "markdown-bold-metadata",
        MARKDOWN.replace("# Moon\n", "# Moon\n**Year:** 2010\n**Director**: Duncan Jones\n"),
        _replace(year=2010, director="Duncan Jones"),
    ),
    ("markdown-unquoted-tagline", MARKDOWN.replace(f'> "{TAGLINE}"', f"> {TAGLINE}"), EXPECTED),
    (
        "article-title",
        BASE.replace("Moon\n", "Three Musketeers, The\n", 1),
        _replace(title="The Three Musketeers"),
    ),
    (
        "article-title-markdown",
        MARKDOWN.replace("# Moon", "# Three Musketeers, The"),
        _replace(title="The Three Musketeers"),
    ),
    (
        "metadata",
        BASE.replace(
            "Moon\n",
            "Moon\nYear: 2009\nDirector: Duncan Jones\nAliases: Moon 2009; Luna\n"
            "Summary: A lonely worker on the Moon finds out why the job never ends.\n",
        ),
        _replace(
            director="Duncan Jones",
            aliases=("Moon 2009", "Luna"),
            summary="A lonely worker on the Moon finds out why the job never ends.",
        ),
    ),
    (
        "metadata-after-tagline",
        BASE.replace(f'"{TAGLINE}"\n', f'"{TAGLINE}"\nDirector: Duncan Jones\n'),
        _replace(director="Duncan Jones"),
    ),
    (
        "no-intro",
        BASE.replace(INTRO + "\n", ""),
        _replace(year=None, sections=(EXPECTED.sections[1],)),
    ),
    (
        "short-line-before-heading-is-a-paragraph",
        BASE.replace(INTRO, "Short And Sweet\nReally"),
        # "Short And Sweet" is followed by another heading-like line, so it is a paragraph;
        # "Really" is followed by the real heading, so it is not a heading either.
        _replace(
            year=None, sections=(Section(None, "Short And Sweet\n\nReally"), EXPECTED.sections[1])
        ),
    ),
    (
        "heading-needs-a-paragraph-after-it",
        BASE.replace(BODY_2, BODY_2 + "\nThe End Credits"),
        _replace(
            sections=(
                EXPECTED.sections[0],
                Section(HEADING, f"{BODY_1}\n\n{BODY_2}\n\nThe End Credits"),
            )
        ),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [v[1:] for v in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_variant_parses(text: str | bytes, expected: ParsedReview) -> None:
    assert parse_review(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [v[1:] for v in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_variant_round_trips(text: str | bytes, expected: ParsedReview) -> None:
    assert parse_review(render_review(expected)) == expected


def test_plain_review_renders_in_the_seed_layout() -> None:
    rendered = render_review(EXPECTED)
    assert rendered == (
        f'Moon\nYear: 2009\n"{TAGLINE}"\n{INTRO}\n{HEADING}\n{BODY_1}\n{BODY_2}\n'
        "Keep Exploring...\n-\nSolaris\n1972\n-\nSilent Running\n1972\n"
    )


def test_ambiguous_review_renders_as_markdown() -> None:
    # A one-line paragraph that looks like a heading cannot be told apart in plain text.
    review = _replace(sections=(Section(None, f"Quietly Great\n\n{INTRO}"), EXPECTED.sections[1]))
    rendered = render_review(review)
    assert rendered.startswith("# Moon\n")
    assert f"\n## {HEADING}\n" in rendered
    assert parse_review(rendered) == review


def test_paragraph_that_looks_like_metadata_is_escaped() -> None:
    review = _replace(tagline=None, sections=(Section(None, 'Year: 1984\n\n"Quoted"'),))
    rendered = render_review(review)
    assert "\n\\Year: 1984\n" in rendered
    assert '\n\\"Quoted"\n' in rendered
    assert parse_review(rendered) == review


def test_yearless_review_whose_prose_repeats_a_year_keeps_no_year() -> None:
    review = _replace(year=None)
    rendered = render_review(review)
    assert "Year: unknown" in rendered
    assert parse_review(rendered).year is None


def test_parse_review_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "moon.txt"
    path.write_bytes(BASE.encode())
    assert parse_review_file(path) == EXPECTED


# --- bad files -------------------------------------------------------------------------------

BAD: list[tuple[str, bytes, int | None, str]] = [
    ("empty", b"", None, "empty"),
    ("only-blank-lines", b"\xef\xbb\xbf\r\n  \n\xc2\xa0\n", None, "empty"),
    ("nul-bytes", b"Moon\nfine\n\x00\x01\x02", 3, "NUL"),
    ("latin-1", b"Moon\nA caf\xe9 on the base\n", 2, "UTF-8"),
    ("stray-byte-late", BASE.encode() + b"\n\xff", 15, "UTF-8"),
    ("control-character", b"Moon\n\n\x1b[31mred\n", 3, "control character"),
    ("starts-with-metadata", b"Year: 2009\nMoon\n", 1, "no title"),
    ("starts-with-tagline", b'\n"A quiet film."\nMoon\n', 2, "no title"),
    ("starts-with-keep-exploring", b"\n\nKeep Exploring\n- Moon (2009)\n", 3, "no title"),
    ("title-too-long", b"x" * 201 + b"\n", 1, "too long"),
    (
        "ke-year-typo",
        _with_ke("Keep Exploring", "- Solaris (1972)", "- Moon (20x9)").encode(),
        9,
        "'20x9' is not a year",
    ),
    (
        "ke-triple-year-is-a-word",
        _with_ke("Keep Exploring...", "-", "Moon", "soon").encode(),
        10,
        "'soon' is not a year",
    ),
    ("ke-year-out-of-range", _with_ke("Keep Exploring", "- Moon (1750)").encode(), 8, "1750"),
    ("ke-year-without-title", _with_ke("Keep Exploring", "- (2009)").encode(), 8, "no film title"),
    ("year-line-not-a-year", b"Moon\nYear: soon\n", 2, "'soon' is not a year"),
    ("year-given-twice", b"Moon\nYear: 2009\nDirector: Duncan Jones\nYear: 2010\n", 4, "twice"),
    ("too-large", b"Moon\n" + b"a" * MAX_REVIEW_BYTES, None, "too large"),
]


@pytest.mark.parametrize(("data", "line", "problem"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_file_names_source_and_line(data: bytes, line: int | None, problem: str) -> None:
    with pytest.raises(ReviewFormatError) as caught:
        parse_review(data, "reviews/moon.txt")
    error = caught.value
    assert error.source == "reviews/moon.txt"
    assert error.line == line
    assert problem in error.problem
    where = "reviews/moon.txt" if line is None else f"reviews/moon.txt:{line}"
    assert str(error).startswith(f"{where}: ")


def test_a_yearless_keep_exploring_entry_is_fine() -> None:
    review = parse_review(_with_ke("Keep Exploring", "- Moon"))
    assert review.keep_exploring == (FilmRef("Moon", None),)


def test_too_large_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_REVIEW_BYTES + 1)

    def refuse_to_read(self: Path) -> bytes:
        raise AssertionError("read a file that was already known to be too large")

    monkeypatch.setattr(Path, "read_bytes", refuse_to_read)
    with pytest.raises(ReviewFormatError, match="too large") as caught:
        parse_review_file(path)
    assert caught.value.source == str(path)


def test_missing_file_is_a_review_format_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(ReviewFormatError, match="cannot read") as caught:
        parse_review_file(path)
    assert caught.value.source == str(path)


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_raise_review_format_error(data: bytes) -> None:
    try:
        review = parse_review(data)
    except ReviewFormatError:
        return
    assert isinstance(review, ParsedReview)
    assert review.title


# Lines that each mean something to the reader, to build files that probe every rule.
TRICKY_LINES = [
    "Moon",
    "Host, The",
    "A Host, The",
    "Three Hearts",
    "A Short Line",
    "Why Not?",
    "Keep Exploring",
    "keep exploring:",
    "## Keep Exploring",
    "**Keep Exploring**",
    "Year: 2010",
    "**Year:** 2010",
    "Year: unknown",
    "Director: Someone",
    "Aliases: One; Two",
    "Summary: Short.",
    '"Quoted line."',
    "“Curly quoted”",
    "> quoted",
    "# Title",
    "## Heading",
    "### Deeper",
    "\\escaped",
    "\\",
    "#",
    "-",
    "*",
    "- Moon (2009)",
    "- Moon (or Something)",
    "Moon (2009)",
    "2009",
    "(2009)",
    "soon",
    "In 2010 and again in 2010 it played.",
    "It opened in 1999.",
    "a few words that wrap",
    "onto the next line",
    "A long paragraph line that ends the way a sentence does, with a full stop at the end.",
    "",
    "   ",
    "\u00a0",
]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TRICKY_LINES), max_size=25), st.sampled_from(["\n", "\r\n"]))
def test_whatever_parses_renders_back_the_same(lines: list[str], newline: str) -> None:
    try:
        review = parse_review(newline.join(lines))
    except ReviewFormatError:
        return
    assert parse_review(render_review(review)) == review


_CHARS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\u00a0\u202f\u2007")
_LINE = (
    st.one_of(
        st.sampled_from([line for line in TRICKY_LINES if line.strip()]),
        st.text(_CHARS, min_size=1, max_size=40),
    )
    .map(str.strip)
    .filter(bool)
)
_TITLE = _LINE.map(film_title).filter(lambda t: 0 < len(t) <= 200)
_YEAR = st.none() | st.integers(MIN_FILM_YEAR, MAX_FILM_YEAR)
_PARAGRAPHS = st.lists(_LINE, max_size=3).map("\n\n".join)


@st.composite
def _reviews(draw: st.DrawFn) -> ParsedReview:
    sections = []
    intro = draw(_PARAGRAPHS)
    if intro:
        sections.append(Section(None, intro))
    for heading in draw(st.lists(_LINE, max_size=3)):
        sections.append(Section(heading, draw(_PARAGRAPHS)))
    aliases = draw(st.lists(_LINE.filter(lambda a: ";" not in a).map(film_title), max_size=2))
    return ParsedReview(
        title=draw(_TITLE),
        year=draw(_YEAR),
        tagline=draw(st.none() | _LINE),
        sections=tuple(sections),
        keep_exploring=tuple(draw(st.lists(st.builds(FilmRef, _TITLE, _YEAR), max_size=4))),
        director=draw(st.none() | _LINE),
        aliases=tuple(a for a in aliases if a),
        summary=draw(st.none() | _LINE),
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(_reviews())
def test_every_representable_review_round_trips(review: ParsedReview) -> None:
    assert parse_review(render_review(review)) == review


# --- the project's own review files ---------------------------------------------------------


def _data_reviews() -> list[Path]:
    return sorted(DATA_REVIEWS.glob("*.txt")) if DATA_REVIEWS.is_dir() else []


@pytest.mark.parametrize("path", _data_reviews() or [None], ids=lambda p: p.name if p else "none")
def test_data_review_round_trips(path: Path | None) -> None:
    if path is None:
        pytest.skip("no review files in data/reviews yet")
    review = parse_review_file(path)
    assert review.title
    assert review.sections, "a review with no text"
    assert parse_review(render_review(review)) == review


# --- fast paths against the plain definitions they replaced ---------------------------------

_MARKER_ALPHABET = "kKKeEpPxXlLoOrRiıIİnNgG #*.…:\u00a0\t-"
_MARKERS = ["keep exploring", "KEEP  EXPLORING", "Keep explorıng:", "Keep Exploring…**", "Keep"]
_MARKER_EDGES = st.text(alphabet="#* \t\u00a0.:…x", max_size=4)
_MARKER_LINES = st.tuples(_MARKER_EDGES, st.sampled_from(_MARKERS), _MARKER_EDGES).map("".join)


@settings(max_examples=500)
@given(st.text(alphabet=_MARKER_ALPHABET, max_size=30) | _MARKER_LINES)
def test_marker_check_agrees_with_the_plain_one(line: str) -> None:
    # The plain check strips then matches; the fast one first rules out lines not starting so.
    core = line.lstrip("#").strip().strip("*").strip()
    plain = bool(review_format._MARKER_CORE.fullmatch(core))
    assert review_format.is_keep_exploring_marker(line) == plain


_TITLE_ALPHABET = "AaTthe ,:(-)'\u00a0\u2003\t\x1cLlDdr&É"


def _plain_display_title(title: str) -> str:
    text = re.sub(r"\s+", " ", title.replace("\u00a0", " ")).strip()
    m = titles._TRAILING_ARTICLE.match(text)
    if not m:
        return text
    article = m.group("article")
    article = article[0].upper() + article[1:]
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{m.group('rest')}{m.group('after')}".strip()


@settings(max_examples=500)
@given(st.text(alphabet=_TITLE_ALPHABET, max_size=30) | st.text(max_size=20))
def test_display_title_and_title_key_agree_with_the_plain_ones(title: str) -> None:
    assert titles.display_title(title) == _plain_display_title(title)
    folded = titles.fold(_plain_display_title(title))
    plain_key = titles._LEADING_ARTICLE.sub("", folded, count=1) or folded
    assert titles.title_key(title) == plain_key


@given(st.text(alphabet="ab \u00a0\u202f\u2007\r\n\té", max_size=40))
def test_clean_lines_agrees_with_cleaning_line_by_line(text: str) -> None:
    spaces = str.maketrans(dict.fromkeys("\u00a0\u202f\u2007", " "))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert clean_lines(text) == [line.translate(spaces).strip() for line in lines]
