"""The terminal renderer: the same parts as the plain text, styled only when asked."""

from __future__ import annotations

from bot.core.replies.plain_text import reply_to_text
from bot.core.replies.reply import Reply, ReplyKind
from bot.terminal import render_reply

REPLY = Reply(kind=ReplyKind.ANSWER, title="Brewing tea", body="Steep **three** minutes.",
              footer="The Tiny Guide — Brewing", link="https://tea.example.org/brew#steep")


def test_every_part_of_the_plain_text_is_shown() -> None:
    for color in (False, True):
        shown = render_reply(REPLY, 80, color=color)
        for line in ("Brewing tea", "Source: The Tiny Guide — Brewing",
                     "Read more: https://tea.example.org/brew#steep"):
            assert line in reply_to_text(REPLY, 80)
            assert line in shown, (color, shown)


def test_markdown_is_rendered_not_shown_raw() -> None:
    plain = render_reply(REPLY, 80, color=False)
    assert "Steep three minutes." in plain and "**" not in plain
    assert "\x1b[" not in plain
    assert "\x1b[" in render_reply(REPLY, 80, color=True)
