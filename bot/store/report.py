"""Plain-text reports of usage and gaps, for the command line and Discord embed bodies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.curation.gaps import GapGroup
from bot.core.knowledge.models import one_line
from bot.core.replies.plain_text import truncate
from bot.store.records import Stats

MAX_CHARS = 4000  # a Discord embed description holds 4096
MAX_EXAMPLE = 120
TOP_ITEMS = 10
TOP_GROUPS = 15


def format_stats(stats: Stats, titles: Mapping[str, str], *, limit: int = MAX_CHARS) -> str:
    """Totals, shares, top entries with votes, feedback per entry and top gaps."""
    since, until = stats.since.date().isoformat(), stats.until.date().isoformat()
    lines = [
        f"Questions, last {stats.days} day{'s' if stats.days != 1 else ''} "
        f"({since} to {until}, UTC): {stats.total}",
        f"Answered {_part(stats.answered, stats)} · suggested {_part(stats.suggested, stats)} · "
        f"unanswered {_part(stats.unanswered, stats)} · suggestions clicked {stats.clicks}",
        f"Feedback: 👍 {stats.up} · 👎 {stats.down}",
    ]
    top = stats.top_entries
    if top:
        lines += ["", "Top entries:"]
        lines += [f"{rank}. {_title(item.item_id, titles)} — {item.asked} asked"
                  f"{_votes(item.up, item.down)}" for rank, item in enumerate(top, 1)]
    voted = sorted((item for item in stats.items if item.up or item.down),
                   key=lambda item: (-item.down, -item.up, item.item_id))
    if voted:
        lines += ["", "Feedback per entry (most 👎 first):"]
        lines += _capped([f"• {_title(item.item_id, titles)}: 👍 {item.up} · 👎 {item.down}"
                          for item in voted], TOP_ITEMS)
    lines += _forum_lines(stats, titles)
    if stats.top_gaps:
        lines += ["", "Top gaps:"]
        lines += [_gap_line(rank, group) for rank, group in enumerate(stats.top_gaps, 1)]
    return _fit(lines, limit)


def format_gaps(groups: Sequence[GapGroup], *, limit: int = MAX_CHARS,
                titles: Mapping[str, str] | None = None) -> str:
    """Groups of unanswered and low-confidence questions, most frequent first."""
    if not groups:
        return "No unanswered or low-confidence questions in this period."
    asked = sum(group.count for group in groups)
    lines = [f"{asked} question{'s' if asked != 1 else ''} in {len(groups)} "
             f"group{'s' if len(groups) != 1 else ''}, most frequent first:"]
    for rank, group in enumerate(groups, 1):
        lines.append(_gap_line(rank, group))
        others = [_clip(text, 60) for text in group.texts if text != group.example][:3]
        if others:
            lines.append("   also: " + " | ".join(f'"{text}"' for text in others))
        if group.candidates:
            names = ", ".join(_title(item_id, titles or {}) for item_id in group.candidates[:3])
            lines.append(f"   closest entries: {names}")
    return _fit(lines, limit)


def _forum_lines(stats: Stats, titles: Mapping[str, str]) -> list[str]:
    """Deflection in the help forums, when posts were opened there in the window."""
    forum = stats.forum
    if not forum.posts:
        return []
    lines = [
        "",
        f"Help forum: {forum.posts} post{'s' if forum.posts != 1 else ''} · answered "
        f"automatically {forum.answered} · handed over to a helper {forum.handed_over}",
        f"Marked solved after the bot's answer: {forum.solved} "
        f"({forum.solved_share:.0%} of those answered)",
    ]
    if forum.items:
        lines.append("Posts solved per entry:")
        lines += _capped([f"• {_title(item.item_id, titles)}: solved {item.solved} of "
                          f"{item.answered}" for item in forum.items], TOP_ITEMS)
    return lines


def _gap_line(rank: int, group: GapGroup) -> str:
    when = f" — last {group.last_asked.date().isoformat()}" if group.last_asked else ""
    return f'{rank}. ×{group.count} "{_clip(group.example, MAX_EXAMPLE)}"{when}'


def _part(count: int, stats: Stats) -> str:
    return f"{count} ({stats.share(count):.0%})"


def _votes(up: int, down: int) -> str:
    return f" · 👍 {up} · 👎 {down}" if up or down else ""


def _title(item_id: str, titles: Mapping[str, str]) -> str:
    title = titles.get(item_id)
    return f"{_clip(title, 80)} ({item_id})" if title and title != item_id else item_id


def _clip(text: str, limit: int) -> str:
    """A member's text on one line, what it cannot show written as an escape ("\\x1b"): an
    escape sequence someone typed must not reach an admin's terminal."""
    return truncate(one_line(" ".join(text.split())), limit)


def _capped(lines: list[str], most: int) -> list[str]:
    if len(lines) <= most:
        return lines
    return [*lines[:most], f"…and {len(lines) - most} more"]


def _fit(lines: list[str], limit: int) -> str:
    """Join lines, dropping the last ones for "…and N more" when over `limit` characters."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for index, line in enumerate(lines):
        tail = f"…and {len(lines) - index} more"
        if len("\n".join([*kept, line, tail])) > limit:
            return "\n".join([*kept, tail])
        kept.append(line)
    return "\n".join(kept)  # pragma: no cover - the whole text fitted
