"""Write recorded questions as CSV or JSON Lines. Runs on the store's worker thread."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from typing import Literal, TextIO

from bot.store.clock import to_db

ExportFormat = Literal["csv", "jsonl"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl")

COLUMNS = (
    "id", "asked_at", "guild_id", "channel_id", "user_hash", "user_id", "text", "verdict",
    "item_id", "score", "clicked_id", "up", "down",
)
_TEXT_COLUMNS = frozenset({"text", "item_id", "clicked_id", "guild_id", "channel_id"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_QUERY = """
    SELECT q.id, q.asked_at, q.guild_id, q.channel_id, q.user_hash, q.user_id, q.text,
           q.verdict, q.item_id, q.score, q.clicked_id,
           (SELECT COUNT(*) FROM feedback f WHERE f.question_id = q.id AND f.vote = 1),
           (SELECT COUNT(*) FROM feedback f WHERE f.question_id = q.id AND f.vote = -1)
    FROM questions q WHERE q.asked_at >= ? ORDER BY q.asked_at, q.id
"""


def export_rows(conn: sqlite3.Connection, *, fmt: ExportFormat, out: TextIO,
                since: dt.datetime | None) -> int:
    """Stream every question asked since `since` (all when None) to `out`; rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    bound = to_db(since) if since is not None else ""
    cursor = conn.execute(_QUERY, (bound,))
    written = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in cursor:
            writer.writerow([_csv_cell(name, value) for name, value in zip(COLUMNS, row,
                                                                           strict=True)])
            written += 1
    else:
        for row in cursor:
            out.write(json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False))
            out.write("\n")
            written += 1
    return written


def _csv_cell(name: str, value: object) -> object:
    """Members type the questions: keep a spreadsheet from running one as a formula."""
    if name in _TEXT_COLUMNS and isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
