"""`/kb gaps` and `/kb stats`: what members asked that the bot could not answer, and fixing it.

One select away from fixing it ("Add as a question of…")."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import discord

from bot.core.curation.gaps import GapGroup
from bot.core.curation.open_gaps import titles_of
from bot.core.knowledge.models import KnowledgeBase
from bot.core.library import Library
from bot.core.replies.plain_text import truncate
from bot.core.replies.reply import Reply, ReplyKind
from bot.discord_app.embeds import (
    CONTENT_LIMIT,
    DESCRIPTION_CHUNK,
    NO_MENTIONS,
    plain_text,
)
from bot.discord_app.views import OwnedView
from bot.knowledge_edit import AppendResult, append_question, find_item_file
from bot.store import Stats
from bot.store.chart import render_stats_chart
from bot.store.report import format_gaps, format_stats

log = logging.getLogger(__name__)

GROUPS_WITH_SELECT = 5  # a message holds at most 5 rows of components
OPTIONS_LIMIT = 25
PLACEHOLDER_LIMIT = 150
OPTION_TEXT_LIMIT = 100
CHART_NAME = "questions-per-day.png"

AddQuestion = Callable[[str, str], Awaitable[AppendResult]]


def gaps_reply(groups: Sequence[GapGroup], kb: KnowledgeBase, days: int) -> Reply:
    body = plain_text(format_gaps(groups, titles=titles_of(kb)), DESCRIPTION_CHUNK)
    if groups:
        body += ("\n\nPick an entry under a question to add it to that entry's questions "
                 "(the file is validated and reloaded).")
    return Reply(kind=ReplyKind.INFO, title=f"Gaps, last {days} day{'s' if days != 1 else ''}",
                 body=body)


def stats_reply(stats: Stats, kb: KnowledgeBase) -> Reply:
    return Reply(kind=ReplyKind.INFO, title=f"Usage, last {stats.days} day"
                                            f"{'s' if stats.days != 1 else ''}",
                 body=plain_text(format_stats(stats, titles_of(kb)), DESCRIPTION_CHUNK))


def chart_file(stats: Stats) -> discord.File:
    return discord.File(io.BytesIO(render_stats_chart(stats)), filename=CHART_NAME)


def outcome_text(result: AppendResult) -> str:
    """What became of an "Add as a question of…" pick, within one message's 2,000 characters:
    the sentence, then the first problems in a code block."""
    text = plain_text(result.message, CONTENT_LIMIT // 2)
    if result.problems:
        fence = "\n```\n{}\n```"
        room = CONTENT_LIMIT - len(text) - len(fence.format(""))
        text += fence.format(truncate("\n".join(result.problems[:10]), room))
    return text


def entry_options(kb: KnowledgeBase, candidates: Sequence[str]) -> list[discord.SelectOption]:
    """The best candidates first, then every other entry, table and row: at most 25."""
    ids = list(dict.fromkeys([*(c for c in candidates if kb.find(c) is not None), *kb.ids]))
    best = set(candidates)
    return [
        discord.SelectOption(
            label=truncate(kb.title_of(item_id), OPTION_TEXT_LIMIT), value=item_id,
            description=truncate(("closest match · " if item_id in best else "") + item_id,
                                 OPTION_TEXT_LIMIT))
        for item_id in ids[:OPTIONS_LIMIT]
    ]


class GapsView(OwnedView):
    """One "Add as a question of…" select per gap group (the five most frequent)."""

    def __init__(self, owner_id: int, groups: Sequence[GapGroup], kb: KnowledgeBase,
                 add: AddQuestion, timeout: float = 600.0) -> None:
        super().__init__(owner_id, timeout)
        self.add = add
        for rank, group in enumerate(groups[:GROUPS_WITH_SELECT], 1):
            select: discord.ui.Select[GapsView] = discord.ui.Select(
                placeholder=truncate(f"{rank}. Add “{' '.join(group.example.split())}” as a "
                                     "question of…", PLACEHOLDER_LIMIT),
                options=entry_options(kb, group.candidates))
            select.callback = self._make_callback(group, select)  # type: ignore[method-assign,assignment]
            self.add_item(select)

    def _make_callback(self, group: GapGroup, select: discord.ui.Select[GapsView]
                       ) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def chosen(interaction: discord.Interaction) -> None:
            item_id = select.values[0]
            # A deferred update: @original stays the gaps message, so the select can be disabled.
            await interaction.response.defer()
            result = await self.add(item_id, group.example)
            if result.ok:
                select.disabled = True
                await self._show_used(interaction)
            await interaction.followup.send(outcome_text(result), ephemeral=True,
                                            allowed_mentions=NO_MENTIONS)

        return chosen

    async def _show_used(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.edit_original_response(view=self)
        except discord.HTTPException:
            log.debug("could not disable a used gap select", exc_info=True)


def question_adder(library: Library) -> AddQuestion:
    """Append a question to an item's YAML file, then validate and reload (all in a thread)."""

    def validate() -> list[str]:
        result = library.reload()
        return [str(problem) for problem in result.problems]

    async def add(item_id: str, question: str) -> AppendResult:
        folder = library.folder
        path = await asyncio.to_thread(find_item_file, folder, item_id)
        if path is None:
            # Live, yet in no file that reads: removed by hand, or its file no longer loads.
            return AppendResult(False, f"No knowledge file defines '{item_id}' now: it was "
                                "removed, or its file does not load (/kb check says which).",
                                Path(folder), item_id, question)
        return await asyncio.to_thread(append_question, path, item_id, question,
                                       validate=validate)

    return add
