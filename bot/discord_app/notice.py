"""A short text only the interaction's user sees: refusals, apologies."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord

from bot.discord_app.embeds import NO_MENTIONS

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while handling that. It has been logged."


async def tell(interaction: discord.Interaction, text: str) -> None:
    """Send `text` ephemerally, as the response or, once there is one, as a follow-up.

    Never raises: when Discord refuses (the interaction expired), the failure is logged.
    """
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not tell the user about the error: %r", text[:100], exc_info=True)


async def apologise(interaction: discord.Interaction, what: str, error: BaseException) -> None:
    """Log `error` (the traceback shows at debug level) and tell the member, never raising."""
    log.error("%s failed", what, exc_info=error)
    await tell(interaction, APOLOGY)


ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])
Callback = Callable[[ItemT, discord.Interaction], Coroutine[Any, Any, None]]


def apologising(callback: Callback[ItemT]) -> Callback[ItemT]:
    """A button's callback whose failure the member is told of (`apologise`). For the buttons
    that work after a restart: discord.py only logs their failures (a view's go to its
    `on_error`)."""
    @functools.wraps(callback)
    async def guarded(item: ItemT, interaction: discord.Interaction) -> None:
        try:
            await callback(item, interaction)
        except Exception as exc:
            await apologise(interaction, f"button {getattr(item, 'custom_id', item)!r}", exc)

    return guarded
