"""FakeDiscord: an aiohttp server on 127.0.0.1 speaking Discord's REST API (v10) and gateway."""

# Waiting helpers take a bounded `timeout` on purpose (tests must never hang).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
import zlib
from types import TracebackType
from typing import Any

import discord.gateway
import discord.http
import yarl
from aiohttp import BodyPartReader, web

from . import openapi
from . import rest as rest_routes
from .events import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    Where,
    build_options,
    command_data,
    interaction_payload,
    message_create_payload,
)
from .gateway import PRIVILEGED_INTENTS, FakeGateway
from .payloads import JSON
from .records import (
    Fault,
    GatewayConnection,
    Predicate,
    RequestLog,
    RequestRecord,
    UploadedFile,
    Violation,
)
from .state import FakeGuild, FakeState, InteractionInfo

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"


class FakeDiscord:
    """`async with FakeDiscord() as fake:` serves Discord on a free loopback port and points
    discord.py at it (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY) until the block ends."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_name: str = "FakeBot",
        guild_name: str = "Fake Guild",
        validate: bool = True,
        echo_bot_messages: bool = True,
        heartbeat_interval_ms: int = 41_250,
        privileged_intents: int = PRIVILEGED_INTENTS,
        interaction_deadline: float = 3.0,
    ) -> None:
        self.token = token  # None: any token is accepted
        self.validate = validate
        self.echo_bot_messages = echo_bot_messages
        self.state = FakeState(bot_name=bot_name, guild_name=guild_name)
        self.gateway = FakeGateway(
            self.state,
            lambda: f"ws://127.0.0.1:{self.port}/resume-gateway",
            heartbeat_interval_ms=heartbeat_interval_ms,
            token=token,
            privileged_intents=privileged_intents,
        )
        self.interaction_deadline = interaction_deadline
        self.log = RequestLog()
        self.violations: list[Violation] = []
        self.unhandled: list[RequestRecord] = []
        self.faults: list[Fault] = []
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._saved: tuple[str, yarl.URL] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # ---------------------------------------------------------------- lifecycle
    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_http)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume-gateway", self.gateway.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    # ------------------------------------------------------------ handy objects
    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def bot_user(self) -> JSON:
        return self.state.bot_user

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def guild(self) -> FakeGuild:
        return self.state.guild

    @property
    def channel(self) -> JSON:
        """The default guild's #general text channel."""
        return self.state.guild.default_channel

    @property
    def user(self) -> JSON:
        """A default ordinary member ("alice")."""
        return self.state.user

    @property
    def owner(self) -> JSON:
        return self.state.owner

    @property
    def requests(self) -> list[RequestRecord]:
        return self.log.records

    @property
    def connections(self) -> list[GatewayConnection]:
        return self.gateway.connections

    def add_user(
        self, username: str, *, member: bool = True, roles: list[JSON] | None = None
    ) -> JSON:
        """A new user, by default also a member of the default guild (before or after READY)."""
        user = self.state.add_user(username)
        if member:
            self.state.add_member(self.guild, user, roles=[int(r["id"]) for r in roles or []])
        return user

    def add_role(self, name: str, *, permissions: int = 0) -> JSON:
        return self.state.add_role(self.guild, name, permissions=permissions)

    def add_channel(self, name: str) -> JSON:
        return self.state.add_text_channel(self.guild, name)

    def add_forum(self, name: str, tags: list[str] | None = None) -> JSON:
        """A forum channel in the default guild with tags of these names."""
        return self.state.add_forum_channel(self.guild, name, tags or [])

    def grant_bot(self, permissions: int) -> None:
        """Adds permissions to the bot's managed role (e.g. Manage Threads)."""
        role = next(r for r in self.guild.roles if (r.get("tags") or {}).get("bot_id"))
        role["permissions"] = str(int(role["permissions"]) | permissions)

    def add_post(
        self,
        forum: JSON,
        title: str,
        content: str = "",
        *,
        author: JSON | None = None,
        tags: list[str] | None = None,
    ) -> tuple[JSON, JSON]:
        """A forum post (thread and first message) that exists without any gateway event, as
        one opened before the bot connected: GUILD_CREATE lists it among active threads."""
        author = author or self.user
        by_name = {tag["name"]: int(tag["id"]) for tag in forum.get("available_tags") or []}
        thread = self.state.add_thread(
            forum, author, title, applied_tags=[by_name[name] for name in tags or []]
        )
        Where(self.state, author, guild=True, channel=thread)  # makes the author a member
        message = self.state.create_message(
            int(thread["id"]), {"content": content}, author=author, message_id=int(thread["id"])
        )
        message["position"] = 0
        return thread, message

    async def open_post(
        self,
        forum: JSON,
        title: str,
        content: str = "",
        *,
        author: JSON | None = None,
        tags: list[str] | None = None,
    ) -> tuple[JSON, JSON]:
        """A member opens a forum post: THREAD_CREATE (newly created), then MESSAGE_CREATE of
        its first message, whose id is the thread's, as Discord sends them."""
        thread, message = self.add_post(forum, title, content, author=author, tags=tags)
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        await self.dispatch("MESSAGE_CREATE", {**message, "nonce": str(self.state.new_id())})
        return thread, message

    def dm_channel(self, user: JSON | None = None) -> JSON:
        return self.state.dm_channel(user or self.user)

    def commands(self, guild: bool | int = False) -> list[JSON]:
        """Registered commands: global (False), of the default guild (True) or of a guild id."""
        if guild is False:
            return self.state.global_commands
        return self.state.commands_for(self.guild.id if guild is True else int(guild))

    # --------------------------------------------------------------- recording
    def requests_matching(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        *,
        predicate: Predicate | None = None,
        status: int | None = None,
    ) -> list[RequestRecord]:
        """Recorded requests; `path_regex` must match the whole path (without /api/v10)."""
        return self.log.matching(method, path_regex, predicate=predicate, status=status)

    async def wait_for_request(
        self,
        method: str | None,
        path_regex: str | None,
        *,
        predicate: Predicate | None = None,
        status: int | None = None,
        timeout: float = 5.0,
    ) -> RequestRecord:
        """The first matching completed request not returned by an earlier wait (waits for it)."""
        return await self.log.wait_for(
            method, path_regex, predicate=predicate, status=status, timeout=timeout
        )

    async def wait_for_callback(
        self, info: InteractionInfo, *, timeout: float = 5.0
    ) -> RequestRecord:
        """The interaction's (successful) callback request."""
        return await self.wait_for_request(
            "POST", rf"/interactions/{info.id}/[^/]+/callback", status=None, timeout=timeout
        )

    # ---------------------------------------------------------- fault injection
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        retry_after: float = 0.05,
        times: int = 1,
        *,
        is_global: bool = False,
    ) -> Fault:
        """The next `times` matching requests get `status` (429 with Discord's headers/body)."""
        fault = Fault(method.upper(), re.compile(path_regex), status, retry_after, times, is_global)
        self.faults.append(fault)
        return fault

    def _fault_response(self, fault: Fault, record: RequestRecord) -> web.Response:
        fault.times -= 1
        if fault.status != 429:
            body = {"message": f"{fault.status}: Fake Server Error", "code": 0}
            return _json_response(fault.status, body, {})
        headers = {
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
            "X-RateLimit-Bucket": _bucket(record),
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
            "Via": "1.1 google",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
        }
        return _json_response(429, body, headers)

    # ------------------------------------------------------------------- HTTP
    async def _handle_http(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        record = RequestRecord(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
        )
        try:
            response = await self._respond(request, record)
        except Exception:
            log.exception("fakediscord: error handling %s %s", request.method, path)
            response = _json_response(500, {"message": "fakediscord crashed", "code": 0}, {})
        record.status = response.status
        await self.log.add(record)
        return response

    async def _respond(self, request: web.Request, record: RequestRecord) -> web.Response:
        has_body = await _read_body(request, record)
        for fault in self.faults:
            if fault.matches(record.method, record.path):
                return self._fault_response(fault, record)
        resolved = rest_routes.router.resolve(record.method, record.path)
        if resolved is not None and resolved[2] and not self._authorized(record):
            return _json_response(401, {"message": "401: Unauthorized", "code": 0}, {})
        if self.validate:
            template, problems = openapi.validate(
                record.method, record.path, record.json, has_body=has_body
            )
            record.template = template
            if template == "/channels/{channel_id}" and record.method == "PATCH" and has_body:
                channel = self.state.channels.get(int(record.path.rsplit("/", 1)[1]))
                if channel is not None:
                    problems += openapi.validate_channel_update(channel["type"], record.json)
            if problems:
                assert template is not None
                self.violations.append(
                    Violation(record.method, record.path, template, record.json, problems)
                )
                record.response = openapi.error_body(problems)
                return _json_response(400, record.response, _ratelimit_headers(record))
        if resolved is None:
            self.unhandled.append(record)
            return _json_response(404, {"message": "404: Not Found", "code": 0}, {})
        handler, params, _ = resolved
        call = rest_routes.Call(
            record, params, self.state, self.gateway_url, self.interaction_deadline
        )
        status, body = await handler(call)
        record.response = body
        if status < 300 and self.echo_bot_messages:
            self._echo(record, body)
        if status < 300:
            self._thread_events(record, body)
        return _json_response(status, body, _ratelimit_headers(record))

    def _authorized(self, record: RequestRecord) -> bool:
        auth = record.headers.get("Authorization", "")
        if not auth.startswith("Bot "):
            return False
        return self.token is None or auth == f"Bot {self.token}"

    def _echo(self, record: RequestRecord, body: Any) -> None:
        """Discord sends MESSAGE_CREATE for the bot's own non-ephemeral messages too."""
        message = body.get("resource", {}).get("message") if isinstance(body, dict) else None
        if record.method == "POST" and re.fullmatch(r"/channels/\d+/messages", record.path):
            message = body
        if message is None or int(message.get("flags") or 0) & (64 | 128):
            return
        if self.gateway.session_id is None:
            return
        task = asyncio.create_task(self.gateway.dispatch("MESSAGE_CREATE", message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _thread_events(self, record: RequestRecord, body: Any) -> None:
        """THREAD_CREATE for a thread the bot opened, THREAD_UPDATE for one it edited."""
        if not isinstance(body, dict) or "thread_metadata" not in body:
            return
        if record.method == "POST" and re.fullmatch(r"/channels/\d+/threads", record.path):
            created = {**body, "newly_created": True}
            self._background(self.gateway.dispatch("THREAD_CREATE", created))
        elif record.method == "PATCH" and re.fullmatch(r"/channels/\d+", record.path):
            self._background(self.gateway.dispatch("THREAD_UPDATE", dict(body)))

    def _background(self, work: Any) -> None:
        if self.gateway.session_id is None:
            work.close()
            return
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --------------------------------------------------------------- gateway
    async def dispatch(self, event: str, data: JSON) -> int:
        """Sends a gateway DISPATCH; returns its sequence number."""
        return await self.gateway.dispatch(event, data)

    async def wait_until_connected(self, timeout: float = 5.0) -> None:
        await self.gateway.wait_live(timeout)

    async def drop_gateway(
        self, code: int = 4000, *, wait: bool = True, timeout: float = 5.0
    ) -> None:
        """Closes the websocket (4000 = resumable); by default waits until the bot is back."""
        await self.gateway.drop(code, wait=wait, timeout=timeout)

    async def send_reconnect(self, *, timeout: float = 5.0) -> None:
        """Gateway op 7 RECONNECT; waits until the bot has resumed."""
        await self.gateway.send_reconnect(timeout=timeout)

    async def invalidate_session(self, *, timeout: float = 5.0) -> None:
        """Gateway op 9 (not resumable); waits until the bot has identified again."""
        await self.gateway.invalidate_session(timeout=timeout)

    def assert_no_violations(self) -> None:
        """Fails with a readable list of every request body Discord would have refused."""
        if self.violations:
            raise AssertionError("\n".join(map(str, self.violations)))

    async def send_slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: JSON | None = None,
        guild: bool = True,
        channel: JSON | None = None,
        permissions: int | None = None,
        locale: str = "en-US",
    ) -> InteractionInfo:
        """A user runs /name (use "group sub" for subcommands). Options are {name: value};
        users/roles/channels may be given as their payload dicts (they get `resolved`)."""
        return await self._command_interaction(
            APPLICATION_COMMAND,
            name,
            options or {},
            where=Where(self.state, user or self.user, guild=guild, channel=channel),
            permissions=permissions,
            locale=locale,
        )

    async def send_autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        user: JSON | None = None,
        guild: bool = True,
        channel: JSON | None = None,
        locale: str = "en-US",
    ) -> InteractionInfo:
        """The user types into option `focused` of /name (value so far in `options`)."""
        return await self._command_interaction(
            AUTOCOMPLETE,
            name,
            options,
            where=Where(self.state, user or self.user, guild=guild, channel=channel),
            locale=locale,
            focused=focused,
        )

    async def _command_interaction(
        self,
        kind: int,
        name: str,
        options: dict[str, Any],
        *,
        where: Where,
        permissions: int | None = None,
        locale: str = "en-US",
        focused: str | None = None,
    ) -> InteractionInfo:
        root, *path = name.split()
        command = self.state.find_command(root, guild_id=where.guild_id)
        opts, resolved = build_options(self.state, command, path, options, where, focused=focused)
        data = command_data(command, root, 1, self.state.new_id())
        info = self.state.new_interaction(
            kind, channel_id=where.channel_id, guild_id=where.guild_id, user=where.user
        )
        if opts:
            data["options"] = opts
        if resolved:
            data["resolved"] = resolved
        payload = interaction_payload(
            self.state, info, where, data, permissions=permissions, locale=locale
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return info

    async def send_message_command(
        self,
        name: str,
        target_message: JSON | int,
        *,
        user: JSON | None = None,
        permissions: int | None = None,
    ) -> InteractionInfo:
        """A user picks Apps > name on a message (a MESSAGE context-menu command)."""
        message = self._message(target_message)
        channel = self.state.channels[int(message["channel_id"])]
        guild = "guild_id" in channel
        where = Where(
            self.state, user or self.user, guild=guild, channel=channel if guild else None
        )
        command = self.state.find_command(name, command_type=3, guild_id=where.guild_id)
        info = self.state.new_interaction(
            APPLICATION_COMMAND,
            channel_id=where.channel_id,
            guild_id=where.guild_id,
            user=where.user,
        )
        data = command_data(command, name, 3, self.state.new_id())
        data["target_id"] = message["id"]
        data["resolved"] = {"messages": {message["id"]: message}}
        payload = interaction_payload(self.state, info, where, data, permissions=permissions)
        await self.dispatch("INTERACTION_CREATE", payload)
        return info

    async def send_component(
        self,
        custom_id: str,
        message: JSON | int,
        *,
        user: JSON | None = None,
        component_type: int = 2,
        values: list[str] | None = None,
        resolved: JSON | None = None,
    ) -> InteractionInfo:
        """A user clicks button `custom_id` (type 2) or picks `values` in a select (type 3)
        on `message` (a message payload the bot sent, or its id)."""
        message = self._message(message)
        if custom_id not in _custom_ids(message.get("components") or []):
            raise AssertionError(f"message {message['id']} has no component {custom_id!r}")
        channel = self.state.channels[int(message["channel_id"])]
        guild = "guild_id" in channel
        who = user or self.user
        where = Where(self.state, who, guild=guild, channel=channel if guild else None)
        info = self.state.new_interaction(
            COMPONENT,
            channel_id=where.channel_id,
            guild_id=where.guild_id,
            user=where.user,
            message_id=int(message["id"]),
        )
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if component_type != 2:
            data["values"] = values or []
        if resolved is not None:  # user/role/mentionable/channel selects (types 5-8)
            data["resolved"] = resolved
        payload = interaction_payload(self.state, info, where, data, message=message)
        await self.dispatch("INTERACTION_CREATE", payload)
        return info

    async def send_message(
        self,
        content: str,
        *,
        author: JSON | None = None,
        mentions: list[JSON] | None = None,
        guild: bool = True,
        channel: JSON | None = None,
    ) -> JSON:
        """A user posts a message (in #general, `channel`, or their DM with the bot)."""
        where = Where(self.state, author or self.user, guild=guild, channel=channel)
        message = message_create_payload(self.state, where, content, mentions)
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    def _message(self, message: JSON | int) -> JSON:
        message_id = int(message["id"]) if isinstance(message, dict) else int(message)
        try:
            return self.state.messages[message_id]
        except KeyError:
            raise AssertionError(f"fakediscord knows no message {message_id}") from None


# ----------------------------------------------------------------------- helpers


def _json_response(status: int, body: Any, headers: dict[str, str]) -> web.Response:
    if body is None or status == 204:
        return web.Response(status=204, headers=headers)
    # discord.py compares Content-Type with "application/json" exactly: no charset parameter.
    data = json.dumps(body).encode()
    return web.Response(
        status=status, body=data, headers={**headers, "Content-Type": "application/json"}
    )


def _custom_ids(components: list[JSON]) -> set[str]:
    found = set()
    for component in components:
        if "custom_id" in component:
            found.add(component["custom_id"])
        found |= _custom_ids(component.get("components") or [])
        if isinstance(component.get("accessory"), dict):
            found |= _custom_ids([component["accessory"]])
    return found


def _bucket(record: RequestRecord) -> str:
    shape = re.sub(r"\d{5,}", "{id}", record.path)
    return f"{zlib.crc32(f'{record.method} {shape}'.encode()):08x}"


def _ratelimit_headers(record: RequestRecord) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": _bucket(record),
    }


async def _read_body(request: web.Request, record: RequestRecord) -> bool:
    """Fills record.json/files from a JSON or multipart body; False if there is no body."""
    if not request.can_read_body:
        return False
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            data = await part.read(decode=True)
            if name == "payload_json":
                record.json = json.loads(data)
            elif part.filename is not None:
                ptype = part.headers.get("Content-Type", "application/octet-stream")
                record.files.append(UploadedFile(name, part.filename, ptype, bytes(data)))
        return True
    raw = await request.read()
    if not raw:
        return False
    with contextlib.suppress(ValueError):
        record.json = json.loads(raw)
        return True
    record.json = raw.decode(errors="replace")
    return True
