"""The verdict: answer, suggest or decline, from the scores of ranked items and their thresholds.

One policy for every matcher (lexical, or fused with the semantic layer), so that a knowledge
base's thresholds mean the same whichever scores them.
"""

from __future__ import annotations

from bot.core.knowledge.models import KnowledgeBase, TableRow, Thresholds
from bot.core.matching.match import Verdict

# An out-of-scope topic scoring above the best item by this many of its `margin`s declines the
# question: a quarter of a margin, since a topic that scores higher ("when was gemma released"
# over the open-weight models) is what the question asks.
OUTSCORED = 0.25


def decide(best: float, rival: float, limits: Thresholds, *, outside: float = 0.0,
           joint: bool = False, split: bool = False) -> Verdict:
    """`answer` when the best item reaches its `answer` threshold and leads its rival (the best
    item not linked to it) by `margin`; `suggest` when it reaches `suggest`, or when two items
    answer the question together (`joint`) or the best answers only half of it and another
    the rest (`split`: then never `answer`); else `none`. An out-of-scope topic scoring
    `outside` above the best by OUTSCORED of a margin declines it."""
    if outside and outside - best >= OUTSCORED * limits.margin:
        return Verdict.NONE
    if best >= limits.answer and best - rival >= limits.margin and not split:
        return Verdict.ANSWER
    if best >= limits.suggest or joint:
        return Verdict.SUGGEST
    return Verdict.NONE


def thresholds_by_id(kb: KnowledgeBase) -> dict[str, Thresholds]:
    """Every item's effective thresholds: its own, else the knowledge base's."""
    return {item.id: item.thresholds or kb.thresholds for item in kb.items()}


def links_by_id(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """For each item, the items whose closeness does not make a question ambiguous: those
    related to it either way, and a table with its rows."""
    links: dict[str, set[str]] = {item_id: set() for item_id in kb.ids}
    pairs: list[tuple[str, str]] = []
    for item in kb.items():
        pairs += [(item.id, r) for r in item.related]
        if isinstance(item, TableRow) and kb.table is not None:
            pairs.append((item.id, kb.table.id))
    for a, b in pairs:
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in links.items()}
