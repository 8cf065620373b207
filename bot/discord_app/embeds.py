"""Replies as Discord embeds: the only module that knows Discord's embed limits.

A reply that does not fit one embed is split into pages, each a whole embed within every
limit, so Discord never rejects what the bot sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import discord

from bot.core.replies.plain_text import truncate
from bot.core.replies.reply import Reply, ReplyKind, TableView, body_text, choices_title

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000
BUTTON_LABEL_LIMIT = 80
CHOICE_NAME_LIMIT = 100

# Leave room for the page marker and for ellipses added when cutting.
DESCRIPTION_CHUNK = DESCRIPTION_LIMIT - 96

COLOURS = {
    ReplyKind.ANSWER: discord.Colour.blurple(),
    ReplyKind.SUGGEST: discord.Colour.gold(),
    ReplyKind.NONE: discord.Colour.light_grey(),
    ReplyKind.INFO: discord.Colour.blue(),
    ReplyKind.ERROR: discord.Colour.red(),
}

NO_MENTIONS = discord.AllowedMentions.none()


def role_ping(role_id: int) -> discord.AllowedMentions:
    """Mentions that ping the one role and nothing else: no @everyone, no user, no reply."""
    return discord.AllowedMentions(everyone=False, users=False,
                                   roles=[discord.Object(id=role_id)], replied_user=False)


def split_text(text: str, limit: int = DESCRIPTION_CHUNK) -> list[str]:
    """Split on paragraph, then line, then word boundaries; each piece at most `limit`."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0)
        if cut < limit // 2:
            cut = max(window.rfind("\n"), 0)
        if cut < limit // 2:
            cut = max(window.rfind(" "), 0)
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


@dataclass
class _Field:
    name: str
    value: str

    @property
    def size(self) -> int:
        return len(self.name) + len(self.value)


@dataclass
class _Page:
    title: str
    description: str = ""
    fields: list[_Field] = field(default_factory=list)

    def size(self, footer: str) -> int:
        return (len(self.title) + len(self.description) + len(footer)
                + sum(f.size for f in self.fields))


def table_fields(view: TableView) -> list[_Field]:
    """One field per row: the factor as its name, every side in its value. Reads on a phone."""
    labels = view.columns[1:]
    fields = []
    for row in view.rows:
        value = "\n".join(f"**{label}:** {cell}" for label, cell in zip(labels, row[1:],
                                                                         strict=True))
        fields.append(_Field(truncate(row[0], FIELD_NAME_LIMIT),
                             truncate(value, FIELD_VALUE_LIMIT)))
    return fields


def _fields(reply: Reply) -> list[_Field]:
    fields = table_fields(reply.table) if reply.table is not None else []
    if title := choices_title(reply):  # the buttons below say the same, to be pressed
        listed = "\n".join(f"{n}. {c.title}" for n, c in enumerate(reply.choices[:3], 1))
        fields.append(_Field(truncate(title, FIELD_NAME_LIMIT),
                             truncate(listed, FIELD_VALUE_LIMIT)))
    if reply.see_also:
        titles = " • ".join(choice.title for choice in reply.see_also)
        fields.append(_Field("See also", truncate(titles, FIELD_VALUE_LIMIT)))
    return fields


def discord_time(at: datetime) -> str:
    """A moment as Discord timestamps: relative, then in full, each in the reader's own zone."""
    return f"{discord.utils.format_dt(at, 'R')} ({discord.utils.format_dt(at, 'f')})"


def build_pages(reply: Reply) -> list[discord.Embed]:
    """The reply as one or more embeds, each within all of Discord's limits."""
    title = truncate(reply.title, TITLE_LIMIT - 16)
    footer_base = truncate(reply.footer or "", FOOTER_LIMIT - 32)
    # Title, description and footer share the 6,000 total: a long footer shortens the pages
    # (32 covers " (continued)" and " · Page n/N").
    room = EMBED_TOTAL_LIMIT - len(title) - len(footer_base) - 32
    chunks = split_text(body_text(reply, discord_time), min(DESCRIPTION_CHUNK, room)) or [""]
    pages = [_Page(title, chunk) for chunk in chunks]
    for item in _fields(reply):
        page = pages[-1]
        fits = (len(page.fields) < FIELDS_LIMIT
                and page.size(footer_base) + item.size + 32 <= EMBED_TOTAL_LIMIT)
        if not fits:
            page = _Page(title)
            pages.append(page)
        page.fields.append(item)
    return [_embed(reply, page, footer_base, n, len(pages)) for n, page in enumerate(pages, 1)]


def _embed(reply: Reply, page: _Page, footer: str, number: int, total: int) -> discord.Embed:
    title = page.title if number == 1 else f"{page.title} (continued)"
    embed = discord.Embed(title=title, description=page.description or None,
                          colour=COLOURS[reply.kind])
    for item in page.fields:
        embed.add_field(name=item.name, value=item.value, inline=False)
    marker = f"Page {number}/{total}" if total > 1 else ""
    text = " · ".join(part for part in (footer, marker) if part)
    if text:
        embed.set_footer(text=text)
    return embed


def plain_text(text: str, limit: int = CONTENT_LIMIT) -> str:
    """Member-supplied text made safe to show: no mentions, no Markdown, within `limit`."""
    cleaned = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return truncate(cleaned, limit)


def as_message_text(reply: Reply) -> str:
    """The reply as a message's text, for a channel where the bot may not embed links (Discord
    does not show its embeds there): the title in bold, the body, the table row by row, the
    choices, the footer; within a message's limit."""
    parts = [f"**{reply.title}**", body_text(reply, discord_time)]
    parts.extend(f"**{f.name}**\n{f.value}" for f in _fields(reply))
    if reply.footer:
        parts.append(f"-# {reply.footer}")
    return truncate("\n\n".join(part for part in parts if part), CONTENT_LIMIT)
