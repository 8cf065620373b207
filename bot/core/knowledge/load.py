"""Load a knowledge folder in one call: the KnowledgeBase, or every problem found."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge.files import load_folder
from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.schema import validate
from bot.core.memo import BuildMemory


def load_knowledge(folder: Path, memory: BuildMemory | None = None
                   ) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and validate a folder: the KnowledgeBase, or None and every problem, sorted (with a
    library's `memory`, files parsed before are not parsed again).

    Loader problems (syntax, encoding, tags, duplicate keys...) and schema problems are
    reported together; any loader problem means no KnowledgeBase.
    """
    loaded = load_folder(folder, memory)
    kb, problems = validate(loaded.files) if loaded.files else (None, [])
    problems = sorted({*loaded.problems, *problems})
    if problems or kb is None:
        if not problems:  # pragma: no cover - validate explains every refusal
            problems = [Problem(str(folder), 1, 1, "the knowledge base did not load")]
        return None, problems
    return kb, []
