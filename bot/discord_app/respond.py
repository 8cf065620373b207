"""Send a core Reply to Discord, as an interaction response or as a reply to a message."""

from __future__ import annotations

import discord

from bot.core.replies.reply import Reply, ReplyKind
from bot.discord_app.embeds import NO_MENTIONS, as_message_text, build_pages
from bot.discord_app.views import (
    ItemRenderer,
    OwnedView,
    PickHook,
    Picks,
    SuggestView,
    answer_view,
)


def view_for(reply: Reply, pages: list[discord.Embed], owner_id: int, render: ItemRenderer, *,
             on_pick: PickHook | None = None, question_id: int | None = None,
             also: frozenset[int] = frozenset()) -> discord.ui.View | None:
    """Did-you-mean buttons for a suggestion (and for the entries offered with no answer); page
    buttons for a long reply; on an answer, its alternatives and votes."""
    if reply.kind in (ReplyKind.SUGGEST, ReplyKind.NONE) and reply.choices:
        return SuggestView(owner_id, reply.choices, render, on_pick, question_id=question_id,
                           also=also)
    if reply.kind is not ReplyKind.ANSWER:
        return answer_view(pages, owner_id, None, also=also)
    return answer_view(pages, owner_id, question_id, link=reply.link, others=reply.choices,
                       picks=Picks(render, on_pick, question_id), also=also)


def _attach(view: discord.ui.View | None, *, message: discord.Message | None = None,
            interaction: discord.Interaction | None = None) -> None:
    if isinstance(view, OwnedView):
        view.attach(message=message, interaction=interaction)


async def respond(interaction: discord.Interaction, reply: Reply, *, render: ItemRenderer,
                  ephemeral: bool = False, on_pick: PickHook | None = None,
                  question_id: int | None = None, also: frozenset[int] = frozenset()) -> None:
    """Answer an interaction with the reply (a follow-up if it was already deferred); its
    buttons are for the member who used the command and `also` these."""
    pages = build_pages(reply)
    view = view_for(reply, pages, interaction.user.id, render, on_pick=on_pick,
                    question_id=question_id, also=also)
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(embed=pages[0], ephemeral=ephemeral,
                                            allowed_mentions=NO_MENTIONS)
        else:
            message = await interaction.followup.send(embed=pages[0], view=view,
                                                      ephemeral=ephemeral, wait=True,
                                                      allowed_mentions=NO_MENTIONS)
            _attach(view, message=message)
        return
    if view is None:
        await interaction.response.send_message(embed=pages[0], ephemeral=ephemeral,
                                                allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=ephemeral,
                                                allowed_mentions=NO_MENTIONS)
        _attach(view, interaction=interaction)


async def reply_to(message: discord.Message, reply: Reply, *, owner_id: int,
                   render: ItemRenderer, on_pick: PickHook | None = None,
                   question_id: int | None = None, embeds: bool = True) -> discord.Message:
    """Reply to a channel or DM message with the reply, without pinging its author; as text,
    without page buttons, where the bot may not embed links (`embeds` False)."""
    pages = build_pages(reply)
    if not embeds:
        view = view_for(reply, pages[:1], owner_id, render, on_pick=on_pick,
                        question_id=question_id)
        sent = await message.reply(as_message_text(reply), view=view or discord.utils.MISSING,
                                   mention_author=False, allowed_mentions=NO_MENTIONS)
        _attach(view, message=sent)
        return sent
    view = view_for(reply, pages, owner_id, render, on_pick=on_pick, question_id=question_id)
    if view is None:
        sent = await message.reply(embed=pages[0], mention_author=False,
                                   allowed_mentions=NO_MENTIONS)
    else:
        sent = await message.reply(embed=pages[0], view=view, mention_author=False,
                                   allowed_mentions=NO_MENTIONS)
    _attach(view, message=sent)
    return sent
