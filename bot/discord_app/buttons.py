"""Buttons that work after a restart: the custom id carries a number, the button is rebuilt."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import discord


class NumberedButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=r"faqbot:(?P<kind>[a-z:]+):(?P<number>[0-9]+)"):
    """A button whose custom id is `PREFIX:NUMBER` (a forum post's or a recorded question's id).

    A subclass sets PREFIX, LABEL, EMOJI and STYLE, and a `template` of its own with a `number`
    group: that template is what `add_dynamic_items` registers, so discord.py rebuilds the
    button from its custom id when it is pressed after a restart.
    """

    PREFIX: ClassVar[str]
    LABEL: ClassVar[str]
    EMOJI: ClassVar[str]
    STYLE: ClassVar[discord.ButtonStyle]

    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label=self.LABEL, emoji=self.EMOJI, style=self.STYLE,
                                           custom_id=f"{self.PREFIX}:{number}"))
        self.number = number

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: Any) -> Self:
        return cls(int(match["number"]))
