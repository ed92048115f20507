"""Discord's payload limits, checked the way the API checks them.

Every check returns a list of `FieldError`s; `errors_tree` turns them into the nested "errors"
object of Discord's 50035 "Invalid Form Body" answer, so discord.py raises the same
`HTTPException` text a bot would get from the real API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tests.standin.payloads import JSON, MENTION_PATTERN

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_WIDTH = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
LABEL_DESCRIPTION_MAX = 100
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
CHAT_INPUT_COMMANDS_MAX = 100
COMMAND_TOTAL_TEXT_MAX = 4000
V2_COMPONENTS_MAX = 40
V2_TEXT_MAX = 4000

FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_COMPONENTS_V2 = 1 << 15

BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
ACTION_ROW = 1
SECTION = 9
TEXT_DISPLAY = 10
CONTAINER = 17
LABEL = 18

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    path: Path
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.path) or "<body>"
        return f"In {where}: {self.message}"


def errors_tree(errors: Iterable[FieldError]) -> JSON:
    """Discord's nested error object: {"embeds": {"0": {"description": {"_errors": [...]}}}}."""
    tree: JSON = {}
    for error in errors:
        node = tree
        for part in error.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return tree


def _text_length(
    value: Any, path: Path, *, maximum: int, minimum: int = 0, required: bool = False
) -> list[FieldError]:
    if value is None:
        if required:
            return [FieldError(path, "BASE_TYPE_REQUIRED", "This field is required")]
        return []
    if not isinstance(value, str):
        return [FieldError(path, "STRING_TYPE_CONVERT", "Could not interpret value as string.")]
    if required and not value:
        return [FieldError(path, "BASE_TYPE_REQUIRED", "This field is required")]
    if minimum and not minimum <= len(value) <= maximum:
        return [
            FieldError(
                path, "BASE_TYPE_BAD_LENGTH", f"Must be between {minimum} and {maximum} in length."
            )
        ]
    if len(value) > maximum:
        return [FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {maximum} or fewer in length.")]
    return []


def _count(items: Sequence[Any], path: Path, *, maximum: int, minimum: int = 0) -> list[FieldError]:
    if len(items) > maximum:
        return [FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {maximum} or fewer in length.")]
    if len(items) < minimum:
        return [FieldError(path, "BASE_TYPE_MIN_LENGTH", f"Must be {minimum} or more in length.")]
    return []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --- messages -------------------------------------------------------------------------------


def embed_text_length(embed: JSON) -> int:
    """The characters Discord counts towards the 6,000 total of one message's embeds."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for embed_field in _list(embed.get("fields")):
        total += len(embed_field.get("name") or "") + len(embed_field.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def check_embeds(embeds: Any, path: Path = ("embeds",)) -> list[FieldError]:
    embeds = _list(embeds)
    errors = _count(embeds, path, maximum=EMBEDS_MAX)
    for index, embed in enumerate(embeds):
        here = (*path, index)
        errors += _text_length(embed.get("title"), (*here, "title"), maximum=EMBED_TITLE_MAX)
        errors += _text_length(
            embed.get("description"), (*here, "description"), maximum=EMBED_DESCRIPTION_MAX
        )
        fields = _list(embed.get("fields"))
        errors += _count(fields, (*here, "fields"), maximum=EMBED_FIELDS_MAX)
        for field_index, embed_field in enumerate(fields):
            field_path = (*here, "fields", field_index)
            errors += _text_length(
                embed_field.get("name"),
                (*field_path, "name"),
                minimum=1,
                maximum=EMBED_FIELD_NAME_MAX,
                required=True,
            )
            errors += _text_length(
                embed_field.get("value"),
                (*field_path, "value"),
                minimum=1,
                maximum=EMBED_FIELD_VALUE_MAX,
                required=True,
            )
        footer = embed.get("footer")
        if footer is not None:
            errors += _text_length(
                footer.get("text"),
                (*here, "footer", "text"),
                minimum=1,
                maximum=EMBED_FOOTER_MAX,
                required=True,
            )
        author = embed.get("author")
        if author is not None:
            errors += _text_length(
                author.get("name"),
                (*here, "author", "name"),
                minimum=1,
                maximum=EMBED_AUTHOR_NAME_MAX,
                required=True,
            )
        colour = embed.get("color")
        if colour is not None and not (isinstance(colour, int) and 0 <= colour <= 0xFFFFFF):
            errors.append(
                FieldError((*here, "color"), "NUMBER_TYPE_MAX", "int value should be <= 16777215.")
            )
    if sum(embed_text_length(embed) for embed in embeds) > EMBED_TOTAL_MAX:
        errors.append(
            FieldError(
                path,
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
            )
        )
    return errors


def _check_custom_id(component: JSON, path: Path, seen: set[str]) -> list[FieldError]:
    custom_id = component.get("custom_id")
    errors = _text_length(
        custom_id, (*path, "custom_id"), minimum=1, maximum=CUSTOM_ID_MAX, required=True
    )
    if isinstance(custom_id, str):
        if custom_id in seen:
            errors.append(
                FieldError(
                    (*path, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            )
        seen.add(custom_id)
    return errors


def _check_button(button: JSON, path: Path, seen: set[str]) -> list[FieldError]:
    errors = _text_length(button.get("label"), (*path, "label"), maximum=BUTTON_LABEL_MAX)
    style = button.get("style")
    if style == 5:
        if not button.get("url"):
            errors.append(
                FieldError((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
            )
        if "custom_id" in button:
            errors.append(
                FieldError(
                    (*path, "custom_id"),
                    "BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID",
                    "A link button cannot have a custom id",
                )
            )
    elif style == 6:
        if not button.get("sku_id"):
            errors.append(
                FieldError((*path, "sku_id"), "BASE_TYPE_REQUIRED", "This field is required")
            )
    elif style in (1, 2, 3, 4):
        errors += _check_custom_id(button, path, seen)
    else:
        errors.append(
            FieldError(
                (*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."
            )
        )
    if style != 6 and not button.get("label") and not button.get("emoji"):
        errors.append(
            FieldError(
                path,
                "BUTTON_COMPONENT_MISSING_LABEL_OR_EMOJI",
                "A button must have a label or an emoji",
            )
        )
    return errors


def _check_select(select: JSON, path: Path, seen: set[str]) -> list[FieldError]:
    errors = _check_custom_id(select, path, seen)
    errors += _text_length(
        select.get("placeholder"), (*path, "placeholder"), maximum=SELECT_PLACEHOLDER_MAX
    )
    min_values = select.get("min_values", 1)
    max_values = select.get("max_values", 1)
    if not 0 <= min_values <= SELECT_OPTIONS_MAX:
        errors.append(
            FieldError((*path, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25.")
        )
    if not 1 <= max_values <= SELECT_OPTIONS_MAX:
        errors.append(
            FieldError((*path, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25.")
        )
    if min_values > max_values:
        errors.append(
            FieldError(
                (*path, "min_values"),
                "SELECT_COMPONENT_MIN_VALUES_GREATER_THAN_MAX",
                "min_values must be less than or equal to max_values",
            )
        )
    if select.get("type") == STRING_SELECT:
        options = _list(select.get("options"))
        errors += _count(options, (*path, "options"), minimum=1, maximum=SELECT_OPTIONS_MAX)
        if max_values > len(options) and options:
            errors.append(
                FieldError(
                    (*path, "max_values"),
                    "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
                    "max_values must be less than or equal to the number of options",
                )
            )
        values: set[str] = set()
        for index, option in enumerate(options):
            option_path = (*path, "options", index)
            for key in ("label", "value"):
                errors += _text_length(
                    option.get(key),
                    (*option_path, key),
                    minimum=1,
                    maximum=SELECT_OPTION_TEXT_MAX,
                    required=True,
                )
            errors += _text_length(
                option.get("description"),
                (*option_path, "description"),
                maximum=SELECT_OPTION_TEXT_MAX,
            )
            value = option.get("value")
            if isinstance(value, str):
                if value in values:
                    errors.append(
                        FieldError(
                            (*option_path, "value"),
                            "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                            "Select menu option value cannot be duplicated",
                        )
                    )
                values.add(value)
    return errors


def _check_action_row(row: JSON, path: Path, seen: set[str]) -> list[FieldError]:
    if row.get("type") != ACTION_ROW:
        return [
            FieldError(
                (*path, "type"),
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1,).',
            )
        ]
    children = _list(row.get("components"))
    errors = _count(children, (*path, "components"), minimum=1, maximum=ROW_WIDTH)
    has_select = any(child.get("type") in SELECT_TYPES for child in children)
    if has_select and len(children) > 1:
        errors.append(
            FieldError(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        )
    for index, child in enumerate(children):
        errors += _check_interactive(child, (*path, "components", index), seen)
    return errors


def _check_interactive(component: JSON, path: Path, seen: set[str]) -> list[FieldError]:
    kind = component.get("type")
    if kind == BUTTON:
        return _check_button(component, path, seen)
    if kind in SELECT_TYPES:
        return _check_select(component, path, seen)
    return [
        FieldError(
            (*path, "type"),
            "COMPONENT_TYPE_INVALID",
            f"Component type {kind} is not valid here",
        )
    ]


def _walk_v2(components: list[Any]) -> Iterator[JSON]:
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk_v2(_list(component.get("components")))
        accessory = component.get("accessory")
        if isinstance(accessory, dict):
            yield accessory


def _check_components_v2(components: list[Any], path: Path) -> list[FieldError]:
    every = list(_walk_v2(components))
    errors: list[FieldError] = []
    if len(every) > V2_COMPONENTS_MAX:
        errors.append(
            FieldError(
                path, "BASE_TYPE_MAX_LENGTH", f"Must be {V2_COMPONENTS_MAX} or fewer in length."
            )
        )
    text = sum(len(c.get("content") or "") for c in every if c.get("type") == TEXT_DISPLAY)
    if text > V2_TEXT_MAX:
        errors.append(
            FieldError(
                path,
                "COMPONENTS_TEXT_TOO_LONG",
                f"The text of all text displays together must be {V2_TEXT_MAX} or fewer.",
            )
        )
    seen: set[str] = set()
    for component in every:
        kind = component.get("type")
        if kind == ACTION_ROW:
            children = _list(component.get("components"))
            errors += _count(children, path, minimum=1, maximum=ROW_WIDTH)
            if len(children) > 1 and any(c.get("type") in SELECT_TYPES for c in children):
                errors.append(
                    FieldError(
                        path,
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "The specified component exceeds the maximum width",
                    )
                )
        elif kind == BUTTON:
            errors += _check_button(component, path, seen)
        elif kind in SELECT_TYPES:
            errors += _check_select(component, path, seen)
    return errors


def check_components(components: Any, flags: int, path: Path = ("components",)) -> list[FieldError]:
    components = _list(components)
    if flags & FLAG_COMPONENTS_V2:
        return _check_components_v2(components, path)
    errors = _count(components, path, maximum=ACTION_ROWS_MAX)
    seen: set[str] = set()
    for index, row in enumerate(components):
        errors += _check_action_row(row, (*path, index), seen)
    return errors


def check_message(payload: JSON) -> list[FieldError]:
    """Limits of a message create or edit payload (only the fields it carries)."""
    errors = _text_length(payload.get("content"), ("content",), maximum=CONTENT_MAX)
    flags = payload.get("flags") or 0
    if "embeds" in payload:
        errors += check_embeds(payload["embeds"])
    if "components" in payload:
        errors += check_components(payload["components"], flags)
    if flags & FLAG_COMPONENTS_V2 and (payload.get("content") or payload.get("embeds")):
        errors.append(
            FieldError(
                ("content",),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used with components v2",
            )
        )
    return errors


def is_empty_message(message: JSON) -> bool:
    """Whether a (merged) message has nothing to show: Discord's 50006."""
    return not (
        (message.get("content") or "").strip()
        or message.get("embeds")
        or message.get("components")
        or message.get("attachments")
        or message.get("sticker_ids")
        or message.get("poll")
    )


# --- pings ----------------------------------------------------------------------------------


def mentions_silenced(payload: JSON) -> bool:
    """True when `allowed_mentions` forbids every ping (what AllowedMentions.none() sends)."""
    allowed = payload.get("allowed_mentions")
    if not isinstance(allowed, dict):
        return False
    return (
        allowed.get("parse") == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user")
    )


def mention_tokens(payload: JSON) -> list[str]:
    """@everyone, @here and <@id> tokens in the content and embed text of a payload."""
    texts = [payload.get("content") or ""]
    for embed in _list(payload.get("embeds")):
        texts += [embed.get("title") or "", embed.get("description") or ""]
        for embed_field in _list(embed.get("fields")):
            texts += [embed_field.get("name") or "", embed_field.get("value") or ""]
    return [token for text in texts for token in MENTION_PATTERN.findall(text)]


# --- interaction callbacks ------------------------------------------------------------------


def check_autocomplete(data: JSON) -> list[FieldError]:
    choices = _list(data.get("choices"))
    path: Path = ("data", "choices")
    errors = _count(choices, path, maximum=CHOICES_MAX)
    for index, choice in enumerate(choices):
        errors += _check_choice(choice, (*path, index))
    return errors


def _check_choice(choice: JSON, path: Path) -> list[FieldError]:
    errors = _text_length(
        choice.get("name"), (*path, "name"), minimum=1, maximum=CHOICE_NAME_MAX, required=True
    )
    value = choice.get("value")
    if isinstance(value, str):
        errors += _text_length(value, (*path, "value"), maximum=CHOICE_STRING_VALUE_MAX)
    elif value is None:
        errors.append(FieldError((*path, "value"), "BASE_TYPE_REQUIRED", "This field is required"))
    return errors


def _check_text_input(text_input: JSON, path: Path, *, labelled: bool) -> list[FieldError]:
    errors = _check_custom_id(text_input, path, set())
    if not labelled:
        errors += _text_length(
            text_input.get("label"),
            (*path, "label"),
            minimum=1,
            maximum=TEXT_INPUT_LABEL_MAX,
            required=True,
        )
    if text_input.get("style") not in (1, 2):
        errors.append(
            FieldError((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
        )
    min_length = text_input.get("min_length", 0)
    max_length = text_input.get("max_length", TEXT_INPUT_VALUE_MAX)
    if not 0 <= min_length <= TEXT_INPUT_VALUE_MAX:
        errors.append(
            FieldError((*path, "min_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
        )
    if not 1 <= max_length <= TEXT_INPUT_VALUE_MAX:
        errors.append(
            FieldError((*path, "max_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
        )
    errors += _text_length(text_input.get("value"), (*path, "value"), maximum=TEXT_INPUT_VALUE_MAX)
    errors += _text_length(
        text_input.get("placeholder"), (*path, "placeholder"), maximum=TEXT_INPUT_PLACEHOLDER_MAX
    )
    return errors


def check_modal(data: JSON) -> list[FieldError]:
    path: Path = ("data",)
    errors = _text_length(
        data.get("title"), (*path, "title"), minimum=1, maximum=MODAL_TITLE_MAX, required=True
    )
    errors += _text_length(
        data.get("custom_id"), (*path, "custom_id"), minimum=1, maximum=CUSTOM_ID_MAX, required=True
    )
    components = _list(data.get("components"))
    errors += _count(components, (*path, "components"), minimum=1, maximum=MODAL_COMPONENTS_MAX)
    seen: set[str] = set()
    for index, component in enumerate(components):
        here = (*path, "components", index)
        kind = component.get("type")
        if kind == ACTION_ROW:
            children = _list(component.get("components"))
            errors += _count(children, (*here, "components"), minimum=1, maximum=1)
            for child_index, child in enumerate(children):
                child_path = (*here, "components", child_index)
                if child.get("type") == TEXT_INPUT:
                    errors += _check_text_input(child, child_path, labelled=False)
                    errors += _check_custom_id(child, child_path, seen)
                else:
                    errors += _check_interactive(child, child_path, seen)
        elif kind == LABEL:
            errors += _text_length(
                component.get("label"),
                (*here, "label"),
                minimum=1,
                maximum=TEXT_INPUT_LABEL_MAX,
                required=True,
            )
            errors += _text_length(
                component.get("description"), (*here, "description"), maximum=LABEL_DESCRIPTION_MAX
            )
            child = component.get("component") or {}
            if child.get("type") == TEXT_INPUT:
                errors += _check_text_input(child, (*here, "component"), labelled=True)
                errors += _check_custom_id(child, (*here, "component"), seen)
            elif child.get("type") in SELECT_TYPES:
                errors += _check_select(child, (*here, "component"), seen)
        elif kind != TEXT_DISPLAY:
            errors.append(
                FieldError(
                    (*here, "type"), "COMPONENT_TYPE_INVALID", f"Component type {kind} is not valid"
                )
            )
    return errors


# --- application commands -------------------------------------------------------------------


def _command_text(command: JSON) -> int:
    total = len(command.get("name") or "") + len(command.get("description") or "")
    for option in _list(command.get("options")):
        total += _command_text(option)
        for choice in _list(option.get("choices")):
            total += len(choice.get("name") or "") + len(str(choice.get("value") or ""))
    return total


def _check_name(name: Any, path: Path) -> list[FieldError]:
    if not isinstance(name, str) or not COMMAND_NAME.match(name) or name != name.lower():
        return [
            FieldError(
                (*path, "name"),
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Command name is invalid: {name!r}",
            )
        ]
    return []


def _check_options(options: list[Any], path: Path) -> list[FieldError]:
    errors = _count(options, path, maximum=COMMAND_OPTIONS_MAX)
    names: set[str] = set()
    seen_optional = False
    kinds = {option.get("type") for option in options}
    if kinds & {1, 2} and kinds - {1, 2}:
        errors.append(
            FieldError(
                path,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-command and sub-command group option types are mutually exclusive to all"
                " other types",
            )
        )
    for index, option in enumerate(options):
        here = (*path, index)
        errors += _check_name(option.get("name"), here)
        errors += _text_length(
            option.get("description"),
            (*here, "description"),
            minimum=1,
            maximum=COMMAND_DESCRIPTION_MAX,
            required=True,
        )
        name = option.get("name")
        if name in names:
            errors.append(
                FieldError(
                    (*here, "name"),
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    "Option names must be unique",
                )
            )
        names.add(name)
        if option.get("type") in (1, 2):
            errors += _check_options(_list(option.get("options")), (*here, "options"))
            continue
        if option.get("required"):
            if seen_optional:
                errors.append(
                    FieldError(
                        (*here, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            seen_optional = True
        choices = _list(option.get("choices"))
        errors += _count(choices, (*here, "choices"), maximum=CHOICES_MAX)
        for choice_index, choice in enumerate(choices):
            errors += _check_choice(choice, (*here, "choices", choice_index))
        if choices and option.get("autocomplete"):
            errors.append(
                FieldError(
                    (*here, "autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                    "Autocomplete cannot be set with choices",
                )
            )
    return errors


def check_commands(commands: Any) -> list[FieldError]:
    """A bulk overwrite (PUT .../commands) body."""
    if not isinstance(commands, list):
        return [FieldError((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")]
    errors: list[FieldError] = []
    chat_inputs = [c for c in commands if c.get("type", 1) == 1]
    if len(chat_inputs) > CHAT_INPUT_COMMANDS_MAX:
        errors.append(
            FieldError((), "BASE_TYPE_MAX_LENGTH", f"Must be {CHAT_INPUT_COMMANDS_MAX} or fewer.")
        )
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        here: Path = (index,)
        kind = command.get("type", 1)
        name = command.get("name")
        if kind == 1:
            errors += _check_name(name, here)
            errors += _text_length(
                command.get("description"),
                (*here, "description"),
                minimum=1,
                maximum=COMMAND_DESCRIPTION_MAX,
                required=True,
            )
            errors += _check_options(_list(command.get("options")), (*here, "options"))
            if _command_text(command) > COMMAND_TOTAL_TEXT_MAX:
                errors.append(
                    FieldError(
                        here,
                        "APPLICATION_COMMAND_TOO_LARGE",
                        f"Command exceeds maximum size ({COMMAND_TOTAL_TEXT_MAX})",
                    )
                )
        else:
            errors += _text_length(name, (*here, "name"), minimum=1, maximum=32, required=True)
        if isinstance(name, str):
            if (kind, name) in seen:
                errors.append(
                    FieldError(
                        (*here, "name"),
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        f"Application command names must be unique: {name!r}",
                    )
                )
            seen.add((kind, name))
    return errors
