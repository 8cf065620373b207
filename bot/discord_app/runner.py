"""Start the bot: build its dependencies, choose sharding, connect; or sync commands on request."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import discord

from bot.core.library import Library
from bot.discord_app.client import AnyFaqBot, FaqBot, ShardedFaqBot
from bot.recorder import Recorder
from bot.semantic.setup import open_library
from bot.services import open_recorder
from bot.settings import Settings

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1


async def recommended_shards(token: str) -> int:
    """How many shards Discord recommends for this bot (1 for all but large bots)."""
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        await http.static_login(token)
        shards, _, _ = await http.get_bot_gateway()
        return int(shards)
    finally:
        await http.close()


def make_bot(settings: Settings, library: Library, recorder: Recorder, *,
             recommended: int = 1) -> AnyFaqBot:
    """A sharded bot when SHARD_COUNT is set or Discord recommends more than one shard."""
    if settings.shard_count is not None:
        return ShardedFaqBot(settings, library, recorder, shard_count=settings.shard_count)
    if recommended > 1:
        return ShardedFaqBot(settings, library, recorder)
    return FaqBot(settings, library, recorder)


async def serve(settings: Settings) -> None:
    """Run the bot until it is closed."""
    token = settings.discord_token
    if not token:
        raise ValueError("DISCORD_TOKEN is not set")
    # Off the event loop: the semantic layer may download its model and encode the items.
    library = await asyncio.to_thread(open_library, settings)
    recommended = 1 if settings.shard_count else await recommended_shards(token)
    async with open_recorder(settings) as recorder:
        bot = make_bot(settings, library, recorder, recommended=recommended)
        async with bot:
            await bot.start(token)


def run_bot(settings: Settings) -> int:
    try:
        asyncio.run(serve(settings))
    except discord.LoginFailure:
        log.error("Discord refused the token: check DISCORD_TOKEN")
        return EXIT_FAILED
    except discord.PrivilegedIntentsRequired:
        log.error("Discord requires an intent this bot did not ask for")
        return EXIT_FAILED
    except (discord.HTTPException, discord.GatewayNotFound, discord.ConnectionClosed) as exc:
        log.error("could not connect to Discord: %s", exc)
        return EXIT_FAILED
    except KeyboardInterrupt:
        log.info("stopped")
    return EXIT_OK


async def _sync(settings: Settings, guild_id: int | None) -> int:
    token = settings.discord_token
    if not token:
        raise ValueError("DISCORD_TOKEN is not set")
    library = Library.open(settings.knowledge_dir)
    # login() runs setup_hook, which adds the cogs; with no DEV_GUILD_ID it syncs nothing itself.
    bot = FaqBot(dataclasses.replace(settings, dev_guild_id=None), library, Recorder())
    async with bot:
        await bot.login(token)
        if guild_id is None:
            synced = await bot.tree.sync()
            print(f"Synced {len(synced)} commands globally (Discord may take a while to show "
                  "them).")
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"Synced {len(synced)} commands to server {guild_id}.")
    return EXIT_OK


def sync_commands(settings: Settings, guild_id: int | None) -> int:
    try:
        return asyncio.run(_sync(settings, guild_id))
    except discord.LoginFailure:
        log.error("Discord refused the token: check DISCORD_TOKEN")
        return EXIT_FAILED
    except discord.HTTPException as exc:
        log.error("syncing failed: %s", exc)
        return EXIT_FAILED
