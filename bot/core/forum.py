"""Help-forum rules that need no Discord: what a post asks, and the tags a solved post gets."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.knowledge.fields import invisible

MAX_APPLIED_TAGS = 5  # Discord's limit of tags on one forum post


def post_question(title: str, body: str | None = None) -> str:
    """The question a post asks: its title, then its first message when that is read and adds
    something (a body that only repeats the title is left out)."""
    title = "" if invisible(title) else " ".join(title.split())
    text = "" if invisible(body or "") else " ".join((body or "").split())
    if not text or text.casefold() == title.casefold():
        return title
    if not title:
        return text
    return f"{title}\n{text}"


def tags_with(applied: Sequence[int], tag: int, *,
              limit: int = MAX_APPLIED_TAGS) -> tuple[int, ...] | None:
    """The post's tags with `tag` added, the others kept in their order; when the post already
    has `limit` tags, the last of them gives way. None when `tag` is applied already."""
    if tag in applied:
        return None
    kept = list(dict.fromkeys(applied))[: max(limit - 1, 0)]
    return (*kept, tag)


def find_tag(tags: Sequence[tuple[int, str]], name: str) -> int | None:
    """The id of the tag called `name` (case and surrounding spaces ignored), or None."""
    wanted = name.strip().casefold()
    for tag_id, tag_name in tags:
        if tag_name.strip().casefold() == wanted:
            return tag_id
    return None
