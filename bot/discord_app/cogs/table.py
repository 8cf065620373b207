"""The comparison table and the topics: `/compare`, `/topics`, `/explain`.

Discord renders no Markdown tables, so `/compare` shows the table as embed fields, one per
row, each holding every side ("**Open models:** …" / "**Closed models:** …"). A field wraps
to the screen, so a row reads the same on a phone as on a desktop, with no sideways scrolling
as an aligned monospace block would need. `image:True` sends the same table as a picture.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.matching.complete import factor_choices, topic_choices
from bot.core.replies.plain_text import truncate
from bot.core.replies.render import (
    compare_reply,
    explain_reply,
    render_item,
    render_topics,
    render_unknown_topic,
)
from bot.core.replies.reply import Reply, TableView
from bot.discord_app.embeds import (
    CHOICE_NAME_LIMIT,
    COLOURS,
    FOOTER_LIMIT,
    NO_MENTIONS,
    TITLE_LIMIT,
)
from bot.discord_app.respond import respond
from bot.discord_app.table_image import render_table_png

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot

log = logging.getLogger(__name__)

IMAGE_NAME = "comparison.png"
CHOICE_VALUE_LIMIT = 100
# Seconds to wait for the picture before acknowledging the interaction ("thinking…"): a
# drawing takes about 0.1 s, but drawings queue one at a time and Discord waits only 3 s.
IMAGE_WAIT = 2.0


def to_choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=truncate(label, CHOICE_NAME_LIMIT),
                                value=item_id[:CHOICE_VALUE_LIMIT]) for label, item_id in pairs]


def image_embed(reply: Reply) -> discord.Embed:
    embed = discord.Embed(title=truncate(reply.title, TITLE_LIMIT), colour=COLOURS[reply.kind])
    embed.set_image(url=f"attachment://{IMAGE_NAME}")
    if reply.footer:
        embed.set_footer(text=truncate(reply.footer, FOOTER_LIMIT))
    return embed


class TableCog(commands.Cog):
    """Look things up directly, without asking a question."""

    def __init__(self, bot: AnyFaqBot) -> None:
        self.bot = bot

    def render(self, item_id: str) -> Reply | None:
        return render_item(self.bot.library.current.kb, item_id)

    # -- /compare -------------------------------------------------------------------------

    @app_commands.command(name="compare", description="The comparison table, or one factor of "
                                                      "it with both sides")
    @app_commands.describe(factor="One factor (row) of the table; leave empty for all of it",
                           image="Send the table as a picture",
                           ephemeral="Only you see the reply (default: everyone sees it)")
    async def compare(self, interaction: discord.Interaction, factor: str | None = None,
                      image: bool = False, ephemeral: bool = False) -> None:
        kb = self.bot.library.current.kb  # one snapshot for the whole reply
        reply, found = compare_reply(kb, factor)
        if not found:
            await respond(interaction, reply, render=self.render, ephemeral=True)
            return
        if image and reply.table is not None:
            await self._send_picture(interaction, reply, reply.table, ephemeral=ephemeral)
            return
        await respond(interaction, reply, render=self.render, ephemeral=ephemeral)

    async def _send_picture(self, interaction: discord.Interaction, reply: Reply,
                            table: TableView, *, ephemeral: bool) -> None:
        """The table drawn in a thread; deferred first if the drawing outlasts IMAGE_WAIT."""
        drawing = asyncio.ensure_future(asyncio.to_thread(render_table_png, table, reply.title))
        try:
            png = await asyncio.wait_for(asyncio.shield(drawing), IMAGE_WAIT)
        except TimeoutError:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            png = await drawing
        embed = image_embed(reply)
        file = discord.File(io.BytesIO(png), filename=IMAGE_NAME)
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, file=file, ephemeral=ephemeral,
                                            allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(embed=embed, file=file, ephemeral=ephemeral,
                                                    allowed_mentions=NO_MENTIONS)

    @compare.autocomplete("factor")
    async def compare_autocomplete(self, _: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        return to_choices(factor_choices(self.bot.library.current.kb, current))

    # -- /topics and /explain -------------------------------------------------------------

    @app_commands.command(name="topics", description="Everything the bot knows, by group")
    @app_commands.describe(ephemeral="Only you see the list (default: everyone sees it)")
    async def topics(self, interaction: discord.Interaction, ephemeral: bool = False) -> None:
        reply = render_topics(self.bot.library.current.kb)
        await respond(interaction, reply, render=self.render, ephemeral=ephemeral)

    @app_commands.command(name="explain", description="Show one topic of the knowledge base")
    @app_commands.describe(topic="The topic (start typing to pick one)",
                           ephemeral="Only you see the answer (default: everyone sees it)")
    async def explain(self, interaction: discord.Interaction, topic: str,
                      ephemeral: bool = False) -> None:
        kb = self.bot.library.current.kb
        reply = explain_reply(kb, topic)
        if reply is None:
            await respond(interaction, render_unknown_topic(kb), render=self.render,
                          ephemeral=True)
            return
        await respond(interaction, reply, render=self.render, ephemeral=ephemeral)

    @explain.autocomplete("topic")
    async def explain_autocomplete(self, _: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        return to_choices(topic_choices(self.bot.library.current.kb, current))
