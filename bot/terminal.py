"""Replies for a terminal: Discord Markdown rendered with rich, in colour on a TTY.

Plain when piped (no escapes, no Markdown marks), in the same layout as `reply_to_text`."""

from __future__ import annotations

import io
import re
from datetime import datetime

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text

from bot.core.replies.plain_text import format_table, readable_time
from bot.core.replies.reply import Reply, body_text, choices_title

FENCE = re.compile(r"^\s*```")
BLOCK = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|#{1,6}\s|>)")  # list items, headings, quotes


def hard_breaks(markdown: str) -> str:
    """Discord keeps every line break; Markdown joins a paragraph's lines. Mark each break
    (outside code blocks) as a hard one, so the terminal shows the lines Discord shows."""
    lines = markdown.split("\n")
    out: list[str] = []
    in_code = False
    for n, line in enumerate(lines):
        if FENCE.match(line):
            in_code = not in_code
        follows = lines[n + 1] if n + 1 < len(lines) else ""
        joined = any(BLOCK.match(text) or FENCE.match(text) for text in (line, follows))
        breaks = not in_code and line.strip() and follows.strip() and not joined
        out.append(line.rstrip() + "\\" if breaks else line)
    return "\n".join(out)


def local_time(at: datetime) -> str:
    """A moment in this machine's time zone, as a person reads it."""
    return readable_time(at.astimezone())


def render_reply(reply: Reply, width: int = 80, *, color: bool) -> str:
    """The reply as text for a terminal `width` wide; ANSI styles only when `color`."""
    console = Console(file=io.StringIO(), width=width, force_terminal=color,
                      color_system="standard" if color else None, no_color=not color,
                      highlight=False, emoji=False, legacy_windows=False)

    def gap() -> None:
        console.print()

    console.print(Text(reply.title, style="bold cyan"))
    console.print(Text("=" * min(len(reply.title), width), style="cyan"))
    if body := body_text(reply, local_time):
        gap()
        console.print(Markdown(hard_breaks(body), hyperlinks=False))
    if reply.table is not None:
        gap()
        console.print(Text(format_table(reply.table, width)), overflow="ignore", crop=False)
    if reply.choices:
        gap()
        if title := choices_title(reply):
            console.print(Text(title, style="bold"))
        for n, choice in enumerate(reply.choices, 1):
            console.print(Text.assemble(("  ", ""), (f"{n}.", "bold yellow"), f" {choice.title}"))
    if reply.see_also:
        gap()
        console.print(Text("See also: " + ", ".join(c.title for c in reply.see_also),
                           style="dim"))
    if reply.footer:
        gap()
        console.print(Text(f"Source: {reply.footer}", style="dim italic"))
    if reply.link:
        gap()
        console.print(Text(f"Read more: {reply.link}", style="dim"), overflow="ignore",
                      crop=False)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in str(text).rstrip("\n").split("\n"))
