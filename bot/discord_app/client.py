"""The Discord bot: dependencies come in through the constructor; setup_hook adds the cogs."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.cooldown import Cooldown
from bot.core.library import Library
from bot.discord_app.embeds import NO_MENTIONS
from bot.discord_app.forum_buttons import ForumHelp, ForumPick, ForumRest, ForumSolved
from bot.discord_app.handover import Handovers, HelperButton
from bot.discord_app.in_flight import InFlight
from bot.discord_app.metrics import Metrics
from bot.discord_app.notice import apologise, tell
from bot.discord_app.retention import RetentionTask
from bot.discord_app.views import ExpiredButton
from bot.discord_app.votes import VoteButton
from bot.discord_app.watch import KnowledgeWatcher
from bot.recorder import Recorder
from bot.settings import Settings

log = logging.getLogger(__name__)

def default_intents(*, message_content: bool = False) -> discord.Intents:
    """The intents that need no approval from Discord: no members, and no message content
    unless help-forum posts are read whole (FORUM_READ_BODY)."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    intents.members = False
    intents.presences = False
    return intents


class FaqBotMixin:
    """Everything faqbot adds to discord.py's bot; mixed into the plain and the sharded bot."""

    settings: Settings
    library: Library
    recorder: Recorder
    cooldown: Cooldown
    handovers: Handovers
    watcher: KnowledgeWatcher | None
    retention: RetentionTask
    tree: app_commands.CommandTree[Any]
    metrics: Metrics
    in_flight: InFlight
    stopping: bool
    started_at: datetime
    latency: float

    def __init__(self, settings: Settings, library: Library, recorder: Recorder,
                 **options: Any) -> None:
        """discord.py's bot (plain or sharded, whichever follows in the class's bases) with
        faqbot's intents, mentions and command tree, and faqbot's parts."""
        super().__init__(command_prefix=commands.when_mentioned,  # type: ignore[call-arg]
                         intents=default_intents(message_content=settings.forum_read_body),
                         allowed_mentions=NO_MENTIONS, help_command=None,
                         tree_cls=FaqBotTree, **options)
        self.settings = settings
        self.library = library
        self.recorder = recorder
        self.cooldown = Cooldown(settings.cooldown_rate, settings.cooldown_seconds)
        self.handovers = Handovers()
        self.watcher = None
        self.retention = RetentionTask(recorder, settings.retention_days)
        self.metrics = Metrics(library, recorder, lambda: self.latency)
        self.in_flight = InFlight()  # answers in progress, which a shutdown lets finish
        self.stopping = False  # set at SIGTERM/SIGINT: no new questions are taken
        self.started_at = discord.utils.utcnow()  # buttons of older messages have expired

    async def setup_hook(self) -> None:
        from bot.discord_app.cogs import load_cogs

        self.add_dynamic_items(VoteButton, HelperButton, ForumPick, ForumSolved,  # type: ignore[attr-defined]
                               ForumHelp, ForumRest, ExpiredButton)
        await load_cogs(self)  # type: ignore[arg-type]
        self.retention.start()  # prunes the question log now and daily
        if self.settings.kb_watch:
            self.watcher = KnowledgeWatcher(self.library)
            self.watcher.start()
        if self.settings.dev_guild_id is not None:
            await self._sync_dev_guild(self.settings.dev_guild_id)

    async def _sync_dev_guild(self, guild_id: int) -> None:
        """Sync the commands to DEV_GUILD_ID; a refusal is logged and the bot runs on."""
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            log.error("could not sync the commands to DEV_GUILD_ID %s (%s): is the bot in that "
                      "server, invited with the applications.commands scope?", guild_id, exc)
            return
        log.info("synced %d commands to the development server %s", len(synced), guild_id)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: questions in messages are the ask cog's, through its listener."""

    async def close(self) -> None:
        if self.watcher is not None:
            await self.watcher.stop()
        await self.retention.stop()
        await super().close()  # type: ignore[misc]

    async def on_ready(self) -> None:
        user = getattr(self, "user", None)
        log.info("connected as %s; %d topics loaded", user, len(self.library.current.kb.ids))


class FaqBot(FaqBotMixin, commands.Bot):
    """faqbot on one connection to Discord."""


class ShardedFaqBot(FaqBotMixin, commands.AutoShardedBot):
    """faqbot on several shards: SHARD_COUNT of them, or as many as Discord recommends."""


AnyFaqBot = FaqBot | ShardedFaqBot


class FaqBotTree(app_commands.CommandTree[Any]):
    """The command tree, with faqbot's error handling (passed as `tree_cls`, as python-discord's
    bot-core does)."""

    async def on_error(self, interaction: discord.Interaction[Any],
                       error: app_commands.AppCommandError) -> None:
        """A failed check gets its explanation; anything else an apology, and the log the
        traceback."""
        if isinstance(error, app_commands.CheckFailure):
            await tell(interaction, str(error) or "You can't use this command here.")
            return
        command = interaction.command.qualified_name if interaction.command else "?"
        await apologise(interaction, f"command /{command}", error)
