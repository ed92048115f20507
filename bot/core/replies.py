"""The reply model: what filmbot answers, built once, rendered by each front end.

The Discord front end renders these as embeds and components, the terminal as text. Limits
belong to the renderers; these objects hold the whole truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.model import AuditEntry, Film, SearchHit, Section
from bot.core.prepare import PreparedReview
from bot.core.recommend import Suggestion


class Action(StrEnum):
    """What the person asked to do with the film they named."""

    REVIEW = "review"
    SIMILAR = "similar"


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ReviewCard:
    film: Film
    tagline: str | None
    summary: str
    keep_exploring: tuple[Film, ...]
    reading_minutes: int
    added_by: str
    sections: tuple[Section, ...]
    version: int


@dataclass(frozen=True, slots=True)
class UnreviewedCard:
    """A film the catalogue knows but nobody has reviewed yet."""

    film: Film
    linked_from: tuple[Film, ...]
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class ChooseFilm:
    """Several films share the title asked for: the person picks one."""

    query: str
    candidates: tuple[Film, ...]
    action: Action


@dataclass(frozen=True, slots=True)
class NoMatch:
    query: str
    suggestions: tuple[Film, ...]
    action: Action


@dataclass(frozen=True, slots=True)
class SimilarFilms:
    film: Film
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    text: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True, slots=True)
class HelpTopic:
    usage: str
    description: str


HELP_TOPICS: tuple[HelpTopic, ...] = (
    HelpTopic("/review film", "A review's card: tagline, summary and the films to explore next."),
    HelpTopic("/similar film [count]", "Films like the one you name, each with why."),
    HelpTopic("/search text", "Search the text of every review."),
    HelpTopic("/random", "A reviewed film picked at random."),
    HelpTopic("/help", "This list."),
    HelpTopic(
        "/reviews add | edit | remove | import | log",
        "Moderators: change the reviews (with a preview first) and read the audit log.",
    ),
)


@dataclass(frozen=True, slots=True)
class HelpReply:
    topics: tuple[HelpTopic, ...] = HELP_TOPICS
    chat_hint: str = (
        'You can also just talk to me: "what did you think of moon?", '
        '"anything like the host 2006?", "search clones boarding school".'
    )


@dataclass(frozen=True, slots=True)
class Notice:
    text: str
    tone: Tone = Tone.INFO


@dataclass(frozen=True, slots=True)
class AuditLog:
    entries: tuple[AuditEntry, ...]


@dataclass(frozen=True, slots=True)
class ReviewPreview:
    """A moderator's parsed review, shown before anything is stored."""

    review: PreparedReview
    replaces: Film | None = None
    known_film: Film | None = None  # the catalogue film this review would attach to


Reply = (
    ReviewCard
    | UnreviewedCard
    | ChooseFilm
    | NoMatch
    | SimilarFilms
    | SearchResults
    | HelpReply
    | Notice
    | AuditLog
    | ReviewPreview
)
