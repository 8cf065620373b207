"""Gateway event payloads a user's action produces: INTERACTION_CREATE and MESSAGE_CREATE."""

from __future__ import annotations

from typing import Any

from . import payloads as p
from .payloads import JSON
from .state import FakeGuild, FakeState, InteractionInfo

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE = 2, 3, 4
GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

# Option types: 1 sub command, 2 group, 3 str, 4 int, 5 bool, 6 user, 7 channel, 8 role,
# 9 mentionable, 10 number, 11 attachment.
_PY_TYPES = {bool: 5, int: 4, float: 10, str: 3}


class Where:
    """Where a user acts: a guild text channel or the user's DM with the bot."""

    def __init__(self, state: FakeState, user: JSON, *, guild: bool, channel: JSON | None) -> None:
        self.user = user
        if channel is not None:
            self.channel = channel
            self.guild = state.guild_of_channel(int(channel["id"]))
        elif guild:
            self.guild = state.guild
            self.channel = state.guild.default_channel
        else:
            self.guild = None
            self.channel = state.dm_channel(user)
        if self.guild is not None and int(user["id"]) not in self.guild.members:
            state.add_member(self.guild, user)

    @property
    def guild_id(self) -> int | None:
        return None if self.guild is None else self.guild.id

    @property
    def channel_id(self) -> int:
        return int(self.channel["id"])


def _member_with_permissions(
    state: FakeState, guild: FakeGuild, user: JSON, perms: int | None
) -> JSON:
    member = dict(guild.members[int(user["id"])])
    member["user"] = user
    value = state.permissions(guild, int(user["id"])) if perms is None else perms
    member["permissions"] = str(value)
    return member


def interaction_payload(
    state: FakeState,
    info: InteractionInfo,
    where: Where,
    data: JSON,
    *,
    permissions: int | None = None,
    locale: str = "en-US",
    message: JSON | None = None,
) -> JSON:
    bot_id = int(state.bot_user["id"])
    payload: JSON = {
        "id": str(info.id),
        "application_id": str(state.application_id),
        "type": info.type,
        "data": data,
        "channel_id": str(where.channel_id),
        "channel": dict(where.channel),
        "token": info.token,
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if where.guild is not None:
        guild = where.guild
        payload |= {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "member": _member_with_permissions(state, guild, where.user, permissions),
            "app_permissions": str(state.permissions(guild, bot_id)),
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": GUILD_CONTEXT,
        }
        payload["channel"]["permissions"] = payload["member"]["permissions"]
    else:
        payload |= {
            "user": where.user,
            "app_permissions": str(p.BOT_PERMISSIONS),
            "authorizing_integration_owners": {"0": "0"},
            "context": BOT_DM_CONTEXT,
        }
    if message is not None:
        payload["message"] = message
    return payload


def _registered_options(command: JSON | None, path: list[str]) -> list[JSON] | None:
    """The registered options at `path` (subcommand names), or None if not registered."""
    if command is None:
        return None
    options = command.get("options") or []
    for name in path:
        nested = next((o for o in options if o["name"] == name and o["type"] in (1, 2)), None)
        if nested is None:
            raise AssertionError(f"/{command['name']} has no subcommand {' '.join(path)!r}")
        options = nested.get("options") or []
    return options


def build_options(
    state: FakeState,
    command: JSON | None,
    path: list[str],
    values: dict[str, Any],
    where: Where,
    *,
    focused: str | None = None,
) -> tuple[list[JSON], JSON]:
    """Turns {"question": "hi", "who": user_dict} into option payloads plus `resolved`.

    For a registered command, unknown or missing required options fail the test (Discord's
    client would not let a user send them)."""
    registered = _registered_options(command, path)
    types = {o["name"]: o["type"] for o in registered or []}
    if registered is not None:
        unknown = set(values) - set(types)
        missing = {o["name"] for o in registered if o.get("required")} - set(values)
        if unknown or (missing and focused is None):
            raise AssertionError(
                f"options {sorted(values)} do not fit the registered command "
                f"(unknown {sorted(unknown)}, missing {sorted(missing)})"
            )
    resolved: JSON = {}
    options: list[JSON] = []
    for name, value in values.items():
        kind = types.get(name, 3 if name == focused else _PY_TYPES.get(type(value), 3))
        option: JSON = {"name": name, "type": kind}
        if isinstance(value, dict) and "id" in value:
            option["value"] = value["id"]
            _resolve(state, resolved, kind, value, where)
        else:
            option["value"] = value
        if name == focused:
            option["focused"] = True
            option["value"] = str(value)
        options.append(option)
    for depth in range(len(path) - 1, -1, -1):
        kind = 1 if depth == len(path) - 1 else 2  # sub command inside a group
        options = [{"name": path[depth], "type": kind, "options": options}]
    return options, resolved


def _resolve(state: FakeState, resolved: JSON, kind: int, obj: JSON, where: Where) -> None:
    if "username" in obj:
        resolved.setdefault("users", {})[obj["id"]] = obj
        guild = where.guild
        if guild is not None and int(obj["id"]) in guild.members:
            member = _member_with_permissions(state, guild, obj, None)
            member.pop("user")
            resolved.setdefault("members", {})[obj["id"]] = member
    elif "permissions" in obj and "type" not in obj:
        resolved.setdefault("roles", {})[obj["id"]] = obj
    elif "type" in obj:
        channel = {k: obj[k] for k in ("id", "type", "name", "parent_id") if k in obj}
        channel["permissions"] = str(p.EVERYONE_PERMISSIONS)
        resolved.setdefault("channels", {})[obj["id"]] = channel


def command_data(command: JSON | None, name: str, command_type: int, fallback_id: int) -> JSON:
    """`data` of an APPLICATION_COMMAND interaction; `guild_id` only for guild commands."""
    data: JSON = {
        "id": command["id"] if command else str(fallback_id),
        "name": name,
        "type": command_type,
    }
    if command and command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data


def message_create_payload(
    state: FakeState, where: Where, content: str, mentions: list[JSON] | None
) -> JSON:
    author = where.user
    member = None
    mention_payloads = []
    for user in mentions or []:
        entry = dict(user)
        if where.guild is not None and int(user["id"]) in where.guild.members:
            partial = dict(where.guild.members[int(user["id"])])
            partial.pop("user", None)
            entry["member"] = partial
        mention_payloads.append(entry)
    if where.guild is not None:
        member = dict(where.guild.members[int(author["id"])])
        member.pop("user", None)
    message = p.message_payload(
        state.new_id(),
        where.channel_id,
        author,
        content=content,
        guild_id=where.guild_id,
        member=member,
        mentions=mention_payloads,
    )
    message["nonce"] = str(state.new_id())
    stored = {k: v for k, v in message.items() if k != "nonce"}
    state.messages[int(message["id"])] = stored
    return message
