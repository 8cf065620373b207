"""Members ask: `/ask`, a mention, a DM, or "Find answer" on someone's message."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.knowledge.fields import invisible
from bot.core.matching.match import Match
from bot.core.replies.plain_text import truncate
from bot.core.replies.render import render_item
from bot.core.replies.reply import Reply
from bot.discord_app.embeds import CHOICE_NAME_LIMIT, NO_MENTIONS
from bot.discord_app.notice import APOLOGY
from bot.discord_app.respond import reply_to, respond
from bot.discord_app.views import PickHook

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)

EMPTY_QUESTION = ("Ask me a question about the knowledge base, for example with `/ask`, "
                  "or mention me followed by your question.")
NO_TEXT = "That message has no text I can answer (attachments and embeds are not read)."
STOPPING = "I'm restarting and not taking questions right now: please ask again in a minute."
AUTOCOMPLETE_LIMIT = 25
# Answers in progress beyond which a new interaction is acknowledged ("thinking…") first:
# Discord drops an interaction not acknowledged within 3 s, and a burst queues the answers.
BUSY_ANSWERS = 25


def cooldown_message(retry_after: float) -> str:
    return (f"You're asking quickly: please wait {max(retry_after, 1):.0f} s before your next "
            "question.")


class AskCog(commands.Cog):
    """Answers questions wherever a member asks them."""

    def __init__(self, bot: AnyFaqBot) -> None:
        self.bot = bot
        self.answering = 0
        self._forbidden: set[int] = set()  # channels where a missing permission was logged
        self._no_embeds: set[int] = set()  # channels where missing Embed Links was logged
        self._slots = asyncio.Semaphore(BUSY_ANSWERS)
        self.find_answer_menu = app_commands.ContextMenu(name="Find answer",
                                                         callback=self.find_answer)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.find_answer_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.find_answer_menu.name,
                                     type=self.find_answer_menu.type)

    # -- shared -------------------------------------------------------------------------

    def render(self, item_id: str) -> Reply | None:
        return render_item(self.bot.library.current.kb, item_id)

    def answer(self, question: str) -> tuple[Match, Reply]:
        """Match and render; called in a thread: with the semantic layer, encoding the question
        takes milliseconds, which the event loop spends on other members meanwhile."""
        return self.bot.library.current.answer(question)

    async def _record(self, where: discord.Interaction | discord.Message, user: discord.abc.User,
                      question: str, match: Match) -> int | None:
        return await self.bot.recorder.question(
            guild_id=where.guild.id if where.guild else None,
            channel_id=where.channel.id if where.channel else "unknown",
            user_id=user.id, text=question, match=match)

    async def _too_fast(self, interaction: discord.Interaction) -> bool:
        retry_after = self.bot.cooldown.hit(interaction.user.id)
        if retry_after is None:
            return False
        await interaction.response.send_message(cooldown_message(retry_after), ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
        return True

    @contextlib.asynccontextmanager
    async def _in_flight(self, interaction: discord.Interaction, *,
                         ephemeral: bool) -> AsyncIterator[None]:
        """Counts answers in progress; when many are, defers first so none misses 3 s, then
        waits for one of BUSY_ANSWERS slots: a burst of questions is acknowledged before the
        answers it deferred compete for the CPU."""
        self.answering += 1
        try:
            if self.answering > BUSY_ANSWERS and not interaction.response.is_done():
                await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            async with self._slots:
                yield
        finally:
            self.answering -= 1

    async def _answer_interaction(self, interaction: discord.Interaction, question: str, *,
                                  asker: discord.abc.User, ephemeral: bool) -> None:
        """Match, record (as asked by `asker`) and respond; a blank question gets a hint."""
        if invisible(question):
            await interaction.response.send_message(EMPTY_QUESTION, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
        if self.bot.stopping:
            await interaction.response.send_message(STOPPING, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
        started = time.perf_counter()
        with self.bot.in_flight.track():
            async with self._in_flight(interaction, ephemeral=ephemeral):
                match, reply = await asyncio.to_thread(self.answer, question)
                question_id = await self._record(interaction, asker, question, match)
                await respond(interaction, reply, render=self.render, ephemeral=ephemeral,
                              on_pick=self._click_recorder(question_id),
                              question_id=question_id, also=frozenset({asker.id}))
        channel = interaction.channel_id if interaction.guild is not None else None
        self.bot.metrics.answered(match.verdict.value, channel, time.perf_counter() - started)

    def _click_recorder(self, question_id: int | None) -> PickHook:
        async def picked(_: discord.Interaction, item_id: str) -> None:
            await self.bot.recorder.click(question_id, item_id)

        return picked

    # -- /ask ---------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question; the bot answers from its "
                                                  "knowledge base")
    @app_commands.describe(question="Your question, in your own words",
                           ephemeral="Only you see the answer (default: everyone sees it)")
    async def ask(self, interaction: discord.Interaction, question: str,
                  ephemeral: bool = False) -> None:
        if await self._too_fast(interaction):
            return
        await self._answer_interaction(interaction, question, asker=interaction.user,
                                       ephemeral=ephemeral)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, _: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        completions = self.bot.library.current.matcher.complete(current, AUTOCOMPLETE_LIMIT)
        choices: dict[str, app_commands.Choice[str]] = {}
        for label, _item_id in completions:
            text = truncate(label, CHOICE_NAME_LIMIT)
            choices.setdefault(text, app_commands.Choice(name=text, value=text))
        return list(choices.values())[:AUTOCOMPLETE_LIMIT]

    # -- "Find answer" on a message -------------------------------------------------------

    async def find_answer(self, interaction: discord.Interaction,
                          message: discord.Message) -> None:
        if await self._too_fast(interaction):
            return
        me = self.bot.user
        question = message.content
        if me is not None:  # a mention of the bot is no part of the question
            question = _addressing(me.id, message.guild).sub(" ", question)
        question = question.strip()
        if invisible(question):
            await interaction.response.send_message(NO_TEXT, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
        await self._answer_interaction(interaction, question, asker=message.author,
                                       ephemeral=False)

    # -- mentions and DMs -----------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return  # never answer bots, webhooks or ourselves: no reply loops
        if message.author.id == me.id:
            return
        in_dm = message.guild is None
        # Named in the text: the bot, or its own role (Discord's @ list offers both). A reply
        # to the bot pings it without naming it: "thanks!" under an answer is no question.
        addressed = _addressing(me.id, message.guild)
        if not in_dm and not addressed.search(message.content):
            return
        if self.bot.stopping:
            return  # shutting down: the question is not taken (an interaction is told so)
        question = addressed.sub(" ", message.content).strip()
        retry_after = self.bot.cooldown.hit(message.author.id)
        try:
            if retry_after is not None:
                await message.reply(cooldown_message(retry_after), mention_author=False,
                                    allowed_mentions=NO_MENTIONS, delete_after=10)
                return
            if invisible(question):
                await message.reply(EMPTY_QUESTION, mention_author=False,
                                    allowed_mentions=NO_MENTIONS)
                return
            started = time.perf_counter()
            with self.bot.in_flight.track():
                match, reply = await asyncio.to_thread(self.answer, question)
                question_id = await self._record(message, message.author, question, match)
                await reply_to(message, reply, owner_id=message.author.id, render=self.render,
                               on_pick=self._click_recorder(question_id),
                               question_id=question_id, embeds=self._embeds_shown(message))
            self.bot.metrics.answered(match.verdict.value, None if in_dm else message.channel.id,
                                      time.perf_counter() - started)
        except discord.Forbidden as exc:
            self._missing_permission(message, exc)
        except discord.HTTPException as exc:
            log.error("could not reply to message %s: %s", message.id, exc)
            log.debug("reply to message %s failed", message.id, exc_info=True)
        except Exception as exc:  # the member is told, as /ask's are (FaqBotTree.on_error)
            log.error("answering message %s failed", message.id, exc_info=exc)
            with contextlib.suppress(discord.HTTPException):
                await message.reply(APOLOGY, mention_author=False, allowed_mentions=NO_MENTIONS)

    def _embeds_shown(self, message: discord.Message) -> bool:
        """Whether Discord shows the bot's embeds where `message` is (Embed Links); logged
        once per channel when not: the answers there are plain text."""
        guild, channel = message.guild, message.channel
        if guild is None or guild.me is None or not isinstance(
                channel, discord.abc.GuildChannel | discord.Thread):
            return True  # a DM, or a channel not known well enough to tell
        if channel.permissions_for(guild.me).embed_links:
            return True
        if channel.id not in self._no_embeds:
            self._no_embeds.add(channel.id)
            log.warning("no Embed Links in #%s (%s, %s): answers there are plain text; "
                        "`faqbot doctor` checks every channel",
                        getattr(channel, "name", None) or channel.id, channel.id, guild.name)
        return False

    def _missing_permission(self, message: discord.Message, exc: discord.Forbidden) -> None:
        """Log once per channel that the bot may not reply there; the bot carries on."""
        channel = message.channel
        log.debug("reply in channel %s refused", channel.id, exc_info=True)
        if channel.id in self._forbidden:
            return
        self._forbidden.add(channel.id)
        name = getattr(channel, "name", None) or channel.id
        guild = message.guild.name if message.guild else "a DM"
        log.warning("cannot reply in #%s (%s, %s): %s. Mentions there go unanswered until the "
                    "bot has View Channel, Send Messages, Embed Links and Read Message "
                    "History in it; `faqbot doctor` checks every channel.",
                    name, channel.id, guild, exc.text or "Missing Permissions")


def _addressing(user_id: int, guild: discord.Guild | None) -> re.Pattern[str]:
    """The bot's mention in a message's text, or its own (managed) role's in `guild`."""
    role = guild.self_role if guild is not None else None
    return re.compile(rf"<@!?{user_id}>" + (rf"|<@&{role.id}>" if role is not None else ""))
