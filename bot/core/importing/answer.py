"""Fit a section's blocks into one answer, cutting between blocks and saying where the rest is."""

from __future__ import annotations

import re

from bot.core.importing.page import Block, BlockKind

_FENCE = "```"
# What the knowledge loader refuses: everything but tab, line breaks and printable characters.
_UNWRITABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")  # line breaks to YAML, not to Markdown


def clean(text: str) -> str:
    """Text a knowledge file can hold: no control characters, tabs as spaces, no trailing
    spaces on a line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_SEPARATORS.sub(" ", _UNWRITABLE.sub("", text)).expandtabs(4)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def fit(blocks: tuple[Block, ...], limit: int, more: str) -> tuple[str, bool]:
    """The blocks joined, or as many whole blocks as fit with `more` (where to read the rest)
    after them; and whether anything was cut. A block that alone is too long is shortened at a
    line (code, whose fence is closed again) or a word, never left open."""
    texts = [block for block in blocks if block.text.strip()]
    whole = "\n\n".join(block.text for block in texts)
    if len(whole) <= limit:
        return whole, False
    room = limit - len(more) - 2
    kept: list[str] = []
    used = 0
    for block in texts:
        size = len(block.text) + (2 if kept else 0)
        if used + size > room:
            break
        kept.append(block.text)
        used += size
    if not kept and texts:
        kept.append(_shorten(texts[0], room))
    return "\n\n".join([*(k for k in kept if k), more]), True


def _shorten(block: Block, room: int) -> str:
    if block.kind is BlockKind.CODE:
        lines = block.text.split("\n")
        kept = [lines[0]]
        used = len(lines[0]) + len(_FENCE) + 2
        for line in lines[1:-1]:
            if used + len(line) + 1 > room:
                break
            kept.append(line)
            used += len(line) + 1
        return "\n".join([*kept, _FENCE]) if len(kept) > 1 else ""
    cut = block.text[: max(room - 1, 0)]
    space = cut.rfind(" ")
    if space > room // 2:
        cut = cut[:space]
    return cut.rstrip() + "…" if cut.strip() else ""
