"""Plain-text rendering of Replies and tables: the terminal chat and Discord code blocks."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta

from bot.core.replies.reply import Reply, TableView, body_text, choices_title

GAP = "  "


def truncate(text: str, limit: int) -> str:
    """Cut text to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
MIN_CELL_WIDTH = 12


def table_width(view: TableView) -> int:
    """The width of the aligned grid layout of a table."""
    widths = _column_widths(view)
    return sum(widths) + len(GAP) * (len(widths) - 1)


def format_table(view: TableView, width: int = 80) -> str:
    """An aligned grid when it fits `width`, else one block a row: narrow enough for a phone."""
    if table_width(view) <= width:
        return _grid(view)
    return _stacked(view, width)


def _column_widths(view: TableView) -> list[int]:
    return [
        max(len(cells[i]) for cells in (view.columns, *view.rows))
        for i in range(len(view.columns))
    ]


def _grid(view: TableView) -> str:
    widths = _column_widths(view)

    def line(cells: tuple[str, ...]) -> str:
        return GAP.join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()

    rule = GAP.join("─" * w for w in widths)
    return "\n".join([line(view.columns), rule, *(line(row) for row in view.rows)])


def _stacked(view: TableView, width: int) -> str:
    labels = view.columns[1:]
    label_width = max(len(label) for label in labels) + 1
    # "  Label: cell" side by side while the cell keeps a readable width; else the label on
    # its own line and the cell below it, so that no line is ever longer than `width`.
    side_by_side = 2 + label_width + 1 + MIN_CELL_WIDTH <= width
    blocks = []
    for row in view.rows:
        lines = _wrap(row[0], width)
        for label, cell in zip(labels, row[1:], strict=True):
            if side_by_side:
                head = f"  {(label + ':').ljust(label_width)} "
                wrapped = _wrap(cell, width - len(head))
                lines.append((head + wrapped[0]).rstrip())
                lines.extend(" " * len(head) + more for more in wrapped[1:])
            else:
                lines.extend("  " + part for part in _wrap(label + ":", width - 2))
                lines.extend("    " + part for part in _wrap(cell, width - 4))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(width, 1)) or [""]


def reply_to_text(reply: Reply, width: int = 80) -> str:
    """A Reply as the terminal shows it: title, body, table, numbered choices, see also, source."""
    parts = [f"{reply.title}\n{'=' * min(len(reply.title), width)}"]
    if body := body_text(reply, readable_time):
        parts.append(body)
    if reply.table is not None:
        parts.append(format_table(reply.table, width))
    if reply.choices:
        title = choices_title(reply)
        parts.append("\n".join([*([title] if title else []),
                                *(f"  {n}. {c.title}" for n, c in enumerate(reply.choices, 1))]))
    if reply.see_also:
        parts.append("See also: " + ", ".join(c.title for c in reply.see_also))
    if reply.footer:
        parts.append(f"Source: {reply.footer}")
    if reply.link:
        parts.append(f"Read more: {reply.link}")
    return "\n\n".join(parts)


def readable_time(at: datetime, now: datetime | None = None) -> str:
    """A moment as a person reads it, in its own zone: "2026-12-07 15:02 UTC, 3 minutes ago"."""
    now = now if now is not None else datetime.now(at.tzinfo)
    return f"{at.strftime('%Y-%m-%d %H:%M %Z').rstrip()}, {_ago(now - at)}"


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
