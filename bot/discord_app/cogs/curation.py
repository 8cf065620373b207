"""`/kb gaps` and `/kb stats`, in the shared `/kb` group.

The group's admin check runs before each of them (bot/discord_app/kb_group.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.core.curation.open_gaps import still_open
from bot.discord_app.curation import (
    CHART_NAME,
    GapsView,
    chart_file,
    gaps_reply,
    question_adder,
    stats_reply,
)
from bot.discord_app.embeds import NO_MENTIONS, build_pages
from bot.discord_app.kb_group import KbCog, bot_of
from bot.store import Store, StoreError

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)

NO_LOG = "The question log is not available (see the bot's log), so there is nothing to show."
LOG_FAILED = "The question log could not be read right now; the failure has been logged."
Days = app_commands.Range[int, 1, 365]
T = TypeVar("T")


async def _read_log(interaction: discord.Interaction, what: str,
                    read: Callable[[Store], Awaitable[T]]) -> T | None:
    """Defer, then read the question log; None (the admin told why) when it is unavailable."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    store = bot_of(interaction).recorder.store
    if store is None:
        await interaction.followup.send(NO_LOG, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return None
    try:
        return await read(store)
    except StoreError:
        log.exception("/kb %s could not read the question log", what)
        await interaction.followup.send(LOG_FAILED, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return None


@app_commands.describe(days="How many days back to look (default 30)")
async def kb_gaps(interaction: discord.Interaction, days: Days = 30) -> None:
    """Questions the bot could not answer, grouped; add one to an entry in a click"""
    live = bot_of(interaction).recorder.knowledge_base  # the live knowledge base's questions
    groups = await _read_log(interaction, "gaps",
                             lambda store: store.gaps(days, knowledge_base=live))
    if groups is None:
        return
    bot = bot_of(interaction)
    snapshot = bot.library.current
    groups = still_open(groups, snapshot.matcher)
    page = build_pages(gaps_reply(groups, snapshot.kb, days))[0]
    if not groups:
        await interaction.followup.send(embed=page, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    view = GapsView(interaction.user.id, groups, snapshot.kb, question_adder(bot.library))
    message = await interaction.followup.send(embed=page, view=view, ephemeral=True, wait=True,
                                              allowed_mentions=NO_MENTIONS)
    view.attach(message=message)


@app_commands.describe(days="How many days back to look (default 30)")
async def kb_stats(interaction: discord.Interaction, days: Days = 30) -> None:
    """Questions asked, answered shares, votes, top gaps and a chart"""
    live = bot_of(interaction).recorder.knowledge_base
    stats = await _read_log(interaction, "stats",
                            lambda store: store.stats(days, knowledge_base=live))
    if stats is None:
        return
    page = build_pages(stats_reply(stats, bot_of(interaction).library.current.kb))[0]
    page.set_image(url=f"attachment://{CHART_NAME}")
    chart = await asyncio.to_thread(chart_file, stats)  # drawing blocks: off the event loop
    await interaction.followup.send(embed=page, file=chart, ephemeral=True,
                                    allowed_mentions=NO_MENTIONS)


class CurationCog(KbCog):
    """Adds `/kb gaps` and `/kb stats` to the admin group."""

    def __init__(self, bot: AnyFaqBot) -> None:
        super().__init__(bot, gaps=kb_gaps, stats=kb_stats)
