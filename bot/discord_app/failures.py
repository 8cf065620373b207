"""One readable line for each way the world outside the bot can fail it (network, Discord)."""

from __future__ import annotations

import socket
import ssl

import aiohttp
import discord

PORTAL = "https://discord.com/developers/applications"
CLOSE_CODES = {
    4004: "the token was rejected",
    4010: "invalid shard",
    4011: "sharding is required: set SHARD_COUNT or leave it empty",
    4012: "invalid API version",
    4013: "invalid intents",
    4014: "a privileged intent is not enabled",
}


class HealthPortError(OSError):
    """HEALTH_HOST:HEALTH_PORT cannot be listened on."""


def describe(exc: BaseException) -> str | None:
    """The line to print for a failure outside the bot, with the fix; None for anything else
    (a bug, which keeps its traceback)."""
    if isinstance(exc, discord.LoginFailure):
        return (f"Discord refused the token (401 Unauthorized): copy a new one from {PORTAL} "
                "→ your app → Bot → Reset Token into DISCORD_TOKEN.")
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return ("Discord refused a privileged intent the bot asked for (close code 4014): "
                f"enable it at {PORTAL} → your app → Bot → Privileged Gateway Intents.")
    if isinstance(exc, HealthPortError):
        return f"cannot serve the health check: {exc}. Choose another HEALTH_PORT."
    if isinstance(exc, discord.ConnectionClosed):
        reason = CLOSE_CODES.get(exc.code or 0, exc.reason or "no reason given")
        return f"Discord closed the gateway connection (code {exc.code}: {reason})."
    if isinstance(exc, discord.GatewayNotFound):
        return "cannot reach Discord: it did not give a gateway address (an outage?)."
    if isinstance(exc, discord.HTTPException):
        return f"could not connect to Discord: {exc.status} {exc.response.reason}: {exc.text}"
    return _network(exc)


def _network(exc: BaseException) -> str | None:
    host = _host(exc)
    if isinstance(exc, aiohttp.ClientConnectorDNSError | socket.gaierror):
        return (f"cannot reach Discord: looking up {host} failed (DNS). Is this machine "
                "online, and can it resolve names?")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError
                  | ssl.SSLError):
        return (f"cannot reach Discord: the secure connection to {host} failed (TLS: "
                f"{_first_line(exc)}). Check the system clock and CA certificates, or a proxy "
                "that intercepts HTTPS.")
    if isinstance(exc, aiohttp.ClientConnectorError | ConnectionRefusedError):
        return (f"cannot reach Discord: the connection to {host} failed "
                f"({_first_line(exc)}). Is a firewall blocking outgoing HTTPS?")
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return (f"cannot reach Discord: {_first_line(exc) or type(exc).__name__}. Check this "
                "machine's network connection.")
    return None


def _host(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"{exc.host}:{exc.port}"
    return "discord.com"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""
