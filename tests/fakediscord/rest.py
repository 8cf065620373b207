"""REST routes a discord.py bot calls, answered from FakeState.

Each handler gets a `Call` and returns (status, json-or-None). Paths are relative to /api/v10.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .payloads import JSON
from .records import RequestRecord
from .state import FakeState, InteractionInfo

Reply = tuple[int, Any]

EPHEMERAL, LOADING = 1 << 6, 1 << 7


@dataclass
class Call:
    record: RequestRecord
    params: dict[str, str]
    state: FakeState
    gateway_url: str
    interaction_deadline: float = 3.0

    @property
    def body(self) -> Any:
        return self.record.json if self.record.json is not None else {}

    def files(self) -> list[tuple[str, bytes, str]]:
        return [(f.filename, f.data, f.content_type) for f in self.record.files]

    def param_id(self, name: str) -> int:
        return int(self.params[name])


Handler = Callable[[Call], Awaitable[Reply]]


def error(status: int, code: int, message: str) -> Reply:
    return status, {"message": message, "code": code}


UNKNOWN_CHANNEL = error(404, 10003, "Unknown Channel")
UNKNOWN_MESSAGE = error(404, 10008, "Unknown Message")
UNKNOWN_WEBHOOK = error(404, 10015, "Unknown Webhook")
UNKNOWN_INTERACTION = error(404, 10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED = error(400, 40060, "Interaction has already been acknowledged.")
MISSING_PERMISSIONS = error(403, 50013, "Missing Permissions")
WRONG_CHANNEL_TYPE = error(400, 50024, "Cannot execute action on this channel type")

MANAGE_THREADS, CREATE_PUBLIC_THREADS = 1 << 34, 1 << 35
THREAD_TYPES, TEXT_TYPES = (10, 11, 12), (0, 5)


class Router:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []

    def add(
        self, method: str, pattern: str, *, bot_auth: bool = True
    ) -> Callable[[Handler], Handler]:
        regex = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern))

        def register(handler: Handler) -> Handler:
            self.routes.append((method, regex, handler, bot_auth))
            return handler

        return register

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str], bool] | None:
        for route_method, regex, handler, bot_auth in self.routes:
            match = regex.fullmatch(path)
            if match and route_method == method:
                return handler, match.groupdict(), bot_auth
        return None


router = Router()
route = router.add

# ------------------------------------------------------------------ identity & gateway


@route("GET", "/users/@me")
async def get_me(call: Call) -> Reply:
    return 200, call.state.bot_user


@route("GET", "/users/{user_id}")
async def get_user(call: Call) -> Reply:
    user = call.state.users.get(call.param_id("user_id"))
    return (200, user) if user else error(404, 10013, "Unknown User")


@route("GET", "/gateway", bot_auth=False)
async def get_gateway(call: Call) -> Reply:
    return 200, {"url": call.gateway_url}


@route("GET", "/gateway/bot")
async def get_gateway_bot(call: Call) -> Reply:
    limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
    return 200, {"url": call.gateway_url, "shards": 1, "session_start_limit": limit}


@route("GET", "/oauth2/applications/@me")
@route("GET", "/applications/@me")
async def get_application(call: Call) -> Reply:
    from .payloads import application_payload

    state = call.state
    return 200, application_payload(state.application_id, state.bot_user, state.owner)


# ---------------------------------------------------------------- application commands


def _check_app(call: Call) -> Reply | None:
    if call.param_id("application_id") != call.state.application_id:
        return error(404, 10002, "Unknown Application")
    return None


def _guild_param(call: Call) -> int | None:
    return call.param_id("guild_id") if "guild_id" in call.params else None


@route("GET", "/applications/{application_id}/commands")
@route("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
async def get_commands(call: Call) -> Reply:
    return _check_app(call) or (200, call.state.commands_for(_guild_param(call)))


@route("PUT", "/applications/{application_id}/commands")
@route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
async def put_commands(call: Call) -> Reply:
    body = call.record.json or []
    return _check_app(call) or (200, call.state.overwrite_commands(_guild_param(call), body))


@route("POST", "/applications/{application_id}/commands")
@route("POST", "/applications/{application_id}/guilds/{guild_id}/commands")
async def upsert_command(call: Call) -> Reply:
    if problem := _check_app(call):
        return problem
    guild_id = _guild_param(call)
    body = call.body
    others = [
        c
        for c in call.state.commands_for(guild_id)
        if (c["name"], c["type"]) != (body["name"], body.get("type", 1))
    ]
    call.state.overwrite_commands(guild_id, [*others, body])
    command = call.state.find_command(
        body["name"], command_type=body.get("type", 1), guild_id=guild_id
    )
    return 201, command


# ------------------------------------------------------------------------ interactions


def _interaction_for_webhook(call: Call) -> InteractionInfo | None:
    if call.param_id("webhook_id") != call.state.application_id:
        return None
    return call.state.interaction_by_token(call.params["webhook_token"])


@route("POST", "/interactions/{interaction_id}/{token}/callback", bot_auth=False)
async def interaction_callback(call: Call) -> Reply:
    state = call.state
    info = state.interactions.get(call.param_id("interaction_id"))
    if info is None or info.token != call.params["token"]:
        return UNKNOWN_INTERACTION
    if info.response_type is not None:
        return ALREADY_ACKNOWLEDGED
    if time.monotonic() - info.created_at > call.interaction_deadline:
        info.expired = True
        return UNKNOWN_INTERACTION  # Discord wants the first answer within 3 seconds
    kind = call.body.get("type")
    data = call.body.get("data") or {}
    info.response_type = kind
    summary: JSON = {"id": str(info.id), "type": info.type}
    resource: JSON | None = None
    if kind == 1:
        return 204, None
    if kind in (4, 5):
        flags = int(data.get("flags") or 0)
        if kind == 5:
            data = {"flags": flags | LOADING}
        message = state.create_message(
            info.channel_id,
            data,
            author=state.bot_user,
            files=call.files(),
            webhook_id=state.application_id,
            interaction=info,
        )
        info.original_message_id = int(message["id"])
        summary |= {
            "response_message_id": message["id"],
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & EPHEMERAL),
        }
        if kind == 4:
            resource = {"type": 4, "message": message}
    elif kind == 7 and info.message_id is not None:
        message = state.edit_message(info.message_id, data, call.files())
        if message is not None:
            resource = {"type": 7, "message": message}
    if call.record.query.get("with_response") not in ("1", "true", "True"):
        return 204, None
    return 200, {"interaction": summary, **({"resource": resource} if resource else {})}


def _original_id(info: InteractionInfo) -> int | None:
    return info.original_message_id if info.response_type in (4, 5) else info.message_id


@route("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", bot_auth=False)
@route("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", bot_auth=False)
@route("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", bot_auth=False)
async def webhook_message(call: Call) -> Reply:
    info = _interaction_for_webhook(call)
    if info is None:
        return UNKNOWN_WEBHOOK
    raw_id = call.params["message_id"]
    message_id = _original_id(info) if raw_id == "@original" else int(raw_id)
    state = call.state
    if message_id is None or message_id not in state.messages:
        return UNKNOWN_MESSAGE
    method = call.record.method
    if method == "GET":
        return 200, state.messages[message_id]
    if method == "DELETE":
        del state.messages[message_id]
        return 204, None
    message = state.messages[message_id]
    message["flags"] = int(message.get("flags") or 0) & ~LOADING
    return 200, state.edit_message(message_id, call.body, call.files())


@route("POST", "/webhooks/{webhook_id}/{webhook_token}", bot_auth=False)
async def followup(call: Call) -> Reply:
    info = _interaction_for_webhook(call)
    if info is None or info.response_type is None:
        return UNKNOWN_WEBHOOK
    message = call.state.create_message(
        info.channel_id,
        call.body,
        author=call.state.bot_user,
        files=call.files(),
        webhook_id=call.state.application_id,
        interaction=info,
    )
    info.followup_ids.append(int(message["id"]))
    if call.record.query.get("wait") in ("1", "true", "True"):
        return 200, message
    return 204, None


# ---------------------------------------------------------------------------- channels


@route("GET", "/channels/{channel_id}")
async def get_channel(call: Call) -> Reply:
    channel = call.state.channels.get(call.param_id("channel_id"))
    return (200, channel) if channel else UNKNOWN_CHANNEL


def _bot_may(call: Call, channel: JSON, permission: int) -> bool:
    guild = call.state.guild_of_channel(int(channel["id"]))
    if guild is None:
        return False
    return bool(call.state.permissions(guild, int(call.state.bot_user["id"])) & permission)


@route("PATCH", "/channels/{channel_id}")
async def edit_channel(call: Call) -> Reply:
    """Threads only (a forum post's tags, name, archiving): the owner may rename or archive
    their thread; anything else, and tags always, needs Manage Threads."""
    thread = call.state.channels.get(call.param_id("channel_id"))
    if thread is None:
        return UNKNOWN_CHANNEL
    if thread.get("type") not in THREAD_TYPES:
        return WRONG_CHANNEL_TYPE
    body = call.body if isinstance(call.body, dict) else {}
    owner = thread["owner_id"] == call.state.bot_user["id"]
    needs_manage = "applied_tags" in body or "locked" in body or not owner
    if needs_manage and not _bot_may(call, thread, MANAGE_THREADS):
        return MISSING_PERMISSIONS
    tags = body.get("applied_tags")
    if tags is not None:
        parent = call.state.channels.get(int(thread["parent_id"])) or {}
        known = {tag["id"] for tag in parent.get("available_tags") or []}
        unknown = [str(tag) for tag in tags if str(tag) not in known]
        if unknown:
            return 400, {
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {"applied_tags": {"_errors": [
                    {"code": "UNKNOWN_TAG", "message": f"Unknown tag(s): {unknown}"}]}},
            }
    return 200, call.state.update_thread(thread, body)


@route("POST", "/channels/{channel_id}/threads")
async def create_thread(call: Call) -> Reply:
    """A thread without a starter message in a text channel."""
    parent = call.state.channels.get(call.param_id("channel_id"))
    if parent is None:
        return UNKNOWN_CHANNEL
    if parent.get("type") not in TEXT_TYPES or "message" in call.body:
        return WRONG_CHANNEL_TYPE
    if not _bot_may(call, parent, CREATE_PUBLIC_THREADS):
        return MISSING_PERMISSIONS
    body = call.body
    thread = call.state.add_thread(
        parent, call.state.bot_user, body["name"], thread_type=int(body.get("type") or 12)
    )
    thread["last_message_id"] = None
    return 201, thread


@route("PUT", "/channels/{channel_id}/thread-members/{user_id}")
async def add_thread_member(call: Call) -> Reply:
    thread = call.state.channels.get(call.param_id("channel_id"))
    if thread is None or thread.get("type") not in THREAD_TYPES:
        return UNKNOWN_CHANNEL
    if call.param_id("user_id") not in call.state.users:
        return error(404, 10013, "Unknown User")
    return 204, None


@route("POST", "/channels/{channel_id}/messages")
async def create_message(call: Call) -> Reply:
    channel_id = call.param_id("channel_id")
    if channel_id not in call.state.channels:
        return UNKNOWN_CHANNEL
    return 200, call.state.create_message(channel_id, call.body, files=call.files())


@route("GET", "/channels/{channel_id}/messages")
async def channel_history(call: Call) -> Reply:
    channel_id = call.param_id("channel_id")
    if channel_id not in call.state.channels:
        return UNKNOWN_CHANNEL
    limit = int(call.record.query.get("limit", 50))
    before = int(call.record.query.get("before", 1 << 63))
    after = int(call.record.query.get("after", 0))
    found = [
        m
        for m in call.state.messages.values()
        if m["channel_id"] == str(channel_id) and after < int(m["id"]) < before
    ]
    found.sort(key=lambda m: int(m["id"]), reverse="after" not in call.record.query)
    return 200, found[:limit]


@route("GET", "/channels/{channel_id}/messages/{message_id}")
@route("PATCH", "/channels/{channel_id}/messages/{message_id}")
@route("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def channel_message(call: Call) -> Reply:
    state = call.state
    message = state.messages.get(call.param_id("message_id"))
    if message is None or message["channel_id"] != call.params["channel_id"]:
        return UNKNOWN_MESSAGE
    if call.record.method == "GET":
        return 200, message
    if call.record.method == "DELETE":
        del state.messages[int(message["id"])]
        return 204, None
    if message["author"]["id"] != state.bot_user["id"]:
        return error(403, 50005, "Cannot edit a message authored by another user")
    return 200, state.edit_message(int(message["id"]), call.body, call.files())


@route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
@route("POST", "/channels/{channel_id}/typing")
async def no_content(call: Call) -> Reply:
    if call.param_id("channel_id") not in call.state.channels:
        return UNKNOWN_CHANNEL
    return 204, None


@route("POST", "/users/@me/channels")
async def create_dm(call: Call) -> Reply:
    user = call.state.users.get(int(call.body.get("recipient_id", 0)))
    if user is None:
        return error(400, 50033, "Invalid Recipient(s)")
    return 200, call.state.dm_channel(user)


# ------------------------------------------------------------------------------ guilds


@route("GET", "/guilds/{guild_id}")
async def get_guild(call: Call) -> Reply:
    guild = call.state.guilds.get(call.param_id("guild_id"))
    if guild is None:
        return error(404, 10004, "Unknown Guild")
    payload = guild.payload(int(call.state.bot_user["id"]))
    for key in ("channels", "members", "threads", "presences", "voice_states"):
        payload.pop(key, None)
    return 200, payload


@route("GET", "/guilds/{guild_id}/members/{user_id}")
async def get_member(call: Call) -> Reply:
    guild = call.state.guilds.get(call.param_id("guild_id"))
    member = guild.members.get(call.param_id("user_id")) if guild else None
    return (200, member) if member else error(404, 10007, "Unknown Member")
