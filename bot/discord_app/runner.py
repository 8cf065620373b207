"""Start the bot: build its dependencies, choose sharding, connect; or sync commands on request."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
from collections.abc import Callable, Iterator

import discord

from bot.core.library import Library
from bot.discord_app.client import AnyFaqBot, FaqBot, ShardedFaqBot
from bot.discord_app.failures import HealthPortError, describe
from bot.discord_app.health import HealthServer
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


# At SIGTERM or SIGINT, answers in progress get this long to finish before the bot closes.
DRAIN_SECONDS = 10.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(settings: Settings, library: Library) -> None:
    """Run the bot until it is closed, or until SIGTERM / SIGINT stops it cleanly."""
    token = settings.discord_token
    if not token:
        raise ValueError("DISCORD_TOKEN is not set")
    recommended = 1 if settings.shard_count else await recommended_shards(token)
    async with open_recorder(settings) as recorder:  # closed (pending writes first) last
        bot = make_bot(settings, library, recorder, recommended=recommended)
        health = None
        if settings.health_port is not None:
            health = HealthServer(bot, settings.health_host, settings.health_port)
            try:
                await health.start()
            except OSError as exc:
                raise HealthPortError(f"{settings.health_host}:{settings.health_port}: "
                                      f"{exc.strerror or exc}") from exc
        try:
            async with bot:
                await _run_until_stopped(bot, token)
        finally:
            if health is not None:
                await health.stop()


async def _run_until_stopped(bot: AnyFaqBot, token: str) -> None:
    stop = asyncio.Event()
    with _on_signals(stop.set):
        running = asyncio.create_task(bot.start(token), name="faqbot-discord")
        stopped = asyncio.create_task(stop.wait(), name="faqbot-stop")
        try:
            await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()  # (`async with bot` closes the bot if this was cancelled)
        if not stop.is_set():
            running.result()  # the bot ended by itself: re-raise why
            return
        await drain(bot)
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def drain(bot: AnyFaqBot, seconds: float = DRAIN_SECONDS) -> None:
    """Stop taking questions and let those in progress finish, for `seconds` at most."""
    bot.stopping = True
    busy = bot.in_flight.count
    log.info("stopping: no new questions; %d answer%s in progress", busy,
             "" if busy == 1 else "s")
    if not await bot.in_flight.wait_idle(seconds):
        log.warning("stopping with %d answers unfinished after %.0f s", bot.in_flight.count,
                    seconds)


@contextlib.contextmanager
def _on_signals(callback: Callable[[], None]) -> Iterator[None]:
    """Call `callback` at SIGTERM and SIGINT while inside (where the loop supports it)."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or Windows: Ctrl-C raises KeyboardInterrupt
        installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def run_bot(settings: Settings) -> int:
    """`faqbot run`: 0 after a clean stop; 1 with one line saying what outside failed."""
    try:
        # Before the event loop, on this thread: the semantic layer may download its model
        # and encode the items, and Ctrl-C must stop that at once (a worker thread would
        # hold the exit until it is done).
        library = open_library(settings)
        asyncio.run(serve(settings, library))
    except KeyboardInterrupt:
        log.info("stopped")
        return EXIT_OK
    except Exception as exc:
        line = describe(exc)
        if line is None:
            raise
        if isinstance(exc, discord.PrivilegedIntentsRequired) and settings.forum_read_body:
            line = ("FORUM_READ_BODY=1 needs the Message Content intent: switch it on in the "
                    "developer portal (your app → Bot → Privileged Gateway Intents), or set "
                    "FORUM_READ_BODY=0.")
        log.error("%s", line)
        log.debug("the failure in full", exc_info=exc)
        return EXIT_FAILED
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
    except Exception as exc:
        line = describe(exc)
        if line is None:
            raise
        log.error("syncing failed: %s", line)
        log.debug("the failure in full", exc_info=exc)
        return EXIT_FAILED
