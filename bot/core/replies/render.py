"""Turn knowledge-base items and matcher decisions into platform-neutral Replies.

The interface words here ("Did you mean…") are the bot's own; everything it says about the
topic comes from the knowledge base.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from bot.core.knowledge.models import ComparisonTable, Entry, KnowledgeBase, TableRow
from bot.core.knowledge.names import factor_names
from bot.core.matching.match import Match, Verdict
from bot.core.replies.reply import Choice, Reply, ReplyKind, TableView
from bot.core.text import fold

FACTOR_HEADER = "Factor"
NONE_TOPICS_SHOWN = 5
NO_ANSWER = "No answer in the knowledge base"


def render_match(kb: KnowledgeBase, match: Match) -> Reply:
    """The reply to a question, following the matcher's verdict."""
    if match.verdict is Verdict.ANSWER and match.answer_id is not None:
        reply = render_item(kb, match.answer_id)
        if reply is not None:
            offered = _known_choices(kb, match.alternatives)
            return dataclasses.replace(reply, choices=offered) if offered else reply
    if match.verdict is Verdict.SUGGEST and match.suggestions:
        return render_suggestions(kb, match.suggestions)
    return render_none(kb, match.related)


def render_item(kb: KnowledgeBase, item_id: str) -> Reply | None:
    """The answer for an entry, the whole table, or one table row; None for an unknown id."""
    item = kb.find(item_id)
    if item is None:
        return None
    if isinstance(item, Entry):
        return _render_entry(kb, item)
    if isinstance(item, ComparisonTable):
        return render_table(kb)
    return _render_row(kb, item)


def render_suggestions(kb: KnowledgeBase, ids: Iterable[str]) -> Reply:
    choices = tuple(Choice(item_id, kb.title_of(item_id)) for item_id in ids)
    return Reply(
        kind=ReplyKind.SUGGEST,
        title="Did you mean…",
        body="I'm not sure which of these you mean. Pick one:",
        choices=choices,
    )


def render_none(kb: KnowledgeBase, related: Iterable[str] = ()) -> Reply:
    """A friendly 'no answer': the entries that came close (`related`) to pick from, else a few
    topics the knowledge base does cover."""
    body = "The knowledge base has no answer to that, and I'd rather not guess."
    if offered := _known_choices(kb, related):
        body += "\n\nThese entries came closest; one of them may help:"
        return Reply(kind=ReplyKind.NONE, title=NO_ANSWER, body=body, choices=offered)
    topics = covered_topics(kb)[:NONE_TOPICS_SHOWN]
    listed = "\n".join(f"• {choice.title}" for choice in topics)
    if listed:
        body += f"\n\nI can help with topics such as:\n{listed}\n\nTry `/topics` for the full list."
    return Reply(kind=ReplyKind.NONE, title=NO_ANSWER, body=body)


def covered_topics(kb: KnowledgeBase) -> list[Choice]:
    """A short tour: one representative per group (its first entry) with the table third,
    then the other entries, so that a knowledge base of one group still names several."""
    seen_groups: set[str | None] = set()
    firsts: list[Choice] = []
    others: list[Choice] = []
    for entry in kb.entries:
        (others if entry.group in seen_groups else firsts).append(Choice(entry.id, entry.title))
        seen_groups.add(entry.group)
    if kb.table is not None:
        firsts.insert(min(2, len(firsts)), Choice(kb.table.id, kb.table.title))
    return firsts + others


def render_table(kb: KnowledgeBase) -> Reply:
    table = kb.table
    if table is None:
        return Reply(kind=ReplyKind.ERROR, title="No comparison table",
                     body="This knowledge base has no comparison table.")
    rows = tuple((row.factor, *row.cells) for row in table.rows)
    return Reply(
        kind=ReplyKind.ANSWER,
        title=table.title,
        body=table.answer,
        table=TableView(columns=(FACTOR_HEADER, *table.columns), rows=rows),
        see_also=_see_also(kb, table.related, exclude=table.id),
        footer=str(table.source) if table.source else None,
        item_id=table.id,
        link=table.source.url if table.source else None,
    )


def _render_row(kb: KnowledgeBase, row: TableRow) -> Reply:
    table = kb.table
    assert table is not None  # a row is only found through its table
    return Reply(
        kind=ReplyKind.ANSWER,
        title=f"{row.factor}: {' vs '.join(table.columns)}",
        table=TableView(columns=(FACTOR_HEADER, *table.columns), rows=((row.factor, *row.cells),)),
        see_also=_see_also(kb, (*row.related, table.id), exclude=row.id),
        footer=str(table.source) if table.source else None,
        item_id=row.id,
    )


def _render_entry(kb: KnowledgeBase, entry: Entry) -> Reply:
    return Reply(
        kind=ReplyKind.ANSWER,
        title=entry.title,
        body=entry.answer,
        see_also=_see_also(kb, entry.related, exclude=entry.id),
        footer=str(entry.source) if entry.source else None,
        item_id=entry.id,
        link=entry.source.url if entry.source else None,
    )


def _see_also(kb: KnowledgeBase, ids: Iterable[str], *, exclude: str) -> tuple[Choice, ...]:
    return _known_choices(kb, (i for i in ids if i != exclude))


def _known_choices(kb: KnowledgeBase, ids: Iterable[str]) -> tuple[Choice, ...]:
    """A choice for each id the knowledge base has, once each, in order."""
    unique = dict.fromkeys(i for i in ids if kb.find(i) is not None)
    return tuple(Choice(item_id, kb.title_of(item_id)) for item_id in unique)


def render_topics(kb: KnowledgeBase) -> Reply:
    """Everything the bot knows, grouped as the knowledge base groups it."""
    groups: dict[str, list[str]] = {}
    for entry in kb.entries:
        line = f"• {entry.title} — `{entry.id}`"
        groups.setdefault(entry.group or "Other topics", []).append(line)
    if kb.table is not None:
        table = kb.table
        lines = groups.setdefault(table.group or table.title, [])
        lines.append(f"• {table.title} — `{table.id}`")
        lines.extend(f"  ◦ {row.factor} — `{row.id}`" for row in table.rows)
    body = "\n\n".join(f"**{name}**\n" + "\n".join(lines) for name, lines in groups.items())
    count = len(kb.ids)
    return Reply(kind=ReplyKind.INFO, title=f"Topics I know ({count})", body=body)


def find_factor(kb: KnowledgeBase, text: str) -> TableRow | None:
    """A table row by id, factor name or alias (case-insensitive), for `/compare factor:`."""
    if kb.table is None:
        return None
    wanted = fold(text)
    for row in kb.table.rows:
        if any(fold(name) == wanted for name in factor_names(row)):
            return row
    return None


def compare_reply(kb: KnowledgeBase, factor: str | None) -> tuple[Reply, bool]:
    """The reply to "compare [factor]", and whether it is an answer (else an error)."""
    if not factor or not factor.strip():
        table = render_table(kb)
        return table, table.table is not None
    row = find_factor(kb, factor)
    reply = render_item(kb, row.id) if row is not None else None
    if reply is None:
        return render_unknown_factor(kb, factor), False
    return reply, True


def explain_reply(kb: KnowledgeBase, topic: str) -> Reply | None:
    """One entry, the table or a row, by id (what autocomplete sends) or by its exact title."""
    wanted = topic.strip()
    reply = render_item(kb, wanted) or render_item(kb, wanted.lower())
    if reply is not None:
        return reply
    folded = wanted.casefold()
    for item_id in kb.ids:
        if kb.title_of(item_id).casefold() == folded:
            return render_item(kb, item_id)
    return None


def render_unknown_factor(kb: KnowledgeBase, text: str) -> Reply:
    factors = ", ".join(row.factor for row in kb.table.rows) if kb.table else ""
    return Reply(
        kind=ReplyKind.ERROR,
        title="Unknown factor",
        body=f"The comparison table has no such factor. Its factors are: {factors}.",
    )


def render_unknown_topic(kb: KnowledgeBase) -> Reply:
    return Reply(kind=ReplyKind.ERROR, title="Unknown topic",
                 body="No topic has that name. Try `/topics` for the full list.")
