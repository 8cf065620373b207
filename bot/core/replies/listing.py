"""Flat listings of every entry and table row, for `faqbot kb list`."""

from __future__ import annotations

from bot.core.knowledge.models import ComparisonTable, Entry, Item, KnowledgeBase
from bot.core.replies.plain_text import format_table
from bot.core.replies.render import render_table

Listed = dict[str, object]


def list_items(kb: KnowledgeBase) -> list[Listed]:
    """Every entry, the table and its rows: id, kind, title, questions, keywords, answer text."""
    return [_listed(kb, item) for item in kb.items()]


def _listed(kb: KnowledgeBase, item: Item) -> Listed:
    keywords = list(item.keywords)
    if isinstance(item, Entry):
        kind, group, answer = "entry", item.group, item.answer
    elif isinstance(item, ComparisonTable):
        view = render_table(kb).table
        text = format_table(view) if view is not None else ""
        kind, group, answer = "table", item.group, f"{item.answer}\n\n{text}".strip()
    else:
        table = kb.table
        columns = table.columns if table is not None else ()
        kind, group = "table-row", table.group if table is not None else None
        answer = "; ".join(f"{col}: {cell}" for col, cell in zip(columns, item.cells, strict=True))
        keywords = list(dict.fromkeys([*item.aliases, *item.keywords]))  # aliases repeat them
    return {"id": item.id, "kind": kind, "title": item.title, "group": group,
            "questions": list(item.questions), "keywords": keywords, "answer": answer}
