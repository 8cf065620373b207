"""How members may name a table row: what `/compare` lookups and autocomplete compare."""

from __future__ import annotations

from bot.core.knowledge.models import TableRow


def factor_names(row: TableRow) -> tuple[str, ...]:
    """Every name a member may use for a row: its factor, aliases, id and id without 'factor-'."""
    return (row.factor, *row.aliases, row.id, row.id.removeprefix("factor-"))
