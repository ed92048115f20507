"""Building the `data` of interactions the way a Discord client fills them in.

The Discord client only lets a user submit what the command, component or modal allows, so
asking for anything else raises `StandinUsageError` (a bug in the test, not in the bot).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tests.standin.limits import SELECT_TYPES, STRING_SELECT, TEXT_INPUT
from tests.standin.payloads import (
    JSON,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
)
from tests.standin.records import StandinUsageError, iter_components

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11


class Resolved:
    """The `resolved` object of an interaction, filled while options are converted."""

    def __init__(self, guild: FakeGuild, attachment_payload: Any) -> None:
        self.guild = guild
        self.attachment_payload = attachment_payload
        self.data: dict[str, dict[str, JSON]] = {}

    def add_user(self, who: FakeMember | FakeUser | int) -> str:
        user_id = who if isinstance(who, int) else who.id
        member = (
            who
            if isinstance(who, FakeMember)
            else (self.guild.member(user_id) if self.guild.has_member(user_id) else None)
        )
        user = member.user if member is not None else who
        if not isinstance(user, FakeUser):
            raise StandinUsageError(f"unknown user {user_id}: pass a FakeUser or FakeMember")
        self.data.setdefault("users", {})[str(user.id)] = user.payload()
        if member is not None:
            permissions = self.guild.permissions_of(member)
            self.data.setdefault("members", {})[str(user.id)] = member.payload(
                with_user=False, permissions=permissions
            )
        return str(user.id)

    def add_role(self, role: FakeRole) -> str:
        self.data.setdefault("roles", {})[str(role.id)] = role.payload()
        return str(role.id)

    def add_channel(self, channel: FakeChannel) -> str:
        payload = channel.payload(self.guild.id)
        payload["permissions"] = str(self.guild.everyone_permissions)
        self.data.setdefault("channels", {})[str(channel.id)] = payload
        return str(channel.id)

    def add_attachment(self, attachment: FakeAttachment) -> str:
        self.data.setdefault("attachments", {})[str(attachment.id)] = self.attachment_payload(
            attachment
        )
        return str(attachment.id)


def _check_bounds(schema: JSON, value: Any) -> None:
    name = schema["name"]
    choices = schema.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise StandinUsageError(f"option {name!r} only accepts its choices, not {value!r}")
    if isinstance(value, str):
        if len(value) < schema.get("min_length", 0):
            raise StandinUsageError(f"option {name!r} is shorter than min_length")
        if len(value) > schema.get("max_length", 6000):
            raise StandinUsageError(f"option {name!r} is longer than max_length")
    elif isinstance(value, int | float):
        if "min_value" in schema and value < schema["min_value"]:
            raise StandinUsageError(f"option {name!r} is below min_value")
        if "max_value" in schema and value > schema["max_value"]:
            raise StandinUsageError(f"option {name!r} is above max_value")


def convert_option(schema: JSON, value: Any, resolved: Resolved) -> Any:
    """The wire value of one option, registering objects in `resolved`."""
    kind = schema["type"]
    name = schema["name"]
    if kind == STRING:
        if not isinstance(value, str):
            raise StandinUsageError(f"option {name!r} takes a string")
        _check_bounds(schema, value)
        return value
    if kind == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise StandinUsageError(f"option {name!r} takes an integer")
        _check_bounds(schema, value)
        return value
    if kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise StandinUsageError(f"option {name!r} takes a number")
        _check_bounds(schema, value)
        return value
    if kind == BOOLEAN:
        if not isinstance(value, bool):
            raise StandinUsageError(f"option {name!r} takes a boolean")
        return value
    if kind == USER or (kind == MENTIONABLE and isinstance(value, FakeMember | FakeUser | int)):
        return resolved.add_user(value)
    if kind in (ROLE, MENTIONABLE) and isinstance(value, FakeRole):
        return resolved.add_role(value)
    if kind == CHANNEL and isinstance(value, FakeChannel):
        return resolved.add_channel(value)
    if kind == ATTACHMENT and isinstance(value, FakeAttachment):
        return resolved.add_attachment(value)
    raise StandinUsageError(f"option {name!r} (type {kind}) cannot take {value!r}")


def build_command_data(
    command: JSON,
    path: Sequence[str],
    given: Mapping[str, Any],
    resolved: Resolved,
    *,
    focused: str | None = None,
) -> JSON:
    """`data` of an APPLICATION_COMMAND (or AUTOCOMPLETE, with `focused`) interaction."""
    schemas: list[JSON] = command.get("options") or []
    chain: list[JSON] = []
    for name in path:
        sub = next((o for o in schemas if o["name"] == name and o["type"] in (1, 2)), None)
        if sub is None:
            raise StandinUsageError(
                f"/{command['name']} has no subcommand {name!r} here "
                f"(has {[o['name'] for o in schemas if o['type'] in (1, 2)]})"
            )
        chain.append(sub)
        schemas = sub.get("options") or []
    if any(o["type"] in (1, 2) for o in schemas):
        raise StandinUsageError(
            f"/{' '.join([command['name'], *path])} is a group: name a subcommand"
        )

    by_name = {schema["name"]: schema for schema in schemas}
    unknown = set(given) - set(by_name)
    if unknown:
        raise StandinUsageError(
            f"unknown options {sorted(unknown)}; the command has {sorted(by_name)}"
        )
    options: list[JSON] = []
    for schema in schemas:
        name = schema["name"]
        if name == focused:
            text = given.get(name, "")
            options.append(
                {"name": name, "type": schema["type"], "value": str(text), "focused": True}
            )
            if not schema.get("autocomplete"):
                raise StandinUsageError(f"option {name!r} has no autocomplete")
            continue
        if name not in given:
            if schema.get("required") and focused is None:
                raise StandinUsageError(f"required option {name!r} is missing")
            continue
        if focused is not None and schema["type"] in (STRING, INTEGER, NUMBER, BOOLEAN):
            value = given[name]
        else:
            value = convert_option(schema, given[name], resolved)
        options.append({"name": name, "type": schema["type"], "value": value})
    if focused is not None and focused not in by_name:
        raise StandinUsageError(f"no option {focused!r} to autocomplete")

    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    data: JSON = {
        "id": command["id"],
        "name": command["name"],
        "type": command.get("type", 1),
        "options": options,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    if resolved.data and focused is None:
        data["resolved"] = resolved.data
    return data


def build_component_data(
    message: JSON,
    custom_id: str,
    values: Sequence[Any] | None,
    resolved: Resolved,
) -> JSON:
    """`data` of a MESSAGE_COMPONENT interaction: a click (values None) or a selection."""
    component = next(
        (
            c
            for c in iter_components(message.get("components") or [])
            if c.get("custom_id") == custom_id
        ),
        None,
    )
    if component is None:
        raise StandinUsageError(f"message {message['id']} has no component {custom_id!r}")
    if component.get("disabled"):
        raise StandinUsageError(f"component {custom_id!r} is disabled")
    kind = component["type"]
    data: JSON = {"custom_id": custom_id, "component_type": kind}
    if "id" in component:
        data["id"] = component["id"]
    if values is None:
        if kind != 2:
            raise StandinUsageError(f"{custom_id!r} is not a button (type {kind})")
        return data
    if kind not in SELECT_TYPES:
        raise StandinUsageError(f"{custom_id!r} is not a select menu (type {kind})")
    low, high = component.get("min_values", 1), component.get("max_values", 1)
    if not low <= len(values) <= high:
        raise StandinUsageError(f"{custom_id!r} takes {low}..{high} values, not {len(values)}")
    if kind == STRING_SELECT:
        allowed = [option["value"] for option in component.get("options", [])]
        wrong = [value for value in values if value not in allowed]
        if wrong:
            raise StandinUsageError(f"{custom_id!r} has no options {wrong}; it offers {allowed}")
        data["values"] = list(values)
        return data
    wire: list[str] = []
    for value in values:
        if isinstance(value, FakeRole):
            wire.append(resolved.add_role(value))
        elif isinstance(value, FakeChannel):
            wire.append(resolved.add_channel(value))
        else:
            wire.append(resolved.add_user(value))
    data["values"] = wire
    data["resolved"] = resolved.data
    return data


def _submitted(component: JSON, values: dict[str, Any], used: set[str]) -> JSON:
    """The submitted form of one text input or select of a modal."""
    custom_id = component["custom_id"]
    used.add(custom_id)
    kind = component["type"]
    if kind == TEXT_INPUT:
        value = values.get(custom_id, component.get("value") or "")
        if not isinstance(value, str):
            raise StandinUsageError(f"text input {custom_id!r} takes a string")
        if component.get("required", True) and not value:
            raise StandinUsageError(f"text input {custom_id!r} is required")
        if value and len(value) < component.get("min_length", 0):
            raise StandinUsageError(f"text input {custom_id!r} is shorter than its min_length")
        if len(value) > component.get("max_length", 4000):
            raise StandinUsageError(f"text input {custom_id!r} is longer than its max_length")
        submitted: JSON = {"type": TEXT_INPUT, "custom_id": custom_id, "value": value}
    else:
        chosen = values.get(custom_id, [])
        if isinstance(chosen, str):
            chosen = [chosen]
        submitted = {"type": kind, "custom_id": custom_id, "values": list(chosen)}
    if "id" in component:
        submitted["id"] = component["id"]
    return submitted


def build_modal_data(modal: JSON, values: Mapping[str, Any]) -> JSON:
    """`data` of a MODAL_SUBMIT interaction, mirroring the modal's layout."""
    given = dict(values)
    used: set[str] = set()
    components: list[JSON] = []
    for component in modal.get("components") or []:
        kind = component.get("type")
        if kind == 1:
            children = [_submitted(child, given, used) for child in component.get("components", [])]
            components.append({"type": 1, "components": children})
        elif kind == 18:
            inner = _submitted(component["component"], given, used)
            labelled: JSON = {"type": 18, "component": inner}
            if "id" in component:
                labelled["id"] = component["id"]
            components.append(labelled)
        elif "id" in component:
            components.append({"type": kind, "id": component["id"]})
    unknown = set(given) - used
    if unknown:
        raise StandinUsageError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(unknown)}")
    return {"custom_id": modal["custom_id"], "components": components}
