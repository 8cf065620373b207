"""An item's texts besides its phrasings (answer, cells, table context), and what each counts.

Each is (field, text, strength): the strength is the share of a phrasing's weight that a word
found there explains (`Weights`). The index reads them; `why` names the field a word came from.
"""

from __future__ import annotations

from bot.core.knowledge.models import ComparisonTable, Entry, KnowledgeBase, TableRow
from bot.core.matching.weights import Weights


def entry_texts(entry: Entry, w: Weights) -> list[tuple[str, str, float]]:
    """(field, text, strength) of an entry's texts that are not phrasings."""
    return [("answer", entry.answer, w.answer)]


def table_texts(table: ComparisonTable, w: Weights) -> list[tuple[str, str, float]]:
    """(field, text, strength) of the table's own texts that are not phrasings."""
    return [("answer", table.answer, w.answer),
            *(("the table's factors", row.factor, w.context) for row in table.rows),
            ("the table's columns", " ".join(table.columns), w.context)]


def row_texts(table: ComparisonTable, row: TableRow, w: Weights
              ) -> list[tuple[str, str, float]]:
    """(field, text, strength) of a row's cells and its share of its table's words."""
    return [*(("table cells", f"{column}: {cell}", w.cell)
              for column, cell in zip(table.columns, row.cells, strict=False)),
            ("the table's title/keywords", table.title, w.row_context),
            *(("the table's title/keywords", k, w.row_context) for k in table.keywords),
            ("the table's columns", " ".join(table.columns), w.row_context)]


def texts_of(kb: KnowledgeBase, item_id: str, w: Weights) -> list[tuple[str, str, float]]:
    """The non-phrasing texts the index read for an item (see `entry_texts` and the rest)."""
    table = kb.table
    if table is not None:
        if item_id == table.id:
            return table_texts(table, w)
        row = table.row(item_id)
        if row is not None:
            return row_texts(table, row, w)
    entry = kb.entry(item_id)
    return entry_texts(entry, w) if entry is not None else []
