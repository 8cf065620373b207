"""Admin commands: `/kb reload`, `/kb check`, `/kb status`.

Every `/kb` subcommand is checked in code by `KbGroup.interaction_check` (Manage Server in that
server, or listed in ADMIN_USER_IDS; in a DM only listed users). `default_permissions` only
hides the group from members by default; a server can change that, so it is not relied on.

To add a subcommand (e.g. `/kb gaps`), decorate a coroutine method of AdminCog with
`@kb.command(name=..., description=...)`, or from another cog add an `app_commands.Command`
to `kb_group(bot)` in its `cog_load`: either way it is a child of the group, so the admin check
runs before it without anything else to remember.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.replies.admin import check_reply, reload_reply
from bot.core.replies.render import render_item
from bot.core.replies.reply import Reply
from bot.core.replies.status import render_status
from bot.discord_app.checks import ensure_admin
from bot.discord_app.respond import respond

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)

EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)


class KbGroup(app_commands.Group):
    """`/kb …`: the admin check runs before every subcommand, present and future."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return ensure_admin(interaction)


def kb_group(bot: AnyFaqBot) -> KbGroup:
    """The `/kb` group registered on the bot's command tree (AdminCog must be loaded)."""
    group = bot.tree.get_command("kb")
    if not isinstance(group, KbGroup):
        raise LookupError("the /kb group is not registered: load AdminCog first")
    return group


class AdminCog(commands.Cog):
    """Keep the knowledge base current without restarting the bot."""

    kb = KbGroup(name="kb", description="Knowledge base administration (admins only)",
                 default_permissions=discord.Permissions(manage_guild=True),
                 allowed_contexts=EVERYWHERE)

    def __init__(self, bot: AnyFaqBot) -> None:
        self.bot = bot

    def render(self, item_id: str) -> Reply | None:
        return render_item(self.bot.library.current.kb, item_id)

    @kb.command(name="reload", description="Re-read the knowledge folder; swap it in only if "
                                           "every file validates")
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await asyncio.to_thread(self.bot.library.reload)
        if result.ok:
            log.info("/kb reload by %s: version %d. %s", interaction.user.id,
                     result.snapshot.version, result.diff.summary().replace("\n", "; "))
        else:
            log.warning("/kb reload by %s refused: %d problem(s)", interaction.user.id,
                        len(result.problems))
        await respond(interaction, reload_reply(result), render=self.render, ephemeral=True)

    @kb.command(name="check", description="Validate the knowledge files on disk without "
                                          "swapping anything in")
    async def check(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await asyncio.to_thread(self.bot.library.check)
        await respond(interaction, check_reply([str(p) for p in problems]), render=self.render,
                      ephemeral=True)

    @kb.command(name="status", description="What is loaded: entries, table rows, files, "
                                           "load time, thresholds")
    async def status(self, interaction: discord.Interaction) -> None:
        await respond(interaction, render_status(self.bot.library.current), render=self.render,
                      ephemeral=True)
