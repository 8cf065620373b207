"""The terminal renderer: the same parts as the plain text, styled only when asked."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from bot.core.library import Library
from bot.core.replies.plain_text import reply_to_text
from bot.core.replies.reply import ALTERNATIVES_TITLE, Choice, Reply, ReplyKind
from bot.core.replies.status import render_status
from bot.terminal import render_reply

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny" / "kb"

REPLY = Reply(kind=ReplyKind.ANSWER, title="Brewing tea", body="Steep **three** minutes.",
              footer="The Tiny Guide — Brewing", link="https://tea.example.org/brew#steep")


def test_every_part_of_the_plain_text_is_shown() -> None:
    for color in (False, True):
        shown = render_reply(REPLY, 80, color=color)
        for line in ("Brewing tea", "Source: The Tiny Guide — Brewing",
                     "Read more: https://tea.example.org/brew#steep"):
            assert line in reply_to_text(REPLY, 80)
            assert line in shown, (color, shown)


def test_an_answers_alternatives_are_numbered_under_their_title() -> None:
    reply = dataclasses.replace(REPLY, choices=(Choice("a", "Grinding coffee"),))
    for color in (False, True):
        shown = render_reply(reply, 80, color=color)
        assert ALTERNATIVES_TITLE in shown and "1." in shown and "Grinding coffee" in shown
    plain = render_reply(reply, 80, color=False)
    assert f"{ALTERNATIVES_TITLE}\n  1. Grinding coffee" in plain


def test_markdown_is_rendered_not_shown_raw() -> None:
    plain = render_reply(REPLY, 80, color=False)
    assert "Steep three minutes." in plain and "**" not in plain
    assert "\x1b[" not in plain
    assert "\x1b[" in render_reply(REPLY, 80, color=True)


def test_the_status_load_time_reads_as_this_machine_s_local_time() -> None:
    loaded = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3, seconds=10)
    library = Library.open(TINY, clock=lambda: loaded)
    shown = render_reply(render_status(library.current), 100, color=False)
    local = loaded.astimezone()
    assert f"Loaded: {local:%Y-%m-%d %H:%M} {local:%Z}, 3 minutes ago" in shown
    assert "Entries: 3" in shown and "<t:" not in shown
