"""The fake gateway: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, RESUME -> RESUMED.

One session at a time. Events dispatched while no connection is live stay in the session's log
and are replayed when the client RESUMEs, as Discord does.
"""

# Waiting helpers take a bounded `timeout` on purpose (tests must never hang).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from .payloads import JSON
from .records import GatewayConnection
from .state import FakeState

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE, RESUME, RECONNECT = 0, 1, 2, 3, 4, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

AUTHENTICATION_FAILED, DISALLOWED_INTENTS = 4004, 4014
# GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | MESSAGE_CONTENT
CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}


class _Socket:
    """One websocket connection, compressing with zlib-stream when the client asked for it."""

    def __init__(self, ws: web.WebSocketResponse, record: GatewayConnection) -> None:
        self.ws = ws
        self.record = record
        self._zlib = zlib.compressobj() if record.query.get("compress") == "zlib-stream" else None

    async def send(self, payload: JSON) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        if self._zlib is None:
            await self.ws.send_str(text)
        else:
            data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)


class FakeGateway:
    def __init__(
        self,
        state: FakeState,
        resume_url: Callable[[], str],
        *,
        heartbeat_interval_ms: int = 41_250,
        token: str | None = None,
        privileged_intents: int = PRIVILEGED_INTENTS,
    ) -> None:
        self.state = state
        self.token = token  # None: any token is accepted
        self.privileged_intents = privileged_intents  # the ones "enabled in the portal"
        self.resume_url = resume_url
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.connections: list[GatewayConnection] = []
        self.session_id: str | None = None
        self.sequence = 0
        self.sent: list[JSON] = []  # the session's dispatches, replayed on RESUME
        self.heartbeats = 0
        self.intents = 0  # the session's, from IDENTIFY (a RESUME keeps them)
        self._live: _Socket | None = None
        self._live_changed = asyncio.Condition()
        self._send_lock = asyncio.Lock()
        self._shard: list[int] = [0, 1]

    # --------------------------------------------------------------- public API
    @property
    def live(self) -> bool:
        return self._live is not None

    async def wait_live(self, timeout: float = 5.0) -> None:
        async def wait() -> None:
            async with self._live_changed:
                await self._live_changed.wait_for(lambda: self._live is not None)

        try:
            await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"no live gateway session within {timeout}s") from None

    async def dispatch(self, event: str, data: JSON, *, timeout: float = 5.0) -> int:
        """Sends a DISPATCH (or logs it for replay if the client is between connections)."""
        if self.session_id is None:
            await self.wait_live(timeout)
        async with self._send_lock:
            return await self._dispatch_locked(event, data)

    async def drop(self, code: int = 4000, *, wait: bool = True, timeout: float = 5.0) -> None:
        """Closes the live websocket; by default waits until the client is back (RESUME)."""
        sock = self._live
        if sock is None:
            raise AssertionError("no live gateway connection to drop")
        await self._set_live(None)
        sock.record.close_code = code
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sock.ws.close(code=code, message=b"dropped by test"), 2.0)
        if wait:
            await self.wait_live(timeout)

    async def send_reconnect(self, *, timeout: float = 5.0) -> None:
        """Op 7 RECONNECT: the client closes, reconnects and RESUMEs."""
        await self._send_op_and_wait(RECONNECT, None, timeout)

    async def invalidate_session(self, *, timeout: float = 5.0) -> None:
        """Op 9 INVALID_SESSION (not resumable): the client IDENTIFYs again, getting a new READY."""
        self.session_id = None
        await self._send_op_and_wait(INVALID_SESSION, False, timeout)

    async def _send_op_and_wait(self, op: int, data: Any, timeout: float) -> None:
        sock = self._live
        if sock is None:
            raise AssertionError("no live gateway connection")
        await self._set_live(None)
        await sock.send({"op": op, "d": data})
        await self.wait_live(timeout)

    async def close_all(self) -> None:
        sock = self._live
        await self._set_live(None)
        if sock is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sock.ws.close(code=1001), 1.0)

    # ----------------------------------------------------------------- handlers
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=2.0, max_msg_size=0)
        await ws.prepare(request)
        record = GatewayConnection(query=dict(request.query), path=request.path)
        self.connections.append(record)
        sock = _Socket(ws, record)
        await sock.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                record.received.append(payload)
                await self._on_message(sock, payload)
        finally:
            if self._live is sock:
                await self._set_live(None)
            if record.close_code is None:
                record.close_code = ws.close_code
        return ws

    async def _on_message(self, sock: _Socket, payload: JSON) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            await sock.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(sock, data)
        elif op == RESUME:
            await self._resume(sock, data)
        elif op == REQUEST_MEMBERS:
            await self._request_members(data)
        elif op in (PRESENCE, VOICE):
            pass
        else:
            log.warning("fake gateway: unexpected op %s", op)

    async def _identify(self, sock: _Socket, data: JSON) -> None:
        sock.record.identify = data
        sock.record.shard = data.get("shard")
        sock.record.intents = data.get("intents")
        if self.token is not None and data.get("token") != self.token:
            await self._close(sock, AUTHENTICATION_FAILED, "Authentication failed.")
            return
        if (data.get("intents") or 0) & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await self._close(sock, DISALLOWED_INTENTS, "Disallowed intent(s).")
            return
        self._shard = data.get("shard") or [0, 1]
        self.intents = int(data.get("intents") or 0)
        async with self._send_lock:
            self.session_id = secrets.token_hex(16)
            self.sequence = 0
            self.sent = []
            await self._set_live(sock)
            await self._dispatch_locked("READY", self._ready_payload())
            for guild in self._my_guilds():
                await self._dispatch_locked(
                    "GUILD_CREATE", guild.payload(int(self.state.bot_user["id"]))
                )

    async def _resume(self, sock: _Socket, data: JSON) -> None:
        sock.record.resume = data
        if self.session_id is None or data.get("session_id") != self.session_id:
            await sock.send({"op": INVALID_SESSION, "d": False})
            return
        last_seen = data.get("seq") or 0
        async with self._send_lock:
            for payload in self.sent:
                if payload["s"] > last_seen:
                    await sock.send(self._as_seen(payload))
            await self._set_live(sock)
            await self._dispatch_locked("RESUMED", {"_trace": ["fakediscord"]})

    async def _request_members(self, data: JSON) -> None:
        guild = self.state.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        user_ids = {str(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [
            m
            for m in guild.members.values()
            if (not user_ids or m["user"]["id"] in user_ids)
            and m["user"]["username"].lower().startswith(query)
        ]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if "nonce" in data:
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    async def _close(sock: _Socket, code: int, reason: str) -> None:
        sock.record.close_code = code
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sock.ws.close(code=code, message=reason.encode()), 2.0)

    async def _set_live(self, sock: _Socket | None) -> None:
        async with self._live_changed:
            self._live = sock
            self._live_changed.notify_all()

    async def _dispatch_locked(self, event: str, data: JSON) -> int:
        self.sequence += 1
        payload = {"op": DISPATCH, "t": event, "s": self.sequence, "d": data}
        self.sent.append(payload)
        sock = self._live
        if sock is not None:
            try:
                await sock.send(self._as_seen(payload))
            except (ConnectionError, RuntimeError):
                log.debug("fake gateway: %s queued for replay (socket closing)", event)
        return self.sequence

    def _as_seen(self, payload: JSON) -> JSON:
        """Without the Message Content intent a guild message's content, embeds, attachments
        and components arrive empty, unless the bot wrote it or is mentioned in it."""
        if payload.get("t") not in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            return payload
        data = payload["d"]
        if self.intents & MESSAGE_CONTENT or "guild_id" not in data:
            return payload
        bot_id = self.state.bot_user["id"]
        content = data.get("content") or ""
        if (
            (data.get("author") or {}).get("id") == bot_id
            or any(user.get("id") == bot_id for user in data.get("mentions") or [])
            or f"<@{bot_id}>" in content
            or f"<@!{bot_id}>" in content
        ):
            return payload
        return {**payload, "d": {**data, **CONTENT_FIELDS}}

    def _my_guilds(self) -> list[Any]:
        shard_id, shard_count = self._shard
        return [g for g in self.state.guilds.values() if (g.id >> 22) % shard_count == shard_id]

    def _ready_payload(self) -> JSON:
        user = {**self.state.bot_user, "verified": True, "mfa_enabled": False, "email": None}
        return {
            "v": 10,
            "user": user,
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self._my_guilds()],
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_url(),
            "shard": self._shard,
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake"],
            "_trace": ["fakediscord"],
        }
