"""What a chat message asks for: the terminal's lines and Discord mentions share this."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Long enough for any sentence that names a film; the rest is noise we need not scan.
MAX_MESSAGE_CHARS = 500
DEFAULT_SIMILAR_COUNT = 5
MAX_SIMILAR_COUNT = 10


class Intent(StrEnum):
    REVIEW = "review"
    SIMILAR = "similar"
    SEARCH = "search"
    RANDOM = "random"
    HELP = "help"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Request:
    intent: Intent
    text: str = ""
    count: int = DEFAULT_SIMILAR_COUNT


_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_SLASH = re.compile(r"^/(review|similar|search|random|help)\b\s*(.*)$", re.IGNORECASE | re.DOTALL)
_TRAILING_COUNT = re.compile(r"^(?P<rest>.*?)\s+(?P<count>\d{1,2})$")
_HELP = re.compile(
    r"^(?:help|commands|what can you do|how do (?:i|you) use (?:you|this))\W*$", re.IGNORECASE
)
_RANDOM = re.compile(
    r"^(?:random|surprise me|pick (?:a|any) (?:film|movie)(?: for me)?|"
    r"(?:give me |recommend )?(?:a|any) random (?:film|movie|review))\W*$",
    re.IGNORECASE,
)
_SEARCH = re.compile(
    r"^(?:search(?: for)?|find reviews? (?:about|with|mentioning)|"
    r"reviews? (?:about|mentioning))\s+(?P<text>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_SIMILAR = re.compile(
    r"\b(?:similar to|films? like|movies? like|anything like|something like|more like|"
    r"recommend(?:ations)? (?:for fans of|like)|if i liked|because i liked)\s+(?P<text>.+)$",
    re.IGNORECASE | re.DOTALL,
)


def strip_mentions(text: str) -> str:
    return " ".join(_MENTION.sub(" ", text).split())


def parse_request(message: str) -> Request:
    """Read what a message asks for. Never fails: anything unclear is a review request."""
    text = strip_mentions(message[:MAX_MESSAGE_CHARS])
    if not text.strip(" ?!.,"):
        return Request(Intent.EMPTY)
    slash = _SLASH.match(text)
    if slash:
        return _slash_request(slash.group(1).lower(), slash.group(2).strip())
    if _HELP.match(text):
        return Request(Intent.HELP)
    if _RANDOM.match(text):
        return Request(Intent.RANDOM)
    search = _SEARCH.match(text)
    if search:
        return Request(Intent.SEARCH, search.group("text").strip())
    similar = _SIMILAR.search(text)
    if similar and similar.group("text").strip(" ?!.,"):
        return Request(Intent.SIMILAR, similar.group("text").strip())
    return Request(Intent.REVIEW, text)


def _slash_request(command: str, argument: str) -> Request:
    intent = Intent(command)
    if intent is Intent.SIMILAR:
        counted = _TRAILING_COUNT.match(argument)
        if counted:
            count = max(1, min(MAX_SIMILAR_COUNT, int(counted.group("count"))))
            return Request(intent, counted.group("rest").strip(), count)
    if intent in (Intent.REVIEW, Intent.SIMILAR, Intent.SEARCH) and not argument:
        return Request(Intent.EMPTY, command)
    return Request(intent, argument)
