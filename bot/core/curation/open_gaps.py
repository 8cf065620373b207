"""Curation helpers shared by the terminal and Discord: titles by id, gaps still open."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.curation.gaps import GapGroup
from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching.match import Verdict
from bot.core.matching.semantic import AnyMatcher


def titles_of(kb: KnowledgeBase) -> dict[str, str]:
    """Every addressable id and its title (a row's factor name)."""
    return {item.id: item.title for item in kb.items()}


def still_open(groups: Sequence[GapGroup], matcher: AnyMatcher) -> list[GapGroup]:
    """The groups the knowledge base still does not answer: fixed gaps drop off the list."""
    return [g for g in groups if matcher.match(g.example).verdict is not Verdict.ANSWER]
