"""Reading and writing review files.

A review file is plain text as the review site writes it, or the same structure as Markdown:

    Title                         (Markdown: "# Title")
    Year: 2010                    (optional metadata: Year, Director, Aliases, Summary)
    "Tagline"                     (optional; Markdown: '> "Tagline"')
    Paragraphs...
    Short Heading                 (Markdown: "## Short Heading")
    Paragraphs...
    Keep Exploring...             (any case; "...", "…", ":" or nothing after it)
    -                             (entries as "-", title, year lines,
    The Fountain                   or "- Title (Year)" / "Title (Year)" lines)
    2006

Plain text has no way to mark a heading, so a heading there is a guess: a short line without
closing punctuation that is followed by a paragraph. A file whose title line is "# Title", or
that has "## Heading" lines, is Markdown-like ("explicit"): only "##" lines are headings, and a
leading backslash keeps a line from being read as anything but paragraph text.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple, NoReturn

from bot.core.errors import ReviewFormatError
from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.titles import display_title

MAX_REVIEW_BYTES: int = 1_000_000
# The oldest surviving films are from the late 1870s; 2100 leaves room for announced films.
MIN_FILM_YEAR = 1870
MAX_FILM_YEAR = 2100
MAX_TITLE_CHARS = 200
HEADING_MAX_CHARS = 60
HEADING_MAX_WORDS = 10
# Hard-wrapped text is filled to at most this many columns; longer lines are whole paragraphs.
WRAP_WIDTH = 100

_NON_BREAKING_SPACES = str.maketrans(dict.fromkeys("\u00a0\u202f\u2007", " "))
# Control characters other than tab and line breaks mean the file is not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_OPEN_QUOTES = '"“”„«'
_CLOSE_QUOTES = '"”“»'
_SENTENCE_END = ".!?:;,…"
_TRAILING_CLOSERS = "\"'”’»)]"
_BULLETS = ("-", "*", "•", "+", "–")

_META_KEYS = r"year|director|directed by|aliases|alias|also known as|aka|summary"
_META = re.compile(
    rf"^(?:\*\*(?P<k1>{_META_KEYS})\s*:\s*\*\*|\*\*(?P<k2>{_META_KEYS})\*\*\s*:|(?P<k3>{_META_KEYS})\s*:)"
    r"\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_META_NAMES = {
    "year": "year",
    "director": "director",
    "directed by": "director",
    "aliases": "aliases",
    "alias": "aliases",
    "also known as": "aliases",
    "aka": "aliases",
    "summary": "summary",
}
# Values of `Year:` that say "no year" on purpose; they also stop the year being guessed.
_NO_YEAR_VALUES = frozenset({"", "?", "-", "unknown", "n/a", "none"})
_UNKNOWN_YEAR = "unknown"

_MARKER_CORE = re.compile(
    r"keep\s+exploring\s*(?:\.{2,}|…|:)?\s*(?:\*\*)?\s*(?:\.{2,}|…|:)?", re.IGNORECASE
)
# A marker's first letter after the "#", "*" and spaces is_keep_exploring_marker strips.
_MARKER_START = re.compile(r"[#*\s]*k", re.IGNORECASE)
_MARKDOWN_TITLE = re.compile(r"^#{1,6}\s+(?P<text>\S.*)$")
_EXPLICIT_HEADING = re.compile(r"^#{2,6}\s+(?P<text>\S.*)$")
_BULLET_PREFIX = re.compile(r"^(?:[-*•+–]\s+|\d{1,3}[.)]\s+)")
_TRAILING_PARENS = re.compile(r"^(?P<title>.*?)\s*\((?P<inner>[^()]*)\)$")
_BARE_YEAR = re.compile(r"^\(?\d{4}\)?$")
_FOUR_DIGITS = re.compile(r"\d{4}")
_YEAR_IN_PROSE = re.compile(r"(?<![\w$£€¥.,])(\d{4})(?!\w|[.,]\d|['’]s\b)")


# --- text files -----------------------------------------------------------------------------


def decode_text(
    data: bytes | str,
    source: str,
    *,
    max_bytes: int,
    error: type[ReviewFormatError] = ReviewFormatError,
) -> str:
    """The text of a file, or `error` naming the line that is not UTF-8 text.

    Shared with the CSV film lists so both kinds of upload fail the same clear way.
    """
    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = data.count("\n", 0, exc.start) + 1
            raise error(source, line, "not valid Unicode text") from None
    else:
        raw = bytes(data)
    if len(raw) > max_bytes:
        raise error(source, None, f"too large: {len(raw):,} bytes (the limit is {max_bytes:,})")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    nul = raw.find(b"\0")
    if nul >= 0:
        raise error(source, raw.count(b"\n", 0, nul) + 1, "not a text file (it has NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise error(source, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        code = f"U+{ord(control.group()):04X}"
        raise error(source, line, f"not a text file (control character {code})")
    return text


def clean_lines(text: str) -> list[str]:
    """Lines with any line ending, non-breaking spaces made plain, outer spaces removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = text.translate(_NON_BREAKING_SPACES)
    return [line.strip() for line in text.split("\n")]


def parse_film_year(text: str) -> int:
    """A film year such as "2006" or "(2006)"; ValueError saying why it is not one."""
    value = text.strip()
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    if not _FOUR_DIGITS.fullmatch(value):
        raise ValueError(f"{text.strip()!r} is not a year")
    year = int(value)
    if not MIN_FILM_YEAR <= year <= MAX_FILM_YEAR:
        raise ValueError(f"{year} is not a film year ({MIN_FILM_YEAR}–{MAX_FILM_YEAR})")
    return year


def film_title(text: str) -> str:
    """A title as people write it, stable under a second pass.

    display_title moves one trailing article per call ("A Host, The" needs two), so it is
    applied until nothing changes; a title read back from a rendered file is then the same.
    """
    for _ in range(len(text) + 1):
        better = display_title(text)
        if better == text:
            break
        text = better
    return text


# --- recognising lines ----------------------------------------------------------------------


def is_keep_exploring_marker(line: str) -> bool:
    """ "Keep Exploring", "KEEP EXPLORING", "## Keep exploring:", "**Keep Exploring…**"."""
    # Nearly every line is prose: one match rules it out before the stripping below.
    if not _MARKER_START.match(line):
        return False
    core = line.lstrip("#").strip().strip("*").strip()
    return bool(_MARKER_CORE.fullmatch(core))


def _tagline_of(line: str) -> str | None:
    """The tagline a line holds: a whole line in double quotes, or a Markdown quote."""
    text = line
    if text.startswith(">"):
        text = text[1:].strip()
        if not _is_quoted(text):
            return text or None
    elif not _is_quoted(text):
        return None
    return text[1:-1].strip() or None


def _is_quoted(text: str) -> bool:
    return len(text) >= 2 and text[0] in _OPEN_QUOTES and text[-1] in _CLOSE_QUOTES


def _looks_like_heading(text: str) -> bool:
    """Short, no closing sentence punctuation, not a quotation, has a letter."""
    if len(text) > HEADING_MAX_CHARS or len(text.split()) > HEADING_MAX_WORDS:
        return False
    if _is_quoted(text) or not any(c.isalpha() for c in text):
        return False
    return not text.rstrip(_TRAILING_CLOSERS).endswith(tuple(_SENTENCE_END))


def _unescape(line: str) -> str:
    """In explicit (Markdown-like) files a leading backslash means "just text"."""
    return line[1:].strip() if line.startswith("\\") else line


# --- parsing --------------------------------------------------------------------------------


def parse_review(data: bytes | str, source: str = "<text>") -> ParsedReview:
    """Read a review file; ReviewFormatError names the file and line of anything wrong."""
    text = decode_text(data, source, max_bytes=MAX_REVIEW_BYTES)
    return _ReviewReader(source, clean_lines(text)).read()


def parse_review_file(path: Path) -> ParsedReview:
    """Read a review file from disk, refusing one too large before reading it."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_REVIEW_BYTES:
            raise ReviewFormatError(
                source, None, f"too large: {size:,} bytes (the limit is {MAX_REVIEW_BYTES:,})"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewFormatError(source, None, f"cannot read the file ({exc.strerror})") from None
    return parse_review(data, source)


class _Unit(NamedTuple):
    """A paragraph or a heading candidate in the body, with the line it starts on.

    A named tuple rather than a frozen dataclass: a file makes a dozen, and a tuple is made
    three times as fast.
    """

    text: str
    line: int
    one_line: bool
    explicit_heading: bool = False


class _ReviewReader:
    """One pass over a file's cleaned lines: title, header, body, Keep Exploring."""

    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        self.meta_lines: dict[str, int] = {}
        self.year: int | None = None
        self.year_given = False
        self.director: str | None = None
        self.aliases: tuple[str, ...] = ()
        self.summary: str | None = None
        self.tagline: str | None = None

    def fail(self, line: int | None, problem: str) -> NoReturn:
        raise ReviewFormatError(self.source, line, problem)

    def read(self) -> ParsedReview:
        lines = self.lines
        start = next((i for i, line in enumerate(lines) if line), None)
        if start is None:
            self.fail(None, "the file is empty")
        title, explicit = self.read_title(start)
        body_start = self.read_header(start + 1)
        marker = next(
            (i for i in range(body_start, len(lines)) if is_keep_exploring_marker(lines[i])),
            len(lines),
        )
        body = list(range(body_start, marker))
        explicit = explicit or any(
            _EXPLICIT_HEADING.match(lines[i]) for i in body if not lines[i].startswith("\\")
        )
        sections = _sections(self.body_units(body, explicit))
        keep_exploring = self.read_keep_exploring(marker + 1)
        year = self.year
        if not self.year_given:
            year = dominant_year(_prose_of(self.tagline, sections), title)
        return ParsedReview(
            title=title,
            year=year,
            tagline=self.tagline,
            sections=sections,
            keep_exploring=keep_exploring,
            director=self.director,
            aliases=self.aliases,
            summary=self.summary,
        )

    def read_title(self, index: int) -> tuple[str, bool]:
        line = self.lines[index]
        markdown = _MARKDOWN_TITLE.match(line)
        if markdown:
            raw, explicit = markdown.group("text"), True
        else:
            if is_keep_exploring_marker(line):
                self.fail(index + 1, "no title: the file starts with the Keep Exploring list")
            if _META.match(line):
                self.fail(index + 1, "no title: the first line is a metadata line")
            if _tagline_of(line) is not None:
                self.fail(index + 1, "no title: the first line is a quotation")
            raw, explicit = line, False
        title = film_title(raw)
        if len(title) > MAX_TITLE_CHARS:
            self.fail(index + 1, f"no title: the first line is too long for a title ({len(title)})")
        return title, explicit

    def read_header(self, index: int) -> int:
        """Metadata and tagline lines after the title; returns where the body starts."""
        lines = self.lines
        while index < len(lines):
            line = lines[index]
            if not line:
                index += 1
                continue
            if is_keep_exploring_marker(line):
                break
            meta = _META.match(line)
            if meta:
                key = meta.group("k1") or meta.group("k2") or meta.group("k3")
                self.read_meta(_META_NAMES[" ".join(key.lower().split())], meta["value"], index + 1)
            elif self.tagline is None and (tagline := _tagline_of(line)) is not None:
                self.tagline = tagline
            else:
                break
            index += 1
        return index

    def read_meta(self, name: str, value: str, line: int) -> None:
        if name in self.meta_lines:
            self.fail(
                line, f"{name.capitalize()} is given twice (also on line {self.meta_lines[name]})"
            )
        self.meta_lines[name] = line
        value = value.strip()
        if name == "year":
            self.year_given = True
            if value.lower() not in _NO_YEAR_VALUES:
                try:
                    self.year = parse_film_year(value)
                except ValueError as exc:
                    self.fail(line, f"Year: {exc}")
        elif name == "director":
            self.director = value or None
        elif name == "aliases":
            self.aliases = tuple(film_title(a) for a in value.split(";") if a.strip())
        else:
            self.summary = value or None

    def body_units(self, body: Sequence[int], explicit: bool) -> list[_Unit]:
        """Paragraphs and headings of the body, in order."""
        # Pieces in order: explicit headings, and blocks (runs of non-blank lines: index, text).
        pieces: list[_Unit | list[tuple[int, str]]] = []
        block: list[tuple[int, str]] = []
        for i in body:
            line = self.lines[i]
            heading = _EXPLICIT_HEADING.match(line) if explicit else None
            text = _unescape(line) if explicit else line
            if heading or not text:
                if block:
                    pieces.append(block)
                    block = []
                heading_text = _unescape(heading.group("text")) if heading else ""
                # "## \\" names nothing: it is left out like a blank line.
                if heading_text:
                    pieces.append(_Unit(heading_text, i + 1, True, explicit_heading=True))
                continue
            block.append((i, text))
        if block:
            pieces.append(block)

        blocks = [[text for _, text in piece] for piece in pieces if isinstance(piece, list)]
        filled = [i for i in body if self.lines[i]]
        has_blank_lines = bool(filled) and filled[-1] - filled[0] + 1 > len(filled)
        wrapped = has_blank_lines and _looks_hard_wrapped(blocks)
        fill_width = max((len(line) for b in blocks for line in b[:-1]), default=0)
        units: list[_Unit] = []
        for piece in pieces:
            if isinstance(piece, _Unit):
                units.append(piece)
            else:
                units.extend(_block_units(piece, wrapped, explicit, fill_width))
        return units if explicit else _mark_guessed_headings(units)

    def read_keep_exploring(self, index: int) -> tuple[FilmRef, ...]:
        return _KeepExploringReader(self).read(index)


def _looks_hard_wrapped(blocks: Iterable[list[str]]) -> bool:
    """Paragraphs of several lines, every line filled short, as an editor wraps them.

    The seed's one-paragraph lines are far longer, so a block holding one is not wrapped.
    """
    multi_line = [lines for lines in blocks if len(lines) > 1]
    return bool(multi_line) and all(len(line) <= WRAP_WIDTH for b in multi_line for line in b)


def _block_units(
    block: list[tuple[int, str]], wrapped: bool, explicit: bool, fill_width: int
) -> list[_Unit]:
    if not wrapped:
        return [_Unit(text, i + 1, True) for i, text in block]
    units = []
    if not explicit and len(block) > 1 and _broken_on_purpose(block[0][1], block[1][1], fill_width):
        units.append(_Unit(block[0][1], block[0][0] + 1, True))
        block = block[1:]
    units.append(_Unit(" ".join(text for _, text in block), block[0][0] + 1, len(block) == 1))
    return units


def _broken_on_purpose(line: str, following: str, fill_width: int) -> bool:
    """A heading-like first line that stops although the next word would have fitted on it.

    Filling a paragraph never does that, so the line ended where the author wanted: a heading.
    """
    next_word = following.split(maxsplit=1)[0]
    return _looks_like_heading(line) and len(line) + 1 + len(next_word) <= fill_width


def _mark_guessed_headings(units: list[_Unit]) -> list[_Unit]:
    """A heading is a short one-line unit followed by something that is not heading-like."""
    marked = []
    for n, unit in enumerate(units):
        following = units[n + 1] if n + 1 < len(units) else None
        is_heading = (
            unit.one_line
            and following is not None
            and _looks_like_heading(unit.text)
            and not _looks_like_heading(following.text)
        )
        if unit.explicit_heading != is_heading:
            unit = _Unit(unit.text, unit.line, unit.one_line, explicit_heading=is_heading)
        marked.append(unit)
    return marked


def _sections(units: list[_Unit]) -> tuple[Section, ...]:
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    started = False
    for unit in units:
        if unit.explicit_heading:
            if started or paragraphs:
                sections.append(Section(heading, "\n\n".join(paragraphs)))
            heading, paragraphs, started = unit.text, [], True
        elif unit.text:
            paragraphs.append(unit.text)
    if started or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return tuple(sections)


class _KeepExploringReader:
    """The related films: "-", title, year triples, or "- Title (Year)" / "Title (Year)" lines."""

    def __init__(self, review: _ReviewReader) -> None:
        self.review = review

    def read(self, index: int) -> tuple[FilmRef, ...]:
        lines = self.review.lines
        titles: list[str] = []
        years: list[int | None] = []
        # "want_title" after a lone bullet, "want_year" after a triple's title.
        state = "free"
        # A "- Title" line may take its year from the next line.
        year_may_follow = False
        for i in range(index, len(lines)):
            line, number = lines[i], i + 1
            if not line:
                continue
            if state == "want_title":
                titles.append(self.title(line, number))
                years.append(None)
                state = "want_year"
                continue
            if state == "want_year":
                state = "free"
                if line in _BULLETS:
                    state = "want_title"
                    continue
                if not _BULLET_PREFIX.match(line):
                    years[-1] = self.year(line, number, f"the year of {titles[-1]!r}")
                    continue
            if line in _BULLETS:
                state = "want_title"
                year_may_follow = False
                continue
            if year_may_follow and _BARE_YEAR.match(line):
                years[-1] = self.year(line, number, "a year")
                year_may_follow = False
                continue
            title, year, had_parens = self.entry(line, number)
            titles.append(title)
            years.append(year)
            year_may_follow = year is None and not had_parens
        return tuple(FilmRef(t, y) for t, y in zip(titles, years, strict=True))

    def title(self, text: str, line: int) -> str:
        title = film_title(text)
        if len(title) > MAX_TITLE_CHARS:
            self.review.fail(line, f"Keep Exploring: line too long for a film title ({len(title)})")
        return title

    def year(self, text: str, line: int, what: str) -> int:
        try:
            return parse_film_year(text)
        except ValueError as exc:
            self.review.fail(line, f"Keep Exploring: expected {what}, but {exc}")

    def entry(self, line: str, number: int) -> tuple[str, int | None, bool]:
        """Title, year and whether a "(...)" year was written, from one entry line."""
        text = _BULLET_PREFIX.sub("", line, count=1)
        parens = _TRAILING_PARENS.match(text)
        if parens and _looks_like_year_attempt(parens.group("inner")):
            year = self.year(parens.group("inner"), number, "a year in brackets")
            if not parens.group("title"):
                self.review.fail(number, "Keep Exploring: a year with no film title")
            return self.title(parens.group("title"), number), year, True
        return self.title(text, number), None, False


def _looks_like_year_attempt(text: str) -> bool:
    """ "2009", "20x9", "199?" are years, maybe mistyped; "or The Unexpected..." is a title's."""
    text = text.strip()
    return 2 <= len(text) <= 8 and " " not in text and sum(c.isdigit() for c in text) >= 2


# --- the reviewed film's year ---------------------------------------------------------------


def _prose_of(tagline: str | None, sections: Iterable[Section]) -> list[str]:
    texts = [tagline] if tagline else []
    for section in sections:
        if section.heading:
            texts.append(section.heading)
        texts.append(section.text)
    return texts


def years_mentioned(text: str) -> list[int]:
    """Four-digit film years in prose; decades ("1990s"), money and decimals left out."""
    years = (int(m.group(1)) for m in _YEAR_IN_PROSE.finditer(text))
    return [y for y in years if MIN_FILM_YEAR <= y <= MAX_FILM_YEAR]


def dominant_year(texts: Iterable[str], title: str) -> int | None:
    """The year a review is about, when one year clearly dominates its prose.

    Clearly dominates: mentioned at least twice and strictly more often than any other year.
    Years in the title ("Blade Runner 2049") say nothing about the release and are ignored.
    """
    in_title = set(years_mentioned(title))
    counts = Counter(y for text in texts for y in years_mentioned(text) if y not in in_title)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2:
        return None
    if len(ranked) == 2 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


# --- rendering ------------------------------------------------------------------------------


def render_review(review: ParsedReview) -> str:
    """Write a review file that reads back as exactly this review.

    The plain format the review site uses is preferred. Plain text cannot say "this short line
    is a paragraph, not a heading" (nor that a first paragraph in quotes is not the tagline),
    so when the plain file would read back differently the explicit Markdown form is written.
    """
    plain = _render(review, markdown=False)
    try:
        if parse_review(plain) == review:
            return plain
    except ReviewFormatError:
        pass
    return _render(review, markdown=True)


def _render(review: ParsedReview, *, markdown: bool) -> str:
    lines = [f"# {review.title}" if markdown else review.title]
    lines.extend(_metadata_lines(review))
    if review.tagline:
        lines.append(f'> "{review.tagline}"' if markdown else f'"{review.tagline}"')
    gap = [""] if markdown else []
    lines.extend(gap)
    for section in review.sections:
        if section.heading is not None:
            lines.extend([_markdown_heading(section.heading) if markdown else section.heading])
            lines.extend(gap)
        for paragraph in section.text.split("\n\n") if section.text else ():
            lines.append(_markdown_paragraph(paragraph) if markdown else paragraph)
            lines.extend(gap)
    if review.keep_exploring:
        lines.append("## Keep Exploring" if markdown else "Keep Exploring...")
        lines.extend(gap)
        for ref in review.keep_exploring:
            lines.extend(_keep_exploring_lines(ref, markdown=markdown))
    return "\n".join(lines).rstrip("\n") + "\n"


def _metadata_lines(review: ParsedReview) -> list[str]:
    lines = []
    if review.year is not None:
        lines.append(f"Year: {review.year}")
    elif dominant_year(_prose_of(review.tagline, review.sections), review.title) is not None:
        # Without this the reader would take the year the prose keeps mentioning.
        lines.append(f"Year: {_UNKNOWN_YEAR}")
    return lines + metadata_lines(review)


def metadata_lines(review: ParsedReview) -> list[str]:
    """The `Director:`, `Aliases:` and `Summary:` lines a review's file carries (year aside)."""
    lines = []
    if review.director:
        lines.append(f"Director: {review.director}")
    if review.aliases:
        lines.append(f"Aliases: {'; '.join(review.aliases)}")
    if review.summary:
        lines.append(f"Summary: {review.summary}")
    return lines


def _markdown_heading(heading: str) -> str:
    line = f"## {heading}"
    if heading.startswith("\\") or is_keep_exploring_marker(line):
        return f"## \\{heading}"
    return line


def _markdown_paragraph(paragraph: str) -> str:
    """A paragraph line, escaped when it would otherwise read as something else."""
    special = (
        paragraph.startswith(("\\", "#", ">", *_OPEN_QUOTES))
        or _META.match(paragraph)
        or is_keep_exploring_marker(paragraph)
    )
    return f"\\{paragraph}" if special else paragraph


def _keep_exploring_lines(ref: FilmRef, *, markdown: bool) -> list[str]:
    """The seed's "-", title, year triple, or one "- Title (Year)" line where it reads back."""
    one_line = f"- {ref.label()}" if markdown or ref.year is None else None
    if one_line is not None and _reads_back_as(one_line, ref):
        return [one_line]
    return ["-", ref.title] if ref.year is None else ["-", ref.title, str(ref.year)]


def _reads_back_as(line: str, ref: FilmRef) -> bool:
    reader = _KeepExploringReader(_ReviewReader("<render>", [line]))
    try:
        return reader.read(0) == (ref,)
    except ReviewFormatError:
        return False
