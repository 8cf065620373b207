"""HEALTH_PORT: GET /healthz (is the bot connected with a live knowledge base?) and /metrics."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.discord_app.metrics import CONTENT_TYPE

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)


def gateway_connected(bot: AnyFaqBot) -> bool:
    """True while every gateway connection (shard) of the bot is open and ready."""
    if bot.is_closed() or not bot.is_ready():
        return False
    shards = getattr(bot, "shards", None)
    if isinstance(shards, dict):
        return bool(shards) and all(not shard.is_closed() for shard in shards.values())
    ws = bot.ws
    return ws is not None and ws.open


def health(bot: AnyFaqBot) -> tuple[int, dict[str, Any]]:
    """The /healthz status code and body: 200 when connected with a live knowledge base and
    taking questions (not stopping)."""
    connected = gateway_connected(bot)
    snapshot = bot.library.current
    live = bool(snapshot.kb.ids)
    healthy = connected and live and not bot.stopping
    body: dict[str, Any] = {
        "status": "ok" if healthy else "unavailable",
        "gateway": "connected" if connected else "disconnected",
        "knowledge_base": {"live": live, "topics": len(snapshot.kb.ids),
                           "version": snapshot.version},
        "stopping": bot.stopping,
    }
    return (200 if healthy else 503), body


class HealthServer:
    """An aiohttp server on HEALTH_HOST:HEALTH_PORT; `await start()`, `await stop()`."""

    def __init__(self, bot: AnyFaqBot, host: str, port: int) -> None:
        self.bot = bot
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        if self.port == 0:  # an ephemeral port (tests): say which one was given
            self.port = runner.addresses[0][1]
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _healthz(self, _: web.Request) -> web.Response:
        status, body = health(self.bot)
        return web.json_response(body, status=status)

    async def _metrics(self, _: web.Request) -> web.Response:
        return web.Response(body=self.bot.metrics.text(),
                            headers={"Content-Type": CONTENT_TYPE})
