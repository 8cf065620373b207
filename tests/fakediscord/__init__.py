"""A loopback stand-in for Discord's REST API and gateway that a real discord.py client uses.

async with FakeDiscord() as fake, running(bot, fake):
    info = await fake.send_slash("faq", {"question": "install"})
    callback = await fake.wait_for_callback(info)
    assert fake.violations == []
"""

from __future__ import annotations

from .harness import DEFAULT_TOKEN, running
from .records import GatewayConnection, RequestRecord, UploadedFile, Violation
from .server import FakeDiscord
from .state import FakeGuild, InteractionInfo

__all__ = [
    "DEFAULT_TOKEN",
    "FakeDiscord",
    "FakeGuild",
    "GatewayConnection",
    "InteractionInfo",
    "RequestRecord",
    "UploadedFile",
    "Violation",
    "running",
]
