"""`running(bot)`: a FakeDiscord plus a started discord.py client, torn down cleanly."""

# Waiting helpers take a bounded `timeout` on purpose (tests must never hang).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord

from .server import FakeDiscord

DEFAULT_TOKEN = "fake.bot.token"


@contextlib.asynccontextmanager
async def running(
    bot: discord.Client,
    fake: FakeDiscord | None = None,
    *,
    token: str = DEFAULT_TOKEN,
    ready_timeout: float = 10.0,
    guild_ready_timeout: float | None = 0.05,
    fast_reidentify: bool = True,
) -> AsyncIterator[FakeDiscord]:
    """Starts `fake` (a new FakeDiscord if None), runs `bot.start(token)` in a task, waits for
    on_ready and yields the fake; on exit closes the bot (and the fake, if it started it).

    Two discord.py delays are shortened for tests: it waits `guild_ready_timeout` (2 s by
    default) after the last GUILD_CREATE before on_ready (None keeps it), and
    `before_identify_hook` sleeps 5 s before every non-initial IDENTIFY (after an invalidated
    session); `fast_reidentify` replaces that hook on this bot instance with a no-op.
    """
    async with contextlib.AsyncExitStack() as stack:
        if fake is None:
            fake = FakeDiscord()
        if fake.port == 0:
            await stack.enter_async_context(fake)
        if guild_ready_timeout is not None:
            bot._connection.guild_ready_timeout = guild_ready_timeout
        if fast_reidentify:
            bot.before_identify_hook = _no_wait  # type: ignore[method-assign]
        task = asyncio.create_task(bot.start(token), name="discord-bot")
        try:
            await _wait_ready(bot, task, ready_timeout)
            yield fake
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, 5.0)


async def _wait_ready(bot: discord.Client, task: asyncio.Task[None], timeout: float) -> None:
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait(
        {ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    if ready in done:
        return
    ready.cancel()
    if task in done:
        task.result()  # re-raises why the bot stopped
        raise AssertionError("the bot stopped before it was ready")
    raise AssertionError(f"the bot was not ready within {timeout}s")


async def _no_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None
