"""The buttons under the bot's reply in a help-forum post: its choices, Solved, Still need help.

A long answer also gets Read the rest. The buttons' custom ids carry the post's id (Read the
rest: the answer's item), so they work after a restart."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.core.forum import find_tag, tags_with
from bot.core.replies.plain_text import truncate
from bot.core.replies.render import render_item
from bot.core.replies.reply import Reply, ReplyKind
from bot.discord_app.buttons import NumberedButton
from bot.discord_app.embeds import BUTTON_LABEL_LIMIT, NO_MENTIONS, build_pages, role_ping
from bot.discord_app.notice import apologising, tell
from bot.discord_app.views import PagerView

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)

SUGGEST_TITLE = "These might help:"
SUGGEST_BODY = "Pick the one that fits your question and its answer will show here."
ONLY_POSTER = "Only the member who opened this post can use this button."
ONLY_POSTER_OR_MODERATOR = ("Only the member who opened this post, or someone who may manage "
                            "threads here, can mark it solved.")
SOLVED = "✅ Marked as solved by {who}."
ALREADY_SOLVED = "This post is already marked solved."
NO_TAG = ("Thanks, noted as solved. This forum has no tag called “{tag}”, so I could not tag "
          "the post: a moderator can add that tag to the forum.")
NO_PERMISSION = ("Thanks, noted as solved. I could not tag the post: I need the Manage Threads "
                 "permission in this forum.")
TAG_FAILED = "Thanks, noted as solved. Discord did not let me tag the post right now."
HELPER_CALLED = "{role} {who} still needs help with this post."
HELPER_WILL_LOOK = "A helper will take a look at this post, {who}."
ALREADY_CALLED = "A helper has already been called to this post."
GONE = "That topic is no longer in the knowledge base."
NOT_A_POST = "This button only works in the help-forum post it was sent in."
READ_THE_REST = "Read the rest"


def _bot(interaction: discord.Interaction) -> AnyFaqBot:
    return interaction.client  # type: ignore[return-value]


def forum_message(thread_id: int, reply: Reply) -> tuple[discord.Embed, discord.ui.View]:
    """The reply in a post: its first page as /ask renders it (suggestions under a forum
    title), and its buttons: Read the rest of a long answer, up to three suggestions (or an
    answer's alternatives) to pick, then ✅ Solved and 🙋 Still need help. A post gets one
    message, for everyone: the rest of a long answer is a button (`ForumRest`) away."""
    shown = reply
    if reply.kind is ReplyKind.SUGGEST:
        shown = dataclasses.replace(reply, title=SUGGEST_TITLE, body=SUGGEST_BODY)
    pages = build_pages(shown)
    view = discord.ui.View(timeout=None)
    if reply.item_id and len(pages) > 1:
        view.add_item(ForumRest(reply.item_id))
    for number, choice in enumerate(reply.choices[:3], 1):
        view.add_item(ForumPick(thread_id, choice.id, f"{number}. {choice.title}"))
    view.add_item(ForumSolved(thread_id))
    view.add_item(ForumHelp(thread_id))
    return pages[0], view


async def _post(interaction: discord.Interaction, thread_id: int) -> discord.Thread | None:
    """The post the button belongs to (where it was pressed, cached, else fetched), or None
    when it is not one."""
    channel = interaction.channel
    if isinstance(channel, discord.Thread) and channel.id == thread_id:
        return channel
    cached = interaction.guild.get_thread(thread_id) if interaction.guild else None
    if cached is not None:
        return cached
    try:
        fetched = await interaction.client.fetch_channel(thread_id)
    except discord.HTTPException:
        log.info("post %s of a forum button is gone", thread_id, exc_info=True)
        return None
    return fetched if isinstance(fetched, discord.Thread) else None


async def _post_or_tell(interaction: discord.Interaction, thread_id: int, *,
                        poster_only: bool) -> discord.Thread | None:
    """The button's post; None, the member told why, when it is not one or, `poster_only`,
    when the member did not open it."""
    post = await _post(interaction, thread_id)
    if post is None:
        await tell(interaction, NOT_A_POST)
        return None
    if poster_only and interaction.user.id != post.owner_id:
        await tell(interaction, ONLY_POSTER)
        return None
    return post


class ForumPick(discord.ui.DynamicItem[discord.ui.Button[Any]],
                template=r"faqbot:fp:(?P<thread>[0-9]+):(?P<item>[a-z0-9-]+)"):
    """A suggestion in a post; the poster's pick turns the reply into that answer."""

    def __init__(self, thread_id: int, item_id: str, label: str = "…") -> None:
        super().__init__(discord.ui.Button(
            label=truncate(label, BUTTON_LABEL_LIMIT), style=discord.ButtonStyle.primary,
            custom_id=f"faqbot:fp:{thread_id}:{item_id}"))
        self.thread_id = thread_id
        self.item_id = item_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: Any) -> ForumPick:
        return cls(int(match["thread"]), match["item"])

    @apologising
    async def callback(self, interaction: discord.Interaction) -> None:
        if await _post_or_tell(interaction, self.thread_id, poster_only=True) is None:
            return
        bot = _bot(interaction)
        reply = render_item(bot.library.current.kb, self.item_id)
        if reply is None:
            await tell(interaction, GONE)
            return
        # the pick is made: no choices left
        embed, view = forum_message(self.thread_id, dataclasses.replace(reply, choices=()))
        await interaction.response.edit_message(embed=embed, view=view,
                                                allowed_mentions=NO_MENTIONS)
        await bot.recorder.forum_click(self.thread_id, self.item_id)


class ForumRest(discord.ui.DynamicItem[discord.ui.Button[Any]],
                template=r"faqbot:fr:(?P<item>[a-z0-9-]+)"):
    """Read the rest: the whole answer, from its second page, shown to the member who presses
    it alone (a post is one message; page buttons there would turn it for everyone)."""

    def __init__(self, item_id: str) -> None:
        super().__init__(discord.ui.Button(
            label=READ_THE_REST, style=discord.ButtonStyle.secondary, emoji="📖",
            custom_id=f"faqbot:fr:{item_id}"))
        self.item_id = item_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: Any) -> ForumRest:
        return cls(match["item"])

    @apologising
    async def callback(self, interaction: discord.Interaction) -> None:
        reply = render_item(_bot(interaction).library.current.kb, self.item_id)
        if reply is None:
            await tell(interaction, GONE)
            return
        pages = build_pages(reply)
        if len(pages) == 1:  # shortened since: the whole of it
            await interaction.response.send_message(embed=pages[0], ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
        view = PagerView(interaction.user.id, pages, start=1)
        await interaction.response.send_message(embed=pages[1], view=view, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
        view.attach(interaction=interaction)


class PostButton(NumberedButton,
                 template=r"faqbot:forum:(?P<action>solved|help):(?P<number>[0-9]+)"):
    """What ✅ Solved and 🙋 Still need help share: the post's id in the custom id."""

    @property
    def thread_id(self) -> int:
        return self.number


class ForumSolved(PostButton, template=r"faqbot:forum:solved:(?P<number>[0-9]+)"):
    """✅ Solved: the poster or a moderator; applies the forum's solved tag."""

    PREFIX, LABEL, EMOJI = "faqbot:forum:solved", "Solved", "✅"
    STYLE = discord.ButtonStyle.success

    @apologising
    async def callback(self, interaction: discord.Interaction) -> None:
        post = await _post_or_tell(interaction, self.thread_id, poster_only=False)
        if post is None:
            return
        if interaction.user.id != post.owner_id and not interaction.permissions.manage_threads:
            await tell(interaction, ONLY_POSTER_OR_MODERATOR)
            return
        bot = _bot(interaction)
        forum = post.parent
        tags = forum.available_tags if isinstance(forum, discord.ForumChannel) else []
        tag_id = find_tag([(tag.id, tag.name) for tag in tags], bot.settings.solved_tag)
        applied = [tag.id for tag in post.applied_tags]
        if tag_id is not None and tag_id in applied:
            await tell(interaction, ALREADY_SOLVED)
            return
        await bot.recorder.solved(self.thread_id)
        if tag_id is None:
            await tell(interaction, NO_TAG.format(tag=bot.settings.solved_tag))
            return
        new_tags = tags_with(applied, tag_id) or ()
        try:
            await post.edit(applied_tags=[discord.Object(id=tag) for tag in new_tags])  # type: ignore[misc]
        except discord.Forbidden:
            await tell(interaction, NO_PERMISSION)
            return
        except discord.HTTPException:
            log.warning("could not tag post %s solved", post.id, exc_info=True)
            await tell(interaction, TAG_FAILED)
            return
        await interaction.response.send_message(SOLVED.format(who=interaction.user.mention),
                                                allowed_mentions=NO_MENTIONS)


class ForumHelp(PostButton, template=r"faqbot:forum:help:(?P<number>[0-9]+)"):
    """🙋 Still need help: the poster; pings the helper role once per post."""

    PREFIX, LABEL, EMOJI = "faqbot:forum:help", "Still need help", "🙋"
    STYLE = discord.ButtonStyle.secondary

    @apologising
    async def callback(self, interaction: discord.Interaction) -> None:
        if await _post_or_tell(interaction, self.thread_id, poster_only=True) is None:
            return
        bot = _bot(interaction)
        if not bot.handovers.first_for_post(self.thread_id) or await bot.recorder.handover(
                self.thread_id) is False:
            await tell(interaction, ALREADY_CALLED)
            return
        role_id = bot.settings.helper_role_id
        who = interaction.user.mention
        try:
            if role_id is None:
                await interaction.response.send_message(HELPER_WILL_LOOK.format(who=who),
                                                        allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(
                    HELPER_CALLED.format(role=f"<@&{role_id}>", who=who),
                    allowed_mentions=role_ping(role_id))
        except discord.HTTPException:  # no helper was called: the poster may press again
            log.warning("could not call a helper to post %s", self.thread_id, exc_info=True)
            bot.handovers.forget_post(self.thread_id)
            await bot.recorder.handover_failed(self.thread_id)

