"""Hand-over to a human after a 👎: "Ask a helper?" posts the question for the helper role.

In a thread of its own where the channel allows, at most once per member per 5 minutes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.core.cooldown import Cooldown
from bot.core.replies.plain_text import truncate
from bot.discord_app.buttons import NumberedButton
from bot.discord_app.embeds import NO_MENTIONS, role_ping
from bot.discord_app.notice import apologising, tell

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)

OFFER = "Not what you needed? A helper can take over."
TOO_SOON = ("You asked a helper a few minutes ago; please wait {minutes} more "
            "minute{s} before asking again.")
UNKNOWN = "I could not find your question any more, so I cannot pass it on. Ask it again?"
ASKED = "I asked the helpers: {where}"
FAILED = "Sorry, I could not post your question for the helpers here."
HANDOVER = ("{role} {who} asked: “{question}” and the bot's answer did not help. "
            "Can a helper take this?")
THREAD_NAME_LIMIT = 100
QUOTED_LIMIT = 1500
HANDOVER_SECONDS = 300.0  # at most one "Ask a helper?" per member per 5 minutes
POSTS_REMEMBERED = 10_000


class Handovers:
    """What this process remembers of hand-overs: each member's last (for the 5-minute limit)
    and the forum posts a helper was called to (the store remembers them across restarts)."""

    def __init__(self, per: float = HANDOVER_SECONDS) -> None:
        self.limit = Cooldown(1, per)
        self._posts: dict[int, None] = {}

    def wait(self, user_id: int) -> float | None:
        """None when the member may hand a question over now (counted), else seconds to wait."""
        return self.limit.hit(user_id)

    def forgive(self, user_id: int) -> None:
        """Take back the member's last hand-over (`wait` counted it, but it failed)."""
        self.limit.forget_last(user_id)

    def forget_post(self, thread_id: int) -> None:
        """A helper could not be called to the post after all: it may be called again."""
        self._posts.pop(thread_id, None)

    def first_for_post(self, thread_id: int) -> bool:
        """True the first time a helper is called to this post in this process."""
        if thread_id in self._posts:
            return False
        self._posts[thread_id] = None
        if len(self._posts) > POSTS_REMEMBERED:
            del self._posts[next(iter(self._posts))]
        return True


def _bot(interaction: discord.Interaction) -> AnyFaqBot:
    return interaction.client  # type: ignore[return-value]


async def handover_offer(interaction: discord.Interaction,
                         question_id: int) -> discord.ui.View | None:
    """The "Ask a helper?" button for the asker of a recorded question, where a helper role is
    set and outside DMs; None otherwise."""
    bot = _bot(interaction)
    settings = getattr(bot, "settings", None)
    if settings is None or settings.helper_role_id is None or interaction.guild is None:
        return None
    if await bot.recorder.asked_by(question_id, interaction.user.id) is None:
        return None  # not the asker (or not recorded): nothing to hand over
    view = discord.ui.View(timeout=None)
    view.add_item(HelperButton(question_id))
    return view


class HelperButton(NumberedButton, template=r"faqbot:helper:(?P<number>[0-9]+)"):
    """Ask a helper: posts the recorded question, pinging the helper role once."""

    PREFIX, LABEL, EMOJI = "faqbot:helper", "Ask a helper?", "🙋"
    STYLE = discord.ButtonStyle.primary

    @property
    def question_id(self) -> int:
        return self.number

    @apologising
    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        role_id = bot.settings.helper_role_id
        channel = interaction.channel
        if role_id is None or interaction.guild is None or channel is None:
            await tell(interaction, FAILED)
            return
        question = await bot.recorder.asked_by(self.question_id, interaction.user.id)
        if question is None:
            await tell(interaction, UNKNOWN)
            return
        wait = bot.handovers.wait(interaction.user.id)
        if wait is not None:
            minutes = max(1, round(wait / 60))
            await tell(interaction, TOO_SOON.format(minutes=minutes, s="s" if minutes != 1 else ""))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = HANDOVER.format(role=f"<@&{role_id}>", who=interaction.user.mention,
                               question=truncate(" ".join(question.split()), QUOTED_LIMIT))
        try:
            sent = await _post(channel, interaction.user, question, text, role_id)
        except discord.HTTPException:
            log.warning("could not hand question %s over in channel %s", self.question_id,
                        channel.id, exc_info=True)
            bot.handovers.forgive(interaction.user.id)  # nothing was handed over
            await interaction.followup.send(FAILED, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await interaction.followup.send(ASKED.format(where=sent.jump_url), ephemeral=True,
                                        allowed_mentions=NO_MENTIONS)


async def _post(channel: Any, user: discord.abc.User, question: str, text: str,
                role_id: int) -> discord.Message:
    """Post in a new public thread of a text channel, else in the channel itself."""
    if isinstance(channel, discord.TextChannel) and \
            channel.permissions_for(channel.guild.me).create_public_threads:
        name = truncate(" ".join(question.split()), THREAD_NAME_LIMIT)
        try:
            thread = await channel.create_thread(
                name=name, type=discord.ChannelType.public_thread,
                auto_archive_duration=1440)
        except discord.HTTPException:
            log.info("could not open a hand-over thread in %s; posting in it", channel.id,
                     exc_info=True)
        else:
            sent = await thread.send(text, allowed_mentions=role_ping(role_id))
            try:
                await thread.add_user(user)
            except discord.HTTPException:
                log.info("could not add %s to hand-over thread %s", user.id, thread.id)
            return sent
    message: discord.Message = await channel.send(text, allowed_mentions=role_ping(role_id))
    return message
