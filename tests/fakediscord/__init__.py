"""A loopback stand-in for Discord's REST API (v10) and gateway that a real discord.py client uses.

Usage (pytest with asyncio_mode=auto, `pythonpath = ["tests"]`):

    from fakediscord import FakeDiscord, running

    async def test_faq(bot_factory):
        async with FakeDiscord() as fake:
            bot = bot_factory(guild_id=fake.guild.id)
            async with running(bot, fake):          # bot.start() in a task, waits for on_ready
                await bot.tree.sync(guild=discord.Object(fake.guild.id))
                info = await fake.send_slash("faq", {"question": "install"})
                callback = await fake.wait_for_callback(info)
                assert callback.json["data"]["embeds"][0]["title"] == "Install"
            fake.assert_no_violations()

The world: `fake.bot_user`, `fake.guild` (owner `fake.owner`, #general `fake.channel`, an ordinary
member `fake.user`); add more with `add_user`, `add_role`, `add_channel`. User actions:
`send_slash`, `send_autocomplete`, `send_component`, `send_message_command`, `send_message`,
or any gateway event with `dispatch`. Gateway faults: `drop_gateway`, `send_reconnect`,
`invalidate_session`. REST faults: `fail_next`. Everything the bot sends is recorded in
`fake.requests` (see `wait_for_request`, `requests_matching`); JSON bodies that Discord's
OpenAPI description (plus documented limits) rejects get Discord's 400 and land in
`fake.violations`.
"""

from __future__ import annotations

from .harness import DEFAULT_TOKEN, running
from .records import Fault, GatewayConnection, RequestRecord, UploadedFile, Violation
from .server import FakeDiscord
from .state import FakeGuild, InteractionInfo

__all__ = [
    "DEFAULT_TOKEN",
    "FakeDiscord",
    "FakeGuild",
    "Fault",
    "GatewayConnection",
    "InteractionInfo",
    "RequestRecord",
    "UploadedFile",
    "Violation",
    "running",
]
