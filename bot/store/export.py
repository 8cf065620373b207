"""Write recorded questions as CSV or JSON Lines. Runs on the store's worker thread."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from typing import Literal, TextIO

from bot.store.clock import to_db
from bot.store.queries import of_knowledge_base

ExportFormat = Literal["csv", "jsonl"]
# Line breaks JSON leaves as they are (ensure_ascii=False) but readers that split lines by
# Unicode's rules (Python's splitlines) break at: written as escapes, one record a line.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl")

COLUMNS = (
    "id", "asked_at", "guild_id", "channel_id", "user_hash", "user_id", "text", "verdict",
    "item_id", "score", "clicked_id", "up", "down", "knowledge_base",
)
_TEXT_COLUMNS = frozenset({"text", "item_id", "clicked_id", "guild_id", "channel_id",
                           "knowledge_base"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_QUERY = """
    SELECT q.id, q.asked_at, q.guild_id, q.channel_id, q.user_hash, q.user_id, q.text,
           q.verdict, q.item_id, q.score, q.clicked_id,
           (SELECT COUNT(*) FROM feedback f WHERE f.question_id = q.id AND f.vote = 1),
           (SELECT COUNT(*) FROM feedback f WHERE f.question_id = q.id AND f.vote = -1),
           q.knowledge_base
    FROM questions q WHERE q.asked_at >= ? AND {knowledge_base} ORDER BY q.asked_at, q.id
"""


def export_rows(conn: sqlite3.Connection, *, fmt: ExportFormat, out: TextIO,
                since: dt.datetime | None, knowledge_base: str | None = None) -> int:
    """Stream every question asked since `since` (all when None) to `out`, of one knowledge
    base (every one when None); rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    bound = to_db(since) if since is not None else ""
    kb_is, kb_params = of_knowledge_base(knowledge_base, "q.knowledge_base")
    cursor = conn.execute(_QUERY.format(knowledge_base=kb_is), (bound, *kb_params))
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
            line = json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False)
            out.write(line.translate(_LINE_BREAKS))
            out.write("\n")
            written += 1
    return written


def _csv_cell(name: str, value: object) -> object:
    """Members type the questions: keep a spreadsheet from running one as a formula."""
    if name in _TEXT_COLUMNS and isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
