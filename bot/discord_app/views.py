"""Buttons: did-you-mean choices and page turning, usable only by the member who asked."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self

import discord

from bot.core.replies.plain_text import truncate
from bot.core.replies.reply import Choice, Reply
from bot.discord_app.embeds import BUTTON_LABEL_LIMIT, NO_MENTIONS, build_pages
from bot.discord_app.notice import apologise, apologising, tell
from bot.discord_app.votes import add_vote_buttons

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 180.0
READ_MORE = "Read more"
URL_LIMIT = 512  # Discord's limit on a link button's address
EXPIRED = ("These buttons have expired (I restarted since): ask again, or run the command "
           "again.")
EXPIRING = "faqbot:x:"  # an OwnedView button's custom id: this, then 16 random hex digits
# A message sent this long before the bot started may still be the new process's (its clock
# ahead of Discord's): its buttons are left to their view.
CLOCK_SKEW = timedelta(seconds=10)
LIVE_VIEW_GRACE = 1.0  # seconds a live view has to answer before ExpiredButton does
NOT_YOURS = "Only the person who asked can use these buttons. Ask your own question with `/ask`."

ItemRenderer = Callable[[str], Reply | None]
PickHook = Callable[[discord.Interaction, str], Awaitable[None]]


class OwnedView(discord.ui.View):
    """A view only its owner may press; on timeout its buttons are disabled in place. Its
    buttons' and menus' custom ids start with `EXPIRING`, so that one used after a restart,
    which no view in the new process knows, is told so (`ExpiredButton`)."""

    def __init__(self, owner_id: int, timeout: float = VIEW_TIMEOUT, *,
                 also: frozenset[int] = frozenset()) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.owners = also | {owner_id}  # who may press: the owner, and `also` (Find answer's
        # member whose message it was)
        self.message: discord.Message | None = None
        self.interaction: discord.Interaction | None = None
        for item in self.children:  # the decorated buttons (PagerView's)
            _mark_expiring(item)

    def add_item(self, item: discord.ui.Item[Any]) -> Self:
        _mark_expiring(item)
        return super().add_item(item)

    def attach(self, *, message: discord.Message | None = None,
               interaction: discord.Interaction | None = None) -> None:
        """Remember where the view was sent, so that the timeout can disable it there."""
        self.message = message
        self.interaction = interaction

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id in self.owners:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
        return False

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button) and item.url:
                continue  # a link keeps working: it needs no bot to answer it
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        try:
            if self.interaction is not None:
                await self.interaction.edit_original_response(view=self)
            elif self.message is not None:
                await self.message.edit(view=self)
        except discord.HTTPException:
            log.info("could not disable the buttons of a timed-out view", exc_info=True)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item[discord.ui.View]) -> None:
        await apologise(interaction, f"button {getattr(item, 'custom_id', item)!r}", error)


def _mark_expiring(item: discord.ui.Item[Any]) -> None:
    if isinstance(item, discord.ui.Select) or (isinstance(item, discord.ui.Button)
                                               and not item.url):
        item.custom_id = f"{EXPIRING}{secrets.token_hex(8)}"


class ExpiredButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=EXPIRING + r"[0-9a-f]{16}"):
    """An `OwnedView` button (or menu) used after a restart: the view died with the old
    process, so the member is told to ask again (without this, Discord says "This interaction
    failed"). One of a message sent since the start is left to its live view."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="…", custom_id=custom_id))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: Any) -> ExpiredButton:
        return cls(match.group(0))

    @apologising
    async def callback(self, interaction: discord.Interaction) -> None:
        started: datetime | None = getattr(interaction.client, "started_at", None)
        message = interaction.message
        if started is None or message is None or message.created_at >= started - CLOCK_SKEW:
            return
        # A live view answers at once: one that did (a clock far ahead) is not contradicted.
        await asyncio.sleep(LIVE_VIEW_GRACE)
        if not interaction.response.is_done():
            await tell(interaction, EXPIRED)


class SuggestView(OwnedView):
    """'Did you mean…' (or, with no answer, the entries that came closest): one button per
    choice; a click turns the message into that answer."""

    def __init__(self, owner_id: int, choices: Sequence[Choice], render: ItemRenderer,
                 on_pick: PickHook | None = None, timeout: float = VIEW_TIMEOUT, *,
                 question_id: int | None = None, also: frozenset[int] = frozenset()) -> None:
        super().__init__(owner_id, timeout, also=also)
        add_picks(self, choices, Picks(render, on_pick, question_id))


@dataclass(frozen=True, slots=True)
class Picks:
    """What a pick button needs: the picked item's reply, the pick hook, the question's id."""

    render: ItemRenderer
    on_pick: PickHook | None = None
    question_id: int | None = None


def add_picks(view: OwnedView, choices: Sequence[Choice], picks: Picks, *,
              style: discord.ButtonStyle = discord.ButtonStyle.primary) -> None:
    """A numbered button per choice (three at most); a click turns the message into that
    answer, with its own votes, pages and link."""
    for number, choice in enumerate(choices[:3], 1):
        button: discord.ui.Button[OwnedView] = discord.ui.Button(
            label=truncate(f"{number}. {choice.title}", BUTTON_LABEL_LIMIT), style=style)
        button.callback = _pick_callback(view, choice.id, picks)  # type: ignore[method-assign,assignment]
        view.add_item(button)


def _pick_callback(view: OwnedView, item_id: str, picks: Picks
                   ) -> Callable[[discord.Interaction], Awaitable[None]]:
    async def pick(interaction: discord.Interaction) -> None:
        reply = picks.render(item_id)
        if reply is None:
            await interaction.response.send_message(
                "That topic is no longer in the knowledge base.", ephemeral=True,
                allowed_mentions=NO_MENTIONS)
            return
        view.stop()
        pages = build_pages(reply)
        shown = answer_view(pages, view.owner_id, picks.question_id, link=reply.link,
                            also=view.owners)
        await interaction.response.edit_message(embeds=[pages[0]], view=shown,
                                                allowed_mentions=NO_MENTIONS)
        if isinstance(shown, OwnedView):
            shown.attach(interaction=interaction)
        if picks.on_pick is not None:
            await picks.on_pick(interaction, item_id)

    return pick


class PagerView(OwnedView):
    """◀ / ▶ through the pages of a reply longer than one embed."""

    def __init__(self, owner_id: int, pages: Sequence[discord.Embed],
                 timeout: float = VIEW_TIMEOUT, *, start: int = 0,
                 also: frozenset[int] = frozenset()) -> None:
        super().__init__(owner_id, timeout, also=also)
        self.pages = list(pages)
        self.index = min(max(start, 0), len(self.pages) - 1)  # the page shown first
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self,
                                                allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction,
                       _: discord.ui.Button[PagerView]) -> None:
        self.index = max(self.index - 1, 0)
        await self._show(interaction)

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction,
                   _: discord.ui.Button[PagerView]) -> None:
        self.index = min(self.index + 1, len(self.pages) - 1)
        await self._show(interaction)


def answer_view(pages: Sequence[discord.Embed], owner_id: int, question_id: int | None, *,
                link: str | None = None, others: Sequence[Choice] = (),
                picks: Picks | None = None, also: frozenset[int] = frozenset()
                ) -> discord.ui.View | None:
    """Page buttons when there is more than one page; the answer's alternatives (`others`,
    picked as did-you-mean choices are); votes when the question was recorded; a "Read more"
    link to the answer's source when it has an address."""
    view: discord.ui.View | None = (PagerView(owner_id, pages, also=also) if len(pages) > 1
                                    else None)
    if others and picks is not None:
        owned = view if isinstance(view, OwnedView) else OwnedView(owner_id, also=also)
        add_picks(owned, others, picks, style=discord.ButtonStyle.secondary)
        view = owned
    if question_id is not None:
        view = add_vote_buttons(view or discord.ui.View(timeout=None), question_id)
    if link and len(link) <= URL_LIMIT and link.lower().startswith(("https://", "http://")):
        view = view or discord.ui.View(timeout=None)
        view.add_item(discord.ui.Button(label=READ_MORE, url=link,
                                        style=discord.ButtonStyle.link))
    return view
