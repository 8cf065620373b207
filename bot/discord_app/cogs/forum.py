"""Help forums: the bot answers each new post in HELP_FORUM_IDS once, from the knowledge base."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.core.forum import post_question
from bot.core.matching.match import Verdict
from bot.discord_app.embeds import NO_MENTIONS
from bot.discord_app.forum_buttons import forum_message
from bot.store import FORUM_CHANNEL

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)

STARTER_WAIT = 5.0  # seconds to wait for a post's first message after THREAD_CREATE
SEEN_POSTS = 10_000  # posts remembered in memory, so that none gets two replies


class ForumCog(commands.Cog):
    """Answers new posts in the listed help forums; silent when the knowledge base has none."""

    def __init__(self, bot: AnyFaqBot) -> None:
        self.bot = bot
        self.started_at = dt.datetime.now(dt.UTC)
        self._seen: OrderedDict[int, None] = OrderedDict()

    def _first_time(self, thread_id: int) -> bool:
        """True the first time a post is seen in this process."""
        if thread_id in self._seen:
            return False
        self._seen[thread_id] = None
        if len(self._seen) > SEEN_POSTS:
            self._seen.popitem(last=False)
        return True

    def _listened(self, thread: discord.Thread) -> bool:
        """A new post in a listed forum, opened after the bot started, by someone else."""
        me = self.bot.user
        return (thread.parent_id in self.bot.settings.help_forum_ids
                and isinstance(thread.parent, discord.ForumChannel | None)
                and discord.utils.snowflake_time(thread.id) >= self.started_at
                and (me is None or thread.owner_id != me.id))

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        if not self._listened(thread) or not self._first_time(thread.id):
            return
        try:
            await self._answer_post(thread)
        except discord.HTTPException:
            log.warning("could not answer forum post %s", thread.id, exc_info=True)

    async def _answer_post(self, thread: discord.Thread) -> None:
        starter = await self._starter_message(thread)
        if starter is not None and (starter.author.bot or starter.webhook_id is not None):
            return
        if starter is None and await self._opened_by_bot(thread):
            return
        body = starter.content if starter is not None and self.bot.settings.forum_read_body \
            else None
        question = post_question(thread.name, body)
        if not question:
            return
        snapshot = self.bot.library.current  # one snapshot for the whole answer
        started = time.perf_counter()
        match, reply = await asyncio.to_thread(snapshot.answer, question)  # as /ask does
        replies = match.verdict is not Verdict.NONE
        claim = await self.bot.recorder.forum_post(
            thread_id=thread.id, guild_id=thread.guild.id, user_id=thread.owner_id or 0,
            text=question, match=match, replied=replies)
        if not claim.new:
            return  # replied before a restart
        if replies:
            try:
                embed, view = forum_message(thread.id, reply)
                await thread.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                await self.bot.recorder.reply_failed(thread.id)  # no answer counted
                raise
        self.bot.metrics.answered(match.verdict.value, FORUM_CHANNEL,
                                  time.perf_counter() - started)

    async def _starter_message(self, thread: discord.Thread) -> discord.Message | None:
        """The post's first message (its id is the post's): from the cache, as it arrives, or
        fetched; None when it cannot be had."""
        cached = thread.starter_message
        if cached is not None:
            return cached
        try:
            arrived: discord.Message = await self.bot.wait_for(
                "message", timeout=STARTER_WAIT, check=lambda message: message.id == thread.id)
            return arrived
        except TimeoutError:
            pass
        try:
            return await thread.fetch_message(thread.id)
        except discord.HTTPException:
            log.info("the first message of forum post %s is not available", thread.id)
            return None

    async def _opened_by_bot(self, thread: discord.Thread) -> bool:
        """Whether a bot opened the post, asked of the member list; unknown counts as a bot."""
        if thread.owner_id is None:
            return True
        member = thread.guild.get_member(thread.owner_id)
        if member is None:
            try:
                member = await thread.guild.fetch_member(thread.owner_id)
            except discord.HTTPException:
                return True
        return member.bot


async def setup_forum(bot: AnyFaqBot) -> None:
    """Adds the cog only when help forums are configured."""
    if bot.settings.help_forum_ids:
        await bot.add_cog(ForumCog(bot))


__all__ = ["ForumCog", "setup_forum"]
