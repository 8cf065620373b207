"""How members may name a table row: the keys both `/compare` lookups and autocomplete compare."""

from __future__ import annotations

from bot.core.knowledge.models import TableRow


def name_key(text: str) -> str:
    """Case, hyphens, underscores and spacing folded: 'Data-Privacy' and 'data privacy' agree."""
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def factor_names(row: TableRow) -> tuple[str, ...]:
    """Every name a member may use for a row: its factor, aliases, id and id without 'factor-'."""
    return (row.factor, *row.aliases, row.id, row.id.removeprefix("factor-"))
