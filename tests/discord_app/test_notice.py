"""`tell`: an ephemeral notice as the response or a follow-up, never raising."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from unittest import mock

import discord
import pytest

from bot.discord_app.embeds import NO_MENTIONS
from bot.discord_app.notice import tell


def interaction(*, answered: bool) -> mock.MagicMock:
    fake = mock.MagicMock(spec_set=discord.Interaction)
    fake.response = mock.MagicMock(spec_set=discord.InteractionResponse)
    fake.response.is_done.return_value = answered
    fake.response.send_message = mock.AsyncMock()
    fake.followup = mock.MagicMock(spec_set=discord.Webhook)
    fake.followup.send = mock.AsyncMock()
    return fake


async def test_first_the_response_then_a_follow_up() -> None:
    fresh = interaction(answered=False)
    await tell(fresh, "no")
    fresh.response.send_message.assert_awaited_once_with("no", ephemeral=True,
                                                         allowed_mentions=NO_MENTIONS)
    answered = interaction(answered=True)
    await tell(answered, "no")
    answered.followup.send.assert_awaited_once_with("no", ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)


async def test_a_refusal_from_discord_is_logged_not_raised(
        caplog: pytest.LogCaptureFixture) -> None:
    expired = interaction(answered=True)
    expired.followup.send.side_effect = discord.NotFound(
        SimpleNamespace(status=404, reason="Not Found"), "Unknown Webhook")
    with caplog.at_level(logging.WARNING):
        await tell(expired, "sorry")
    assert any("could not tell the user about the error" in r.getMessage()
               for r in caplog.records)
