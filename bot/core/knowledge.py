"""Load a knowledge folder in one call: the KnowledgeBase, or every problem found."""

from __future__ import annotations

from pathlib import Path

from bot.core.loader import load_folder
from bot.core.models import KnowledgeBase
from bot.core.problems import Problem
from bot.core.validate import validate


def load_knowledge(folder: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """The KnowledgeBase of a folder, or None and every problem (loader's and schema's), sorted."""
    loaded = load_folder(folder)
    if not loaded.files:
        return None, sorted(loaded.problems)
    kb, problems = validate(loaded.files)
    problems = sorted(loaded.problems + problems)
    if problems:
        return None, problems
    return kb, []
