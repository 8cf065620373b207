"""A short text only the interaction's user sees: refusals, apologies."""

from __future__ import annotations

import logging

import discord

from bot.discord_app.embeds import NO_MENTIONS

log = logging.getLogger(__name__)


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
