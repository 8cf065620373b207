"""Flat listings of every entry and table row, for `faqbot kb list`."""

from __future__ import annotations

from bot.core.knowledge.models import KnowledgeBase
from bot.core.replies.plain_text import format_table
from bot.core.replies.render import render_table

Item = dict[str, object]


def list_items(kb: KnowledgeBase) -> list[Item]:
    """Every entry, the table and its rows: id, kind, title, questions, keywords, answer text."""
    items: list[Item] = [
        {"id": e.id, "kind": "entry", "title": e.title, "group": e.group,
         "questions": list(e.questions), "keywords": list(e.keywords), "answer": e.answer}
        for e in kb.entries
    ]
    table = kb.table
    if table is not None:
        view = render_table(kb).table
        text = format_table(view) if view is not None else ""
        items.append({"id": table.id, "kind": "table", "title": table.title, "group": table.group,
                      "questions": list(table.questions), "keywords": list(table.keywords),
                      "answer": f"{table.answer}\n\n{text}".strip()})
        for row in table.rows:
            cells = "; ".join(f"{col}: {cell}" for col, cell in zip(table.columns, row.cells,
                                                                      strict=True))
            keywords = list(dict.fromkeys([*row.aliases, *row.keywords]))  # aliases repeat them
            items.append({"id": row.id, "kind": "table-row", "title": row.factor,
                          "group": table.group, "questions": list(row.questions),
                          "keywords": keywords, "answer": cells})
    return items
