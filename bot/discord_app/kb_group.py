"""The `/kb` admin group: one per command tree, shared by every cog that adds `/kb` subcommands.

Every `/kb` subcommand is checked in code by `KbGroup.interaction_check` (Manage Server in that
server, or listed in ADMIN_USER_IDS; in a DM only listed users). `default_permissions` only
hides the group from members by default; a server can change that, so it is not relied on.

To add subcommands, subclass `KbCog` and pass it the callbacks by subcommand name (a callback's
docstring is its description, as with `@app_commands.command`). Loading the cog adds them, as
commands of this bot's own, to the tree's group, creating the group if no other `/kb` cog did
yet: the cogs load in any order, and the admin check runs before each subcommand without
anything else to remember. Unloading removes them, and the group with its last subcommand
(Discord has no use for a group without one).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.checks import ensure_admin

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

NAME = "kb"
EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
KbCallback = Callable[Concatenate[discord.Interaction[Any], ...], Coroutine[Any, Any, None]]


class KbGroup(app_commands.Group):
    """`/kb …`: the admin check runs before every subcommand, present and future."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return ensure_admin(interaction)


def kb_group(tree: app_commands.CommandTree[Any]) -> KbGroup:
    """The tree's `/kb` group, added to the tree the first time a cog asks for it."""
    group = tree.get_command(NAME)
    if group is None:
        group = KbGroup(name=NAME, description="Knowledge base administration (admins only)",
                        default_permissions=discord.Permissions(manage_guild=True),
                        allowed_contexts=EVERYWHERE)
        tree.add_command(group)
    if not isinstance(group, KbGroup):
        raise TypeError(f"/{NAME} on the command tree is a {type(group).__name__}, not the "
                        "admin group")
    return group


def bot_of(interaction: discord.Interaction) -> AnyFaqBot:
    """The FaqBot a `/kb` command runs on."""
    return interaction.client  # type: ignore[return-value]


class KbCog(commands.Cog):
    """A cog whose commands are `/kb` subcommands rather than commands of their own."""

    def __init__(self, bot: AnyFaqBot, **callbacks: KbCallback) -> None:
        self.bot = bot
        self.kb_commands: list[app_commands.Command[Any, Any, None]] = [
            app_commands.command(name=name)(callback) for name, callback in callbacks.items()]

    async def cog_load(self) -> None:
        group = kb_group(self.bot.tree)
        for command in self.kb_commands:
            group.add_command(command)

    async def cog_unload(self) -> None:
        group = self.bot.tree.get_command(NAME)
        if not isinstance(group, KbGroup):
            return
        for command in self.kb_commands:
            group.remove_command(command.name)
        if not group.commands:
            self.bot.tree.remove_command(NAME)
