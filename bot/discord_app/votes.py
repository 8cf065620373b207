"""👍 / 👎 under an answer: anyone may vote once per answer and change it; survives restarts."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord_app.embeds import NO_MENTIONS
from bot.discord_app.handover import OFFER, handover_offer
from bot.discord_app.notice import apologising

log = logging.getLogger(__name__)

VOTES = {"up": (1, "👍", "Helpful"), "down": (-1, "👎", "Not helpful")}
THANKS = "Thanks for the feedback: {emoji} recorded (press the other button to change it)."
NOT_RECORDED = "Sorry, your vote could not be recorded right now."


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=r"faqbot:vote:(?P<vote>up|down):(?P<question>[0-9]+)"):
    """A vote on the answer to one recorded question; its custom id carries the question id."""

    def __init__(self, vote: str, question_id: int) -> None:
        _, emoji, label = VOTES[vote]
        super().__init__(discord.ui.Button(
            label=label, emoji=emoji, style=discord.ButtonStyle.secondary,
            custom_id=f"faqbot:vote:{vote}:{question_id}"))
        self.vote = vote
        self.question_id = question_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: Any) -> VoteButton:
        return cls(match["vote"], int(match["question"]))

    @apologising
    async def callback(self, interaction: discord.Interaction) -> None:
        recorder = getattr(interaction.client, "recorder", None)
        value, emoji, _ = VOTES[self.vote]
        totals = None
        if recorder is not None:
            totals = await recorder.feedback(self.question_id, interaction.user.id, value)
        text = THANKS.format(emoji=emoji) if totals is not None else NOT_RECORDED
        offer = None
        if value < 0 and totals is not None:
            offer = await handover_offer(interaction, self.question_id)
            if offer is not None:
                text = f"{text}\n{OFFER}"
        if offer is None:
            await interaction.response.send_message(text, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, view=offer, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)


def add_vote_buttons(view: discord.ui.View, question_id: int) -> discord.ui.View:
    for vote in VOTES:
        view.add_item(VoteButton(vote, question_id))
    return view
