"""A parsed document as headings and Discord-Markdown blocks: what every format converts to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qs, urljoin, urlsplit

from bot.core.replies.plain_text import format_table, table_width
from bot.core.replies.reply import TableView

TABLE_WIDTH = 56  # a phone's width in a code block
_ESCAPED = re.compile(r"([\\*_~|`])")
_ADDRESS = re.compile(r"(https?://[^\s<>()\[\]]+)")
_FENCE = "```"
_BROKEN_TICKS = "`\u200b`"  # two backticks a zero-width space apart close no code span
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,20}")


class BlockKind(StrEnum):
    TEXT = "text"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: its depth (1 = top), plain text, anchor for links and 1-based line."""

    level: int
    text: str
    anchor: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an answer, already Discord Markdown; a cut never falls inside one."""

    text: str
    kind: BlockKind = BlockKind.TEXT


Part = Heading | Block


@dataclass(frozen=True, slots=True)
class Page:
    """One source document: its name, title, URL, headings and blocks in order."""

    name: str
    parts: tuple[Part, ...]
    title: str | None = None
    url: str | None = None
    aliases: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def as_block(part: Part) -> Block:
    """A part as answer text: a heading inside a section, or inside a list or a quote, is a
    line in bold."""
    return part if isinstance(part, Block) else Block(f"**{escape(part.text)}**")


def escape(text: str) -> str:
    """Plain text made safe for Discord Markdown: its markup characters escaped, except in
    the web addresses it names (Discord links them as they are written)."""
    parts = _ADDRESS.split(text)
    return "".join(part if n % 2 else _ESCAPED.sub(r"\\\1", part)
                   for n, part in enumerate(parts))


def inline_code(text: str) -> str:
    text = " ".join(text.split("\n"))
    if not text.strip():
        return ""
    if "`" not in text:
        return f"`{text}`"
    safe = text.replace("``", _BROKEN_TICKS)
    return f"`` {safe} ``"


def code_block(code: str, language: str = "") -> Block:
    """A fenced code block; a fence inside the code is broken with a zero-width space."""
    body = code.strip("\n").replace(_FENCE, "`\u200b``")
    lang = language if _LANGUAGE.fullmatch(language or "") else ""
    return Block(f"{_FENCE}{lang}\n{body}\n{_FENCE}", BlockKind.CODE)


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def list_item(marker: str, text: str) -> str:
    """A list item whose following lines are indented under its first."""
    pad = " " * (len(marker) + 1)
    lines = text.strip("\n").splitlines() or [""]
    rest = [f"{pad}{line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"{marker} {lines[0]}", *rest])


def table_block(rows: list[list[str]]) -> Block | None:
    """A table as an aligned monospace block (Discord renders no Markdown tables)."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows if row]
    if not rows:
        return None
    width = max(len(row) for row in rows)
    if width == 1:
        return Block("\n".join(f"- {escape(row[0])}" for row in rows))
    padded = [tuple(row + [""] * (width - len(row))) for row in rows]
    view = TableView(columns=padded[0], rows=tuple(padded[1:]))
    if table_width(view) > TABLE_WIDTH:  # one block a row, every cell under its header
        view = TableView(columns=("#", *padded[0]),
                         rows=tuple((str(n), *row) for n, row in enumerate(padded[1:], 1)))
    return code_block(format_table(view, TABLE_WIDTH))


def absolute(url: str, base: str | None) -> str | None:
    """An http(s) link made absolute against `base`; None where it cannot be (no base, or a
    scheme that is not web: javascript:, data:, file:, mailto:...)."""
    url = url.strip()
    if not url:
        return None
    scheme = urlsplit(url).scheme.lower()
    if not scheme:
        if not base:
            return None
        url = urljoin(base, url)
        scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return None
    return _unwrapped(url)


def _unwrapped(url: str) -> str:
    """The address a redirect link leads to, when it says so in its query (a Google Docs
    export wraps every link as `https://www.google.com/url?q=<address>&sa=...`)."""
    parts = urlsplit(url)
    if parts.path == "/url" and (parts.hostname or "").removeprefix("www.").startswith(
            "google."):
        target = parse_qs(parts.query).get("q", [""])[0]
        if urlsplit(target).scheme.lower() in ("http", "https"):
            return target
    return url


def link(text: str, url: str | None) -> str:
    """`[text](url)`, `<url>` when the text is the address, or the text alone without a url."""
    if not text.strip():
        return ""  # a link around a dropped picture: nothing left to click
    if url is None:
        return text
    url = url.replace(" ", "%20").replace(")", "%29")
    if text.strip() in (url, escape(url)):
        return f"<{url}>"
    return f"[{text}]({url})"


def tidy(text: str) -> str:
    """Spaces collapsed within lines; no blank line runs."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", out)


def plain(text: str) -> str:
    """Heading text on one line, whitespace collapsed."""
    return " ".join(text.split())
