"""Admin commands `/kb reload`, `/kb check` and `/kb status`, in the shared `/kb` group.

The group's admin check runs before each of them (bot/discord_app/kb_group.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

import discord

from bot.core.replies.admin import check_reply, reload_reply
from bot.core.replies.render import render_item
from bot.core.replies.reply import Reply, ReplyKind
from bot.core.replies.status import render_status
from bot.discord_app.kb_group import KbCog, bot_of
from bot.discord_app.respond import respond
from bot.discord_app.views import ItemRenderer

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)


def live_renderer(bot: AnyFaqBot) -> ItemRenderer:
    """Renders an item of the knowledge base live when it is asked for."""

    def render(item_id: str) -> Reply | None:
        return render_item(bot.library.current.kb, item_id)

    return render


async def kb_reload(interaction: discord.Interaction) -> None:
    """Re-read the knowledge folder; swap it in only if every file validates"""
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    result = await asyncio.to_thread(bot.library.reload)
    if result.ok:
        log.info("/kb reload by %s: version %d. %s", interaction.user.id,
                 result.snapshot.version, result.diff.summary().replace("\n", "; "))
    else:
        log.warning("/kb reload by %s refused: %d problems", interaction.user.id,
                    len(result.problems))
    await respond(interaction, _as_written(reload_reply(result)), render=live_renderer(bot),
                  ephemeral=True)


async def kb_check(interaction: discord.Interaction) -> None:
    """Validate the knowledge files on disk without swapping anything in"""
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    problems = await asyncio.to_thread(bot.library.check)
    await respond(interaction, _as_written(check_reply([str(p) for p in problems])),
                  render=live_renderer(bot), ephemeral=True)


def _as_written(reply: Reply) -> Reply:
    """A list of problems shown as written: Discord's Markdown would read a file name or a
    quoted value as emphasis or a link (`Bad__Id__Here`, `[a](b).yaml`)."""
    if reply.kind is not ReplyKind.ERROR:
        return reply
    return dataclasses.replace(reply, body=discord.utils.escape_markdown(reply.body))


async def kb_status(interaction: discord.Interaction) -> None:
    """What is loaded: entries, table rows, files, load time, thresholds"""
    bot = bot_of(interaction)
    await respond(interaction, render_status(bot.library.current), render=live_renderer(bot),
                  ephemeral=True)


class AdminCog(KbCog):
    """Keep the knowledge base current without restarting the bot."""

    def __init__(self, bot: AnyFaqBot) -> None:
        super().__init__(bot, reload=kb_reload, check=kb_check, status=kb_status)
