"""`faqbot` as a real process, with discord.py pointed at a loopback stand-in.

Run as `python faqbot_process.py API_BASE GATEWAY_URL ARGS...`: it sets discord.py's two base
addresses (as FakeDiscord does in-process) and calls the command line with ARGS. Tests use
`start_faqbot` to launch it with a clean environment of their own.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve()


def http_get(url: str) -> tuple[int, bytes]:
    """GET `url` (a loopback health server): its status and body; (0, b"") when nothing
    answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def free_port() -> int:
    """A loopback port nothing listens on right now (for a process to listen on)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port held (bound, never listening) while inside: connections to it are
    refused, and no other test running in parallel can take it meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def start_faqbot(api_base: str, gateway_url: str, args: list[str], *, cwd: Path,
                 env: dict[str, str]) -> subprocess.Popen[str]:
    """The faqbot process, its stdout and stderr piped; `env` adds to a minimal environment
    (no DISCORD_TOKEN or other setting is inherited from the test's own)."""
    base = {key: value for key, value in os.environ.items()
            if key in ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")}
    return subprocess.Popen(
        [sys.executable, str(HERE), api_base, gateway_url, *args],
        cwd=cwd, env={**base, "PYTHONUNBUFFERED": "1", **env}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _main() -> int:
    import discord.gateway
    import discord.http
    import yarl

    from bot.cli import main

    discord.http.Route.BASE = sys.argv[1]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
    return main(sys.argv[3:])


if __name__ == "__main__":
    sys.exit(_main())
