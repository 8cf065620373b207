"""Autocomplete for `/compare factor:` and `/explain topic:`: pure, platform-neutral.

Each completion is a (label, id) pair: the label is what the member sees, the id what the
command receives. The command re-checks the id it is finally sent (a member may type freely).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.names import factor_names, name_key

LIMIT = 25
LABEL_LIMIT = 100
SCORE_CUTOFF = 75.0


@dataclass(frozen=True, slots=True)
class _Name:
    """One searchable name of an item: its title, an alias or its id."""

    key: str
    item_id: str


def _label(title: str, item_id: str) -> str:
    label = f"{title} ({item_id})"
    if len(label) <= LABEL_LIMIT:
        return label
    return title[: LABEL_LIMIT - 1].rstrip() + "…"


def factor_choices(kb: KnowledgeBase, typed: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """Table rows matching what was typed, by factor name, alias or id: (factor, row id)."""
    if kb.table is None:
        return []
    labels = {row.id: row.factor[:LABEL_LIMIT] for row in kb.table.rows}
    names = [_Name(name_key(name), row.id) for row in kb.table.rows for name in factor_names(row)]
    return _complete(labels, names, typed, limit)


def topic_choices(kb: KnowledgeBase, typed: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """Entries, the table and its rows matching what was typed, by title or id: (label, id)."""
    labels = {item_id: _label(kb.title_of(item_id), item_id) for item_id in kb.ids}
    names = [_Name(name_key(key), item_id)
             for item_id in kb.ids for key in (kb.title_of(item_id), item_id)]
    return _complete(labels, names, typed, limit)


def _complete(labels: dict[str, str], names: list[_Name], typed: str,
              limit: int) -> list[tuple[str, str]]:
    limit = max(0, min(limit, LIMIT))
    wanted = name_key(typed[:LABEL_LIMIT])
    if not wanted:
        return [(label, item_id) for item_id, label in labels.items()][:limit]
    scores: dict[str, float] = {}
    for name in names:
        if name.key.startswith(wanted) or f" {wanted}" in f" {name.key}":
            scores[name.item_id] = max(scores.get(name.item_id, 0.0), 200.0 - len(name.key))
    hits = process.extract(wanted, [name.key for name in names], scorer=fuzz.WRatio,
                           limit=None, score_cutoff=SCORE_CUTOFF)
    for _, score, index in hits:
        item_id = names[index].item_id
        scores[item_id] = max(scores.get(item_id, 0.0), float(score))
    order = list(labels)
    ranked = sorted(scores, key=lambda item_id: (-scores[item_id], order.index(item_id)))
    return [(labels[item_id], item_id) for item_id in ranked[:limit]]
